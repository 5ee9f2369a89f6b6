import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZodType } from 'zod';
import { type HostHandlers, hostRequests } from '../shared/host-contract.ts';
import { createHostHandlers } from '../node/host-handlers.ts';
import { JobRunner } from '../node/jobs.ts';
import { LocalCache } from '../node/local-cache.ts';
import { desktopHandlers, handleHostInvoke } from './ipc-handlers.ts';
import { APP_INDEX_URL } from './window-policy.ts';
import { UnreadMentions } from './unread-badge.ts';

let dir: string;
let cache: LocalCache;
let handlers: HostHandlers;
let unread: UnreadMentions;
const ours = (windowId = 7) => ({ windowId, frame: { url: `${APP_INDEX_URL}#/w/ws_a/inbox`, isMainFrame: true } });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-ipc-'));
  cache = new LocalCache({ file: join(dir, 'cache.sqlite') });
  const base = createHostHandlers({ cache, jobs: new JobRunner({ node: process.execPath, cli: 'bin/driftdesk' }), localServer: null, info: { mode: 'electron', version: 'test', dataDir: dir } });
  unread = new UnreadMentions();
  handlers = desktopHandlers(base, { setUnreadMentions: (w, ws, n) => (unread.set(w, ws, n), true) });
});
afterEach(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('main process IPC table', () => {
  it('has a handler for exactly the contract channels, and each channel a zod validator', () => {
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(hostRequests).sort());
    for (const [channel, schema] of Object.entries(hostRequests)) {
      expect(schema, channel).toBeInstanceOf(ZodType);
      expect(typeof handlers[channel as keyof HostHandlers], channel).toBe('function');
    }
  });

  it('refuses calls from any frame but our own top-level page, running nothing', async () => {
    for (const frame of [{ url: 'https://evil.example/', isMainFrame: true }, { url: APP_INDEX_URL, isMainFrame: false }, { url: 'file:///x/index.html', isMainFrame: true }, null]) {
      const reply = await handleHostInvoke(handlers, { windowId: 1, frame }, 'app.unreadMentions', { workspaceId: 'ws_a', count: 3 });
      expect(reply).toMatchObject({ kind: 'error', message: expect.stringContaining("app's own page only") });
    }
    expect(unread.total()).toBe(0);
  });

  it('validates every argument and names the bad field', async () => {
    expect(await handleHostInvoke(handlers, ours(), 'app.unreadMentions', { workspaceId: 'ws_a', count: -1 })).toMatchObject({ kind: 'error', message: expect.stringMatching(/^count: /) });
    expect(await handleHostInvoke(handlers, ours(), 'app.unreadMentions', { workspaceId: '../x', count: 1 })).toMatchObject({ kind: 'error', message: expect.stringMatching(/^workspaceId: /) });
    expect(await handleHostInvoke(handlers, ours(), 'app.unreadMentions', { workspaceId: 'ws_a', count: 1.5 })).toMatchObject({ kind: 'error', message: expect.stringMatching(/^count: /) });
    expect(await handleHostInvoke(handlers, ours(), 'shell.openExternal', { url: 'file:///etc/passwd' })).toEqual({ kind: 'error', message: 'unknown host call shell.openExternal' });
    expect(await handleHostInvoke(handlers, ours(), 'workspaces.open', { workspaceId: 'a b' })).toMatchObject({ kind: 'error', message: expect.stringMatching(/^workspaceId: /) });
    expect(unread.total()).toBe(0);
  });

  it('routes unread counts to the desktop shell, per window', async () => {
    expect(await handleHostInvoke(handlers, ours(7), 'app.unreadMentions', { workspaceId: 'ws_a', count: 3 })).toEqual({ kind: 'ok', value: { badge: true } });
    await handleHostInvoke(handlers, ours(8), 'app.unreadMentions', { workspaceId: 'ws_b', count: 2 });
    expect(unread.total()).toBe(5);
  });

  it('runs the shared handlers on a real cache', async () => {
    expect(await handleHostInvoke(handlers, ours(), 'workspaces.list', {})).toEqual({ kind: 'ok', value: [] });
  });
});
