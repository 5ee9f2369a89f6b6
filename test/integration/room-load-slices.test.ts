/**
 * A sync server room loads a big workspace doc in slices, one per macrotask (server/room.ts,
 * server/sliced-load.ts; issue 20): the doc a client gets is the stored one, other workspaces'
 * clients are answered while it loads, and what another process publishes during the load is
 * kept. Real servers on port 0 with SQLite in a temp folder, real y-websocket clients, real Redis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ServerStore, type SyncServer, startSyncServer } from '../../server/index.ts';
import type { Fanout } from '../../server/fanout.ts';
import { RedisFanout } from '../../server/redis-fanout.ts';
import { decodeToRuns, encodeUpdateV1 } from '../../server/update-encode.ts';
import { LOAD_SLICE_BYTES } from '../../server/sliced-load.ts';
import { listMembers } from '../../src/core/workspace/index.ts';
import { sliceUpdate } from '../../src/core/workspace/update-slices.ts';
import { BIG_DOC_MAPS, BIG_DOC_TIMELINE, bigWorkspaceState } from '../helpers/big-workspace-doc.ts';
import { type RunningRedis, serviceOwner, startRedis } from '../helpers/services.ts';
import { connectClient, waitFor } from '../helpers/sync-clients.ts';

const services = serviceOwner();
let redis: RunningRedis;
/** ~6 MB written by ~290 clients, with overwrites and deletes. */
let big: Uint8Array;
let bigSlices: Uint8Array[];

beforeAll(async () => {
  redis = await services.start(startRedis());
  big = bigWorkspaceState(6 * 1024 * 1024).state;
  bigSlices = sliceUpdate(big, LOAD_SLICE_BYTES);
}, 60_000);
afterAll(() => services.stop());

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The server's own SQLite store, watched: each loadDoc and appendUpdate is recorded in `events`
 * as it is called, and `onLoad` runs right after a doc is read.
 */
function watchedStore(dataDir: string, events: string[], onLoad: (docName: string, unwatched: ServerStore) => void = () => {}): ServerStore {
  const store = new ServerStore(dataDir);
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop === 'loadDoc') {
        return (docName: string) => {
          events.push(`loadDoc ${docName}`);
          const stored = target.loadDoc(docName);
          onLoad(docName, target);
          return stored;
        };
      }
      if (prop === 'appendUpdate') {
        return (docName: string, update: Uint8Array) => {
          events.push(`appendUpdate ${docName}`);
          target.appendUpdate(docName, update);
        };
      }
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
}

/** Real Redis fan-out, with each update it delivers recorded in `events` before it is applied. */
function watchedFanout(fanout: Fanout, events: string[]): Fanout {
  return {
    subscribe: (docName, handlers) =>
      fanout.subscribe(docName, {
        onUpdate: (update) => {
          events.push(`fanout update ${docName}`);
          handlers.onUpdate(update);
        },
        onAwareness: handlers.onAwareness,
      }),
    publishUpdate: (docName, update) => fanout.publishUpdate(docName, update),
    publishAwareness: (docName, update) => fanout.publishAwareness(docName, update),
    onResync: (listener) => fanout.onResync(listener),
    close: () => fanout.close(),
  };
}

async function startServer(store: ServerStore, fanout?: Fanout, log?: (event: Record<string, unknown>) => void): Promise<SyncServer> {
  // Not split on load: these tests count the room's writes, and a split writes (split-timelines.test.ts covers it).
  const server = await startSyncServer({ port: 0, store, fanout, log, splitConversations: false });
  cleanups.push(() => server.close());
  return server;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-room-load-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A workspace whose doc is `state`, and a new editor's token (not yet in the doc's members). */
function storeWorkspace(store: ServerStore, name: string, state: Uint8Array) {
  const ws = store.createWorkspace(name, 'Ada');
  if (state.byteLength > 0) store.replaceDoc(ws.id, state);
  const editor = store.createMemberToken(ws.id, 'editor', 'Bob');
  return { id: ws.id, token: editor.token, memberId: editor.memberId };
}

function client(server: SyncServer, workspaceId: string, token: string) {
  const c = connectClient(server.url, workspaceId, token);
  cleanups.push(c.dispose);
  return c;
}

