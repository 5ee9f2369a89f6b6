/**
 * A workspace this device has nothing of (just joined) is fetched by the host from its server
 * and kept in slices, so the window opens it from the cache in pages and slices (issue 20)
 * rather than from the sync socket in one message and one apply. Real sync server, real SQLite
 * cache, the host's own handlers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { DOC_KEYS } from '../../src/core/workspace/index.ts';
import { createHostHandlers } from '../../src/node/host-handlers.ts';
import { ServerCallError, createServerClient } from '../../src/node/server-api-client.ts';
import { JobRunner } from '../../src/node/jobs.ts';
import { LocalCache } from '../../src/node/local-cache.ts';
import type { HostResponses } from '../../src/shared/host-contract.ts';
import { BIG_DOC_MAPS, growBigWorkspaceDoc } from '../helpers/big-workspace-doc.ts';

let dir: string;
let server: SyncServer;
let big: Y.Doc;
let ws: { id: string; token: string; memberId: string };
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-first-open-'));
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server'), splitConversations: false });
  ws = server.store.createWorkspace('Years', 'Ada');
  big = new Y.Doc();
  growBigWorkspaceDoc(big, 5 * 1024 * 1024);
  await server.store.appendUpdate(ws.id, Y.encodeStateAsUpdate(big));
}, 60_000);
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function host(name: string, serverUrl = server.url) {
  const cache = new LocalCache({ file: join(dir, `${name}.sqlite`) });
  cache.saveConnection({ workspaceId: ws.id, name: 'Years', serverUrl, token: ws.token, memberId: ws.memberId, memberName: 'Ada', role: 'owner', local: false, lastOpenedAt: 0 });
  const handlers = createHostHandlers({ cache, jobs: new JobRunner({ node: process.execPath, cli: 'bin/driftdesk' }), localServer: null, info: { mode: 'web', version: 'test', dataDir: join(dir, name) } });
  return { cache, handlers };
}

describe('first open of a workspace on a device', () => {
  it('fetches the server state once, keeps it in slices as remote state, and hands it over in pages', async () => {
    const { cache, handlers } = host('fresh');
    const caller = { id: 'window-1' };
    // Two windows asking at once make one fetch and get the same state.
    const [first, twin] = await Promise.all([handlers['cache.load']({ docId: ws.id }, caller), handlers['cache.load']({ docId: ws.id }, { id: 'window-2' })]);
    expect(cache.snapshotSlices(ws.id)).toBeGreaterThan(4);
    expect(cache.logLength(ws.id)).toBe(0);
    expect(cache.pendingEdits([ws.id])).toBe(0);
    expect(first.more?.pages).toBeGreaterThan(1);
    expect(twin.totalBytes).toBe(first.totalBytes);
    const load = first as HostResponses['cache.load'];
    const parts = [...load.updates];
    for (let page = 1; page < load.more!.pages; page++) parts.push(...(await handlers['cache.loadPage']({ loadId: load.more!.loadId, page }, caller)).updates);
    const copy = new Y.Doc();
    // Slices in order: each applies fully after the ones before (nothing left pending).
    for (const part of parts) {
      Y.applyUpdate(copy, part);
      expect(copy.store.pendingStructs).toBeNull();
    }
    for (const key of BIG_DOC_MAPS) expect(copy.getMap(key).toJSON()).toEqual(big.getMap(key).toJSON());
    expect(copy.getMap(DOC_KEYS.runs).size).toBeGreaterThan(100);
    // Opened again: from the cache, no second fetch needed (the same slices).
    const again = await handlers['cache.load']({ docId: ws.id }, caller);
    expect(again.totalBytes).toBe(first.totalBytes);
    cache.close();
  }, 60_000);

  it('leaves it to the sync socket when the server cannot be reached, and never replaces what is kept', async () => {
    const { cache, handlers } = host('offline', 'http://127.0.0.1:9');
    const empty = await handlers['cache.load']({ docId: ws.id }, { id: 'w' });
    expect(empty).toMatchObject({ updates: [], totalBytes: 0 });
    expect(cache.docVersion(ws.id)).toBe(0);
    // A state that is not a Yjs update is refused, saying where, and nothing is kept of it.
    const state = Y.encodeStateAsUpdate(big);
    expect(() => cache.seedDoc(ws.id, state.subarray(0, state.length >> 1))).toThrow(/byte \d+/);
    expect(cache.docVersion(ws.id)).toBe(0);
    expect(cache.loadDocUpdates(ws.id)).toEqual([]);
    // Something kept meanwhile (a window saved an edit): a seed goes to the log, after it.
    const mine = new Y.Doc();
    mine.getMap('notes').set('mine', { kept: true });
    cache.appendUpdates(ws.id, [Y.encodeStateAsUpdate(mine)], [true]);
    cache.seedDoc(ws.id, Y.encodeStateAsUpdate(big));
    const doc = new Y.Doc();
    expect(cache.loadDocInto(ws.id, doc)).toBe(true);
    expect(doc.getMap('notes').get('mine')).toEqual({ kept: true });
    expect(doc.getMap(DOC_KEYS.runs).size).toBe(big.getMap(DOC_KEYS.runs).size);
    expect(cache.pendingEdits([ws.id])).toBe(1);
    cache.close();
  });

  it('serves a big doc read off the loop to every role, refuses crafted requests and edits, and the doc stays loadable', async () => {
    const other = server.store.createWorkspace('Other', 'Eve');
    const client = (token: string, workspaceId = ws.id) => createServerClient({ serverUrl: server.url, token, workspaceId });
    const failure = async (p: Promise<unknown>) => {
      const err = await p.then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ServerCallError);
      return (err as ServerCallError).status;
    };
    const expectWhole = (state: Uint8Array) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state);
      for (const key of BIG_DOC_MAPS) expect(doc.getMap(key).toJSON()).toEqual(big.getMap(key).toJSON());
    };
    for (const role of ['owner', 'editor', 'commenter', 'viewer'] as const) {
      const member = role === 'owner' ? { token: ws.token } : server.store.createMemberToken(ws.id, role, `A ${role}`);
      const api = client(member.token);
      expectWhole(await api.call('docs.state', { params: { docName: ws.id } }));
      // Another workspace's doc, a name that is no doc name, a note of another workspace.
      expect(await failure(api.call('docs.state', { params: { docName: other.id } }))).toBe(404);
      expect(await failure(api.call('docs.state', { params: { docName: `${ws.id}:nope:x` } }))).toBe(404);
      expect(await failure(api.call('docs.state', { params: { docName: `${other.id}:note:n1` } }))).toBe(404);
      // A crafted edit that overwrites a run with garbage is refused for every role (runs: importers' records).
      const forged = new Y.Doc();
      Y.applyUpdate(forged, Y.encodeStateAsUpdate(big));
      const before = Y.encodeStateVector(forged);
      forged.getMap(DOC_KEYS.runs).set([...forged.getMap(DOC_KEYS.runs).keys()][0]!, { garbage: 'x'.repeat(100) });
      const status = await failure(api.call('docs.pushUpdate', { params: { docName: ws.id }, body: Y.encodeStateAsUpdate(forged, before) }));
      expect([400, 403]).toContain(status);
    }
    // Another workspace's token reads nothing here.
    expect(await failure(client(other.token).call('docs.state', { params: { docName: ws.id } }))).toBeGreaterThanOrEqual(401);
    // After all of it, the doc is whole and loads.
    expectWhole(await client(ws.token).call('docs.state', { params: { docName: ws.id } }));
  }, 120_000);
});
