/**
 * Edits made offline in the local cache — in the workspace doc and in a note nobody has open —
 * reach the server through the host's push, and stay pending while the server is down or
 * refuses them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_KEYS, NOTE_TEXT_KEY, addComment, createIncident, listIncidents, noteDocName, threadDocName } from '../../src/core/workspace/index.ts';
import type { WorkspaceConnection } from '../../src/shared/host-contract.ts';
import { LocalCache } from '../../src/node/local-cache.ts';
import { pushPendingEdits } from '../../src/node/pending-sync.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';

let dir: string;
let server: SyncServer;
let cache: LocalCache;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-pending-'));
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server') });
  cache = new LocalCache({ file: join(dir, 'cache.sqlite') });
});
afterEach(async () => {
  cache.close();
  await server.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

function connection(workspaceId: string, token: string, serverUrl = server.url): WorkspaceConnection {
  return { workspaceId, name: 'W', serverUrl, token, memberId: 'm', memberName: 'Ada', role: 'owner', local: false, lastOpenedAt: 0 };
}

/** Edits a doc the way the renderer does: each transaction's update saved as a local edit. */
function editOffline(docId: string, edit: (doc: Y.Doc) => void): Y.Doc {
  const doc = new Y.Doc();
  const cached = cache.loadDoc(docId);
  if (cached) Y.applyUpdate(doc, cached);
  doc.on('update', (u: Uint8Array) => cache.appendUpdates(docId, [u], [true]));
  edit(doc);
  return doc;
}

describe('pushPendingEdits', () => {
  it('pushes the workspace doc and an unopened note, then nothing is pending', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const ctx = { actor: { id: ws.memberId, name: 'Ada' }, now: () => 1_700_000_000_000, newId: () => crypto.randomUUID() };
    editOffline(ws.id, (doc) => {
      createIncident(doc, { title: 'one', severity: 'low' }, ctx);
      createIncident(doc, { title: 'two', severity: 'low' }, ctx);
    });
    const note = noteDocName(ws.id, 'n1');
    editOffline(note, (doc) => doc.getText(NOTE_TEXT_KEY).insert(0, 'offline note'));
    // A remote update saved without the local flag is not the server's business to receive.
    cache.appendUpdates(ws.id, [Y.encodeStateAsUpdate(new Y.Doc())], [false]);
    expect(cache.docsWithPendingEdits(ws.id).sort()).toEqual([ws.id, note].sort());
    expect(cache.pendingEdits(cache.docsWithPendingEdits(ws.id))).toBe(3);

    const result = await pushPendingEdits(cache, connection(ws.id, ws.token));
    expect(result).toEqual({ pending: 0, error: null });
    expect(cache.docsWithPendingEdits(ws.id)).toEqual([]);
    const stored = new Y.Doc();
    Y.applyUpdate(stored, server.store.loadDoc(ws.id));
    expect(listIncidents(stored).map((i) => i.title).sort()).toEqual(['one', 'two']);
    const storedNote = new Y.Doc();
    Y.applyUpdate(storedNote, server.store.loadDoc(note));
    expect(storedNote.getText(NOTE_TEXT_KEY).toString()).toBe('offline note');
  });

  it('pushes a comment written offline in a conversation doc nobody has open, and the server counts it', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const commenter = server.store.createMemberToken(ws.id, 'commenter', 'Cleo');
    const ctx = { actor: { id: ws.memberId, name: 'Ada' }, now: () => Date.now(), newId: () => crypto.randomUUID() };
    let incidentId = '';
    const workspace = editOffline(ws.id, (doc) => (incidentId = createIncident(doc, { title: 'Drift', severity: 'low' }, ctx).id));
    await pushPendingEdits(cache, connection(ws.id, ws.token));
    const room = threadDocName(ws.id, { kind: 'incident', id: incidentId });
    const cleo = { actor: { id: commenter.memberId, name: 'Cleo' }, now: () => Date.now(), newId: () => crypto.randomUUID() };
    let comment = { id: '' };
    editOffline(room, (doc) => (comment = addComment(workspace, { target: { kind: 'incident', id: incidentId }, body: 'on a plane' }, cleo, doc)));
    expect(cache.docsWithPendingEdits(ws.id)).toEqual([room]);

    expect(await pushPendingEdits(cache, connection(ws.id, commenter.token))).toEqual({ pending: 0, error: null });
    await server.flushed();
    const stored = new Y.Doc();
    Y.applyUpdate(stored, server.store.loadDoc(room));
    expect(stored.getMap(DOC_KEYS.comments).get(comment.id)).toMatchObject({ body: 'on a plane', authorName: 'Cleo' });
    const storedWorkspace = new Y.Doc();
    Y.applyUpdate(storedWorkspace, server.store.loadDoc(ws.id));
    expect(storedWorkspace.getMap(DOC_KEYS.threadSummaries).get(`incident:${incidentId}`)).toMatchObject({ count: 1, lastByName: 'Cleo' });
  });

  it('keeps edits pending while the server is unreachable, and says why', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    editOffline(ws.id, (doc) => doc.getMap('incidents').set('x', 1));
    const url = server.url;
    await server.close();
    const result = await pushPendingEdits(cache, connection(ws.id, ws.token, url));
    expect(result.pending).toBe(1);
    expect(result.error).toMatch(/unreachable.*edits stay on this device/);
  });

  it('marks a refused edit refused with the server\'s reason, never pushes it again, and does not touch other workspaces', async () => {
    const ws = server.store.createWorkspace('W_1', 'Ada');
    const other = server.store.createWorkspace('W', 'Bo');
    const viewer = server.store.createMemberToken(ws.id, 'viewer', 'Vic');
    editOffline(ws.id, (doc) => doc.getMap('incidents').set('x', 1));
    editOffline(other.id, (doc) => doc.getMap('incidents').set('y', 1));
    const result = await pushPendingEdits(cache, connection(ws.id, viewer.token));
    expect(result).toEqual({ pending: 0, error: 'the server refused an edit: viewers cannot change this workspace' });
    expect(cache.refusedEdits([ws.id])).toBe(1);
    // Nothing of the edit was stored (the server's own split mark, written on load, may be).
    const stored = new Y.Doc();
    Y.applyUpdate(stored, server.store.loadDoc(ws.id));
    expect(stored.getMap('incidents').size).toBe(0);
    expect(cache.docsWithPendingEdits(other.id)).toEqual([other.id]);
    // Not sent again: nothing of this workspace is pending any more.
    expect(await pushPendingEdits(cache, connection(ws.id, viewer.token))).toEqual({ pending: 0, error: null });
    expect(cache.refusedEdits([ws.id])).toBe(1);
  });
});
