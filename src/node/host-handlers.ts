/**
 * The host services behind the contract, shared by the Electron main process and the web
 * host: the local cache, joined workspaces, and the embedded server when one runs.
 */
import type { AppInfo, HostHandlers, WorkspaceConnection } from '../shared/host-contract.ts';
import type { LocalCache } from './local-cache.ts';
import { fetchIdentity, normalizeServerUrl } from './server-client.ts';

/** The embedded sync server as the host sees it. */
export interface LocalServer {
  url: string;
  createWorkspace(name: string, ownerName: string): { id: string; token: string; memberId: string };
}

export interface HostDeps {
  cache: LocalCache;
  localServer: LocalServer | null;
  info: Omit<AppInfo, 'localServerUrl'>;
  now?: () => number;
}

export function createHostHandlers({ cache, localServer, info, now = Date.now }: HostDeps) {
  // The embedded server picks a free port at each start, so a local workspace's URL is
  // always the current one rather than the one saved when it was created.
  const current = (conn: WorkspaceConnection): WorkspaceConnection =>
    conn.local && localServer ? { ...conn, serverUrl: localServer.url } : conn;
  const connection = (workspaceId: string): WorkspaceConnection => {
    const conn = cache.getConnection(workspaceId);
    if (!conn) throw new Error(`workspace ${workspaceId} is not on this machine; create or join it first`);
    return current(conn);
  };

  return {
    'app.info': async () => ({ ...info, localServerUrl: localServer?.url ?? null }),

    'workspaces.list': async () => cache.listConnections().map(current),

    'workspaces.create': async ({ name, yourName }) => {
      if (!localServer) throw new Error('no local server is running, so a workspace cannot be created here; join one instead');
      const created = localServer.createWorkspace(name, yourName);
      const conn: WorkspaceConnection = {
        workspaceId: created.id,
        name,
        serverUrl: localServer.url,
        token: created.token,
        memberId: created.memberId,
        memberName: yourName,
        role: 'owner',
        local: true,
        lastOpenedAt: now(),
      };
      cache.saveConnection(conn);
      return conn;
    },

    'workspaces.join': async ({ serverUrl, token }) => {
      const base = normalizeServerUrl(serverUrl);
      const result = await fetchIdentity(base, token);
      if (result.kind !== 'ok') throw new Error(result.message);
      const { identity } = result;
      const conn: WorkspaceConnection = {
        workspaceId: identity.workspaceId,
        name: identity.workspaceName,
        serverUrl: base,
        token,
        memberId: identity.memberId,
        memberName: identity.name,
        role: identity.role,
        local: localServer !== null && base === localServer.url,
        lastOpenedAt: now(),
      };
      cache.saveConnection(conn);
      return conn;
    },

    'workspaces.open': async ({ workspaceId }) => {
      cache.touchConnection(workspaceId, now());
      return connection(workspaceId);
    },

    'workspaces.check': async ({ workspaceId }) => {
      const conn = connection(workspaceId);
      const result = await fetchIdentity(conn.serverUrl, conn.token);
      if (result.kind !== 'ok') return result;
      const { role, name } = result.identity;
      if (role !== conn.role || name !== conn.memberName) cache.saveConnection({ ...conn, role, memberName: name });
      return { kind: 'ok', role, memberName: name };
    },

    'cache.load': async ({ docId }) => ({ update: cache.loadDoc(docId) }),

    'cache.append': async ({ docId, updates }) => ({ saved: cache.appendUpdates(docId, updates) }),
  } satisfies HostHandlers;
}
