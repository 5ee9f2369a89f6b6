import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { addComment, createIncident, listComments, listIncidents, listMembers, updateIncident } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

let dataDir: string;
let server: SyncServer;
const disposers: (() => void)[] = [];

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-roles-'));
  // Comments here go into the workspace doc, as an older app writes them; a splitting server would
  // move them into conversation docs a second later, racing the reads (split-timelines.test.ts and
  // thread-docs.test.ts test that path).
  server = await startSyncServer({ port: 0, dataDir, splitConversations: false });
});
afterEach(async () => {
  for (const d of disposers.splice(0)) d();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function client(workspaceId: string, token: string) {
  const c = connectClient(server.url, workspaceId, token);
  disposers.push(c.dispose);
  return c;
}
const ctx = (id: string, name: string) => ({ actor: { id, name }, now: () => Date.now(), newId: () => crypto.randomUUID() });

describe('roles on the server', () => {
  it('lets a commenter add their own comments and nothing else', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const cm = server.store.createMemberToken(ws.id, 'commenter', 'Cleo');
    const owner = client(ws.id, ws.token);
    await synced(owner.provider);
    const incident = createIncident(owner.doc, { title: 'Drift on age', severity: 'high' }, ctx(ws.memberId, 'Ada'));
    const cleo = client(ws.id, cm.token);
    await waitFor(() => listIncidents(cleo.doc).length === 1, 'incident at commenter');

    addComment(cleo.doc, { target: { kind: 'incident', id: incident.id }, body: 'Seen it too' }, ctx(cm.memberId, 'Cleo'));
    await waitFor(() => listComments(owner.doc, incident.id).length === 1, 'commenter comment at owner');

    // Forbidden, each from a fresh session (after a refused update a client's later updates
    // depend on it, so the server refuses those too): changing an incident, opening one,
    // and commenting under someone else's id.
    const attempts: ((doc: Y.Doc) => void)[] = [
      (doc) => updateIncident(doc, { incidentId: incident.id, status: 'resolved' }, ctx(cm.memberId, 'Cleo')),
      (doc) => createIncident(doc, { title: 'not allowed', severity: 'low' }, ctx(cm.memberId, 'Cleo')),
      (doc) => addComment(doc, { target: { kind: 'incident', id: incident.id }, body: 'forged' }, ctx(ws.memberId, 'Ada')),
    ];
    for (const attempt of attempts) {
      const session = client(ws.id, cm.token);
      await synced(session.provider);
      attempt(session.doc);
    }
    const clean = client(ws.id, cm.token);
    await synced(clean.provider);
    addComment(clean.doc, { target: { kind: 'incident', id: incident.id }, body: 'second, allowed' }, ctx(cm.memberId, 'Cleo'));
    await waitFor(() => listComments(owner.doc, incident.id).length === 2, 'second allowed comment');
    const fresh = client(ws.id, ws.token);
    await synced(fresh.provider);
    await waitFor(() => listComments(fresh.doc, incident.id).length === 2, 'fresh client sync');
    expect(listComments(fresh.doc, incident.id).map((c) => c.body)).toEqual(['Seen it too', 'second, allowed']);
    expect(listIncidents(fresh.doc).map((i) => [i.title, i.status])).toEqual([['Drift on age', 'open']]);
  });

  it('closes a revoked member\'s connection within a second, and applies a role change live', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const bob = server.store.createMemberToken(ws.id, 'editor', 'Bob');
    const b = client(ws.id, bob.token);
    const owner = client(ws.id, ws.token);
    await Promise.all([synced(b.provider), synced(owner.provider)]);

    const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/driftdesk', 'token', ...args, '--data', dataDir], { encoding: 'utf8' });
    const role = cli('role', '--workspace', ws.id, '--member', bob.memberId, '--role', 'viewer');
    expect(role.status, role.stderr).toBe(0);
    await waitFor(() => listMembers(owner.doc).some((m) => m.name === 'Bob' && m.role === 'viewer'), 'role change in members list', 2000);
    createIncident(b.doc, { title: 'written as viewer', severity: 'low' }, ctx(bob.memberId, 'Bob'));

    const raw = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${ws.id}?token=${bob.token}`);
    const closed = new Promise<{ code: number; reason: string }>((r) => raw.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    await new Promise((r) => raw.on('open', r));
    const revoke = cli('revoke', '--workspace', ws.id, '--member', bob.memberId);
    expect(revoke.status, revoke.stderr).toBe(0);
    expect(await closed).toEqual({ code: 4001, reason: 'token revoked' });
    expect(listIncidents(owner.doc)).toEqual([]);
    const listed = JSON.parse(cli('list', '--workspace', ws.id).stdout) as { name: string; activeTokens: number; revokedTokens: number }[];
    expect(listed.find((m) => m.name === 'Bob')).toMatchObject({ activeTokens: 0, revokedTokens: 1 });
  });

  it('lets owners, and only owners, create invites', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const editor = server.store.createMemberToken(ws.id, 'editor', 'Ed');
    const invite = (token: string, body: unknown) =>
      fetch(`${server.url}/api/v1/workspaces/${ws.id}/invites`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = await invite(ws.token, { name: 'Grace', role: 'commenter' });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    expect(server.store.authenticate(token)).toMatchObject({ workspaceId: ws.id, name: 'Grace', role: 'commenter' });
    expect((await invite(editor.token, { name: 'X', role: 'viewer' })).status).toBe(403);
    const bad = await invite(ws.token, { name: '', role: 'admin' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('role');
  });

  it('accepts the token in Sec-WebSocket-Protocol', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const base = `${server.url.replace('http', 'ws')}/sync/${ws.id}`;
    const outcome = (protocols: string[]) =>
      new Promise<string>((resolve) => {
        const sock = new WebSocket(base, protocols);
        sock.on('open', () => { resolve(`open:${sock.protocol}`); sock.close(); });
        sock.on('unexpected-response', (_q, res) => resolve(String(res.statusCode)));
        sock.on('error', () => resolve('error'));
      });
    expect(await outcome(['driftdesk.v1', `driftdesk.token.${ws.token}`])).toBe('open:driftdesk.v1');
    expect(await outcome(['driftdesk.v1', 'driftdesk.token.ddt_wrong'])).toBe('401');
    // The token protocol is never echoed: offered alone, no protocol is answered (a browser or
    // ws then fails the handshake), so a client must offer driftdesk.v1.
    expect(await outcome([`driftdesk.token.${ws.token}`])).toBe('error');
  });

  it('never puts the token in the handshake answer', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const sock = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${ws.id}`, [`driftdesk.token.${ws.token}`, 'driftdesk.v1']);
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      sock.on('upgrade', (res) => resolve(res.headers));
      sock.on('error', reject);
    });
    sock.close();
    expect(headers['sec-websocket-protocol']).toBe('driftdesk.v1');
    expect(JSON.stringify(headers)).not.toContain(ws.token);
  });
});
