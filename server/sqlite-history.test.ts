import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_PART_BYTES } from './sqlite-history.ts';
import { ServerStore } from './store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dir?: string) {
  const at = dir ?? mkdtempSync(join(tmpdir(), 'driftdesk-history-'));
  if (!dir) dirs.push(at);
  return { dir: at, store: new ServerStore(at) };
}

const parts = (store: ServerStore) => (store.db.prepare('SELECT count(*) AS n FROM doc_history_parts').get() as { n: number }).n;

describe('SQLite history snapshots in parts', () => {
  it('writes a big snapshot in parts, one per macrotask, listed only once whole, read back byte for byte', async () => {
    const { store } = open();
    const ws = store.createWorkspace('W', 'Ada');
    const doc = `${ws.id}:thread:incident:i1`;
    const big = randomBytes(Math.floor(3.5 * HISTORY_PART_BYTES));
    const adding = store.addSnapshot(doc, big, 1000);
    expect(adding).toBeInstanceOf(Promise);
    // The first part is in; the snapshot is not listed until its row is.
    expect(parts(store)).toBe(1);
    expect(store.listSnapshots(doc)).toEqual([]);
    await adding;
    expect(parts(store)).toBe(4);
    const [listed] = store.listSnapshots(doc);
    expect(listed).toMatchObject({ createdAt: 1000, bytes: big.byteLength });
    expect(Buffer.from(store.getSnapshot(doc, listed!.id)!).equals(big)).toBe(true);
    // Another doc's id is not this doc's.
    expect(store.getSnapshot(ws.id, listed!.id)).toBeUndefined();
    // A small one is one row, written at once.
    expect(store.addSnapshot(doc, Uint8Array.of(1, 2, 3), 2000)).toBeUndefined();
    expect(store.listSnapshots(doc).map((s) => s.bytes)).toEqual([3, big.byteLength]);
    // The archive's reader thread puts the parts back together too.
    const source = await store.openArchiveSource(ws.id);
    try {
      const listedThere = await source.snapshots();
      expect(listedThere.map((s) => [s.doc, s.createdAt])).toEqual([['thread:incident:i1', 1000], ['thread:incident:i1', 2000]]);
      expect(Buffer.from(await source.snapshot(listed!.id)).equals(big)).toBe(true);
    } finally {
      await source.close();
    }
    store.close();
  });

  it('drops the parts a crash left without their row when the store opens, and keeps the listed ones', async () => {
    const { dir, store } = open();
    const ws = store.createWorkspace('W', 'Ada');
    await store.addSnapshot(ws.id, randomBytes(2 * HISTORY_PART_BYTES + 10), 1);
    // A snapshot cut short: its parts are in, its row never came.
    const cut = store.addSnapshot(ws.id, randomBytes(3 * HISTORY_PART_BYTES), 2) as Promise<void>;
    expect(parts(store)).toBe(4);
    store.close();
    await expect(cut).rejects.toThrow(/not open/);
    dirs.push(dir);
    const reopened = open(dir).store;
    try {
      expect(parts(reopened)).toBe(3);
      const listed = reopened.listSnapshots(ws.id);
      expect(listed.map((s) => s.createdAt)).toEqual([1]);
      expect(reopened.getSnapshot(ws.id, listed[0]!.id)!.byteLength).toBe(2 * HISTORY_PART_BYTES + 10);
    } finally {
      reopened.close();
    }
  });
});
