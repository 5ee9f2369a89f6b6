/**
 * Starts what a host (Electron main or the web host) needs: the local cache, the embedded
 * sync server and, on the very first start, the demo workspace.
 */
import { userInfo } from 'node:os';
import { appDataLayout } from './app-paths.ts';
import { createDemoWorkspace, startEmbeddedServer } from './embedded-server.ts';
import { createHostHandlers } from './host-handlers.ts';
import { type CliRunner, JobRunner } from './jobs.ts';
import { LocalCache } from './local-cache.ts';

export interface AppHostOptions {
  dataDir: string;
  mode: 'electron' | 'web';
  version: string;
  demoFile: string;
  nativeBinding?: string;
  /** How to run the `driftdesk` CLI for long jobs. */
  cli: CliRunner;
}

export async function startAppHost(options: AppHostOptions) {
  const layout = appDataLayout(options.dataDir);
  const cache = new LocalCache({ file: layout.cacheFile, nativeBinding: options.nativeBinding });
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
  const handlers = createHostHandlers({ cache, jobs: new JobRunner(options.cli), localServer: local, info: { mode: options.mode, version: options.version, dataDir: options.dataDir } });
  return {
    handlers,
    serverUrl: server.url,
    async close() {
      await server.close();
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
