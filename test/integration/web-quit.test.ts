/**
 * `driftdesk web` stopped with Ctrl+C while edits are not on the server yet: it says so and
 * asks for a second Ctrl+C; the edits stay in the local cache for the next run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appDataLayout } from '../../src/node/app-paths.ts';
import { LocalCache } from '../../src/node/local-cache.ts';

let dir: string;
let child: ChildProcess | null = null;
afterEach(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

it('warns on Ctrl+C with unpushed edits and quits on the second', async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-quit-'));
  // A joined workspace whose server is gone, with one edit made here.
  const cache = new LocalCache({ file: appDataLayout(dir).cacheFile });
  cache.saveConnection({
    workspaceId: 'ws_gone', name: 'Gone', serverUrl: 'http://127.0.0.1:9', token: 'ddt_x', memberId: 'm', memberName: 'Ada',
    role: 'owner', local: false, lastOpenedAt: 1,
  });
  const doc = new Y.Doc();
  doc.getMap('incidents').set('i1', 'made offline');
  cache.appendUpdates('ws_gone', [Y.encodeStateAsUpdate(doc)], [true]);
  cache.close();

  child = spawn(process.execPath, ['bin/driftdesk', 'web', '--port', '0', '--data', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
  const until = async (text: string) => {
    for (let i = 0; i < 300 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain(text);
  };
  await until('is running at');

  child.kill('SIGINT');
  await until('1 change is not on the server yet');
  expect(out).toContain('Press Ctrl+C again to quit anyway.');
  await new Promise((r) => setTimeout(r, 500));
  expect(child.exitCode).toBeNull();

  child.kill('SIGINT');
  expect(await exited).toBe(0);
  const reopened = new LocalCache({ file: appDataLayout(dir).cacheFile });
  expect(reopened.pendingEdits(reopened.docsWithPendingEdits('ws_gone'))).toBe(1);
  reopened.close();
}, 60_000);
