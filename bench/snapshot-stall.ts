/**
 * `npx tsx bench/snapshot-stall.ts` (issue 20, server side): how long a history snapshot of a big
 * workspace doc holds the sync server's event loop. Baseline, in the same run: the snapshot as
 * the room took it before per-doc history — `Y.encodeStateAsUpdate(room.doc)` on the event loop,
 * then the insert (`snapshotOffLoopBytes: null`). Against: the room's default
 * (server/doc-snapshots.ts) — past SNAPSHOT_OFF_LOOP_BYTES the doc's stored log is read and
 * merged with `Y.mergeUpdates` on a reader thread, and only the insert of the finished row runs
 * on the loop.
 *
 * Docs: synthetic workspace docs (test/helpers/big-workspace-doc.ts) of ~15 MB by default,
 * stored in a real store — SQLite, or with `--store postgres` a PostgreSQL the bench starts, as
 * the tests do — as one compacted row plus a tail of 300 small updates (a log as a loaded room
 * leaves it), twice (one workspace per path), each loaded by `Room.load`. Per snapshot: one change made as the
 * server (`writeAsServer`), which is persisted and — with `snapshotEveryMs: 0` — snapshotted;
 * the clock runs until the snapshot row is stored (`room.idle()`). The longest event-loop block
 * is the longest gap between ticks of a `setInterval(1)` (it also counts time the process was
 * not scheduled, and GC). Three snapshots each, alternating; medians and the worst printed.
 * Each off-loop snapshot is checked: applied to a fresh doc it equals the room's doc.
 * Options: `--sizes 15,45` (MB), `--store sqlite|postgres`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { SNAPSHOT_OFF_LOOP_BYTES } from '../server/doc-snapshots.ts';
import { DEFAULT_LIMITS } from '../server/limits.ts';
import { createMetrics } from '../server/metrics.ts';
import { Room } from '../server/room.ts';
import { PostgresStore } from '../server/postgres-store.ts';
import { ServerStore } from '../server/store.ts';
import type { Store } from '../server/store-contract.ts';
import { type RunningPostgres, startPostgres } from '../test/helpers/services.ts';
import { BIG_DOC_MAPS, BIG_DOC_TIMELINE, bigWorkspaceState } from '../test/helpers/big-workspace-doc.ts';
import { canonicalJson } from '../test/helpers/canonical-json.ts';
import { watchLoop } from './loop-block.ts';

const MB = 1024 * 1024;
const fmt = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function openRoom(store: Store, docName: string, offLoopBytes: number | null): Promise<Room> {
  return Room.load(docName, store, {
    maxDocBytes: 512 * MB,
    limits: DEFAULT_LIMITS,
    snapshotEveryMs: 0,
    snapshotOffLoopBytes: offLoopBytes,
    metrics: createMetrics(),
    fanout: null,
    onBroken: (_room, err) => {
      throw err;
    },
    onSnapshotFailed: (_doc, err) => {
      throw err;
    },
  });
}

/** One change, persisted and snapshotted, while a 1 ms ticker watches the loop. */
async function snapshotOnce(room: Room, tick: number): Promise<{ ms: number; gapMaxMs: number }> {
  const { ms, gapMaxMs } = await watchLoop(async () => {
    await room.writeAsServer((doc) => doc.getMap('meta').set('benchTick', tick));
    await room.idle();
  }, 300);
  return { ms, gapMaxMs };
}

/** The content a snapshot must hold: the generator's maps and timeline, and the tick. */
const content = (doc: Y.Doc) => canonicalJson([...BIG_DOC_MAPS.map((k) => doc.getMap(k).toJSON()), doc.getArray(BIG_DOC_TIMELINE).toJSON(), doc.getMap('meta').toJSON()]);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '15' }, store: { type: 'string', default: 'sqlite' } } });
  const sizes = values.sizes.split(',').map(Number);
  if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error(`--store takes sqlite or postgres, got ${values.store}`);
  console.log(`Node ${process.version}; ${values.store}; off the loop past ${SNAPSHOT_OFF_LOOP_BYTES / 1024} KiB`);
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-bench-snapshot-'));
  let postgres: RunningPostgres | undefined;
  let store: Store;
  if (values.store === 'postgres') {
    postgres = await startPostgres();
    store = await PostgresStore.open(postgres.url);
  } else store = new ServerStore(dir);
  const rows: string[] = [];
  try {
    for (const size of sizes) {
      const { state } = bigWorkspaceState(size * MB);
      /** One workspace per path: a room's snapshot is of what the store holds of its own doc. */
      const seeded = async () => {
        const ws = await store.createWorkspace(`${size} MB`, 'Ada');
        await store.replaceDoc(ws.id, state);
        // A tail of small updates after the compacted row, as a loaded room leaves its log.
        const tail = new Y.Doc();
        Y.applyUpdate(tail, state);
        const updates: Uint8Array[] = [];
        tail.on('update', (u: Uint8Array) => updates.push(u));
        for (let i = 0; i < 300; i++) tail.getMap('comments').set(`tail${i}`, { body: `comment ${i}`, createdAt: i });
        tail.destroy();
        for (const u of updates) await store.appendUpdate(ws.id, u);
        return ws.id;
      };
      const [baseId, offId] = [await seeded(), await seeded()];
      const baseline = await openRoom(store, baseId, null);
      const offLoop = await openRoom(store, offId, SNAPSHOT_OFF_LOOP_BYTES);
      // Warm both paths once (V8, the reader thread's first start).
      await snapshotOnce(baseline, -1);
      await snapshotOnce(offLoop, -2);
      const base: { ms: number; gapMaxMs: number }[] = [];
      const off: { ms: number; gapMaxMs: number }[] = [];
      let same = true;
      for (let i = 0; i < 3; i++) {
        base.push(await snapshotOnce(baseline, i));
        off.push(await snapshotOnce(offLoop, 100 + i));
        // The newest snapshot is the off-loop one: it must hold what the room holds.
        const newest = (await store.listSnapshots(offId))[0]!;
        const past = new Y.Doc();
        Y.applyUpdate(past, (await store.getSnapshot(offId, newest.id))!);
        same &&= content(past) === content(offLoop.doc);
        past.destroy();
      }
      await baseline.destroy();
      await offLoop.destroy();
      const label = `${(state.byteLength / MB).toFixed(1)} MB + 300 updates`;
      const b = { gap: median(base.map((x) => x.gapMaxMs)), worst: Math.max(...base.map((x) => x.gapMaxMs)), ms: median(base.map((x) => x.ms)) };
      const o = { gap: median(off.map((x) => x.gapMaxMs)), worst: Math.max(...off.map((x) => x.gapMaxMs)), ms: median(off.map((x) => x.ms)) };
      rows.push(`| ${label} | encode on the loop (baseline) | ${fmt(b.gap)} | ${fmt(b.worst)} | ${fmt(b.ms)} | 1.00× | – |`);
      rows.push(`| ${label} | stored log merged on a reader thread | ${fmt(o.gap)} | ${fmt(o.worst)} | ${fmt(o.ms)} | ${(o.gap / b.gap).toFixed(3)}× (${(b.gap / o.gap).toFixed(0)}× shorter) | ${same ? 'yes' : 'NO'} |`);
    }
    console.log('\n| doc | snapshot | longest event-loop block, median of 3 (ms) | worst of 3 (ms) | change → snapshot stored, median (ms) | longest block / baseline | equals the room\'s doc |');
    console.log('|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
  } finally {
    await store.close();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
