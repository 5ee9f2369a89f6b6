/**
 * `npm run bench:backup` — does an online backup hold up the server? A real sync server on a
 * SQLite (or PostgreSQL) store holding a large workspace (a big workspace doc, history snapshots
 * and blobs) takes comments from a live client, first with no backup running (the baseline, in
 * the same run), then while `--backup-dir` archives every workspace, then with no backup again.
 * Printed for each phase: the longest event-loop pause, the p99 time from a comment sent to its
 * echo from the server, how busy the main thread's event loop was (event-loop utilization) and
 * its longest garbage-collection pause (a pause with neither is the machine not scheduling the
 * thread); then the backup's ratios to both baselines. Goal (issue 21): a backup pauses the
 * server no longer than a normal write does, i.e. the ratios stay near 1.
 * Each phase's longest pauses (12 ms or more) are then explained (bench/stall-watch.ts): the main
 * thread running, waiting for a core, or blocked in a system call (which), the GC in it, the
 * other threads' CPU and the machine's pressure stall time, and, in the backup phase, the step
 * of the backup it fell in.
 * Options: --incidents N (default 20000), --blobs N (default 40, 1 MiB each), --comments N (default 200),
 * --store sqlite|postgres (default sqlite; postgres starts its own PostgreSQL, as the tests do),
 * --checkpoints thread|main (SQLite: WAL checkpoints on the server's checkpoint thread, the
 * default, or as before it, in the committing connection on the event loop), --no-backup (a
 * control: the middle phase runs no backup, so what its pauses owe to the machine shows),
 * --no-stall-watch (no heartbeat and watcher thread: the pauses as the server has them without
 * the instrument, which costs a core's share of its own; see bench/README.md),
 * --spawn-at-backup (a control: as the backup starts, the server's process also starts an idle
 * child process under `nice`, the way a reader process per archive would, and reads nothing with
 * it: what starting a process from a large server costs its event loop, apart from any reading).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay, performance as perf } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { randomBytes, createHash } from 'node:crypto';
import * as Y from 'yjs';
import { type SyncServer, startSyncServer } from '../server/index.ts';
import { PostgresStore } from '../server/postgres-store.ts';
import type { ServerStore } from '../server/store.ts';
import type { Store } from '../server/store-contract.ts';
import { addComment, createIncident, initWorkspace, upsertMember } from '../src/core/workspace/index.ts';
import { type RunningPostgres, startPostgres } from '../test/helpers/services.ts';
import { connectClient, waitFor } from '../test/helpers/sync-clients.ts';
import type { ArchiveFileWriter, ArchiveSource } from '../server/archive/archive-store.ts';
import { type Stall, describeStall, watchStalls } from './stall-watch.ts';
import { type CpuAccount, cpuMeter } from './cpu-account.ts';

const { values: opts } = parseArgs({ options: { incidents: { type: 'string', default: '20000' }, blobs: { type: 'string', default: '40' }, comments: { type: 'string', default: '200' }, store: { type: 'string', default: 'sqlite' }, checkpoints: { type: 'string', default: 'thread' }, 'no-backup': { type: 'boolean', default: false }, 'no-stall-watch': { type: 'boolean', default: false }, 'spawn-at-backup': { type: 'boolean', default: false } } });
if (opts.store !== 'sqlite' && opts.store !== 'postgres') throw new Error(`--store takes sqlite or postgres, got ${opts.store}`);
if (opts.checkpoints !== 'thread' && opts.checkpoints !== 'main') throw new Error(`--checkpoints takes thread or main, got ${opts.checkpoints}`);
const dir = mkdtempSync(join(tmpdir(), 'driftdesk-bench-backup-'));
const backup = { dir: join(dir, 'backups'), everyMs: 24 * 3_600_000, keep: 2 };
let postgres: RunningPostgres | undefined;
let server: SyncServer<Store>;
if (opts.store === 'postgres') {
  postgres = await startPostgres();
  server = await startSyncServer({ port: 0, store: await PostgresStore.open(postgres.url), monitorJobs: false, backup, splitConversations: false });
} else {
  // Not split into conversation docs: the bench's comments go into the workspace doc's map, which a
  // split server would treat as an older app's and sweep each second (a pause of its own, in every
  // phase alike), and this bench is about what a backup adds.
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'data'), backup, splitConversations: false });
  // As before the checkpoint thread: the commit that crosses 1000 frames checkpoints, on the event loop.
  if (opts.checkpoints === 'main') await (server.store as ServerStore).stopBackgroundCheckpoints();
}
try {
  const ws = await server.store.createWorkspace('Big', 'Ada');
  const seed = new Y.Doc();
  const now = Date.now();
  let n = 0;
  const as = { actor: { id: ws.memberId, name: 'Ada' }, now: () => now, newId: () => `id${++n}` };
  seed.transact(() => {
    initWorkspace(seed, { id: ws.id, name: 'Big' }, { now: () => now });
    upsertMember(seed, { id: ws.memberId, name: 'Ada', role: 'owner', joinedAt: now });
    for (let i = 0; i < Number(opts.incidents); i++) createIncident(seed, { title: `incident ${i}`, severity: 'low', description: 'x'.repeat(500) }, as);
  });
  const state = Y.encodeStateAsUpdate(seed);
  await server.store.appendUpdate(ws.id, state);
  for (let i = 0; i < 5; i++) await server.store.addSnapshot(ws.id, state, now - i);
  for (let i = 0; i < Number(opts.blobs); i++) {
    const blob = randomBytes(1024 * 1024);
    await server.store.putBlob(ws.id, createHash('sha256').update(blob).digest('hex'), blob);
  }
  const client = connectClient(server.url, ws.id, ws.token);
  await waitFor(() => client.provider.synced, 'the writer synced', 120_000);

  /** Comments one after another, each timed from send to the server's echo at a second client. */
  const watcher = connectClient(server.url, ws.id, ws.token);
  await waitFor(() => watcher.provider.synced, 'the watcher synced', 120_000);
  const comments = watcher.doc.getMap('comments');

  // What the backup does on the main thread, timed: each call to its archive source (sent, and
  // answered by the reader thread), so a long pause can be set beside the step it fell in.
  const steps: { at: number; what: string }[] = [];
  const trace = <F extends (...a: never[]) => unknown>(name: string, f: F): F =>
    (async (...a: never[]) => {
      steps.push({ at: performance.now(), what: `${name} sent` });
      try {
        return await f(...a);
      } finally {
        steps.push({ at: performance.now(), what: `${name} answered` });
      }
    }) as unknown as F;
  const store = server.store as Store & { openArchiveSource(id: string, ...rest: unknown[]): Promise<ArchiveSource> };
  const open = store.openArchiveSource.bind(store);
  // Whatever else a backup passes goes through (branch backup-prestart passed its reader process).
  store.openArchiveSource = trace('open source (start reader thread)', async (id: string, ...rest: unknown[]) => {
    const source = await open(id, ...rest);
    const traced = { ...source } as Record<string, unknown>;
    for (const [k, v] of Object.entries(source)) if (typeof v === 'function') traced[k] = trace(k, v.bind(source));
    traced.openFile = trace('openFile', async (file: string, mtime: number) => {
      const w = await source.openFile(file, mtime);
      return { entry: trace('entry', (path: string, data: Parameters<ArchiveFileWriter['entry']>[1]) => w.entry(path, data)), finish: trace('finish', w.finish), abort: w.abort } satisfies ArchiveFileWriter;
    });
    return traced as unknown as ArchiveSource;
  });
  const stallWatch = opts['no-stall-watch'] ? undefined : watchStalls();
  const meter = cpuMeter();
  const gcs: { at: number; ms: number }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ at: e.startTime, ms: e.duration });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  interface Phase { maxPauseMs: number; p99Ms: number; busy: number; maxGcMs: number; seconds: number; started: number; ended: number; stalls: Stall[]; cpu?: CpuAccount }
  async function phase(during: () => Promise<unknown>): Promise<Phase> {
    const delay = monitorEventLoopDelay({ resolution: 5 });
    const started = performance.now();
    const elu = perf.eventLoopUtilization();
    const account = meter?.begin();
    delay.enable();
    const echo: number[] = [];
    let stop = false;
    const writes = (async () => {
      for (let i = 0; i < Number(opts.comments) && !stop; i++) {
        const sent = performance.now();
        const before = comments.size;
        addComment(client.doc, { target: { kind: 'incident', id: 'id1' }, body: `comment ${i}` }, { ...as, newId: () => `c${++n}` });
        while (comments.size === before) await new Promise((r) => setTimeout(r, 1));
        echo.push(performance.now() - sent);
      }
    })();
    await during();
    stop = true;
    await writes;
    delay.disable();
    const cpu = account?.();
    const ended = performance.now();
    const busy = perf.eventLoopUtilization(elu).utilization;
    echo.sort((a, b) => a - b);
    const maxGcMs = Math.max(0, ...gcs.filter((g) => g.at >= started && g.at <= ended).map((g) => g.ms));
    const stalls = (await stallWatch?.take(12)) ?? [];
    return { maxPauseMs: delay.max / 1e6, p99Ms: echo[Math.floor(echo.length * 0.99)] ?? Number.NaN, busy, maxGcMs, seconds: (ended - started) / 1000, started, ended, stalls, cpu };
  }

  await stallWatch?.take(0);
  const quiet = await phase(() => new Promise((r) => setTimeout(r, 3000)));
  let archived = 0;
  const backing = await phase(async () => {
    if (opts['no-backup']) return new Promise((r) => setTimeout(r, 2700));
    if (opts['spawn-at-backup']) {
      // Started as branch backup-child started its reader, then killed after the backup.
      const { spawn } = await import('node:child_process');
      const c = spawn('/usr/bin/nice', ['-n', '10', process.execPath, '-e', "process.on('disconnect', () => process.exit(0)); setTimeout(() => {}, 1e9)"], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', env: {} });
      c.unref();
      c.channel?.unref();
      setTimeout(() => c.kill(), 2000).unref();
    }
    const run = await server.backups!.runNow();
    archived = run.written.length;
  });
  // The first baseline follows the clients' sync of the big doc, whose garbage may still be
  // collected in it; a second one after the backup keeps the comparison fair both ways.
  const quietAfter = await phase(() => new Promise((r) => setTimeout(r, 3000)));
  gcObserver.disconnect();
  const row = (name: string, p: Phase) =>
    `${name.padEnd(22)} ${p.maxPauseMs.toFixed(1).padStart(12)} ${p.p99Ms.toFixed(1).padStart(12)} ${(p.busy * 100).toFixed(0).padStart(9)}% ${p.maxGcMs.toFixed(1).padStart(10)} ${p.seconds.toFixed(1).padStart(7)}`;
  console.log(`store: ${opts.store}; workspace: ${opts.incidents} incidents (${(state.byteLength / 1e6).toFixed(1)} MB doc), 5 snapshots, ${opts.blobs} × 1 MiB blobs; ${archived} archive(s) written`);
  console.log(`${'phase'.padEnd(22)} ${'max pause ms'.padStart(12)} ${'echo p99 ms'.padStart(12)} ${'loop busy'.padStart(10)} ${'max GC ms'.padStart(10)} ${'seconds'.padStart(7)}`);
  console.log(row('writes only (baseline)', quiet));
  console.log(row('writes + backup', backing));
  console.log(row('writes only, after', quietAfter));
  for (const [name, base] of [['baseline', quiet], ['after', quietAfter]] as const) {
    console.log(`ratio to ${name}: max pause ${(backing.maxPauseMs / base.maxPauseMs).toFixed(2)}×, echo p99 ${(backing.p99Ms / base.p99Ms).toFixed(2)}×`);
  }
  // Where the CPU went: a phase in which other processes took much of the machine is not a fair
  // comparison, whatever its ratio says.
  if (meter) {
    console.log(`${'CPU, ms (share)'.padEnd(22)} ${'main run'.padStart(9)} ${'main wait'.padStart(10)} ${'threads'.padStart(8)} ${'of them low prio'.padStart(17)} ${'reader proc'.padStart(12)} ${'other procs'.padStart(12)}`);
    const share = (ms: number, c: CpuAccount) => `${ms.toFixed(0)} (${((ms / c.capacityMs) * 100).toFixed(0)}%)`;
    for (const [name, p] of [['baseline', quiet], ['backup', backing], ['after', quietAfter]] as const) {
      const c = p.cpu!;
      console.log(`${name.padEnd(22)} ${c.mainCpuMs.toFixed(0).padStart(9)} ${c.mainWaitMs.toFixed(0).padStart(10)} ${c.otherThreadsMs.toFixed(0).padStart(8)} ${c.lowPriorityMs.toFixed(0).padStart(17)} ${c.childMs.toFixed(0).padStart(12)} ${share(c.otherProcessesMs, c).padStart(12)}`);
    }
    meter.stop();
  }
  // Wall-clock bounds, to set an outside trace (strace -tt, perf) beside the phases.
  const wall = (t: number) => new Date(perf.timeOrigin + t).toISOString().slice(11, 23);
  console.log(`phases (UTC): ${([['baseline', quiet], ['backup', backing], ['after', quietAfter]] as const).map(([name, p]) => `${name} ${wall(p.started)}–${wall(p.ended)}`).join(', ')}`);
  // CLOCK_MONOTONIC seconds (process.hrtime's clock; `perf record -k CLOCK_MONOTONIC` stamps
  // events with it) and the main thread's id, to find the phases in a `perf sched` trace.
  const mono = (t: number) => (Number(process.hrtime.bigint()) / 1e9 - (performance.now() - t) / 1000).toFixed(3);
  console.log(`phases (monotonic s, main thread ${process.pid}): ${([['baseline', quiet], ['backup', backing], ['after', quietAfter]] as const).map(([name, p]) => `${name} ${mono(p.started)}–${mono(p.ended)}`).join(', ')}`);
  // The longest late spells of each phase, what the main thread was doing in them and which
  // backup step they fell in (or next to).
  for (const [name, p] of [['baseline', quiet], ['backup', backing], ['after', quietAfter]] as const) {
    if (p.stalls.length === 0) continue;
    console.log(`\nlongest pauses (≥ 12 ms) in the ${name} phase:`);
    for (const s of p.stalls.slice(0, 3)) {
      console.log(`  ${describeStall({ ...s, from: s.from - p.started, to: s.to - p.started })}`);
      const gc = gcs.filter((g) => g.at < s.to && g.at + g.ms > s.from).map((g) => `${g.ms.toFixed(1)} ms`);
      if (gc.length > 0) console.log(`      GC in it: ${gc.join(', ')}`);
      const near = steps.filter((e) => e.at >= s.from - 20 && e.at <= s.to + 5);
      const before = [...steps].reverse().find((e) => e.at < s.from - 20);
      const at = (e: { at: number; what: string }) => `${e.what} @${((e.at - p.started) / 1000).toFixed(3)}`;
      if (name === 'backup') console.log(`      backup steps: ${[...(before ? [`(last before: ${at(before)})`] : []), ...near.map(at)].join(', ') || 'none'}`);
    }
  }
  await stallWatch?.stop();
  client.dispose();
  watcher.dispose();
} finally {
  await server.close();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
}
