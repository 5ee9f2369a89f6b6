/**
 * bench:backup's server side: a real sync server holding a large workspace (a big workspace doc,
 * history snapshots, blobs), and what is measured of it per phase — its event loop's longest pause
 * and utilization, its longest GC, where the CPU went (bench/cpu-account.ts), its longest late
 * spells explained (bench/stall-watch.ts) and the steps of a backup they fell in.
 *
 * It runs either in the bench's own process (`startMeasuredServer`, the bench's `--in-process`)
 * or, by default, as a process of its own (`forkMeasuredServer`: this file run by Node with an IPC
 * channel), as `driftdesk server` runs: then the server's event loop, heap and GC hold the server
 * alone, not also the two clients' copies of the 15.6 MB doc and their Yjs work, which in one
 * process share its thread and made most of its heap.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay, performance as perf } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { type SyncServer, startSyncServer } from '../server/index.ts';
import { PostgresStore } from '../server/postgres-store.ts';
import type { ServerStore } from '../server/store.ts';
import type { Store } from '../server/store-contract.ts';
import type { ArchiveFileWriter, ArchiveSource } from '../server/archive/archive-store.ts';
import { createIncident, initWorkspace, upsertMember } from '../src/core/workspace/index.ts';
import { describeStall, watchStalls } from './stall-watch.ts';
import { type CpuAccount, cpuMeter } from './cpu-account.ts';

export interface ServerOptions {
  store: 'sqlite' | 'postgres';
  /** The PostgreSQL to use (store postgres). */
  postgresUrl?: string;
  /** A directory of the bench's own: the SQLite data and the backups go under it. */
  dir: string;
  incidents: number;
  blobs: number;
  /** SQLite: WAL checkpoints on the checkpoint thread (as shipped) or in the committing connection. */
  checkpoints: 'thread' | 'main';
  stallWatch: boolean;
  /** The shortest late spell the stall watch explains, ms. */
  stallMs: number;
  /** A process whose CPU is accounted apart from "other processes" (the bench's clients, when the server runs in a process of its own). */
  apartPid?: number;
}

export interface Seeded {
  url: string;
  workspaceId: string;
  token: string;
  memberId: string;
  docBytes: number;
}

export interface ServerPhase {
  maxPauseMs: number;
  /** Event-loop utilization over the phase, 0–1. */
  busy: number;
  maxGcMs: number;
  seconds: number;
  cpu?: CpuAccount;
  /** The phase's bounds in UTC (to set an outside trace beside it) and in CLOCK_MONOTONIC seconds (`perf record -k CLOCK_MONOTONIC`). */
  wall: [string, string];
  mono: [string, string];
  /** The longest late spells (at least `stallMs`), each described, with its GC and the backup steps near it. */
  stalls: string[];
}

export interface MeasuredServer {
  seeded: Seeded;
  /** The server's process id, which is its main thread's id. */
  pid: number;
  begin(): Promise<void>;
  end(): Promise<ServerPhase>;
  /** Archives every workspace now (or, with `noBackup`, waits as long as one takes); the number written. */
  backup(o: { noBackup: boolean; spawnAtBackup: boolean }): Promise<number>;
  close(): Promise<void>;
}

