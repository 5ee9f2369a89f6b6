import { useEffect, useLayoutEffect, useState } from 'react';
import type { HostApi, WorkspaceConnection } from '../../shared/host-contract';
import { takeEarlyOpen } from './session/early-open';
import { navigate, useHashRoute } from './session/hooks';
import { dismissSplash } from './session/splash';
import { WorkspaceSession } from './session/workspace-session';
import { StartPage } from './views/start-page';
import { WorkspaceShell } from './views/workspace-shell';

/** Routes: `#/` start page; `#/w/<workspaceId>/…` an open workspace. */
export function App({ host }: { host: HostApi }) {
  const route = useHashRoute();
  const workspaceId = route[0] === 'w' ? route[1] : undefined;
  const [session, setSession] = useState<WorkspaceSession | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!workspaceId) return;
    let live: WorkspaceSession | null = null;
    let cancelled = false;
    setError(null);
    // Sent as the page started (early-open.ts) when the page was opened on this workspace.
    const early = takeEarlyOpen(workspaceId);
    (early?.connection ?? host.call('workspaces.open', { workspaceId }))
      .then(async (conn: WorkspaceConnection) => {
        if (cancelled) return;
        live = new WorkspaceSession(host, conn, early?.previewJson);
        setSession(live);
        await live.start();
      })
      .catch((err: Error) => !cancelled && setError(err.message));
    return () => {
      cancelled = true;
      setSession(null);
      void live?.dispose();
    };
  }, [host, workspaceId]);

  // No workspace screen to show (the start page, an error): boot.ts's splash, if any, goes now.
  useLayoutEffect(() => {
    if (!workspaceId || error) dismissSplash();
  }, [workspaceId, error]);

  if (!workspaceId) return <StartPage host={host} onOpen={(id) => navigate('w', id, 'incidents')} />;
  if (error) {
    return (
      <main className="center-page">
        <p role="alert" className="error">{error}</p>
        <button type="button" onClick={() => navigate()}>Back to workspaces</button>
      </main>
    );
  }
  if (!session || session.connection.workspaceId !== workspaceId) return <main className="center-page">Opening workspace…</main>;
  return <WorkspaceShell session={session} route={route.slice(2)} />;
}
