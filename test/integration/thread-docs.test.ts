/**
 * Conversation docs on a real sync server (src/core/workspace/thread-docs.ts): each target's
 * conversation is a room of its own (`/sync/<ws>:thread:<kind>:<id>`) with the workspace's
 * tokens and the write policy per role; the server keeps the workspace doc's summaries and
 * mention records; archives carry the docs; and a workspace made the way today's app makes one
 * (every conversation in the workspace doc) is split into conversation docs with nothing lost —
 * on SQLite and on PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { exportWorkspace } from '../../server/archive/export-workspace.ts';
import { importWorkspace } from '../../server/archive/import-workspace.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import { ServerStore } from '../../server/store.ts';
import type { Store } from '../../server/store-contract.ts';
import {
  type CommentRecord,
  DOC_KEYS,
  INCIDENT_EVENTS_KEY,
  THREAD_EVENTS_KEY,
  addComment,
  assignIncident,
  createIncident,
  countCommentsByIncident,
  createModel,
  incidentThreadedTimeline,
  listConversationEvents,
  listInbox,
  listIncidents,
  listThreads,
  registerModelVersion,
  replyToComment,
  resolveThread,
  threadDocName,
  toggleReaction,
  updateIncident,
  upsertRunSummary,
} from '../../src/core/workspace/index.ts';
import { type RunningPostgres, serviceOwner, startPostgres } from '../helpers/services.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

const services = serviceOwner();
let pg: RunningPostgres;
let dir: string;
const disposers: (() => void)[] = [];
beforeAll(async () => {
  pg = await services.start(startPostgres());
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-threads-'));
}, 60_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await services.stop();
});
afterEach(() => {
  for (const d of disposers.splice(0)) d();
});

/** `splitConversations: false` where a test splits by hand (a server splits on first load by default). */
function sqliteServer(options: { splitConversations?: boolean } = {}) {
  return startSyncServer({ port: 0, dataDir: mkdtempSync(join(dir, 'sqlite-')), ...options });
}
async function postgresServer(options: { splitConversations?: boolean } = {}) {
  // Workspace ids are random: tests sharing the database do not see each other's workspaces.
  return startSyncServer({ port: 0, store: await PostgresStore.open(pg.url), monitorJobs: false, ...options });
}

function client(server: SyncServer<Store>, room: string, token: string, doc?: Y.Doc) {
  const c = connectClient(server.url, room, token, doc);
  disposers.push(c.dispose);
  return c;
}

const ctx = (id: string, name: string) => ({ actor: { id, name }, now: Date.now, newId: () => crypto.randomUUID() });

function stored(bytes: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  if (bytes.byteLength > 0) Y.applyUpdate(doc, bytes);
  return doc;
}

