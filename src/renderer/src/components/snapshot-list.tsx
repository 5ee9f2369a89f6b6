import { formatBytes } from './format';

/** A history snapshot as the server lists it. */
export type Snapshot = { id: number; createdAt: number; bytes: number };

/** The server's snapshots of a doc, newest first, as buttons: when each was taken and its size. */
export function SnapshotList({ snapshots, label, selectedId, onOpen }: { snapshots: Snapshot[]; label: string; selectedId: number | undefined; onOpen: (id: number) => void }) {
  return (
    <ul className="snapshot-list" aria-label={label}>
      {snapshots.map((s) => (
        <li key={s.id}>
          <button type="button" data-snapshot-id={s.id} aria-pressed={selectedId === s.id} className={selectedId === s.id ? 'secondary active' : 'secondary'} onClick={() => onOpen(s.id)}>
            {new Date(s.createdAt).toLocaleString()} <span className="muted small">({formatBytes(s.bytes)})</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
