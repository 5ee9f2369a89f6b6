/**
 * History per doc (issue 20): conversation docs and note docs get history snapshots on the
 * workspace doc's cadence, a doc that did not change gets none, a big doc's snapshot is built
 * from the store on a reader thread and equals the room's doc, and the history API lists and
 * reads a given doc's snapshots (`?doc=`) for every role — refusing hostile doc names and
 * snapshot ids with a clear 4xx. A real SQLite store, a real sync server, real y-websocket
 * clients; the servers split conversations (the default).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { DOC_KEYS, NOTE_TEXT_KEY, addComment, createIncident, threadDocName, toggleReaction } from '../../src/core/workspace/index.ts';
import { canonicalJson } from '../helpers/canonical-json.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

let dir: string;
const disposers: (() => void)[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-doc-history-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  for (const d of disposers.splice(0)) d();
});

const ctx = (id: string, name: string) => ({ actor: { id, name }, now: Date.now, newId: () => crypto.randomUUID() });

function client(server: SyncServer, room: string, token: string) {
  const c = connectClient(server.url, room, token);
  disposers.push(c.dispose);
  return c;
}

function api(server: SyncServer, ws: string) {
  return (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${server.url}/api/v1/workspaces/${ws}/history${path}`, { ...init, headers: { authorization: `Bearer ${token}` } });
}

const docOf = (bytes: ArrayBuffer | Uint8Array) => {
  const doc = new Y.Doc();
  if (bytes.byteLength > 0) Y.applyUpdate(doc, new Uint8Array(bytes));
  return doc;
};

/** What a test compares of a doc: its state vector (inserts), and its records and note text (deletes too). */
const view = (doc: Y.Doc) =>
  canonicalJson([
    Buffer.from(Y.encodeStateVector(doc)).toString('base64'),
    ...[DOC_KEYS.comments, DOC_KEYS.reactions, DOC_KEYS.incidents].map((key) => doc.getMap(key).toJSON()),
    doc.getText(NOTE_TEXT_KEY).toString(),
  ]);

/** Waits until the server has stored everything `doc` holds of room `docName`, and is idle. */
async function stored(server: SyncServer, docName: string, doc: Y.Doc): Promise<void> {
  await waitFor(() => view(docOf(server.store.loadDoc(docName))) === view(doc), `${docName} stored`);
  await server.flushed();
}

/** A workspace with an incident, its conversation room and a note room, each with a client of the owner. */
async function seeded(server: SyncServer) {
  const ws = server.store.createWorkspace('W', 'Ada');
  const ada = client(server, ws.id, ws.token);
  await synced(ada.provider);
  const incident = createIncident(ada.doc, { title: 'Drift on age', severity: 'high' }, ctx(ws.memberId, 'Ada'));
  const thread = threadDocName(ws.id, { kind: 'incident', id: incident.id });
  const conversation = client(server, thread, ws.token);
  const note = `${ws.id}:note:n1`;
  const noteClient = client(server, note, ws.token);
  await Promise.all([synced(conversation.provider), synced(noteClient.provider)]);
  return { ws, ada, incident, thread, conversation, note, noteClient };
}

