/**
 * Launches the real app for a test: in browser mode, `driftdesk web` as a child process with
 * its own data folder and a fresh Chromium context; in Electron mode, the built app through
 * Playwright's Electron driver. Both hand back a Page, so the specs do not care which.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type Page, _electron, chromium, test as base } from '@playwright/test';
import { chooseSqliteBinding } from '../../src/node/native-binding.ts';

export type AppKind = 'web' | 'electron';
export const repoRoot = resolve(import.meta.dirname, '../..');

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

export interface RunningApp {
  page: Page;
  dataDir: string;
  /** Stops the app (and its embedded server); the data folder stays for a restart. */
  stop(): Promise<void>;
  /** Starts the app again on the same data folder, with a new page. */
  restart(): Promise<RunningApp>;
  /** Kills the host process outright (SIGKILL): no flush, no goodbye — a crash. */
  crash(): Promise<void>;
  /**
   * The system clipboard's text. The page reads it in the browser; the Electron app refuses
   * pages clipboard reads (window-policy.ts), so there it is read from the main process.
   */
  readClipboard(): Promise<string>;
}

export function electronAvailability(): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  if (probe.status === 0 && probe.stdout) {
    // The app opens its cache with better-sqlite3 built for Electron (npm run rebuild:electron).
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
    const binding = chooseSqliteBinding({ electronVersion: version, appRoot: repoRoot, exists: existsSync });
    return binding.kind === 'missing' ? { ok: false, reason: binding.message } : { ok: true };
  }
  const line = (probe.stderr ?? '').split('\n').find((l) => l.startsWith('Error')) ?? 'binary missing';
  return { ok: false, reason: `Electron runtime not available here (${line.trim()})` };
}

async function launchWeb(browser: Browser, dataDir: string, name: string): Promise<RunningApp> {
  const child: ChildProcess = spawn(process.execPath, ['bin/driftdesk', 'web', '--port', '0', '--data', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, DRIFTDESK_USER_NAME: name, DRIFTDESK_SNAPSHOT_INTERVAL_MS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`web host did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); res(m[1]!); }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => { clearTimeout(timer); rej(new Error(`web host exited ${code}: ${out}`)); });
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(url);
  const stop = async () => {
    await context.close();
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  };
  const crash = async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  const readClipboard = () => page.evaluate(() => navigator.clipboard.readText());
  return { page, dataDir, stop, crash, readClipboard, restart: async () => launchWeb(browser, dataDir, name) };
}

async function launchElectron(dataDir: string, name: string): Promise<RunningApp> {
  // As for Chromium above: Chromium's sandbox cannot start as root (CI containers), so there only.
  const sandboxArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  const app = await _electron.launch({ args: [...sandboxArgs, repoRoot], cwd: repoRoot, env: { ...process.env, DRIFTDESK_DATA_DIR: dataDir, DRIFTDESK_USER_NAME: name, DRIFTDESK_SNAPSHOT_INTERVAL_MS: '0' } });
  const page = await app.firstWindow();
  const crash = async () => {
    app.process().kill('SIGKILL');
  };
  const readClipboard = () => app.evaluate(({ clipboard }) => clipboard.readText());
  return { page, dataDir, stop: () => app.close(), crash, readClipboard, restart: () => launchElectron(dataDir, name) };
}

export const test = base.extend<{ appKind: AppKind; launchApp: (name: string) => Promise<RunningApp> }, { sharedBrowser: Browser }>({
  appKind: ['web', { option: true }],
  sharedBrowser: [
    async ({}, use) => {
      const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
  launchApp: async ({ appKind, sharedBrowser }, use) => {
    if (appKind === 'electron') {
      const available = electronAvailability();
      base.skip(!available.ok, available.ok ? '' : available.reason);
    }
    const apps: RunningApp[] = [];
    const dirs: string[] = [];
    await use(async (name) => {
      const dataDir = mkdtempSync(join(tmpdir(), `driftdesk-e2e-${name.toLowerCase()}-`));
      dirs.push(dataDir);
      const app = appKind === 'web' ? await launchWeb(sharedBrowser, dataDir, name) : await launchElectron(dataDir, name);
      apps.push(app);
      return track(app);
    });
    for (const app of apps) await app.stop().catch(() => {});
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });

    function track(app: RunningApp): RunningApp {
      return { ...app, restart: async () => { const next = await app.restart(); apps.push(next); return track(next); } };
    }
  },
});

export { expect } from '@playwright/test';

/** Runs the CLI and returns its parsed JSON output. */
export function cli(...args: string[]): Record<string, string> {
  const run = spawnSync(process.execPath, ['bin/driftdesk', ...args], { cwd: repoRoot, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`driftdesk ${args.join(' ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, string>;
}
