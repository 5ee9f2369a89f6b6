import type { WorkspaceSession } from '../session/workspace-session';
import { syncView } from './sync-view';

/**
 * Synced / syncing / offline / refused / not saved, how many edits made here the server does not
 * have yet, and the reason underneath: one state from the table in sync-view.ts.
 */
export function SyncIndicator({ session }: { session: WorkspaceSession }) {
  const { kind, detail } = session.sync;
  const pending = session.pending;
  const view = syncView({
    connection: kind,
    detail,
    pending,
    local: session.saveError ? 'failed' : session.pendingSaves > 0 ? 'saving' : 'saved',
    saveError: session.saveError,
  });
  return (
    <div
      className={`sync sync-${view.state === 'unsaved' ? 'refused' : view.state}`}
      role="status"
      aria-live="polite"
      data-testid="sync-status"
      data-state={view.state}
      data-pending={pending}
      data-unsaved={session.pendingSaves}
      // Only true now: never part of a splash of this screen (session/splash.ts).
      data-splash="skip"
    >
      <span className="dot" aria-hidden="true" />
      <span>{view.label}</span>
      {view.lines.map((line) => (
        <p key={line.text} className={line.kind === 'muted' ? 'small muted' : line.kind === 'error' ? 'small error' : 'small'} {...(line.kind === 'pending' ? { 'data-testid': 'sync-pending' } : {})}>
          {line.text}
        </p>
      ))}
    </div>
  );
}
