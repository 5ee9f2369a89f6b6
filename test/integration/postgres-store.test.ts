/** The PostgreSQL store on a real PostgreSQL: the same contract the SQLite store keeps. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createIncident, listIncidents } from '../../src/core/workspace/index.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import { COMPACT_AFTER } from '../../server/store-contract.ts';
import { type RunningPostgres, serviceOwner, startPostgres } from '../helpers/services.ts';

let pg: RunningPostgres;
let store: PostgresStore;
const services = serviceOwner();
beforeAll(async () => {
  pg = await services.start(startPostgres());
  store = await PostgresStore.open(pg.url);
}, 60_000);
afterAll(async () => {
  try {
    await store?.close();
  } finally {
    await services.stop();
  }
});

const ctx = { actor: { id: 'm', name: 'Ada' }, now: () => 1, newId: () => crypto.randomUUID() };

describe('PostgresStore', () => {
  it('compacts a long update log in one transaction without losing an update', async () => {
    const ws = await store.createWorkspace('W', 'Ada');
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < COMPACT_AFTER + 5; i++) createIncident(doc, { title: `i${i}`, severity: 'low' }, ctx);
    for (const u of updates) await store.appendUpdate(ws.id, u);
    const first = new Y.Doc();
    Y.applyUpdate(first, await store.loadDoc(ws.id));
    expect(listIncidents(first)).toHaveLength(COMPACT_AFTER + 5);
    const again = new Y.Doc();
    Y.applyUpdate(again, await store.loadDoc(ws.id));
    expect(Y.encodeStateVector(again)).toEqual(Y.encodeStateVector(doc));
  });

  it('keeps blobs, history snapshots, roles and revocations', async () => {
    const ws = await store.createWorkspace('W', 'Ada');
    const bob = await store.createMemberToken(ws.id, 'editor', 'Bob');
    await store.putBlob(ws.id, 'a'.repeat(64), new Uint8Array([1, 2, 3]));
    await store.putBlob(ws.id, 'a'.repeat(64), new Uint8Array([1, 2, 3]));
    expect(await store.getBlob(ws.id, 'a'.repeat(64))).toEqual(new Uint8Array([1, 2, 3]));
    expect(await store.getBlob(ws.id, 'b'.repeat(64))).toBeUndefined();
    await store.addSnapshot(ws.id, new Uint8Array([9]), 1000);
    await store.addSnapshot(ws.id, new Uint8Array([8, 8]), 2000);
    const list = await store.listSnapshots(ws.id);
    expect(list.map((s) => [s.createdAt, s.bytes])).toEqual([[2000, 2], [1000, 1]]);
    expect(await store.getSnapshot(ws.id, list[1]!.id)).toEqual(new Uint8Array([9]));
    expect(await store.setRole(ws.id, bob.memberId, 'viewer')).toBe(true);
    expect(await store.authenticate(bob.token)).toMatchObject({ role: 'viewer', name: 'Bob' });
    expect(await store.revokeMember(ws.id, bob.memberId)).toBe(1);
    expect(await store.authenticate(bob.token)).toBeUndefined();
    expect((await store.listMembers(ws.id)).map((m) => [m.name, m.activeTokens, m.revokedTokens])).toEqual([['Ada', 1, 0], ['Bob', 0, 1]]);
  });

  it('keeps resumable uploads: pieces only at the offset received so far, even when two race, read back in order', async () => {
    const ws = await store.createWorkspace('W', 'Ada');
    const sha = 'c'.repeat(64);
    expect(await store.startUpload(ws.id, sha, 6, 1)).toEqual({ size: 6, received: 0 });
    expect(await store.appendUpload(ws.id, sha, 2, new Uint8Array([9]), 3)).toBeNull();
    // Two senders of the same piece at once: exactly one is taken.
    const both = await Promise.all([store.appendUpload(ws.id, sha, 0, new Uint8Array([1, 2]), 3), store.appendUpload(ws.id, sha, 0, new Uint8Array([1, 2]), 3)]);
    expect(both.filter((r) => r === 2)).toHaveLength(1);
    expect(both.filter((r) => r === null)).toHaveLength(1);
    expect(await store.startUpload(ws.id, sha, 6, 2)).toEqual({ size: 6, received: 2 });
    expect(await store.appendUpload(ws.id, sha, 2, new Uint8Array([3, 4, 5, 6]), 5)).toBe(6);
    expect(await store.readUpload(ws.id, sha)).toEqual(new Uint8Array([1, 2, 3, 4, 5, 6]));
    // Idle since its last piece (at 5): kept when pruning what is idle since 5, dropped since 6.
    expect(await store.pruneUploads(ws.id, 5)).toBe(1);
    expect(await store.pruneUploads(ws.id, 6)).toBe(0);
    expect(await store.uploadState(ws.id, sha)).toBeUndefined();
    expect(await store.readUpload(ws.id, sha)).toEqual(new Uint8Array([]));
    await store.startUpload(ws.id, sha, 6, 7);
    await store.dropUpload(ws.id, sha);
    expect(await store.uploadState(ws.id, sha)).toBeUndefined();
    expect(await store.hasBlob(ws.id, sha)).toBe(false);
  });

  it('keeps note docs apart from the workspace doc, webhooks and their delivery log', async () => {
    const ws = await store.createWorkspace('W', 'Ada');
    const note = new Y.Doc();
    note.getText('body').insert(0, 'note text');
    await store.appendUpdate(`${ws.id}:note:n1`, Y.encodeStateAsUpdate(note));
    expect((await store.loadDoc(ws.id)).byteLength).toBe(0);
    const loaded = new Y.Doc();
    Y.applyUpdate(loaded, await store.loadDoc(`${ws.id}:note:n1`));
    expect(loaded.getText('body').toString()).toBe('note text');

    const hook = await store.createWebhook(ws.id, 'http://127.0.0.1:9/x', 'retrain', 5);
    expect(hook.secret).toMatch(/^whsec_/);
    expect(await store.listWebhooks(ws.id)).toEqual([{ id: hook.id, url: 'http://127.0.0.1:9/x', purpose: 'retrain', createdAt: 5 }]);
    expect((await store.webhookTargets(ws.id, 'retrain')).map((t) => t.secret)).toEqual([hook.secret]);
    expect(await store.webhookTargets(ws.id, 'incidents')).toEqual([]);
    const delivery = { id: 'd1', webhookId: hook.id, url: hook.url, event: 'retrain.requested', status: 'pending' as const, attempts: 1, lastStatus: null, lastError: 'could not connect', createdAt: 6, updatedAt: 6 };
    await store.saveDelivery(ws.id, delivery);
    await store.saveDelivery(ws.id, { ...delivery, status: 'delivered', attempts: 2, lastStatus: 200, lastError: null, updatedAt: 9 });
    expect(await store.listDeliveries(ws.id, 10)).toEqual([{ ...delivery, status: 'delivered', attempts: 2, lastStatus: 200, lastError: null, updatedAt: 9 }]);
    await store.markMonitored(ws.id);
    await store.markMonitored(ws.id);
    expect((await store.monitoredWorkspaces()).filter((id) => id === ws.id)).toEqual([ws.id]);
    expect(await store.deleteWebhook(ws.id, hook.id)).toBe(true);
    expect(await store.listWebhooks(ws.id)).toEqual([]);
  });
});