/** JSON with every object's keys sorted: map key order follows integration order, which may differ. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

describe('loading a big workspace doc in slices', () => {
  it('the generated doc is big enough to be sliced, and sliceable', () => {
    expect(big.byteLength).toBeGreaterThan(2 * LOAD_SLICE_BYTES);
    expect(bigSlices.length).toBeGreaterThan(10);
  });

  it('gives a client exactly the stored doc: state vector, deletes and every map', async () => {
    const store = new ServerStore(tempDir());
    const server = await startServer(store);
    const ws = storeWorkspace(store, 'Three years', big);
    const c = client(server, ws.id, ws.token);
    await waitFor(() => c.provider.synced, 'the big doc at the client', 60_000);
    await waitFor(() => listMembers(c.doc).some((m) => m.id === ws.memberId), 'the joining member at the client');

    const stored = new Y.Doc();
    Y.applyUpdate(stored, big);
    const storedSv = Y.decodeStateVector(Y.encodeStateVector(stored));
    const clientSv = Y.decodeStateVector(Y.encodeStateVector(c.doc));
    // The client holds every stored clock, and one client more: the server's, which listed the member.
    for (const [id, clock] of storedSv) expect(clientSv.get(id), `client ${id}`).toBe(clock);
    expect([...clientSv.keys()].filter((id) => !storedSv.has(id))).toHaveLength(1);
    const mine = Y.snapshot(c.doc);
    const restricted = new Map([...mine.sv].filter(([id]) => storedSv.has(id)));
    expect(Y.equalSnapshots(Y.createSnapshot(mine.ds, restricted), Y.snapshot(stored))).toBe(true);
    for (const name of BIG_DOC_MAPS) {
      expect(c.doc.getMap(name).size, name).toBe(stored.getMap(name).size);
      expect(sortedJson(c.doc.getMap(name).toJSON()), name).toBe(sortedJson(stored.getMap(name).toJSON()));
    }
    expect(c.doc.getArray(BIG_DOC_TIMELINE).toJSON()).toEqual(stored.getArray(BIG_DOC_TIMELINE).toJSON());
    expect(c.doc.store.pendingStructs).toBeNull();
    expect(c.doc.store.pendingDs).toBeNull();
    stored.destroy();
  }, 120_000);

  it("answers another workspace's client while the big doc loads", async () => {
    const events: string[] = [];
    let bigId = '';
    let startSmall = () => {};
    const store = watchedStore(tempDir(), events, (docName) => docName === bigId && startSmall());
    const server = await startServer(store);
    const bigWs = storeWorkspace(store, 'Three years', big);
    bigId = bigWs.id;
    const small = new Y.Doc();
    small.getMap('incidents').set('inc-1', { title: 'PSI on age' });
    const smallWs = storeWorkspace(store, 'New team', Y.encodeStateAsUpdate(small));
    small.destroy();

    // The small workspace's client connects once the server has read the big doc, so its
    // whole sync happens while that doc is being applied, or after.
    let smallClient: ReturnType<typeof client> | null = null;
    startSmall = () => {
      smallClient = client(server, smallWs.id, smallWs.token);
      smallClient.provider.on('sync', (isSynced: boolean) => isSynced && events.push('small synced'));
    };
    const b = client(server, bigWs.id, bigWs.token);
    await waitFor(() => b.provider.synced, 'the big doc at its client', 60_000);
    await waitFor(() => events.includes('small synced'), 'the small workspace synced', 60_000);
    expect(smallClient!.doc.getMap('incidents').get('inc-1')).toEqual({ title: 'PSI on age' });

    // The big room's first write — its joining member, written the moment its load ends, in the
    // same task — comes after the small workspace's client was answered: the load yielded.
    // Applied whole, the load holds the process from loadDoc to that write, and the small
    // client is answered only after it.
    const loaded = events.indexOf(`appendUpdate ${bigId}`);
    expect(events.indexOf(`loadDoc ${bigId}`)).toBeGreaterThanOrEqual(0);
    expect(loaded).toBeGreaterThan(events.indexOf(`loadDoc ${bigId}`));
    expect(events.indexOf('small synced')).toBeGreaterThan(events.indexOf(`loadDoc ${bigId}`));
    expect(events.indexOf('small synced')).toBeLessThan(loaded);
  }, 120_000);

  it('keeps an update another process publishes during the load, though it needs the last slice', async () => {
    const events: string[] = [];
    let bigId = '';
    let publishDuringLoad = (_unwatched: ServerStore) => {};
    const store = watchedStore(tempDir(), events, (docName, unwatched) => docName === bigId && publishDuringLoad(unwatched));
    const fanout = await RedisFanout.connect(redis.url);
    const server = await startServer(store, watchedFanout(fanout, events));
    const other = await RedisFanout.connect(redis.url);
    cleanups.push(() => other.close());
    const ws = storeWorkspace(store, 'Three years', big);
    bigId = ws.id;

    // The other process's change overwrites a key whose current value arrives with the last
    // slice: applied before that slice, Yjs must keep it pending, then integrate it.
    const upToLast = new Y.Doc();
    for (const slice of bigSlices.slice(0, -1)) Y.applyUpdate(upToLast, slice);
    const before = Y.decodeStateVector(Y.encodeStateVector(upToLast));
    const writer = new Y.Doc();
    Y.applyUpdate(writer, big);
    let target: { map: string; key: string } | null = null;
    for (const map of BIG_DOC_MAPS) {
      for (const [key, item] of writer.getMap(map)._map) {
        if (!target && item.id.clock >= (before.get(item.id.client) ?? 0)) target = { map, key };
      }
    }
    expect(target, 'a map value that comes with the last slice').not.toBeNull();
    let published: Uint8Array | null = null;
    writer.on('update', (update: Uint8Array) => (published = update));
    writer.getMap(target!.map).set(target!.key, { from: 'the other process' });
    Y.applyUpdate(upToLast, published!);
    expect(upToLast.store.pendingStructs, 'the change waits for the last slice').not.toBeNull();
    upToLast.destroy();
    writer.destroy();

    // As another process does: stored first, then published — after this room read the store.
    publishDuringLoad = (unwatched) => {
      unwatched.appendUpdate(bigId, published!);
      void other.publishUpdate(bigId, published!);
    };
    const c = client(server, ws.id, ws.token);
    await waitFor(() => c.provider.synced, 'the big doc at its client', 60_000);
    await waitFor(() => sortedJson(c.doc.getMap(target!.map).get(target!.key)) === sortedJson({ from: 'the other process' }), "the other process's change at the client", 10_000);

    // It reached this room through fan-out while the doc was loading: after the store was read,
    // before the room's first write (its joining member, in the task the load ends in).
    const delivered = events.indexOf(`fanout update ${bigId}`);
    expect(delivered).toBeGreaterThan(events.indexOf(`loadDoc ${bigId}`));
    expect(delivered).toBeLessThan(events.indexOf(`appendUpdate ${bigId}`));
    expect(c.doc.store.pendingStructs).toBeNull();
  }, 120_000);

  // A zero-length struct alone does not stop sliceUpdate, so that doc is loaded in slices and
  // judged after the last one; a change waiting on a missing one makes sliceUpdate return it whole.
  it.each([
    ['a zero-length struct (loaded in slices)', false],
    ['a zero-length struct and a change waiting on a missing one (loaded whole)', true],
  ])('repairs a big stored doc from the whole stored state, as before: %s', async (_what, withPending) => {
    const logs: Record<string, unknown>[] = [];
    const store = new ServerStore(tempDir());
    const ws = storeWorkspace(store, 'Three years', big);
    const writer = new Y.Doc();
    Y.applyUpdate(writer, big);
    const updates: Uint8Array[] = [];
    writer.on('update', (update: Uint8Array) => updates.push(update));
    writer.getMap(BIG_DOC_MAPS[0]).set('kept', { title: 'kept' });
    writer.getMap(BIG_DOC_MAPS[0]).set('withheld', { title: 'withheld' });
    writer.getMap(BIG_DOC_MAPS[0]).set('withheld', { title: 'waits on the withheld one' });
    writer.destroy();
    // What an older server stored without checking: the first change with a zero-length struct
    // after it, and (withPending) the third without the second it builds on.
    const { runs, ds } = decodeToRuns(updates[0]!);
    const [writerId, run] = [...runs][0]!;
    const last = run[run.length - 1]!;
    runs.set(writerId, [...run, new Y.GC(Y.createID(writerId, last.id.clock + last.length), 0)]);
    store.appendUpdate(ws.id, encodeUpdateV1(runs, ds));
    if (withPending) store.appendUpdate(ws.id, updates[2]!);
    expect(sliceUpdate(store.loadDoc(ws.id), LOAD_SLICE_BYTES).length > 1, 'loaded in slices').toBe(!withPending);

    const server = await startServer(store, undefined, (event) => logs.push(event));
    const c = client(server, ws.id, ws.token);
    await waitFor(() => c.provider.synced, 'the repaired doc at the client', 60_000);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'doc_repaired', doc: ws.id, droppedStructs: 1, droppedPending: withPending }));
    const stored = new Y.Doc();
    Y.applyUpdate(stored, big);
    stored.getMap(BIG_DOC_MAPS[0]).set('kept', { title: 'kept' });
    for (const name of BIG_DOC_MAPS) expect(sortedJson(c.doc.getMap(name).toJSON()), name).toBe(sortedJson(stored.getMap(name).toJSON()));
    expect(c.doc.store.pendingStructs).toBeNull();
    stored.destroy();
  }, 120_000);

  it('unloads the big room when its only client leaves while it loads', async () => {
    const events: string[] = [];
    let bigId = '';
    let leave = () => {};
    const store = watchedStore(tempDir(), events, (docName) => docName === bigId && leave());
    const server = await startServer(store);
    const ws = storeWorkspace(store, 'Three years', big);
    bigId = ws.id;
    const docsLoaded = async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return Number(/^driftdesk_docs_loaded (\d+)/m.exec(text)?.[1]);
    };
    const c = client(server, ws.id, ws.token);
    leave = () => c.provider.destroy();
    await waitFor(() => events.includes(`loadDoc ${bigId}`), 'the big doc read');
    let loaded = 1;
    const deadline = Date.now() + 60_000;
    while (loaded !== 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      loaded = await docsLoaded();
    }
    expect(loaded, 'docs held in memory once the load ended').toBe(0);
    expect(events).not.toContain(`appendUpdate ${bigId}`);
  }, 120_000);
});
