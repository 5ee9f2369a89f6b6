import type { WorkspaceSession } from '../session/workspace-session';

const LABELS = { synced: 'Synced', syncing: 'Syncing…', offline: 'Offline', refused: 'Access refused' } as const;

/**
 * Synced / syncing / offline / refused, how many edits made here the server does not have yet,
 * and the reason underneath when it is not synced.
 */
export function SyncIndicator({ session }: { session: WorkspaceSession }) {
  const { kind, detail } = session.sync;
  const pending = session.pending;
  // "Synced" while edits are still unconfirmed would be a promise we cannot keep.
  const shown = kind === 'synced' && pending > 0 ? 'syncing' : kind;
  return (
    <div
      className={`sync sync-${shown}`}
      role="status"
      aria-live="polite"
      data-testid="sync-status"
      data-state={shown}
      data-pending={pending}
      data-unsaved={session.pendingSaves}
      // Only true now: never part of a splash of this screen (session/splash.ts).
      data-splash="skip"
    >
      <span className="dot" aria-hidden="true" />
      <span>{LABELS[shown]}</span>
      <p className="small muted">{session.pendingSaves > 0 ? 'Saving on this device…' : 'All changes saved on this device'}</p>
      {pending > 0 && (
        <p className="small" data-testid="sync-pending">
          {pending} change{pending === 1 ? '' : 's'} not yet on the server
        </p>
      )}
      {shown !== 'synced' && <p className="small">{shown === kind ? detail : 'Sending your changes…'}</p>}
      {session.saveError && <p className="small error">{session.saveError}</p>}
    </div>
  );
}
