/**
 * The server as a trust boundary, attacked the way issue 14 saw it attacked: one test per class
 * of attack, each asserting that the attack is refused and that a fresh client then syncs the
 * workspace, re-encodes it and applies it again without error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import {
  DOC_KEYS,
  INCIDENT_EVENTS_KEY,
  NOTE_TEXT_KEY,
  addComment,
  createIncident,
  createModel,
  listComments,
  listIncidents,
  listMembers,
  noteDocName,
  registerModelVersion,
  upsertRunSummary,
} from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import type { Limits } from '../../server/limits.ts';
import { decodeToRuns, encodeUpdateV1 } from '../../server/update-encode.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';
import { presenceFlood } from '../helpers/presence-flood.ts';

let dataDir: string;
let server: SyncServer;
let logs: Record<string, unknown>[];
const disposers: (() => void)[] = [];

async function start(limits?: Partial<Limits>) {
  // Comments here go into the workspace doc, as an older app writes them; a splitting server would
  // move them into conversation docs a second later, racing the reads (split-timelines.test.ts and
  // thread-docs.test.ts test that path).
  server = await startSyncServer({ port: 0, dataDir, limits, log: (e) => logs.push(e), splitConversations: false });
}
beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-trust-'));
  logs = [];
});
afterEach(async () => {
  for (const d of disposers.splice(0)) d();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const ctx = (id: string, name: string) => ({ actor: { id, name }, now: Date.now, newId: () => crypto.randomUUID() });

function client(workspaceId: string, token: string) {
  const c = connectClient(server.url, workspaceId, token);
  disposers.push(c.dispose);
  return c;
}

/** A team: Ada (owner), Bob (editor), Cleo (commenter), Vic (viewer), with an incident and a model. */
async function team() {
  const ws = server.store.createWorkspace('W', 'Ada');
  const bob = server.store.createMemberToken(ws.id, 'editor', 'Bob');
  const cleo = server.store.createMemberToken(ws.id, 'commenter', 'Cleo');
  const vic = server.store.createMemberToken(ws.id, 'viewer', 'Vic');
  const ada = client(ws.id, ws.token);
  await synced(ada.provider);
  const incident = createIncident(ada.doc, { title: 'Drift on age', severity: 'high' }, ctx(ws.memberId, 'Ada'));
  const model = createModel(ada.doc, { name: 'churn', description: '' }, ctx(ws.memberId, 'Ada'));
  const run = upsertRunSummary(ada.doc, { name: 'r', experiment: 'e', status: 'finished', startedAt: Date.now(), source: 't:r', params: {}, metrics: {} }, ctx(ws.memberId, 'Ada'));
  const version = registerModelVersion(ada.doc, { modelId: model.id, runId: run.record.id }, ctx(ws.memberId, 'Ada'));
  // Every member has joined once (the server writes their member record then).
  for (const t of [bob, cleo, vic]) await synced(client(ws.id, t.token).provider);
  await waitFor(() => listMembers(ada.doc).length === 4, 'four members');
  await server.flushed();
  return { ws, bob, cleo, vic, ada, incident, model, version };
}

/** A copy of what a member's client holds after syncing, to craft updates from. */
async function copyOf(workspaceId: string, token: string, docName: string = workspaceId): Promise<Y.Doc> {
  const c = connectClient(server.url, docName, token);
  await synced(c.provider);
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(c.doc));
  c.dispose();
  return copy;
}

/** The update `change` makes to `doc` (what its client would send). */
function updateOf(doc: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const sv = Y.encodeStateVector(doc);
  change(doc);
  return Y.encodeStateAsUpdate(doc, sv);
}

/** `update` with a zero-length GC struct after its last struct: the update that poisoned workspaces. */
function poisoned(update: Uint8Array): Uint8Array {
  const { runs, ds } = decodeToRuns(update);
  const [c, run] = [...runs][0]!;
  const last = run[run.length - 1]!;
  runs.set(c, [...run, new Y.GC(Y.createID(c, last.id.clock + last.length), 0)]);
  return encodeUpdateV1(runs, ds);
}

