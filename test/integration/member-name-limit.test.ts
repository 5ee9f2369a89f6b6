/**
 * One limit for member names (MEMBER_NAME_MAX): the CLI and the invite API refuse a longer
 * name, and a member whose stored name is longer anyway (written by an older CLI) is refused
 * at join with a reason, while the server process goes on serving everyone else.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MEMBER_NAME_MAX, createIncident, listIncidents } from '../../src/core/workspace/index.ts';
import { ServerStore } from '../../server/store.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

const dirs: string[] = [];
const processes: ChildProcess[] = [];
const disposers: (() => void)[] = [];
afterAll(() => {
  for (const d of disposers) d();
  for (const p of processes) if (p.exitCode === null) p.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/driftdesk', ...args], { encoding: 'utf8', timeout: 60_000 });

function serverProcess(dataDir: string): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['bin/driftdesk', 'server', '--port', '0', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  processes.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child, output: () => out });
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

/** Opens a raw websocket and resolves with how the server closed it. */
function closedWith(url: string, workspaceId: string, token: string): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/sync/${workspaceId}?token=${token}`);
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.on('error', reject);
    setTimeout(() => reject(new Error('the server did not close the socket')), 10_000).unref();
  });
}

const ctx = (id: string, name: string) => ({ actor: { id, name }, now: Date.now, newId: () => crypto.randomUUID() });

describe(`member names longer than ${MEMBER_NAME_MAX} characters`, () => {
  it('are refused by the CLI, by the invite API, and at join without taking the server down', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-names-'));
    dirs.push(dataDir);
    const tooLong = 'n'.repeat(MEMBER_NAME_MAX + 1);
    const longest = 'n'.repeat(MEMBER_NAME_MAX);

    // The CLI: exit 2 with a message naming the flag and the limit; the longest name is fine.
    const refusedOwner = cli('workspace', 'create', '--data', dataDir, '--name', 'W', '--owner', tooLong);
    expect(refusedOwner.status).toBe(2);
    expect(refusedOwner.stderr).toContain(`--owner: a name is at most ${MEMBER_NAME_MAX} characters (got ${MEMBER_NAME_MAX + 1})`);
    const created = cli('workspace', 'create', '--data', dataDir, '--name', 'W', '--owner', 'Ada');
    expect(created.status, created.stderr).toBe(0);
    const ws = JSON.parse(created.stdout) as { id: string; token: string };
    const refused = cli('token', 'create', '--data', dataDir, '--workspace', ws.id, '--role', 'editor', '--name', tooLong);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`--name: a name is at most ${MEMBER_NAME_MAX} characters`);
    const accepted = cli('token', 'create', '--data', dataDir, '--workspace', ws.id, '--role', 'editor', '--name', longest);
    expect(accepted.status, accepted.stderr).toBe(0);
    const editor = JSON.parse(accepted.stdout) as { token: string; member: string };

    const server = await serverProcess(dataDir);

    // The invite API: 400 past the limit, 201 at it.
    const invite = (name: string) =>
      fetch(`${server.url}/api/v1/workspaces/${ws.id}/invites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, role: 'commenter' }),
      });
    const badInvite = await invite(tooLong);
    expect(badInvite.status).toBe(400);
    expect(((await badInvite.json()) as { error: string }).error).toContain(`at most ${MEMBER_NAME_MAX} characters`);
    expect((await invite(longest)).status).toBe(201);

    // A name stored before the limit was checked everywhere: written straight into the store.
    const store = new ServerStore(dataDir);
    const legacy = store.createMemberToken(ws.id, 'editor', tooLong);
    store.close();

    // Refused at join with a reason, every time, and the process stays up.
    for (let i = 0; i < 3; i++) {
      const closed = await closedWith(server.url, ws.id, legacy.token);
      expect(closed.code).toBe(1008);
      expect(closed.reason).toContain(`over ${MEMBER_NAME_MAX} characters`);
    }
    expect(server.child.exitCode).toBeNull();
    expect(server.output()).toContain('"event":"join_refused"');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    // Everyone else still syncs through this process.
    const a = connectClient(server.url, ws.id, ws.token);
    const b = connectClient(server.url, ws.id, editor.token);
    disposers.push(a.dispose, b.dispose);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    createIncident(b.doc, { title: 'after the refused joins', severity: 'low' }, ctx(editor.member, longest));
    await waitFor(() => listIncidents(a.doc).some((x) => x.title === 'after the refused joins'), 'edit from the longest-named member at A');
    expect(server.child.exitCode).toBeNull();
  }, 120_000);
});