describe('conversation rooms', () => {
  it('sync a conversation apart from the workspace doc, refuse a commenter\'s forged comment, and keep the summary and mentions in the workspace doc', async () => {
    const server = await sqliteServer();
    try {
      const ws = server.store.createWorkspace('W', 'Ada');
      const commenter = server.store.createMemberToken(ws.id, 'commenter', 'Cleo');
      const ada = client(server, ws.id, ws.token);
      await synced(ada.provider);
      // Cleo must have joined once for @Cleo to resolve to her.
      const cleoWs = client(server, ws.id, commenter.token);
      await synced(cleoWs.provider);
      await waitFor(() => ada.doc.getMap(DOC_KEYS.members).size === 2, 'both members listed');
      const incident = createIncident(ada.doc, { title: 'Drift on age', severity: 'high' }, ctx(ws.memberId, 'Ada'));
      await waitFor(() => cleoWs.doc.getMap(DOC_KEYS.incidents).has(incident.id), 'incident at Cleo');
      const room = threadDocName(ws.id, { kind: 'incident', id: incident.id });
      const adaThread = client(server, room, ws.token);
      const cleoThread = client(server, room, commenter.token);
      await Promise.all([synced(adaThread.provider), synced(cleoThread.provider)]);

      const first = addComment(ada.doc, { target: { kind: 'incident', id: incident.id }, body: 'Vendor change? @Cleo' }, ctx(ws.memberId, 'Ada'), adaThread.doc);
      await waitFor(() => cleoThread.doc.getMap(DOC_KEYS.comments).has(first.id), 'comment at Cleo');
      const reply = replyToComment(cleoWs.doc, { commentId: first.id, body: 'Looks like it' }, ctx(commenter.memberId, 'Cleo'), cleoThread.doc);
      toggleReaction(cleoThread.doc, { commentId: first.id, emoji: 'eyes' }, ctx(commenter.memberId, 'Cleo'));
      await waitFor(() => adaThread.doc.getMap(DOC_KEYS.comments).has(reply.id) && adaThread.doc.getMap(DOC_KEYS.reactions).size === 1, 'reply and reaction at Ada');

      // Cleo forges a comment in Ada's name: refused, never relayed, never stored.
      const forged = addComment(cleoWs.doc, { target: { kind: 'incident', id: incident.id }, body: 'Ship it — Ada' }, ctx(ws.memberId, 'Ada'), cleoThread.doc);
      await new Promise((r) => setTimeout(r, 300));
      await server.flushed();
      expect(adaThread.doc.getMap(DOC_KEYS.comments).has(forged.id)).toBe(false);
      const conversation = stored(await server.store.loadDoc(room));
      expect([...conversation.getMap(DOC_KEYS.comments).keys()].sort()).toEqual([first.id, reply.id].sort());
      // The conversation's records are not in the workspace doc; its summary and Cleo's mention are.
      await waitFor(() => ada.doc.getMap(DOC_KEYS.threadSummaries).size === 1 && ada.doc.getMap(DOC_KEYS.commentMentions).size === 1, 'summary and mention at Ada');
      expect(ada.doc.getMap(DOC_KEYS.comments).size).toBe(0);
      expect(ada.doc.getMap(DOC_KEYS.threadSummaries).get(`incident:${incident.id}`)).toMatchObject({ count: 2, lastById: commenter.memberId, lastByName: 'Cleo' });
      expect(ada.doc.getMap(DOC_KEYS.commentMentions).get(`${first.id}:${commenter.memberId}`)).toMatchObject({ memberId: commenter.memberId, byName: 'Ada', commentId: first.id, target: { kind: 'incident', id: incident.id } });
    } finally {
      await server.close();
    }
  });

  it('refuses a conversation room to a token of another workspace and a doc name of no known kind', async () => {
    const server = await sqliteServer();
    try {
      const a = server.store.createWorkspace('A', 'Ada');
      const b = server.store.createWorkspace('B', 'Bo');
      const opens = (path: string, token: string) =>
        new Promise<boolean>((resolve) => {
          const socket = new WebSocket(`${server.url.replace('http', 'ws')}${path}?token=${token}`);
          socket.onerror = () => resolve(false);
          socket.onopen = () => {
            socket.close();
            resolve(true);
          };
        });
      expect(await opens(`/sync/${threadDocName(a.id, { kind: 'incident', id: 'i1' })}`, b.token)).toBe(false);
      expect(await opens(`/sync/${a.id}:thread:members:i1`, a.token)).toBe(false);
      expect(await opens(`/sync/${a.id}:thread:incident:i1:x`, a.token)).toBe(false);
      expect(await opens(`/sync/${threadDocName(a.id, { kind: 'incident', id: 'i1' })}`, a.token)).toBe(true);
      // Over HTTP too: another workspace's conversation is not a doc of this one.
      const pushed = await fetch(`${server.url}/api/v1/workspaces/${b.id}/docs/${threadDocName(a.id, { kind: 'incident', id: 'i1' })}/updates`, {
        method: 'POST', headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/octet-stream' }, body: Buffer.from(Y.encodeStateAsUpdate(new Y.Doc())),
      });
      expect(pushed.status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('takes an offline comment pushed over HTTP to a conversation nobody has open, and counts it', async () => {
    const server = await sqliteServer();
    try {
      const ws = server.store.createWorkspace('W', 'Ada');
      const commenter = server.store.createMemberToken(ws.id, 'commenter', 'Cleo');
      const ada = client(server, ws.id, ws.token);
      const cleo = client(server, ws.id, commenter.token);
      await Promise.all([synced(ada.provider), synced(cleo.provider)]);
      const run = upsertRunSummary(ada.doc, { name: 'r1', experiment: 'e', status: 'finished', startedAt: Date.now(), source: 'test:r1', params: {}, metrics: {} }, { now: Date.now, newId: () => 'r1' }).record;
      await waitFor(() => cleo.doc.getMap(DOC_KEYS.runs).has(run.id), 'run at Cleo');
      const offline = new Y.Doc();
      const comment = addComment(cleo.doc, { target: { kind: 'run', id: run.id }, body: 'Written on a plane' }, ctx(commenter.memberId, 'Cleo'), offline);
      const room = threadDocName(ws.id, { kind: 'run', id: run.id });
      const pushed = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/docs/${room}/updates`, {
        method: 'POST', headers: { authorization: `Bearer ${commenter.token}`, 'content-type': 'application/octet-stream' }, body: Buffer.from(Y.encodeStateAsUpdate(offline)),
      });
      expect(pushed.status).toBe(200);
      await server.flushed();
      expect(stored(await server.store.loadDoc(room)).getMap(DOC_KEYS.comments).get(comment.id)).toEqual(comment);
      const workspace = stored(await server.store.loadDoc(ws.id));
      expect(workspace.getMap(DOC_KEYS.threadSummaries).get(`run:${run.id}`)).toMatchObject({ kind: 'run', id: run.id, count: 1, lastByName: 'Cleo' });
    } finally {
      await server.close();
    }
  });

  it('keeps a conversation about something the workspace does not have out of its lists, and mentions of non-members out of the inbox', async () => {
    const server = await sqliteServer();
    try {
      const ws = server.store.createWorkspace('W', 'Ada');
      const ada = client(server, ws.id, ws.token);
      await synced(ada.provider);
      const incident = createIncident(ada.doc, { title: 'Real', severity: 'low' }, ctx(ws.memberId, 'Ada'));
      const push = (room: string, doc: Y.Doc) => fetch(`${server.url}/api/v1/workspaces/${ws.id}/docs/${room}/updates`, {
        method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/octet-stream' }, body: Buffer.from(Y.encodeStateAsUpdate(doc)),
      });
      const ghost = new Y.Doc();
      ghost.getMap(DOC_KEYS.comments).set('c1', { id: 'c1', target: { kind: 'incident', id: 'nope' }, body: 'spam', authorId: ws.memberId, authorName: 'Ada', createdAt: Date.now() });
      expect((await push(threadDocName(ws.id, { kind: 'incident', id: 'nope' }), ghost)).status).toBe(200);
      const real = new Y.Doc();
      real.getMap(DOC_KEYS.comments).set('c2', { id: 'c2', target: { kind: 'incident', id: incident.id }, body: 'hi', authorId: ws.memberId, authorName: 'Ada', createdAt: Date.now(), mentions: ['m_nobody'] });
      expect((await push(threadDocName(ws.id, { kind: 'incident', id: incident.id }), real)).status).toBe(200);
      await server.flushed();
      const workspace = stored(await server.store.loadDoc(ws.id));
      expect([...workspace.getMap(DOC_KEYS.threadSummaries).keys()]).toEqual([`incident:${incident.id}`]);
      expect(workspace.getMap(DOC_KEYS.commentMentions).size).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('are carried by an export and an import', async () => {
    const server = await sqliteServer();
    try {
      const ws = server.store.createWorkspace('W', 'Ada');
      // The workspace doc has something too (Ada's member record).
      const ada = client(server, ws.id, ws.token);
      await synced(ada.provider);
      const room = threadDocName(ws.id, { kind: 'modelVersion', id: 'v1' });
      const offline = new Y.Doc();
      offline.getMap(DOC_KEYS.comments).set('c1', { id: 'c1', target: { kind: 'modelVersion', id: 'v1' }, body: 'ok', authorId: ws.memberId, authorName: 'Ada', createdAt: Date.now() });
      const pushed = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/docs/${room}/updates`, {
        method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/octet-stream' }, body: Buffer.from(Y.encodeStateAsUpdate(offline)),
      });
      expect(pushed.status).toBe(200);
      await server.flushed();
      const archive = join(dir, `export-${ws.id}.tar.gz`);
      const summary = await exportWorkspace(await server.store.openArchiveSource(ws.id), archive);
      expect(summary.docs).toBe(2);
      const target = new ServerStore(mkdtempSync(join(dir, 'import-')));
      try {
        await importWorkspace(archive, () => target.openArchiveSink());
        expect(stored(target.loadDoc(room)).getMap(DOC_KEYS.comments).get('c1')).toMatchObject({ body: 'ok' });
      } finally {
        target.close();
      }
    } finally {
      await server.close();
    }
  });
});

/**
 * A workspace as today's app makes it: every comment, reply, reaction, resolution and timeline
 * event in the workspace doc, written by two members' clients through the server.
 */
async function legacyWorkspace(server: SyncServer<Store>) {
  const ws = await server.store.createWorkspace('Churn', 'Ada');
  const bobToken = await server.store.createMemberToken(ws.id, 'commenter', 'Bob');
  const ada = client(server, ws.id, ws.token);
  const bob = client(server, ws.id, bobToken.token);
  await Promise.all([synced(ada.provider), synced(bob.provider)]);
  await waitFor(() => ada.doc.getMap(DOC_KEYS.members).size === 2, 'members');
  const A = ctx(ws.memberId, 'Ada');
  const B = ctx(bobToken.memberId, 'Bob');
  const incidents = [0, 1, 2].map((i) => createIncident(ada.doc, { title: `Drift ${i}`, severity: 'high' }, A));
  for (const incident of incidents) {
    updateIncident(ada.doc, { incidentId: incident.id, status: 'investigating' }, A);
    assignIncident(ada.doc, { incidentId: incident.id, assignee: { id: bobToken.memberId, name: 'Bob' } }, A);
  }
  const run = upsertRunSummary(ada.doc, { name: 'r1', experiment: 'e', status: 'finished', startedAt: Date.now(), source: 'test:r1', params: {}, metrics: {} }, A).record;
  const model = createModel(ada.doc, { name: 'churn', description: '' }, A);
  const version = registerModelVersion(ada.doc, { modelId: model.id, runId: run.id }, A);
  await waitFor(() => bob.doc.getMap(DOC_KEYS.modelVersions).size === 1 && bob.doc.getMap(DOC_KEYS.incidents).size === 3, 'registries at Bob');
  const comments: CommentRecord[] = [];
  for (const incident of incidents) {
    const first = addComment(ada.doc, { target: { kind: 'incident', id: incident.id }, body: `Look @Bob at ${incident.title}` }, A);
    comments.push(first);
    await waitFor(() => bob.doc.getMap(DOC_KEYS.comments).has(first.id), 'comment at Bob');
    comments.push(replyToComment(bob.doc, { commentId: first.id, body: 'On it' }, B));
    toggleReaction(bob.doc, { commentId: first.id, emoji: 'eyes' }, B);
    toggleReaction(ada.doc, { commentId: first.id, emoji: '+1' }, A);
    resolveThread(ada.doc, { commentId: first.id }, A);
  }
  comments.push(addComment(bob.doc, { target: { kind: 'run', id: run.id }, body: 'Good run' }, B));
  comments.push(addComment(ada.doc, { target: { kind: 'modelVersion', id: version.id }, body: 'Ready for @Bob' }, A));
  await waitFor(
    () => [ada.doc, bob.doc].every((d) => d.getMap(DOC_KEYS.comments).size === comments.length && d.getMap(DOC_KEYS.reactions).size === 6 && d.getMap(DOC_KEYS.threadResolutions).size === 3),
    'everything at both clients',
  );
  await server.flushed();
  return { ws, bobToken, ada, bob, incidents, run, version, comments, B };
}

describe.each([
  ['SQLite', sqliteServer],
  ['PostgreSQL', postgresServer],
] as const)('splitting a workspace made by today\'s app (%s)', (_store, start) => {
  it('moves every comment, reaction, resolution and timeline event into conversation docs, keeps a copy first, and loses nothing', async () => {
    const server: SyncServer<Store> = await start({ splitConversations: false });
    try {
      const { ws, ada, incidents, comments, bob, B } = await legacyWorkspace(server);
      const before = stored(await server.store.loadDoc(ws.id));
      const legacy = {
        comments: before.getMap(DOC_KEYS.comments).toJSON(),
        reactions: before.getMap(DOC_KEYS.reactions).toJSON(),
        resolutions: before.getMap(DOC_KEYS.threadResolutions).toJSON(),
        events: Object.fromEntries(incidents.map((i) => [i.id, (before.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(i.id)!.get(INCIDENT_EVENTS_KEY) as Y.Array<unknown>).toJSON()])),
        threads: Object.fromEntries(incidents.map((i) => [i.id, listThreads(before, 'incident', i.id)])),
      };
      expect(Object.keys(legacy.comments)).toHaveLength(comments.length);
      expect(Object.values(legacy.events).flat()).toHaveLength(6);
      const snapshotsBefore = (await server.store.listSnapshots(ws.id)).length;

      // Bob, offline, comments the old way while the split runs: it must not be lost.
      bob.provider.disconnect();
      const late = addComment(bob.doc, { target: { kind: 'incident', id: incidents[0]!.id }, body: 'written offline' }, B);

      const report = await server.splitConversations(ws.id, { timelines: true });
      expect(report).toMatchObject({ conversations: 5, comments: comments.length, reactions: 6, resolutions: 3, events: 6, unplaced: [], snapshotKept: true });

      // Every record is in its conversation doc, as it was.
      for (const [id, comment] of Object.entries(legacy.comments) as [string, CommentRecord][]) {
        const doc = stored(await server.store.loadDoc(threadDocName(ws.id, { kind: comment.target.kind, id: comment.target.id })));
        expect(doc.getMap(DOC_KEYS.comments).get(id)).toEqual(comment);
      }
      for (const incident of incidents) {
        const doc = stored(await server.store.loadDoc(threadDocName(ws.id, { kind: 'incident', id: incident.id })));
        expect(listThreads(doc, 'incident', incident.id)).toEqual(legacy.threads[incident.id]);
        expect(doc.getArray(THREAD_EVENTS_KEY).toJSON()).toEqual(legacy.events[incident.id]);
        const keys = (m: string) => Object.keys(doc.getMap(m).toJSON());
        expect(keys(DOC_KEYS.reactions)).toHaveLength(2);
        expect(keys(DOC_KEYS.threadResolutions)).toHaveLength(1);
        for (const k of keys(DOC_KEYS.reactions)) expect(doc.getMap(DOC_KEYS.reactions).get(k)).toEqual(legacy.reactions[k]);
        for (const k of keys(DOC_KEYS.threadResolutions)) expect(doc.getMap(DOC_KEYS.threadResolutions).get(k)).toEqual(legacy.resolutions[k]);
      }

      // The workspace doc no longer holds them; it holds the summaries, the mentions, and the mark.
      const after = stored(await server.store.loadDoc(ws.id));
      expect(after.getMap(DOC_KEYS.comments).size).toBe(0);
      expect(after.getMap(DOC_KEYS.reactions).size).toBe(0);
      expect(after.getMap(DOC_KEYS.threadResolutions).size).toBe(0);
      for (const incident of incidents) expect((after.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incident.id)!.get(INCIDENT_EVENTS_KEY) as Y.Array<unknown>).length).toBe(0);
      expect(after.getMap(DOC_KEYS.meta).get('conversations')).toBe('threads');
      expect(after.getMap(DOC_KEYS.threadSummaries).get(`incident:${incidents[0]!.id}`)).toMatchObject({ count: 2, lastByName: 'Bob' });
      expect(after.getMap(DOC_KEYS.commentMentions).size).toBe(4);
      // Smaller, and the live client followed.
      expect(Y.encodeStateAsUpdate(after).byteLength).toBeLessThan(Y.encodeStateAsUpdate(before).byteLength);
      await waitFor(() => ada.doc.getMap(DOC_KEYS.comments).size === 0 && ada.doc.getMap(DOC_KEYS.meta).get('conversations') === 'threads', 'split at a live client');

      // The copy kept first: a history snapshot with every record as it was.
      const snapshots = await server.store.listSnapshots(ws.id);
      expect(snapshots.length).toBe(snapshotsBefore + 1);
      const copy = stored((await server.store.getSnapshot(ws.id, snapshots[0]!.id))!);
      expect(copy.getMap(DOC_KEYS.comments).toJSON()).toEqual(legacy.comments);
      expect(copy.getMap(DOC_KEYS.reactions).toJSON()).toEqual(legacy.reactions);

      // Bob comes back with his offline comment in the old map: the next run moves it too.
      bob.provider.connect();
      await waitFor(() => ada.doc.getMap(DOC_KEYS.comments).has(late.id), 'late comment reaches the server');
      await server.flushed();
      const again = await server.splitConversations(ws.id, { timelines: true });
      // A sweep after the migration keeps no whole-doc copy: the moved comment is read back before it is deleted.
      expect(again).toMatchObject({ conversations: 1, comments: 1, reactions: 0, events: 0, snapshotKept: false });
      expect((await server.store.listSnapshots(ws.id)).length).toBe(snapshotsBefore + 1);
      const incident0 = stored(await server.store.loadDoc(threadDocName(ws.id, { kind: 'incident', id: incidents[0]!.id })));
      expect(incident0.getMap(DOC_KEYS.comments).get(late.id)).toEqual(late);
      expect(incident0.getArray(THREAD_EVENTS_KEY).length).toBe(2);
      expect(stored(await server.store.loadDoc(ws.id)).getMap(DOC_KEYS.comments).size).toBe(0);
      // Nothing left: a third run moves nothing and keeps no copy.
      expect(await server.splitConversations(ws.id, { timelines: true })).toMatchObject({ conversations: 0, snapshotKept: false });
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('splitting with timelines: false', () => {
  it('moves the conversations, leaves every incident\'s timeline where it is, and does not mark timelines split', async () => {
    const server: SyncServer<Store> = await sqliteServer({ splitConversations: false });
    try {
      const { ws, incidents, comments } = await legacyWorkspace(server);
      const before = stored(await server.store.loadDoc(ws.id));
      const events = (doc: Y.Doc, id: string) => (doc.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(id)!.get(INCIDENT_EVENTS_KEY) as Y.Array<unknown>).toJSON();
      const report = await server.splitConversations(ws.id, { timelines: false });
      expect(report).toMatchObject({ conversations: 5, comments: comments.length, events: 0 });
      const after = stored(await server.store.loadDoc(ws.id));
      expect(after.getMap(DOC_KEYS.meta).get('timelines')).toBeUndefined();
      expect(after.getMap(DOC_KEYS.comments).size).toBe(0);
      for (const incident of incidents) {
        expect(events(after, incident.id)).toEqual(events(before, incident.id));
        expect(events(after, incident.id)).toHaveLength(2);
        const conversation = stored(await server.store.loadDoc(threadDocName(ws.id, { kind: 'incident', id: incident.id })));
        expect(conversation.getArray(THREAD_EVENTS_KEY).length).toBe(0);
        expect(conversation.getMap(DOC_KEYS.comments).size).toBe(2);
      }
    } finally {
      await server.close();
    }
  }, 60_000);
});

/**
 * The migration as it happens by default: a workspace made the way today's main makes it (a
 * server that does not split), then a server with the default options opens it for real clients
 * — its owner and a commenter — and splits it on first load, conversations and timelines, with a
 * copy kept; an older app that still writes a comment or a timeline event into the old places has
 * it moved. On SQLite and on PostgreSQL (the same store reopened by the second server).
 */
describe.each([
  ['SQLite', () => {
    const data = mkdtempSync(join(dir, 'default-'));
    return { legacy: () => startSyncServer({ port: 0, dataDir: data, splitConversations: false }), current: () => startSyncServer({ port: 0, dataDir: data, splitSweepMs: 50 }) };
  }],
  ['PostgreSQL', () => ({
    legacy: async () => startSyncServer({ port: 0, store: await PostgresStore.open(pg.url), monitorJobs: false, splitConversations: false }),
    current: async () => startSyncServer({ port: 0, store: await PostgresStore.open(pg.url), monitorJobs: false, splitSweepMs: 50 }),
  })],
] as const)('a server with the default options opening a workspace made by today\'s main (%s)', (_store, servers) => {
  it('splits it on first load — conversations and timelines — keeps a copy, keeps lists, summaries and mentions right, and moves an older app\'s late writes', async () => {
    const { legacy: startLegacy, current } = servers();
    const plain: SyncServer<Store> = await startLegacy();
    let made: Awaited<ReturnType<typeof legacyWorkspace>>;
    let before: Y.Doc;
    try {
      made = await legacyWorkspace(plain);
      before = stored(await plain.store.loadDoc(made.ws.id));
    } finally {
      for (const d of disposers.splice(0)) d();
      await plain.close();
    }
    const { ws, bobToken, incidents, run, version, comments, B } = made;
    const A = ctx(ws.memberId, 'Ada');
    const legacyEvents = Object.fromEntries(incidents.map((i) => [i.id, (before.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(i.id)!.get(INCIDENT_EVENTS_KEY) as Y.Array<unknown>).toJSON()]));
    expect(Object.values(legacyEvents).flat()).toHaveLength(6);
    expect(before.getMap(DOC_KEYS.meta).get('conversations')).toBeUndefined();

    const server: SyncServer<Store> = await current();
    try {
      const snapshotsBefore = (await server.store.listSnapshots(ws.id)).length;
      const ada = client(server, ws.id, ws.token);
      const bob = client(server, ws.id, bobToken.token);
      await Promise.all([synced(ada.provider), synced(bob.provider)]);
      const split = (d: Y.Doc) => d.getMap(DOC_KEYS.meta).get('conversations') === 'threads' && d.getMap(DOC_KEYS.meta).get('timelines') === 'threads' && d.getMap(DOC_KEYS.comments).size === 0;
      await waitFor(() => split(ada.doc) && split(bob.doc), 'split on first load, at both clients', 10_000);
      await server.flushed();

      // Every record is in its conversation doc, as it was; the timelines too.
      for (const comment of comments) {
        const doc = stored(await server.store.loadDoc(threadDocName(ws.id, comment.target as { kind: 'incident'; id: string })));
        expect(doc.getMap(DOC_KEYS.comments).get(comment.id)).toEqual(comment);
      }
      for (const incident of incidents) {
        const doc = stored(await server.store.loadDoc(threadDocName(ws.id, { kind: 'incident', id: incident.id })));
        expect(listThreads(doc, 'incident', incident.id)).toEqual(listThreads(before, 'incident', incident.id));
        expect(doc.getArray(THREAD_EVENTS_KEY).toJSON()).toEqual(legacyEvents[incident.id]);
      }
      // The commenter's app reads a conversation through its room, live.
      const bobThread = client(server, threadDocName(ws.id, { kind: 'incident', id: incidents[0]!.id }), bobToken.token);
      await synced(bobThread.provider);
      expect(listThreads(bob.doc, 'incident', incidents[0]!.id, bobThread.doc).map((t) => [t.root.body, t.replies.length, t.resolution?.resolved, t.reactions.get(t.root.id)?.length])).toEqual([[`Look @Bob at Drift 0`, 1, true, 2]]);
      expect(incidentThreadedTimeline(bob.doc, incidents[0]!.id, bobThread.doc).filter((e) => e.kind === 'event')).toHaveLength(2);

      // The workspace doc keeps what lists need: the incidents with their fields, the summaries
      // (with the timeline digest), the mention records; none of the moved records.
      const after = stored(await server.store.loadDoc(ws.id));
      for (const m of [DOC_KEYS.comments, DOC_KEYS.reactions, DOC_KEYS.threadResolutions]) expect(after.getMap(m).size).toBe(0);
      expect(listIncidents(after).map((i) => [i.status, i.assigneeName])).toEqual(incidents.map(() => ['investigating', 'Bob']));
      for (const incident of incidents) {
        expect((after.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incident.id)!.get(INCIDENT_EVENTS_KEY) as Y.Array<unknown>).length).toBe(0);
        expect(after.getMap(DOC_KEYS.threadSummaries).get(`incident:${incident.id}`)).toMatchObject({ count: 2, lastByName: 'Bob', assigned: { assigneeId: bobToken.memberId, byName: 'Ada' } });
        expect(countCommentsByIncident(after).get(incident.id)).toBe(2);
      }
      expect(after.getMap(DOC_KEYS.threadSummaries).get(`run:${run.id}`)).toMatchObject({ count: 1, lastByName: 'Bob' });
      expect(after.getMap(DOC_KEYS.threadSummaries).get(`modelVersion:${version.id}`)).toMatchObject({ count: 1, lastByName: 'Ada' });
      expect(listInbox(after, bobToken.memberId).filter((i) => i.kind === 'comment').map((i) => i.text).sort()).toEqual([...incidents.map((i) => `Look @Bob at ${i.title}`), 'Ready for @Bob'].sort());

      // The copy: a history snapshot taken before anything moved, with every record as it was.
      const snapshots = await server.store.listSnapshots(ws.id);
      expect(snapshots.length).toBe(snapshotsBefore + 1);
      const copy = stored((await server.store.getSnapshot(ws.id, snapshots[0]!.id))!);
      for (const m of [DOC_KEYS.comments, DOC_KEYS.reactions, DOC_KEYS.threadResolutions]) expect(copy.getMap(m).toJSON()).toEqual(before.getMap(m).toJSON());
      for (const incident of incidents) expect((copy.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incident.id)!.get(INCIDENT_EVENTS_KEY) as Y.Array<unknown>).toJSON()).toEqual(legacyEvents[incident.id]);

      // An older app writes the old way: a comment into the workspace doc's map (the commenter)
      // and a status change onto the incident's own timeline (the owner). Both are moved.
      const late = addComment(bob.doc, { target: { kind: 'incident', id: incidents[1]!.id }, body: 'from an old app' }, B);
      updateIncident(ada.doc, { incidentId: incidents[1]!.id, status: 'resolved' }, A);
      const oldEvents = (d: Y.Doc) => (d.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incidents[1]!.id)!.get(INCIDENT_EVENTS_KEY) as Y.Array<unknown>).length;
      await waitFor(() => !ada.doc.getMap(DOC_KEYS.comments).has(late.id) && oldEvents(ada.doc) === 0 && (ada.doc.getMap(DOC_KEYS.threadSummaries).get(`incident:${incidents[1]!.id}`) as { count: number }).count === 3, 'late writes moved', 10_000);
      await server.flushed();
      const moved = stored(await server.store.loadDoc(threadDocName(ws.id, { kind: 'incident', id: incidents[1]!.id })));
      expect(moved.getMap(DOC_KEYS.comments).get(late.id)).toEqual(late);
      // (the first two were written in the same millisecond: their order is by id)
      expect(listConversationEvents(moved).map((e) => (e.kind === 'status' ? `${e.to} by ${e.byName}` : e.kind)).sort()).toEqual(['assigned', 'investigating by Ada', 'resolved by Ada']);
      expect(listIncidents(stored(await server.store.loadDoc(ws.id))).find((i) => i.id === incidents[1]!.id)!.status).toBe('resolved');
    } finally {
      for (const d of disposers.splice(0)) d();
      await server.close();
    }
  }, 60_000);
});
