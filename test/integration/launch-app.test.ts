/**
 * `driftdesk start` where Electron cannot run (this machine: no binary, none downloadable): one
 * line says why, then the same app is served in browser mode — really served, with its CSP.
 * Needs the renderer built (`npm run build`), as `npm test` does first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';

let dir: string;
let child: ChildProcess | null = null;
afterEach(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

it('falls back to browser mode with the reason in one line', async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-start-'));
  child = spawn(process.execPath, ['bin/driftdesk', 'start', '--port', '0', '--data', dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
  for (let i = 0; i < 600 && !out.includes('is running at'); i++) await new Promise((r) => setTimeout(r, 100));

  const lines = out.split('\n');
  const reasonLine = lines.findIndex((l) => l.startsWith('Electron runtime not available'));
  expect(reasonLine, out).toBeGreaterThanOrEqual(0);
  expect(lines[reasonLine]).toMatch(/^Electron runtime not available \([^()\n]+\); starting Driftdesk in browser mode instead\.$/);
  // The reason is the only thing said before the app runs: no download log or stack trace.
  expect(lines.slice(0, reasonLine).filter((l) => l.trim() !== '')).toEqual([]);
  expect(lines[reasonLine + 1]).toMatch(/^Driftdesk \(browser mode\) is running at http:\/\/127\.0\.0\.1:\d+ /);

  const url = /running at (http:\/\/\S+)/.exec(out)![1]!;
  const page = await fetch(url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<div id="root">');
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");

  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}, 90_000);