interface RawSocket {
  ws: WebSocket;
  received: Uint8Array[];
  closed: Promise<{ code: number; reason: string }>;
}
async function rawSocket(docName: string, token: string): Promise<RawSocket> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${docName}`, ['driftdesk.v1', `driftdesk.token.${token}`]);
  const received: Uint8Array[] = [];
  ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
  await new Promise((r, j) => { ws.on('open', r); ws.on('error', j); });
  disposers.push(() => ws.terminate());
  return { ws, received, closed };
}
const syncUpdateFrame = (update: Uint8Array) => encoding.encode((e) => {
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 2);
  encoding.writeVarUint8Array(e, update);
});
/** The permission-denied reasons the server sent on this socket (y-protocols auth message). */
const deniedReasons = (s: RawSocket) => s.received.flatMap((m) => {
  const d = decoding.createDecoder(m);
  if (decoding.readVarUint(d) !== 2) return [];
  decoding.readVarUint(d);
  return [decoding.readVarString(d)];
});

const pushOverHttp = (docName: string, workspaceId: string, token: string, update: Uint8Array) =>
  fetch(`${server.url}/api/v1/workspaces/${workspaceId}/docs/${docName}/updates`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: Buffer.from(update) });

/** The invariant: a fresh client syncs the doc, and what it holds re-encodes and applies again; so does the stored doc. */
async function freshClientReadsCleanly(docName: string, token: string): Promise<Y.Doc> {
  const reader = connectClient(server.url, docName, token);
  disposers.push(reader.dispose);
  await synced(reader.provider);
  const again = new Y.Doc();
  Y.applyUpdate(again, Y.encodeStateAsUpdate(reader.doc));
  expect(reader.doc.store.pendingStructs).toBeNull();
  await server.flushed();
  const stored = new Y.Doc();
  Y.applyUpdate(stored, await server.store.loadDoc(docName));
  Y.applyUpdate(new Y.Doc(), Y.encodeStateAsUpdate(stored));
  expect(stored.store.pendingStructs).toBeNull();
  return reader.doc;
}

describe('one update cannot poison a workspace', () => {
  it('refuses a zero-length struct next to a normal edit from a commenter, an editor and over HTTP, and ordinary work goes on', async () => {
    await start();
    const t = await team();
    const commenterCopy = await copyOf(t.ws.id, t.cleo.token);
    const comment = poisoned(updateOf(commenterCopy, (d) => addComment(d, { target: { kind: 'incident', id: t.incident.id }, body: 'hi' }, ctx(t.cleo.memberId, 'Cleo'))));
    const cleoSock = await rawSocket(t.ws.id, t.cleo.token);
    cleoSock.ws.send(syncUpdateFrame(comment));
    expect(await cleoSock.closed).toEqual({ code: 1007, reason: expect.stringContaining('length 0') });

    const editorCopy = await copyOf(t.ws.id, t.bob.token);
    const incident = poisoned(updateOf(editorCopy, (d) => createIncident(d, { title: 'poison', severity: 'low' }, ctx(t.bob.memberId, 'Bob'))));
    const bobSock = await rawSocket(t.ws.id, t.bob.token);
    bobSock.ws.send(syncUpdateFrame(incident));
    expect((await bobSock.closed).code).toBe(1007);

    const overHttp = await pushOverHttp(t.ws.id, t.ws.id, t.ws.token, incident);
    expect(overHttp.status).toBe(400);
    expect(((await overHttp.json()) as { error: string }).error).toContain('length 0');

    // A commenter's ordinary comment still works, and every fresh client reads the doc.
    const cleo = client(t.ws.id, t.cleo.token);
    await synced(cleo.provider);
    addComment(cleo.doc, { target: { kind: 'incident', id: t.incident.id }, body: 'ordinary' }, ctx(t.cleo.memberId, 'Cleo'));
    await waitFor(() => listComments(t.ada.doc, t.incident.id).some((c) => c.body === 'ordinary'), 'ordinary comment at Ada');
    const fresh = await freshClientReadsCleanly(t.ws.id, t.vic.token);
    expect(listIncidents(fresh).map((i) => i.title)).toEqual(['Drift on age']);
  });

  it('refuses updates that depend on one the client withholds, from owners too; nothing is stored or counted', async () => {
    await start();
    const t = await team();
    const copy = await copyOf(t.ws.id, t.ws.token);
    updateOf(copy, (d) => createIncident(d, { title: 'withheld', severity: 'low' }, ctx(t.ws.memberId, 'Ada')));
    const before = (await server.store.loadDoc(t.ws.id)).byteLength;
    for (let i = 0; i < 5; i++) {
      const dependent = updateOf(copy, (d) => d.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).forEach((entry) => entry.set('description', 'x'.repeat(100_000) + i)));
      const res = await pushOverHttp(t.ws.id, t.ws.id, t.ws.token, dependent);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain('does not have');
    }
    const sock = await rawSocket(t.ws.id, t.ws.token);
    sock.ws.send(syncUpdateFrame(updateOf(copy, (d) => d.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).forEach((entry) => entry.set('severity', 'low')))));
    expect((await sock.closed).code).toBe(1007);
    await server.flushed();
    expect((await server.store.loadDoc(t.ws.id)).byteLength).toBe(before);
    await freshClientReadsCleanly(t.ws.id, t.vic.token);
  });

  it('repairs a stored doc that already holds a poisoned update, on load, and logs it', async () => {
    await start();
    const t = await team();
    const copy = await copyOf(t.ws.id, t.ws.token);
    const poison = poisoned(updateOf(copy, (d) => createIncident(d, { title: 'kept', severity: 'low' }, ctx(t.ws.memberId, 'Ada'))));
    for (const d of disposers.splice(0)) d();
    await server.close();
    // What an older server stored without checking.
    const { ServerStore } = await import('../../server/store.ts');
    const store = new ServerStore(dataDir);
    store.appendUpdate(t.ws.id, poison);
    await store.close();
    await start();
    const fresh = await freshClientReadsCleanly(t.ws.id, t.vic.token);
    expect(listIncidents(fresh).map((i) => i.title).sort()).toEqual(['Drift on age', 'kept']);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'doc_repaired', doc: t.ws.id, droppedStructs: 1 }));
  });
});

describe('no member writes under another member\'s name', () => {
  it.each([
    ['an editor\'s comment as the owner', (t: Team) => (d: Y.Doc) => addComment(d, { target: { kind: 'incident', id: t.incident.id }, body: 'forged' }, ctx(t.ws.memberId, 'Ada')), 'bob', 'your own member id'],
    ['an editor\'s production move with an owner override', (t: Team) => (d: Y.Doc) => d.getMap(DOC_KEYS.aliasEvents).set('ae1', { id: 'ae1', modelId: t.model.id, alias: 'production', versionId: t.version.id, byId: t.ws.memberId, byName: 'Ada', at: Date.now(), seq: 1, override: { reason: 'trust me' } }), 'bob', 'your own member id'],
    ['an editor\'s own production override', (t: Team) => (d: Y.Doc) => d.getMap(DOC_KEYS.aliasEvents).set('ae2', { id: 'ae2', modelId: t.model.id, alias: 'production', versionId: t.version.id, byId: t.bob.memberId, byName: 'Bob', at: Date.now(), seq: 1, override: { reason: 'trust me' } }), 'bob', 'only owners'],
    ['an editor\'s handoff acceptance as the owner', (_t: Team) => (d: Y.Doc) => d.getMap(DOC_KEYS.handoffEvents).set('he1', { kind: 'decision', id: 'he1', handoffId: 'h1', decision: 'accepted', comment: '', byId: _t.ws.memberId, byName: 'Ada', at: Date.now(), seq: 1 }), 'bob', 'your own member id'],
    ['an editor\'s timeline event as the owner', (t: Team) => (d: Y.Doc) => (d.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(t.incident.id)!.get(INCIDENT_EVENTS_KEY) as Y.Array<unknown> | undefined ?? (() => { const a = new Y.Array<unknown>(); d.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(t.incident.id)!.set(INCIDENT_EVENTS_KEY, a); return a; })()).push([{ kind: 'status', id: 'ev1', at: Date.now(), byId: t.ws.memberId, byName: 'Ada', from: 'open', to: 'resolved' }]), 'bob', 'your own member id'],
    ['an editor making themselves owner', (t: Team) => (d: Y.Doc) => d.getMap(DOC_KEYS.members).set(t.bob.memberId, { id: t.bob.memberId, name: 'Bob', role: 'owner', joinedAt: 1 }), 'bob', 'written by the server'],
    ['an editor demoting the owner', (t: Team) => (d: Y.Doc) => d.getMap(DOC_KEYS.members).set(t.ws.memberId, { id: t.ws.memberId, name: 'Ada', role: 'viewer', joinedAt: 1 }), 'bob', 'written by the server'],
    ['a commenter\'s comment under another name', (t: Team) => (d: Y.Doc) => addComment(d, { target: { kind: 'incident', id: t.incident.id }, body: 'hi' }, ctx(t.cleo.memberId, 'The CEO')), 'cleo', 'your name as the server has it'],
    ['a commenter\'s comment dated next year', (t: Team) => (d: Y.Doc) => addComment(d, { target: { kind: 'incident', id: t.incident.id }, body: 'hi' }, { ...ctx(t.cleo.memberId, 'Cleo'), now: () => Date.now() + 365 * 86_400_000 }), 'cleo', 'in the future'],
    ['a commenter\'s comment with an unknown 4 MiB field', (t: Team) => (d: Y.Doc) => d.getMap(DOC_KEYS.comments).set('c1', { id: 'c1', target: { kind: 'incident', id: t.incident.id }, body: 'hi', authorId: t.cleo.memberId, authorName: 'Cleo', createdAt: Date.now(), padding: 'x'.repeat(4 << 20) }), 'cleo', 'unknown field padding'],
  ])('refuses %s, on a socket and over HTTP', async (_what, change, who, reason) => {
    await start();
    const t = await team();
    const member = who === 'bob' ? t.bob : t.cleo;
    const update = updateOf(await copyOf(t.ws.id, member.token), change(t));
    const sock = await rawSocket(t.ws.id, member.token);
    sock.ws.send(syncUpdateFrame(update));
    await waitFor(() => deniedReasons(sock).length > 0, 'permission denied');
    expect(deniedReasons(sock)[0]).toContain(reason);
    const res = await pushOverHttp(t.ws.id, t.ws.id, member.token, update);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toContain(reason);
    const fresh = await freshClientReadsCleanly(t.ws.id, t.vic.token);
    expect(listMembers(fresh).map((m) => [m.name, m.role]).sort()).toEqual([['Ada', 'owner'], ['Bob', 'editor'], ['Cleo', 'commenter'], ['Vic', 'viewer']]);
    expect(listComments(fresh, t.incident.id)).toEqual([]);
    expect(fresh.getMap(DOC_KEYS.aliasEvents).size + fresh.getMap(DOC_KEYS.handoffEvents).size).toBe(0);
  });
});

type Team = Awaited<ReturnType<typeof team>>;

describe('one low-privilege socket cannot cost everyone', () => {
  it('closes a viewer whose presence message carries 100k client ids, before relaying any of it', async () => {
    await start();
    const t = await team();
    const sock = await rawSocket(t.ws.id, t.vic.token);
    const flood = presenceFlood(100_000, 1_000_000);
    sock.ws.send(flood);
    expect(await sock.closed).toEqual({ code: 1008, reason: expect.stringContaining('at most 16 entries') });
    // The others saw none of it.
    expect([...t.ada.provider.awareness.getStates().keys()].filter((id) => id >= 1_000_000 && id < 1_100_000)).toEqual([]);
    expect(t.ada.provider.wsconnected).toBe(true);
    // Flooding again at once would cost a whole oversized frame per attempt: the token waits.
    const again = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${t.ws.id}`, ['driftdesk.v1', `driftdesk.token.${t.vic.token}`]);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => { ws.close(); resolve(101); });
      ws.on('error', () => {});
    });
    expect(again).toBe(429);
    await freshClientReadsCleanly(t.ws.id, t.cleo.token);
  });

  it('closes a client that never reads, instead of buffering for it forever', async () => {
    await start({ slowReaderBytes: 256 * 1024, slowReaderMs: 300, bytesPerSecond: 64 << 20, byteBurst: 256 << 20 });
    const t = await team();
    const note = noteDocName(t.ws.id, 'n1');
    const lazy = await rawSocket(note, t.vic.token);
    // Stop reading: the kernel buffers fill, then the server's send buffer grows.
    const tcp = (lazy.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    const writer = connectClient(server.url, note, t.ws.token);
    disposers.push(writer.dispose);
    await synced(writer.provider);
    for (let i = 0; i < 100 && metricValue('driftdesk_closed_connections_total{reason="slow_reader"}') < 1; i++) {
      writer.doc.getText(NOTE_TEXT_KEY).insert(0, String(i % 10).repeat(1 << 20));
      await new Promise((r) => setTimeout(r, 50));
    }
    await waitFor(() => metricValue('driftdesk_closed_connections_total{reason="slow_reader"}') >= 1, 'the lazy reader closed', 10_000);
    expect(writer.provider.wsconnected).toBe(true);
    tcp.resume();
    expect((await lazy.closed).code).toBe(1006); // terminated: no close frame for a socket that does not read
  });

  it('measures the doc limit on the doc: typing that inserts and deletes never locks an owner out', async () => {
    await start({ maxDocBytes: 256 * 1024 });
    const t = await team();
    const note = noteDocName(t.ws.id, 'n1');
    const writer = connectClient(server.url, note, t.ws.token);
    disposers.push(writer.dispose);
    await synced(writer.provider);
    const text = writer.doc.getText(NOTE_TEXT_KEY);
    // 30 × 20 KB typed and deleted: 600 KB of updates, a doc that holds almost nothing.
    for (let i = 0; i < 30; i++) {
      text.insert(0, 'y'.repeat(20_000));
      text.delete(0, 20_000);
    }
    text.insert(0, 'still writing');
    const reader = connectClient(server.url, note, t.vic.token);
    disposers.push(reader.dispose);
    await waitFor(() => reader.doc.getText(NOTE_TEXT_KEY).toString() === 'still writing', 'the last edit at a reader', 10_000);
    // A doc that really is past the limit is refused.
    const big = updateOf(await copyOf(t.ws.id, t.ws.token, note), (d) => d.getText(NOTE_TEXT_KEY).insert(0, 'z'.repeat(300_000)));
    const res = await pushOverHttp(note, t.ws.id, t.ws.token, big);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toContain('size limit');
  });
});

let metricsText = '';
function metricValue(name: string): number {
  void fetch(`${server.url}/metrics`).then((r) => r.text()).then((text) => (metricsText = text), () => {});
  const line = metricsText.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').pop()) : 0;
}
