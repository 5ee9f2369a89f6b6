import type { WorkspaceSession } from '../session/workspace-session';

const LABELS = { synced: 'Synced', syncing: 'Syncing…', offline: 'Offline', refused: 'Access refused' } as const;

/** Synced / syncing / offline, with the reason underneath when it is not synced. */
export function SyncIndicator({ session }: { session: WorkspaceSession }) {
  const { kind, detail } = session.sync;
  return (
    <div className={`sync sync-${kind}`} role="status" aria-live="polite" data-testid="sync-status" data-state={kind}>
      <span className="dot" aria-hidden="true" />
      <span>{LABELS[kind]}</span>
      {kind !== 'synced' && <p className="small">{detail}</p>}
      {session.saveError && <p className="small error">{session.saveError}</p>}
    </div>
  );
}
