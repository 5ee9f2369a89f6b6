/**
 * Opening a workspace from a link or a reload starts with two host calls that need nothing
 * from React: `workspaces.open` (the connection) and `cache.preview` (the incidents list as last
 * drawn). They are sent together as the page's script starts, before React's first render,
 * instead of one after the other from effects; the App and the session take the answers.
 */
import type { HostApi, WorkspaceConnection } from '../../../shared/host-contract';

export interface EarlyOpen {
  workspaceId: string;
  connection: Promise<WorkspaceConnection>;
  /** The kept incidents list (JSON), or null when there is none or the host could not say. */
  previewJson: Promise<string | null>;
}

let early: EarlyOpen | null = null;

/** Sends both calls when the route names a workspace (`['w', id, …]`). */
export function startEarlyOpen(host: HostApi, route: string[]): void {
  if (route[0] !== 'w' || !route[1]) return;
  const workspaceId = route[1];
  const connection = host.call('workspaces.open', { workspaceId });
  const previewJson = host.call('cache.preview', { docId: workspaceId, list: 'incidents' }).then(
    ({ json }) => json,
    () => null, // a preview is an optimisation: without one the list waits for the doc, as before
  );
  // Nobody may take it (the route changed first); its failure is reported by whoever does.
  connection.catch(() => {});
  early = { workspaceId, connection, previewJson };
}

/** The early calls for this workspace, once: a later open (a reload of the session, another workspace) asks afresh. */
export function takeEarlyOpen(workspaceId: string): EarlyOpen | null {
  const taken = early?.workspaceId === workspaceId ? early : null;
  early = null;
  return taken;
}
