import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import { countCommentsByIncident, listIncidents, listDatasetVersions } from '../../../core/workspace';
import { SeverityBadge, StatusBadge, TimeAgo } from '../components/badges';
import type { WorkspaceSession } from '../session/workspace-session';
import { type Snapshot, SnapshotList } from '../components/snapshot-list';

/** The server's history snapshots: look at one, and (owners, editors) restore it as a new change. */
export function HistoryPage({ session }: { session: WorkspaceSession }) {
  const [snapshots, setSnapshots] = useState<Snapshot[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<{ id: number; doc: Y.Doc } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const canRestore = session.connection.role === 'owner' || session.connection.role === 'editor';
  const workspaceId = session.connection.workspaceId;

  useEffect(() => {
    session.host.call('history.list', { workspaceId }).then((r) => setSnapshots(r.snapshots), (e: Error) => setError(e.message));
  }, [session, workspaceId]);
  useEffect(() => () => selected?.doc.destroy(), [selected]);

  async function open(id: number) {
    setMessage(null);
    try {
      const { state } = await session.host.call('history.get', { workspaceId, snapshotId: id });
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state);
      setSelected({ id, doc });
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function restore() {
    if (!selected) return;
    const when = snapshots?.find((s) => s.id === selected.id);
    if (!window.confirm(`Restore the workspace to the snapshot of ${when ? new Date(when.createdAt).toLocaleString() : 'this time'}? Everyone sees the change; a later snapshot can undo it.`)) return;
    setError(null);
    setMessage('Restoring…');
    try {
      const summary = await session.host.call('history.restore', { workspaceId, snapshotId: selected.id });
      setMessage(`Restored: ${summary.added} added back, ${summary.removed} removed, ${summary.changed} changed.`);
    } catch (e) {
      setMessage(null);
      setError(`Could not restore: ${(e as Error).message}`);
    }
  }

  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <p className="muted">The server keeps a snapshot of the workspace at most every 10 minutes while it changes.</p>
      {error && <p role="alert" className="error">{error}</p>}
      {snapshots === null && !error && <p className="muted" role="status">Loading…</p>}
      {snapshots?.length === 0 && <p className="empty">No snapshots yet: the first one is taken with the next change.</p>}
      {snapshots && snapshots.length > 0 && (
        <div className="history">
          <SnapshotList snapshots={snapshots} label="Snapshots" selectedId={selected?.id} onOpen={(id) => void open(id)} />
          {selected && <SnapshotView id={selected.id} doc={selected.doc} canRestore={canRestore} onRestore={() => void restore()} />}
        </div>
      )}
      {message && <p role="status" className="ok">{message}</p>}
    </section>
  );
}

function SnapshotView({ id, doc, canRestore, onRestore }: { id: number; doc: Y.Doc; canRestore: boolean; onRestore: () => void }) {
  const incidents = listIncidents(doc);
  const versions = listDatasetVersions(doc);
  // From the snapshot's summaries too: a split workspace keeps its conversations in their own docs.
  const comments = countCommentsByIncident(doc);
  return (
    <section className="card snapshot" aria-label="Selected snapshot" data-snapshot-id={id}>
      <p>{incidents.length} incidents · {versions.length} dataset versions</p>
      <ul className="plain">
        {incidents.map((i) => (
          <li key={i.id}>
            <SeverityBadge severity={i.severity} /> <StatusBadge status={i.status} /> {i.title}{' '}
            <span className="muted small">({comments.get(i.id)} comments, opened <TimeAgo at={i.createdAt} />)</span>
          </li>
        ))}
      </ul>
      {canRestore ? <button type="button" onClick={onRestore}>Restore this version</button> : <p className="muted small">Owners and editors can restore a snapshot.</p>}
    </section>
  );
}
