import type { WorkspaceSession } from '../session/workspace-session';

/**
 * What a page shows until the workspace's cached state is applied (in slices, so the page keeps
 * answering): how far it is. A large workspace takes a few seconds on a slow machine; a bar
 * says the app is working, and a click meanwhile is answered by this, not by a frozen page.
 */
export function OpeningWorkspace({ session }: { session: WorkspaceSession }) {
  const loading = session.loading;
  const percent = loading && loading.total > 0 ? Math.floor((100 * loading.applied) / loading.total) : null;
  return (
    <div className="opening-workspace" role="status" aria-live="polite">
      {/* Before the first page arrives the host may still be fetching it (a first open on this device). */}
      <p className="muted">{percent === null ? 'Opening the workspace…' : `Opening the workspace from this device… ${percent} %`}</p>
      {percent !== null && <progress max={100} value={percent} aria-label="Workspace loaded" />}
    </div>
  );
}