describe('history per doc', () => {
  it('keeps a taken-back reaction and a rewritten note in their docs\' history, readable by every role', async () => {
    const server = await startSyncServer({ port: 0, dataDir: mkdtempSync(join(dir, 's-')), snapshotEveryMs: 0 });
    try {
      const { ws, ada, incident, thread, conversation, note, noteClient } = await seeded(server);
      // No one deletes a comment (the write policy); a reaction is taken back, a note rewritten.
      const comment = addComment(ada.doc, { target: { kind: 'incident', id: incident.id }, body: 'Vendor changed the age encoding' }, ctx(ws.memberId, 'Ada'), conversation.doc);
      toggleReaction(conversation.doc, { commentId: comment.id, emoji: 'eyes' }, ctx(ws.memberId, 'Ada'));
      await stored(server, thread, conversation.doc);
      toggleReaction(conversation.doc, { commentId: comment.id, emoji: 'eyes' }, ctx(ws.memberId, 'Ada'));
      const text = noteClient.doc.getText(NOTE_TEXT_KEY);
      text.insert(0, 'First draft: the tenure column moved.');
      await stored(server, note, noteClient.doc);
      text.delete(0, text.length);
      text.insert(0, 'Rewritten.');
      await stored(server, note, noteClient.doc);
      await stored(server, thread, conversation.doc);
      expect(conversation.doc.getMap(DOC_KEYS.reactions).size).toBe(0);

      const get = api(server, ws.id);
      const roles = {
        owner: ws.token,
        editor: server.store.createMemberToken(ws.id, 'editor', 'Ed').token,
        commenter: server.store.createMemberToken(ws.id, 'commenter', 'Cleo').token,
        viewer: server.store.createMemberToken(ws.id, 'viewer', 'Vic').token,
      };
      for (const [role, token] of Object.entries(roles)) {
        const listed = await get(`?doc=${encodeURIComponent(thread)}`, token);
        expect(listed.status, role).toBe(200);
        const { snapshots } = (await listed.json()) as { snapshots: { id: number }[] };
        expect(snapshots.length, role).toBeGreaterThanOrEqual(2);
        const reactions: string[] = [];
        for (const s of snapshots) {
          const read = await get(`/${s.id}?doc=${encodeURIComponent(thread)}`, token);
          expect(read.status, role).toBe(200);
          const past = docOf(await read.arrayBuffer());
          expect([...past.getMap<{ body: string }>(DOC_KEYS.comments).values()].map((c) => c.body), role).toEqual(['Vendor changed the age encoding']);
          for (const r of past.getMap<{ emoji: string }>(DOC_KEYS.reactions).values()) reactions.push(r.emoji);
        }
        // The reaction is gone from the doc, and found in its history.
        expect(reactions, role).toContain('eyes');
      }
      // The note's first draft is in the note's history; the workspace doc's history has neither.
      const noteSnaps = ((await (await get(`?doc=${note}`, roles.viewer)).json()) as { snapshots: { id: number }[] }).snapshots;
      const texts = await Promise.all(noteSnaps.map(async (s) => docOf(await (await get(`/${s.id}?doc=${note}`, roles.viewer)).arrayBuffer()).getText(NOTE_TEXT_KEY).toString()));
      expect(texts).toContain('First draft: the tenure column moved.');
      const wsSnaps = ((await (await get('', roles.viewer)).json()) as { snapshots: { id: number }[] }).snapshots;
      expect(wsSnaps.length).toBeGreaterThan(0);
      const wsIds = new Set(wsSnaps.map((s) => s.id));
      expect(noteSnaps.some((s) => wsIds.has(s.id))).toBe(false);

      // A snapshot is read only under its own doc: the workspace doc's id under the note is a 404.
      const notFound = await get(`/${wsSnaps[0]!.id}?doc=${note}`, roles.owner);
      expect(notFound.status).toBe(404);
      expect(((await notFound.json()) as { error: string }).error).toBe(`no snapshot ${wsSnaps[0]!.id} of doc ${note}`);

      // Restore stays the workspace doc's, for owners and editors; a conversation doc's is refused with the reason.
      const restore = (id: number, token: string, doc?: string) => get(`/${id}/restore${doc ? `?doc=${encodeURIComponent(doc)}` : ''}`, token, { method: 'POST' });
      const convSnap = ((await (await get(`?doc=${encodeURIComponent(thread)}`, roles.owner)).json()) as { snapshots: { id: number }[] }).snapshots[0]!;
      for (const role of ['commenter', 'viewer'] as const) expect((await restore(convSnap.id, roles[role], thread)).status, role).toBe(403);
      const refused = await restore(convSnap.id, roles.owner, thread);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ code: 'not_restorable' });
      expect((await restore(wsSnaps.at(-1)!.id, roles.editor)).status).toBe(200);

      // A token of another workspace reads none of it.
      const other = server.store.createWorkspace('Other', 'Eve');
      expect((await get(`?doc=${encodeURIComponent(thread)}`, other.token)).status).toBe(403);
      expect((await get(`/${convSnap.id}?doc=${encodeURIComponent(thread)}`, other.token)).status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('snapshots a doc that changed once it is due, the last state of a burst too, and never a doc that did not change', async () => {
    const server = await startSyncServer({ port: 0, dataDir: mkdtempSync(join(dir, 's-')), snapshotEveryMs: 1500 });
    try {
      const { ws, thread, conversation, note, ada, incident } = await seeded(server);
      const count = (doc: string) => server.store.listSnapshots(doc).length;
      // Opened, never changed: no snapshot, even past the interval.
      await new Promise((r) => setTimeout(r, 1600));
      await server.flushed();
      expect(count(note)).toBe(0);
      expect(count(thread)).toBe(0);
      addComment(ada.doc, { target: { kind: 'incident', id: incident.id }, body: 'one' }, ctx(ws.memberId, 'Ada'), conversation.doc);
      await stored(server, thread, conversation.doc);
      expect(count(thread)).toBe(1);
      const last = addComment(ada.doc, { target: { kind: 'incident', id: incident.id }, body: 'two' }, ctx(ws.memberId, 'Ada'), conversation.doc);
      await stored(server, thread, conversation.doc);
      // Not due yet: still one.
      expect(count(thread)).toBe(1);
      // Due: the burst's last state gets its snapshot without another change.
      await waitFor(() => count(thread) === 2, 'trailing snapshot', 6000);
      const newest = docOf(server.store.getSnapshot(thread, server.store.listSnapshots(thread)[0]!.id)!);
      expect(newest.getMap(DOC_KEYS.comments).has(last.id)).toBe(true);
      // Nothing changed since: nothing more.
      await new Promise((r) => setTimeout(r, 1600));
      expect(count(thread)).toBe(2);
      expect(count(note)).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('remembers each doc\'s last snapshot across a restart: a change soon after is not snapshotted again', async () => {
    const dataDir = mkdtempSync(join(dir, 's-'));
    let server = await startSyncServer({ port: 0, dataDir, snapshotEveryMs: 60_000 });
    let thread = '';
    let ws: { id: string; token: string; memberId: string };
    try {
      const seededWs = await seeded(server);
      ({ ws, thread } = seededWs);
      addComment(seededWs.ada.doc, { target: { kind: 'incident', id: seededWs.incident.id }, body: 'before the restart' }, ctx(ws.memberId, 'Ada'), seededWs.conversation.doc);
      await stored(server, thread, seededWs.conversation.doc);
      expect(server.store.listSnapshots(thread)).toHaveLength(1);
    } finally {
      for (const d of disposers.splice(0)) d();
      await server.close();
    }
    server = await startSyncServer({ port: 0, dataDir, snapshotEveryMs: 60_000 });
    try {
      const ada = client(server, ws.id, ws.token);
      const conversation = client(server, thread, ws.token);
      await Promise.all([synced(ada.provider), synced(conversation.provider)]);
      const incidentId = thread.split(':').pop()!;
      addComment(ada.doc, { target: { kind: 'incident', id: incidentId }, body: 'after the restart' }, ctx(ws.memberId, 'Ada'), conversation.doc);
      await stored(server, thread, conversation.doc);
      // Its last snapshot is seconds old: not due, though this process never took one of it.
      expect(server.store.listSnapshots(thread)).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('builds a snapshot from the store on a reader thread that equals the room\'s doc', async () => {
    // Every snapshot off the loop (the default does so past SNAPSHOT_OFF_LOOP_BYTES).
    const server = await startSyncServer({ port: 0, dataDir: mkdtempSync(join(dir, 's-')), snapshotEveryMs: 0, snapshotOffLoopBytes: 0 });
    try {
      const { ws, ada, incident, thread, conversation } = await seeded(server);
      const comments = Array.from({ length: 20 }, (_, i) => addComment(ada.doc, { target: { kind: 'incident', id: incident.id }, body: `note ${i} ✓` }, ctx(ws.memberId, 'Ada'), conversation.doc));
      toggleReaction(conversation.doc, { commentId: comments[3]!.id, emoji: 'eyes' }, ctx(ws.memberId, 'Ada'));
      toggleReaction(conversation.doc, { commentId: comments[4]!.id, emoji: 'eyes' }, ctx(ws.memberId, 'Ada'));
      await stored(server, thread, conversation.doc);
      toggleReaction(conversation.doc, { commentId: comments[3]!.id, emoji: 'eyes' }, ctx(ws.memberId, 'Ada'));
      await stored(server, thread, conversation.doc);
      await stored(server, ws.id, ada.doc);
      // The room's doc, as the server has it in memory (docs.state encodes the room's doc).
      const state = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/docs/${encodeURIComponent(thread)}/state`, { headers: { authorization: `Bearer ${ws.token}` } });
      const room = docOf(await state.arrayBuffer());
      const newest = server.store.listSnapshots(thread)[0]!;
      const snapshot = docOf(server.store.getSnapshot(thread, newest.id)!);
      expect(snapshot.getMap(DOC_KEYS.comments).size).toBe(20);
      expect(snapshot.getMap(DOC_KEYS.reactions).size).toBe(1);
      expect(snapshot.getMap(DOC_KEYS.comments).toJSON()).toEqual(room.getMap(DOC_KEYS.comments).toJSON());
      expect(snapshot.getMap(DOC_KEYS.reactions).toJSON()).toEqual(room.getMap(DOC_KEYS.reactions).toJSON());
      expect(Y.encodeStateVector(snapshot)).toEqual(Y.encodeStateVector(room));
      // And the workspace doc's, taken the same way.
      const wsSnapshot = docOf(server.store.getSnapshot(ws.id, server.store.listSnapshots(ws.id)[0]!.id)!);
      expect(wsSnapshot.getMap(DOC_KEYS.incidents).toJSON()).toEqual(ada.doc.getMap(DOC_KEYS.incidents).toJSON());
    } finally {
      await server.close();
    }
  });

  it('answers hostile doc names and snapshot ids with a clear 4xx, and keeps serving', async () => {
    const server = await startSyncServer({ port: 0, dataDir: mkdtempSync(join(dir, 's-')), snapshotEveryMs: 0 });
    try {
      const { ws, thread } = await seeded(server);
      const other = server.store.createWorkspace('Other', 'Eve');
      const otherNote = `${other.id}:note:n1`;
      server.store.addSnapshot(otherNote, Y.encodeStateAsUpdate(new Y.Doc()), 1);
      const otherSnap = server.store.listSnapshots(otherNote)[0]!.id;
      const get = api(server, ws.id);
      const bad = async (path: string, status: number, error: RegExp) => {
        const res = await get(path, ws.token);
        expect(res.status, path).toBe(status);
        expect(((await res.json()) as { error: string }).error, path).toMatch(error);
      };
      await bad('?doc=', 400, /query\.doc: name a doc/);
      await bad(`?doc=${'x'.repeat(5000)}`, 400, /query\.doc: a doc name is at most 300 characters/);
      await bad('?doc=..%2F..%2Fetc%2Fpasswd', 400, /query\.doc: "\.\.\/\.\.\/etc\/passwd" is not a doc name/);
      await bad(`?doc=${ws.id}:thread:members:i1`, 400, /is not a doc name/);
      await bad(`?doc=${ws.id}:note:n1:extra`, 400, /is not a doc name/);
      await bad(`?doc=${encodeURIComponent(otherNote)}`, 400, new RegExp(`is not a doc of workspace ${ws.id}`));
      await bad(`?doc=${other.id}`, 400, new RegExp(`is not a doc of workspace ${ws.id}`));
      await bad(`/${otherSnap}?doc=${encodeURIComponent(otherNote)}`, 400, /is not a doc of workspace/);
      await bad('?doc=a&doc=b', 400, /query\.doc/);
      await bad('?other=1', 400, /query/);
      // Another workspace's snapshot id under this one's docs: not found, whichever doc.
      await bad(`/${otherSnap}`, 404, /no snapshot/);
      await bad(`/${otherSnap}?doc=${ws.id}:note:n1`, 404, /no snapshot/);
      await bad(`/${otherSnap}?doc=${encodeURIComponent(thread)}`, 404, /no snapshot/);
      for (const id of ['abc', '-1', '1e3', '9'.repeat(16), '%00']) expect((await get(`/${id}`, ws.token)).status, id).toBe(404);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await get('', ws.token)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
