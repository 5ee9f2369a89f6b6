/**
 * `npx tsx bench/room-load.ts` (issue 20, server side): how long a sync server room's load of
 * a big workspace doc holds the process's event loop, applied whole (the baseline, as
 * `Room.load` did before) against applied in 256 KiB slices, one per macrotask
 * (server/sliced-load.ts), in the same run.
 *
 * Docs: synthetic workspace docs of ~15 MB and ~45 MB (test/helpers/big-workspace-doc.ts: a few
 * thousand sessions, each its own client id, writing incidents, runs, comments and a timeline,
 * with overwrites and deletes), stored in a real SQLite ServerStore in a temp folder, each
 * loaded by `Room.load` — store read, apply, health check — as the server does.
 *
 * Per load: wall time, and the longest event-loop block seen while it ran: the longest gap
 * between ticks of a `setInterval(1)` (on a shared machine it also counts time the process was
 * not scheduled, and GC pauses). Then, on the loaded doc, what else costs in one go: `sliceUpdate` itself (warm,
 * median of 3) and `Y.encodeStateAsUpdate` of the whole doc — the room's periodic history
 * snapshot, and also its answer to a new client's sync step 1 (empty state vector).
 * Options: `--sizes 15,45` (MB).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { DEFAULT_LIMITS } from '../server/limits.ts';
import { createMetrics } from '../server/metrics.ts';
import { docHealth } from '../server/doc-repair.ts';
import { Room, type RoomOptions } from '../server/room.ts';
import { LOAD_SLICE_BYTES } from '../server/sliced-load.ts';
import { ServerStore } from '../server/store.ts';
import { sliceUpdate } from '../src/core/workspace/update-slices.ts';
import { bigWorkspaceState } from '../test/helpers/big-workspace-doc.ts';
import { watchLoop } from './loop-block.ts';

const MB = 1024 * 1024;

function options(loadSliceBytes: number | null): RoomOptions {
  return {
    maxDocBytes: 512 * MB,
    limits: DEFAULT_LIMITS,
    snapshotEveryMs: 10 * 60_000,
    metrics: createMetrics(),
    fanout: null,
    onBroken: (_room, err) => {
      throw err;
    },
    loadSliceBytes,
  };
}

interface Load {
  ms: number;
  gapMaxMs: number;
  room: Room;
}

/**
 * Loads the room while a 1 ms ticker watches the event loop (loop-block.ts).
 */
async function load(store: ServerStore, docName: string, sliceBytes: number | null): Promise<Load> {
  const { value: room, ms, gapMaxMs } = await watchLoop(() => Room.load(docName, store, options(sliceBytes)), 200);
  return { ms, gapMaxMs, room };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
const ratio = (x: number, base: number) => `${(x / base).toFixed(2)}×`;

function timed<T>(run: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = run();
  return { ms: performance.now() - start, value };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '15,45' } } });
  const sizes = values.sizes.split(',').map(Number);
  console.log(`Node ${process.version}; slices of ${LOAD_SLICE_BYTES / 1024} KiB above ${(2 * LOAD_SLICE_BYTES) / 1024} KiB`);
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-bench-room-load-'));
  const store = new ServerStore(dir);
  try {
    const rows: string[] = [];
    const extra: string[] = [];
    for (const size of sizes) {
      const built = timed(() => bigWorkspaceState(size * MB));
      const { state, sessions } = built.value;
      const ws = store.createWorkspace(`${size} MB`, 'Ada');
      store.replaceDoc(ws.id, state);
      console.log(`${size} MB doc: ${(state.byteLength / MB).toFixed(1)} MB, ${sessions} sessions, built in ${(built.ms / 1000).toFixed(1)} s`);
      // Warm the code paths once (a small doc through both), so neither side pays V8's warm-up.
      if (rows.length === 0) {
        const warm = store.createWorkspace('warm', 'Ada');
        store.replaceDoc(warm.id, bigWorkspaceState(2 * MB, 7).state);
        for (const bytes of [null, LOAD_SLICE_BYTES]) await (await load(store, warm.id, bytes)).room.destroy();
      }
      const whole = await load(store, ws.id, null);
      const reference = Buffer.from(Y.encodeStateAsUpdate(whole.room.doc));
      await whole.room.destroy();
      const sliced = await load(store, ws.id, LOAD_SLICE_BYTES);
      const cuts = [0, 1, 2].map(() => timed(() => sliceUpdate(state, LOAD_SLICE_BYTES)));
      const snapshot = [0, 1, 2].map(() => timed(() => Y.encodeStateAsUpdate(sliced.room.doc)).ms);
      const health = [0, 1, 2].map(() => timed(() => docHealth(sliced.room.doc)).ms);
      const fresh = new Y.Doc();
      const sliceApply = Math.max(...cuts[0]!.value.map((slice) => timed(() => Y.applyUpdate(fresh, slice)).ms));
      fresh.destroy();
      const same = reference.equals(Buffer.from(Y.encodeStateAsUpdate(sliced.room.doc)));
      await sliced.room.destroy();
      const label = `${(state.byteLength / MB).toFixed(1)} MB`;
      rows.push(`| ${label} | whole (baseline) | ${fmt(whole.ms)} | ${fmt(whole.gapMaxMs)} | 1.00× | 1.00× | – |`);
      rows.push(`| ${label} | ${cuts[0]!.value.length} slices | ${fmt(sliced.ms)} | ${fmt(sliced.gapMaxMs)} | ${ratio(sliced.ms, whole.ms)} | ${ratio(sliced.gapMaxMs, whole.gapMaxMs)} | ${same ? 'yes' : 'NO'} |`);
      extra.push(`| ${label} | ${fmt(median(cuts.map((c) => c.ms)))} | ${fmt(sliceApply)} | ${fmt(median(health))} | ${fmt(median(snapshot))} |`);
    }
    console.log('\n| doc | load | load (ms) | longest event-loop block (ms) | load / baseline | longest block / baseline | same doc |');
    console.log('|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
    console.log('\nWhat still runs in one go (medians of 3, warm):');
    console.log('| doc | `sliceUpdate` (ms) | longest slice apply (ms) | `docHealth` (ms) | `Y.encodeStateAsUpdate(doc)`: history snapshot, or a new client\'s sync step 2 (ms) |');
    console.log('|---|---|---|---|---|');
    for (const row of extra) console.log(row);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