/** The server and its instruments, in this process. */
export async function startMeasuredServer(o: ServerOptions): Promise<MeasuredServer> {
  const backup = { dir: join(o.dir, 'backups'), everyMs: 24 * 3_600_000, keep: 2 };
  let server: SyncServer<Store>;
  if (o.store === 'postgres') {
    server = await startSyncServer({ port: 0, store: await PostgresStore.open(o.postgresUrl!), monitorJobs: false, backup, splitConversations: false });
  } else {
    // Not split into conversation docs: the bench's comments go into the workspace doc's map, which a
    // split server would treat as an older app's and sweep each second (a pause of its own, in every
    // phase alike), and this bench is about what a backup adds.
    server = await startSyncServer({ port: 0, dataDir: join(o.dir, 'data'), backup, splitConversations: false });
    // As before the checkpoint thread: the commit that crosses 1000 frames checkpoints, on the event loop.
    if (o.checkpoints === 'main') await (server.store as ServerStore).stopBackgroundCheckpoints();
  }
  const ws = await server.store.createWorkspace('Big', 'Ada');
  const docBytes = await seed(server, ws, o);

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

  const stallWatch = o.stallWatch ? watchStalls() : undefined;
  await stallWatch?.take(0);
  const meter = cpuMeter(() => o.apartPid);
  const gcs: { at: number; ms: number }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ at: e.startTime, ms: e.duration });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const wall = (t: number) => new Date(perf.timeOrigin + t).toISOString().slice(11, 23);
  const mono = (t: number) => (Number(process.hrtime.bigint()) / 1e9 - (performance.now() - t) / 1000).toFixed(3);

  let current: { delay: ReturnType<typeof monitorEventLoopDelay>; started: number; elu: ReturnType<typeof perf.eventLoopUtilization>; account?: () => CpuAccount; backup: boolean } | undefined;
  return {
    seeded: { url: server.url, workspaceId: ws.id, token: ws.token, memberId: ws.memberId, docBytes },
    pid: process.pid,
    async begin() {
      await stallWatch?.take(0);
      const delay = monitorEventLoopDelay({ resolution: 5 });
      current = { delay, started: performance.now(), elu: perf.eventLoopUtilization(), account: meter?.begin(), backup: false };
      delay.enable();
    },
    async end() {
      const p = current!;
      current = undefined;
      p.delay.disable();
      const cpu = p.account?.();
      const ended = performance.now();
      const busy = perf.eventLoopUtilization(p.elu).utilization;
      const inPhase = gcs.filter((g) => g.at >= p.started && g.at <= ended);
      const stalls: string[] = [];
      for (const s of ((await stallWatch?.take(o.stallMs)) ?? []).slice(0, 3)) {
        stalls.push(describeStall({ ...s, from: s.from - p.started, to: s.to - p.started }));
        const gc = gcs.filter((g) => g.at < s.to && g.at + g.ms > s.from).map((g) => `${g.ms.toFixed(1)} ms`);
        if (gc.length > 0) stalls.push(`    GC in it: ${gc.join(', ')}`);
        if (!p.backup) continue;
        const at = (e: { at: number; what: string }) => `${e.what} @${((e.at - p.started) / 1000).toFixed(3)}`;
        const near = steps.filter((e) => e.at >= s.from - 20 && e.at <= s.to + 5);
        const before = [...steps].reverse().find((e) => e.at < s.from - 20);
        stalls.push(`    backup steps: ${[...(before ? [`(last before: ${at(before)})`] : []), ...near.map(at)].join(', ') || 'none'}`);
      }
      return {
        maxPauseMs: p.delay.max / 1e6,
        busy,
        maxGcMs: Math.max(0, ...inPhase.map((g) => g.ms)),
        seconds: (ended - p.started) / 1000,
        cpu,
        wall: [wall(p.started), wall(ended)],
        mono: [mono(p.started), mono(ended)],
        stalls,
      };
    },
    async backup({ noBackup, spawnAtBackup }) {
      if (current) current.backup = true;
      if (noBackup) {
        await new Promise((r) => setTimeout(r, 2700));
        return 0;
      }
      if (spawnAtBackup) {
        // Started as branch backup-child started its reader, then killed after the backup.
        const { spawn } = await import('node:child_process');
        const c = spawn('/usr/bin/nice', ['-n', '10', process.execPath, '-e', "process.on('disconnect', () => process.exit(0)); setTimeout(() => {}, 1e9)"], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', env: {} });
        c.unref();
        c.channel?.unref();
        setTimeout(() => c.kill(), 2000).unref();
      }
      return (await server.backups!.runNow()).written.length;
    },
    async close() {
      gcObserver.disconnect();
      meter?.stop();
      await stallWatch?.stop();
      await server.close();
    },
  };
}

