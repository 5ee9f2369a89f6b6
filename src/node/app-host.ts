/**
 * Starts what a host (Electron main or the web host) needs: the local cache, the embedded
 * sync server and, on the very first start, the demo workspace.
 */
import { userInfo } from 'node:os';
import { appDataLayout } from './app-paths.ts';
import { createDemoWorkspace, startEmbeddedServer } from './embedded-server.ts';
import { HostEventBus } from './host-events.ts';
import { createHostHandlers } from './host-handlers.ts';
import { type CliRunner, JobRunner } from './jobs.ts';
import { LocalCache } from './local-cache.ts';
import { SearchIndex } from './search-index.ts';

export interface AppHostOptions {
  dataDir: string;
  mode: 'electron' | 'web';
  version: string;
  demoFile: string;
  nativeBinding?: string;
  /** How to run the `driftdesk` CLI for long jobs. */
  cli: CliRunner;
  /** How often edits made offline are pushed for every workspace (ms). */
  pushEveryMs?: number;
}

export async function startAppHost(options: AppHostOptions) {
  const layout = appDataLayout(options.dataDir);
  const cache = new LocalCache({ file: layout.cacheFile, nativeBinding: options.nativeBinding });
  const search = new SearchIndex(cache);
  const { server, local } = await startEmbeddedServer(layout.serverDir, options.nativeBinding);
  if (cache.listConnections().length === 0) {
    const ownerName = process.env.DRIFTDESK_USER_NAME || safeUserName();
    const demo = createDemoWorkspace(server.store, options.demoFile, ownerName);
    const info = server.store.authenticate(demo.token)!;
    cache.saveConnection({
      workspaceId: demo.id,
      name: info.workspaceName,
      serverUrl: server.url,
      token: demo.token,
      memberId: demo.memberId,
      memberName: ownerName,
      role: 'owner',
      local: true,
      lastOpenedAt: Date.now(),
    });
  }
  const events = new HostEventBus();
  const handlers = createHostHandlers({ cache, search, events, jobs: new JobRunner(options.cli), localServer: local, info: { mode: options.mode, version: options.version, dataDir: options.dataDir } });
  // Edits made offline reach the server without anyone opening their doc again: every joined
  // workspace with pending edits is pushed now and then (a window also asks on reconnect).
  let pushing = false;
  const pushAll = async () => {
    if (pushing) return;
    pushing = true;
    try {
      for (const conn of cache.listConnections()) {
        if (cache.docsWithPendingEdits(conn.workspaceId).length > 0) await handlers['sync.push']({ workspaceId: conn.workspaceId });
      }
    } finally {
      pushing = false;
    }
  };
  const pushTimer = setInterval(() => void pushAll().catch(() => {}), options.pushEveryMs ?? 30_000);
  pushTimer.unref();
  void pushAll().catch(() => {});
  return {
    handlers,
    events,
    serverUrl: server.url,
    /** Saved edits the servers are not known to have, over every joined workspace. */
    pendingEdits(): number {
      return cache.listConnections().reduce((sum, c) => sum + cache.pendingEdits(cache.docsWithPendingEdits(c.workspaceId)), 0);
    },
    async close() {
      clearInterval(pushTimer);
      await server.close();
      search.dispose();
      cache.close();
    },
  };
}

function safeUserName(): string {
  try {
    const name = userInfo().username;
    return name ? name.charAt(0).toUpperCase() + name.slice(1) : 'You';
  } catch {
    return 'You';
  }
}
