/**
 * `driftdesk start` and `driftdesk web`. `start` opens the Electron app; where the Electron
 * runtime cannot be had (no binary, and none can be downloaded), it says so in one line and
 * serves the same app in browser mode instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../node/app-paths.ts';
import { chooseSqliteBinding } from '../node/native-binding.ts';
import { startWebHost } from '../web-host/web-host.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_WEB_PORT = 5155;

export async function launchApp(command: 'start' | 'web', args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, data: { type: 'string' } }, strict: true });
  const dataDir = resolve(values.data ?? defaultDataDir());
  if (command === 'start') {
    const electron = findElectron();
    if (electron.kind === 'found') return runElectron(electron.path, dataDir);
    console.log(`Electron runtime not available (${electron.reason}); starting Driftdesk in browser mode instead.`);
  }
  return runWeb(values.port === undefined ? DEFAULT_WEB_PORT : Number(values.port), dataDir);
}

/** Resolves the Electron binary in a child process: the electron package may try to download it. */
function findElectron(): { kind: 'found'; path: string } | { kind: 'missing'; reason: string } {
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const path = probe.stdout?.trim();
  if (probe.status === 0 && path && existsSync(path)) {
    // The app cannot open its cache without better-sqlite3 built for Electron's ABI: say so here,
    // in the one line, rather than start a window that can only show an error.
    const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
    const binding = chooseSqliteBinding({ electronVersion, appRoot: root, exists: existsSync });
    if (binding.kind === 'missing') return { kind: 'missing', reason: `better-sqlite3 is not built for Electron ${electronVersion}; run "npm run rebuild:electron" on a machine with network access` };
    return { kind: 'found', path };
  }
  const downloadFailed = /failed to install|download/i.test(probe.stderr ?? '');
  return {
    kind: 'missing',
    reason: downloadFailed || !path ? 'its binary is not installed and could not be downloaded' : `no Electron binary at ${path}`,
  };
}

function runElectron(binary: string, dataDir: string): Promise<number> {
  const main = join(root, 'out/main/index.js');
  if (!existsSync(main)) {
    console.error('driftdesk: the app is not built; run "npm run build" first (npm start does it for you).');
    return Promise.resolve(1);
  }
  const child = spawn(binary, [root], { stdio: 'inherit', env: { ...process.env, DRIFTDESK_DATA_DIR: dataDir } });
  return new Promise((done) => child.on('exit', (code) => done(code ?? 0)));
}

async function runWeb(port: number, dataDir: string): Promise<number> {
  const rendererDir = join(root, 'out/renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    console.error('driftdesk: the app is not built; run "npm run build" first (npm run web does it for you).');
    return 1;
  }
  const options = { dataDir, rendererDir, demoFile: join(root, 'resources/demo-workspace.json'), version: appVersion() };
  let host;
  try {
    host = await startWebHost({ ...options, port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    host = await startWebHost({ ...options, port: 0 });
  }
  console.log(`Driftdesk (browser mode) is running at ${host.url} — open it in your browser. Data: ${dataDir}. Ctrl+C to stop.`);
  await new Promise<void>((done) => {
    let warnedAt = 0;
    const stop = () => void host.close().then(done);
    // Ctrl+C with edits the server has not got: they are safe here, but say so once and ask
    // for a second Ctrl+C, since teammates will not see them until the app runs again online.
    process.on('SIGINT', () => {
      const pending = host.pendingEdits();
      if (pending === 0 || Date.now() - warnedAt < 10_000) return stop();
      warnedAt = Date.now();
      console.log(
        `${pending} change${pending === 1 ? ' is' : 's are'} not on the server yet. They are saved in ${dataDir} and sent ` +
          'the next time Driftdesk runs with the server reachable. Press Ctrl+C again to quit anyway.',
      );
    });
    process.once('SIGTERM', stop);
  });
  return 0;
}

function appVersion(): string {
  return (process.env.npm_package_version as string | undefined) ?? '0.1.0';
}