/** The big workspace: `incidents` incidents with 500-character descriptions, five history snapshots and `blobs` × 1 MiB. */
async function seed(server: SyncServer<Store>, ws: { id: string; memberId: string }, o: ServerOptions): Promise<number> {
  const doc = new Y.Doc();
  const now = Date.now();
  let n = 0;
  const as = { actor: { id: ws.memberId, name: 'Ada' }, now: () => now, newId: () => `id${++n}` };
  doc.transact(() => {
    initWorkspace(doc, { id: ws.id, name: 'Big' }, { now: () => now });
    upsertMember(doc, { id: ws.memberId, name: 'Ada', role: 'owner', joinedAt: now });
    for (let i = 0; i < o.incidents; i++) createIncident(doc, { title: `incident ${i}`, severity: 'low', description: 'x'.repeat(500) }, as);
  });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  await server.store.appendUpdate(ws.id, state);
  for (let i = 0; i < 5; i++) await server.store.addSnapshot(ws.id, state, now - i);
  for (let i = 0; i < o.blobs; i++) {
    const blob = randomBytes(1024 * 1024);
    await server.store.putBlob(ws.id, createHash('sha256').update(blob).digest('hex'), blob);
  }
  return state.byteLength;
}

type Request = { id: number; method: 'begin' | 'end' | 'backup' | 'close'; arg?: unknown };
type Reply = { id: number; value?: unknown; error?: string } | { ready: { seeded: Seeded; pid: number } } | { failed: string };

/** The server and its instruments in a process of its own, run from this file; the same interface over the IPC channel. */
export async function forkMeasuredServer(o: ServerOptions): Promise<MeasuredServer> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [JSON.stringify({ ...o, apartPid: process.pid })], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let exited: Error | undefined;
  const ready = new Promise<{ seeded: Seeded; pid: number }>((resolve, reject) => {
    child.on('message', (m: Reply) => {
      if ('ready' in m) resolve(m.ready);
      else if ('failed' in m) reject(new Error(`the bench's server process failed to start: ${m.failed}`));
      else {
        const w = waiting.get(m.id);
        waiting.delete(m.id);
        if (m.error !== undefined) w?.reject(new Error(m.error));
        else w?.resolve(m.value);
      }
    });
    child.on('exit', (code, signal) => {
      exited = new Error(`the bench's server process exited (${signal ?? code})`);
      reject(exited);
      for (const w of waiting.values()) w.reject(exited);
      waiting.clear();
    });
  });
  const { seeded, pid } = await ready;
  let next = 0;
  const call = <T>(method: Request['method'], arg?: unknown) =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(exited);
      const id = ++next;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, method, arg } satisfies Request);
    });
  return {
    seeded,
    pid,
    begin: () => call('begin'),
    end: () => call('end'),
    backup: (b) => call('backup', b),
    async close() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      await call('close').catch(() => undefined);
      await gone;
    },
  };
}

// Run as the server's own process: start, say ready, answer the bench's calls.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const send = (m: Reply) => process.send!(m);
  try {
    const measured = await startMeasuredServer(JSON.parse(process.argv[2]!) as ServerOptions);
    let closed = false;
    process.on('message', async (m: Request) => {
      try {
        const value = m.method === 'backup' ? await measured.backup(m.arg as { noBackup: boolean; spawnAtBackup: boolean }) : await measured[m.method]();
        send({ id: m.id, value });
        if (m.method === 'close') {
          closed = true;
          process.disconnect();
          process.exit(0);
        }
      } catch (e) {
        send({ id: m.id, error: e instanceof Error ? e.message : String(e) });
      }
    });
    // The parent gone: nothing to serve.
    process.on('disconnect', () => {
      if (!closed) void measured.close().finally(() => process.exit(0));
    });
    send({ ready: { seeded: measured.seeded, pid: measured.pid } });
  } catch (e) {
    send({ failed: e instanceof Error ? e.stack ?? e.message : String(e) });
    process.exit(1);
  }
}
