import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { addComment, createIncident, listComments, listIncidents, listMembers } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

let dataDir: string;
let server: SyncServer;
const disposers: (() => void)[] = [];

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-server-'));
  // Comments here go into the workspace doc, as an older app writes them; a splitting server would
  // move them into conversation docs a second later, racing the reads (split-timelines.test.ts and
  // thread-docs.test.ts test that path).
  server = await startSyncServer({ port: 0, dataDir, splitConversations: false });
});

afterEach(async () => {
  for (const dispose of disposers.splice(0)) dispose();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function client(workspaceId: string, token: string | null) {
  const c = connectClient(server.url, workspaceId, token);
  disposers.push(c.dispose);
  return c;
}

const ctx = (id: string, name: string) => ({ actor: { id, name }, now: () => Date.now(), newId: () => crypto.randomUUID() });

/** Opens a raw websocket and reports how the upgrade ended: 'open' or the HTTP status. */
function upgradeOutcome(url: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('open', () => { ws.close(); resolve('open'); });
    ws.on('unexpected-response', (_req, res) => { resolve(String(res.statusCode)); ws.terminate(); });
    ws.on('error', () => resolve('error'));
  });
}

describe('sync server', () => {
  it('answers /healthz', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('two y-websocket clients converge through it, and see each other as members', async () => {
    const ws = server.store.createWorkspace('Churn model', 'Ada');
    const bob = server.store.createMemberToken(ws.id, 'editor', 'Bob');
    const a = client(ws.id, ws.token);
    const b = client(ws.id, bob.token);
    await Promise.all([synced(a.provider), synced(b.provider)]);

    const incident = createIncident(a.doc, { title: 'PSI on age > 0.2', severity: 'high' }, ctx(ws.memberId, 'Ada'));
    await waitFor(() => listIncidents(b.doc).length === 1, 'incident at B');
    addComment(b.doc, { target: { kind: 'incident', id: incident.id }, body: 'Looking at it' }, ctx(bob.memberId, 'Bob'));
    await waitFor(() => listComments(a.doc, incident.id).length === 1, 'comment at A');

    expect(listIncidents(b.doc)[0]).toMatchObject({ title: 'PSI on age > 0.2', severity: 'high', status: 'open' });
    expect(listComments(a.doc, incident.id)[0]).toMatchObject({ body: 'Looking at it', authorName: 'Bob' });
    await waitFor(() => listMembers(a.doc).length === 2, 'both members');
    expect(listMembers(a.doc).map((m) => [m.name, m.role])).toEqual([['Ada', 'owner'], ['Bob', 'editor']]);
  });

  it('refuses a bad token, an unknown workspace and a missing token before the upgrade', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const other = server.store.createWorkspace('Other', 'Eve');
    const base = server.url.replace(/^http/, 'ws');
    expect(await upgradeOutcome(`${base}/sync/${ws.id}?token=${ws.token}`)).toBe('open');
    expect(await upgradeOutcome(`${base}/sync/${ws.id}?token=ddt_wrong`)).toBe('401');
    expect(await upgradeOutcome(`${base}/sync/${ws.id}`)).toBe('401');
    expect(await upgradeOutcome(`${base}/sync/ws_doesnotexist?token=${ws.token}`)).toBe('404');
    expect(await upgradeOutcome(`${base}/sync/${ws.id}?token=${other.token}`)).toBe('403');
    expect(await upgradeOutcome(`${base}/elsewhere`)).toBe('404');
  });

  it('keeps the data across a server restart', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const a = client(ws.id, ws.token);
    await synced(a.provider);
    createIncident(a.doc, { title: 'Label drift', severity: 'critical', description: 'p < 0.001' }, ctx(ws.memberId, 'Ada'));
    // The server persists before it echoes; give the update a moment to reach it.
    await waitFor(() => (server.store.db.prepare('SELECT count(*) AS n FROM doc_updates').get() as { n: number }).n >= 2, 'persisted');
    // Graceful shutdown: the connected client is told why it is being closed.
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      a.provider.ws!.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })),
    );
    await server.close();
    expect(await closed).toEqual({ code: 1001, reason: 'server shutting down' });
    a.dispose();
    disposers.length = 0;

    server = await startSyncServer({ port: 0, dataDir, splitConversations: false });
    const fresh = client(ws.id, ws.token);
    await synced(fresh.provider);
    await waitFor(() => listIncidents(fresh.doc).length === 1, 'incident after restart');
    expect(listIncidents(fresh.doc)[0]).toMatchObject({ title: 'Label drift', description: 'p < 0.001' });
  });

  it('drops a viewer\'s edits but keeps serving reads', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const viewer = server.store.createMemberToken(ws.id, 'viewer', 'Vic');
    const a = client(ws.id, ws.token);
    const v = client(ws.id, viewer.token);
    await Promise.all([synced(a.provider), synced(v.provider)]);
    createIncident(v.doc, { title: 'viewer wrote this', severity: 'low' }, ctx(viewer.memberId, 'Vic'));
    createIncident(a.doc, { title: 'owner wrote this', severity: 'low' }, ctx(ws.memberId, 'Ada'));
    await waitFor(() => listIncidents(v.doc).some((i) => i.title === 'owner wrote this'), 'owner edit at viewer');
    expect(listIncidents(a.doc).map((i) => i.title)).toEqual(['owner wrote this']);
  });

  it('closes a connection that sends garbage, and keeps serving the others', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const a = client(ws.id, ws.token);
    await synced(a.provider);
    const raw = new WebSocket(`${server.url.replace(/^http/, 'ws')}/sync/${ws.id}?token=${ws.token}`);
    const closed = new Promise<number>((resolve) => raw.on('close', (code) => resolve(code)));
    await new Promise((r) => raw.on('open', r));
    raw.send(new Uint8Array([0, 2, 0xff, 0xff, 0xff, 0xff, 0xff]));
    expect(await closed).toBe(1007);
    createIncident(a.doc, { title: 'still here', severity: 'low' }, ctx(ws.memberId, 'Ada'));
    const b = client(ws.id, ws.token);
    await waitFor(() => listIncidents(b.doc).length === 1, 'sync after garbage');
  });
});
