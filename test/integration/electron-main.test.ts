/**
 * The built main process (out/main/index.js) booted under Node with `electron` resolved to a
 * recording stand-in (test/helpers/electron-stub): no Electron runtime exists here, so this
 * checks our wiring end to end — a real host (SQLite cache, embedded sync server) behind the
 * app:// handler, IPC, navigation and permission guards, the menu, deep links, the badge and the
 * files written to the data folder. How Electron itself reacts is not tested (see README).
 * Needs `npm run build` first, as `npm test` does.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsp } from '../../src/main/window-policy.ts';

let dir: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let out: any;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-main-'));
  const run = spawnSync(process.execPath, ['--import', './test/helpers/electron-stub/register.mjs', 'out/main/index.js'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DRIFTDESK_DATA_DIR: dir, DRIFTDESK_USER_NAME: 'Ada' },
  });
  expect(run.status, run.stderr).toBe(0);
  out = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}, 90_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Electron main, booted on a stand-in runtime', () => {
  it('registers the app scheme, sandboxes every renderer and opens a hardened window on app://', () => {
    const names = out.calls.map((c: unknown[]) => c[0]);
    expect(names).toEqual(expect.arrayContaining(['app.enableSandbox', 'protocol.registerSchemesAsPrivileged', 'protocol.handle']));
    // One IPC channel, generic over the contract.
    expect(out.calls.filter((c: unknown[]) => c[0] === 'ipcMain.handle')).toEqual([['ipcMain.handle', 'driftdesk:host']]);
    // A checkout does not take over the driftdesk:// scheme.
    expect(names).not.toContain('app.setAsDefaultProtocolClient');
    expect(out.window.url).toBe('app://driftdesk/index.html');
    expect(out.window.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
  });

  it('serves the built renderer with a CSP naming the embedded server, and nothing outside it', () => {
    expect(out.index.status).toBe(200);
    expect(out.index.body).toContain('<div id="root"></div>');
    const server = new URL(out.list.value[0].serverUrl);
    const csp = parseCsp(out.index.csp);
    expect(csp.get('connect-src')).toEqual(["'self'", `http://${server.host}`, `ws://${server.host}`]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(out.escape.status).toBe(404);
  });

  it('answers IPC from its own top frame only, with arguments validated', () => {
    expect(out.list).toMatchObject({ kind: 'ok', value: [{ name: 'Demo · churn-model', memberName: 'Ada', local: true }] });
    expect(out.untrusted.message).toMatch(/own page only/);
    expect(out.subframe.message).toMatch(/own page only/);
    expect(out.badBadge).toEqual({ kind: 'error', message: 'count: Invalid input: expected number, received string' });
  });

  it('shows unread mentions on the badge and clears them when the window closes', () => {
    expect(out.badge).toEqual({ kind: 'ok', value: { badge: true } });
    const badges = out.calls.filter((c: unknown[]) => c[0] === 'app.setBadgeCount').map((c: unknown[]) => c[1]);
    expect(badges).toEqual([4, 0]);
  });

  it('asks before joining from an invite link, and joins nothing when told no', () => {
    expect(out.calls.filter((c: unknown[]) => c[0] === 'dialog.showMessageBox').map((c: unknown[]) => c[1])).toEqual(['Join a workspace on http://10.9.9.9:4455?']);
    expect(out.afterInvite.value).toHaveLength(1);
  });

  it('keeps pages on the app: https opens outside, file:// and new windows are refused', () => {
    // A redirect off the app stops there: nothing opens outside for a link nobody clicked.
    expect(out.prevented).toEqual(['https', 'file', 'redirect']);
    expect(out.windowOpen).toEqual([{ action: 'deny' }, { action: 'deny' }]);
    const external = out.calls.filter((c: unknown[]) => c[0] === 'shell.openExternal').map((c: unknown[]) => c[1]);
    expect(external).toEqual(['https://example.com/docs', 'https://example.com/x']);
    expect(out.permissions).toEqual([true, false, false, true]);
    expect(out.permissionCheck).toEqual([true, false]);
  });

  it('routes a deep link to the window, and remembers recent workspaces and the window place', () => {
    const ws = out.list.value[0].workspaceId;
    expect(out.sent).toEqual([['driftdesk:event', { event: 'shell.command', payload: { kind: 'navigate', hash: `#/w/${ws}/incidents` } }]]);
    expect(out.menu).toEqual(['&File', 'editMenu', '&View', 'windowMenu', 'help']);
    expect(out.menuAfter).toEqual(['Demo · churn-model', null, 'Clear Recent Workspaces']);
    const recent = JSON.parse(readFileSync(join(dir, 'recent-workspaces.json'), 'utf8'));
    expect(recent.workspaces.map((w: { workspaceId: string }) => w.workspaceId)).toEqual([ws]);
    // open-url (macOS): a workspace no window shows gets a new window, on that page.
    expect(out.calls.map((c: unknown[]) => c[0])).toContain('open-url.preventDefault');
    expect(out.windows).toEqual([`app://driftdesk/index.html#/w/${ws}/incidents`, 'app://driftdesk/index.html#/w/ws_elsewhere/runs/r%201']);
    const state = JSON.parse(readFileSync(join(dir, 'window-state.json'), 'utf8'));
    expect(state.windows[0]).toEqual({ bounds: { x: 320, y: 130, width: 1280, height: 820 }, maximized: false });
  });
});
