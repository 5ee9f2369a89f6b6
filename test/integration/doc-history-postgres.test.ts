/**
 * History per doc on PostgreSQL (issue 20): a conversation doc's and a note doc's snapshots,
 * built from the stored log on the store's reader thread (every snapshot, with
 * `snapshotOffLoopBytes: 0`), equal the room's doc and are served by `?doc=`. A real PostgreSQL,
 * a real sync server, real y-websocket clients.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import { DOC_KEYS, NOTE_TEXT_KEY, addComment, createIncident, threadDocName, toggleReaction } from '../../src/core/workspace/index.ts';
import { type RunningPostgres, serviceOwner, startPostgres } from '../helpers/services.ts';
import { canonicalJson } from '../helpers/canonical-json.ts';
import { connectClient, synced } from '../helpers/sync-clients.ts';

const services = serviceOwner();
let postgres: RunningPostgres;
const disposers: (() => void)[] = [];
beforeAll(async () => {
  postgres = await services.start(startPostgres());
}, 60_000);
afterAll(() => services.stop());
afterEach(() => {
  for (const d of disposers.splice(0)) d();
});

const ctx = (id: string) => ({ actor: { id, name: 'Ada' }, now: Date.now, newId: () => crypto.randomUUID() });

const docOf = (bytes: ArrayBuffer | Uint8Array) => {
  const doc = new Y.Doc();
  if (bytes.byteLength > 0) Y.applyUpdate(doc, new Uint8Array(bytes));
  return doc;
};

/** Records and note text, keys sorted by toEqual: what a snapshot must hold of the doc. */
const content = (doc: Y.Doc) => ({ comments: doc.getMap(DOC_KEYS.comments).toJSON(), reactions: doc.getMap(DOC_KEYS.reactions).toJSON(), text: doc.getText(NOTE_TEXT_KEY).toString() });

/** Waits until the store holds what `doc` holds of `docName`, and the server is idle. */
async function stored(server: SyncServer<PostgresStore>, docName: string, doc: Y.Doc): Promise<void> {
  const want = canonicalJson(content(doc));
  for (let i = 0; i < 200; i++) {
    if (canonicalJson(content(docOf(await server.store.loadDoc(docName)))) === want) {
      await server.flushed();
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${docName} was not stored`);
}

describe('history per doc on PostgreSQL', () => {
  it('snapshots conversation and note docs from the stored log, equal to the room\'s doc, served by ?doc=', async () => {
    const server = await startSyncServer({ port: 0, store: await PostgresStore.open(postgres.url), monitorJobs: false, snapshotEveryMs: 0, snapshotOffLoopBytes: 0 });
    try {
      const ws = await server.store.createWorkspace('W', 'Ada');
      const viewer = await server.store.createMemberToken(ws.id, 'viewer', 'Vic');
      const ada = connectClient(server.url, ws.id, ws.token);
      disposers.push(ada.dispose);
      await synced(ada.provider);
      const incident = createIncident(ada.doc, { title: 'Drift on age', severity: 'high' }, ctx(ws.memberId));
      const thread = threadDocName(ws.id, { kind: 'incident', id: incident.id });
      const note = `${ws.id}:note:n1`;
      const conversation = connectClient(server.url, thread, ws.token);
      const noteClient = connectClient(server.url, note, ws.token);
      disposers.push(conversation.dispose, noteClient.dispose);
      await Promise.all([synced(conversation.provider), synced(noteClient.provider)]);

      const comment = addComment(ada.doc, { target: { kind: 'incident', id: incident.id }, body: 'Vendor changed the encoding' }, ctx(ws.memberId), conversation.doc);
      toggleReaction(conversation.doc, { commentId: comment.id, emoji: 'eyes' }, ctx(ws.memberId));
      await stored(server, thread, conversation.doc);
      toggleReaction(conversation.doc, { commentId: comment.id, emoji: 'eyes' }, ctx(ws.memberId));
      noteClient.doc.getText(NOTE_TEXT_KEY).insert(0, 'Tenure moved in March.');
      await stored(server, thread, conversation.doc);
      await stored(server, note, noteClient.doc);

      const get = (path: string) => fetch(`${server.url}/api/v1/workspaces/${ws.id}/history${path}`, { headers: { authorization: `Bearer ${viewer.token}` } });
      const latest = async (doc: string) => {
        const { snapshots } = (await (await get(`?doc=${encodeURIComponent(doc)}`)).json()) as { snapshots: { id: number }[] };
        return { count: snapshots.length, doc: docOf(await (await get(`/${snapshots[0]!.id}?doc=${encodeURIComponent(doc)}`)).arrayBuffer()), all: snapshots };
      };
      const conv = await latest(thread);
      expect(conv.count).toBeGreaterThanOrEqual(2);
      expect(content(conv.doc)).toEqual(content(conversation.doc));
      expect(content(conv.doc).reactions).toEqual({});
      // The taken-back reaction is in an earlier snapshot.
      const earlier = await Promise.all(conv.all.slice(1).map(async (s) => docOf(await (await get(`/${s.id}?doc=${encodeURIComponent(thread)}`)).arrayBuffer()).getMap(DOC_KEYS.reactions).size));
      expect(earlier.some((n) => n === 1)).toBe(true);
      const noteSnap = await latest(note);
      expect(noteSnap.doc.getText(NOTE_TEXT_KEY).toString()).toBe('Tenure moved in March.');
    } finally {
      await server.close();
    }
  });
});
