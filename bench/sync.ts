/**
 * `npm run bench:sync` — issue 4's speed goal: edit-to-remote-visible latency and server CPU
 * with 1, 50 and 200 observing clients on one workspace, and memory per connection with 1000
 * idle connections across 100 workspaces, for our sync server (SQLite persistence and auth
 * on) and, in the same run, the stock @y/websocket-server 0.1.1 (no auth, no persistence).
 *
 * Both servers are child processes on 127.0.0.1 (bench/sync-server.mjs, which lifts our
 * per-IP and per-connection rate limits, and bench/sync-stock-server.mjs); the clients are
 * light y-protocols clients (bench/sync-client.ts) in this process. For each scenario one
 * writer sets a key of a Y.Map `--rate` times a second; an edit's latency is the time from
 * the writer's `map.set` until the last observer has applied it. Server CPU is utime + stime
 * from /proc/PID/stat over the measured edits; memory is VmRSS after a full GC in the server,
 * with the 1000 connections synced minus before them, measured first, on fresh servers. The
 * two servers take turns, scenario by scenario, in ABBA order. Our server runs with its rate
 * limits lifted (see sync-server.mjs). A benchmark, not a test: nothing is asserted.
 *
 * Options (after `--` with npm): --edits N (default 200), --warmup N (default 20),
 * --rate EDITS_PER_SECOND (default 20), --observers 1,50,200, --idle-workspaces N (default
 * 100), --idle-per-workspace N (default 10), --idle-seconds S (default 10), --rounds N
 * (default 2: each latency scenario runs N times per server, in ABBA order, samples pooled),
 * --sample N (default 50: with more observers than N, N evenly spaced ones, the last to join
 * among them, apply and time every edit; the rest sync, then receive and drop updates).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { ServerStore } from '../server/store.ts';
import { BenchClient } from './sync-client.ts';
import { cpuSeconds, rssKiB, shippedNodeOptions, startOurs, startStock, type ServerChild } from './sync-servers.ts';

const { values: opts } = parseArgs({
  options: {
    edits: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    rate: { type: 'string', default: '20' },
    observers: { type: 'string', default: '1,50,200' },
    'idle-workspaces': { type: 'string', default: '100' },
    'idle-per-workspace': { type: 'string', default: '10' },
    'idle-seconds': { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    sample: { type: 'string', default: '50' },
  },
});
const edits = Number(opts.edits);
const warmup = Number(opts.warmup);
const rate = Number(opts.rate);
const observerCounts = opts.observers.split(',').map(Number);
const idleWorkspaces = Number(opts['idle-workspaces']);
const idlePerWorkspace = Number(opts['idle-per-workspace']);
const idleSeconds = Number(opts['idle-seconds']);
const rounds = Number(opts.rounds);
const sample = Number(opts.sample);
const idleConnections = idleWorkspaces * idlePerWorkspace;

interface Seat {
  workspaceId: string;
  token: string;
}

/**
 * The room the latency scenarios write in: a note doc of the workspace (its text), because our
 * server's write policy takes only valid workspace records in the workspace doc itself, and a
 * note's text is what any editor may change freely. The stock server takes any room name.
 */
const benchRoom = (seat: Seat) => `${seat.workspaceId}:note:bench`;

/** One round of one latency scenario on one server; rounds are pooled by `summarize`. */
interface LatencyRound {
  /** Per measured edit: ms from the writer's set until the last observer applied it. */
  lastObserver: number[];
  /** Per (measured edit, observer): ms until that observer applied it. */
  everyObserver: number[];
  serverCpuSeconds: number;
  clientCpuSeconds: number;
  missing: number;
}

interface LatencyResult {
  p50: number;
  p99: number;
  pooledP99: number;
  cpuPer1000: number;
  clientCpuPer1000: number;
  missing: number;
  samples: number;
}

function summarize(results: LatencyRound[]): LatencyResult {
  const measured = results.length * edits;
  const lastObserver = results.flatMap((r) => r.lastObserver);
  return {
    p50: percentile(lastObserver, 50),
    p99: percentile(lastObserver, 99),
    pooledP99: percentile(results.flatMap((r) => r.everyObserver), 99),
    cpuPer1000: (results.reduce((t, r) => t + r.serverCpuSeconds, 0) / measured) * 1000,
    clientCpuPer1000: (results.reduce((t, r) => t + r.clientCpuSeconds, 0) / measured) * 1000,
    missing: results.reduce((t, r) => t + r.missing, 0),
    samples: lastObserver.length,
  };
}

interface IdleResult {
  connectSeconds: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  kibPerConnection: number;
  /** RSS growth over the second half of the connections only. */
  marginalKibPerConnection: number;
  /** V8 heap used + external (incl. ArrayBuffers) per connection: steadier than RSS. */
  heapKibPerConnection: number;
  idleCpuPercent: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile of an unsorted sample. */
function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Creates the workspaces and one member token per seat, before either server starts. */
function createSeats(dataDir: string) {
  const store = new ServerStore(dataDir);
  try {
    return store.db.transaction(() => {
      const seatsFor = (name: string, count: number): Seat[] => {
        const ws = store.createWorkspace(name, 'bench owner');
        const seats: Seat[] = [{ workspaceId: ws.id, token: ws.token }];
        for (let i = 1; i < count; i++) seats.push({ workspaceId: ws.id, token: store.createMemberToken(ws.id, 'editor', `member ${i}`).token });
        return seats;
      };
      const latency = new Map(observerCounts.map((n) => [n, seatsFor(`latency ${n}`, n + 1)]));
      // For the perturbed scenario: a viewer that floods presence, on the 50-observer workspace.
      const viewers = new Map([...latency].map(([n, seats]) => [n, { workspaceId: seats[0]!.workspaceId, token: store.createMemberToken(seats[0]!.workspaceId, 'viewer', 'flooding viewer').token }]));
      const idle = Array.from({ length: idleWorkspaces }, (_, w) => seatsFor(`idle ${w}`, idlePerWorkspace)).flat();
      return { latency, idle, viewers };
    })();
  } finally {
    store.close();
  }
}

/**
 * Opens clients `batch` at a time (as a team's clients would trickle in) and waits for each to
 * sync. `applies(i)` says whether client i applies the updates it receives after syncing.
 */
async function connectAll(server: ServerChild, seats: Seat[], applies: (i: number) => boolean = () => true, batch = 50, room: (s: Seat) => string = (s) => s.workspaceId): Promise<BenchClient[]> {
  const base = server.url.replace(/^http/, 'ws');
  const clients: BenchClient[] = [];
  for (let i = 0; i < seats.length; i += batch) {
    const group = seats
      .slice(i, i + batch)
      .map((s, j) => new BenchClient(`${base}/sync/${room(s)}?token=${s.token}`, `client ${i + j}`, applies(i + j)));
    clients.push(...group);
    await Promise.all(group.map((c) => c.ready()));
  }
  return clients;
}

/** Waits until the server has used under 2 % of a core for 0.5 s (join broadcasts done), at most 10 s. */
async function settle(pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  let quiet = 0;
  while (Date.now() < deadline && quiet < 2) {
    const before = cpuSeconds(pid);
    await sleep(250);
    quiet = cpuSeconds(pid) - before <= 0.005 ? quiet + 1 : 0;
  }
}

/**
 * Which of `count` observers (1-based, in join order) apply and time every edit: all of them
 * up to `sample`, else `sample` evenly spaced ones ending with the last to join (both servers
 * fan out in join order, so it is the last to be sent each edit).
 */
function sampledObservers(count: number): Set<number> {
  if (count <= sample) return new Set(Array.from({ length: count }, (_, i) => i + 1));
  return new Set(Array.from({ length: sample }, (_, i) => Math.round(((i + 1) * count) / sample)));
}

async function measureLatency(server: ServerChild, seats: Seat[], perturb?: () => Promise<() => void>): Promise<LatencyRound> {
  const sampled = sampledObservers(seats.length - 1);
  const clients = await connectAll(server, seats, (i) => i === 0 || sampled.has(i), 50, benchRoom);
  const writer = clients[0]!;
  const observers = clients.filter((_, i) => sampled.has(i));
  const total = warmup + edits;
  const sentAt = new Float64Array(total);
  const seen = new Uint32Array(total);
  const lastSeenAt = new Float64Array(total);
  const pooled: number[] = [];
  for (const observer of observers) {
    const text = observer.doc.getText('body');
    text.observe(() => {
      const now = performance.now();
      const seq = Number(text.toString());
      if (!Number.isInteger(seq) || text.length === 0) return;
      seen[seq]!++;
      lastSeenAt[seq] = now;
      if (seq >= warmup) pooled.push(now - sentAt[seq]!);
    });
  }
  await settle(server.pid);
  const stopPerturbing = (await perturb?.()) ?? (() => {});

  const interval = 1000 / rate;
  const start = performance.now();
  let cpuStart = 0;
  let clientStart = process.cpuUsage();
  const writerText = writer.doc.getText('body');
  for (let seq = 0; seq < total; seq++) {
    const due = start + seq * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (seq === warmup) {
      cpuStart = cpuSeconds(server.pid);
      clientStart = process.cpuUsage();
    }
    sentAt[seq] = performance.now();
    writer.doc.transact(() => {
      writerText.delete(0, writerText.length);
      writerText.insert(0, String(seq));
    });
  }
  // Wait for the last edits to reach everyone (at most 10 s).
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && seen.slice(warmup).some((n) => n < observers.length)) await sleep(5);
  const cpu = cpuSeconds(server.pid) - cpuStart;
  const client = process.cpuUsage(clientStart);
  stopPerturbing();

  const latencies: number[] = [];
  let missing = 0;
  for (let seq = warmup; seq < total; seq++) {
    if (seen[seq] === observers.length) latencies.push(lastSeenAt[seq]! - sentAt[seq]!);
    else missing++;
  }
  for (const c of clients) c.close();
  await settle(server.pid);
  return { lastObserver: latencies, everyObserver: pooled, serverCpuSeconds: cpu, clientCpuSeconds: (client.user + client.system) / 1e6, missing };
}

/** RSS (KiB) and V8 heap used + external (KiB) after a full GC in the server. */
async function memoryAfterGc(server: ServerChild): Promise<{ rss: number; heap: number }> {
  const usage = await server.gc();
  await sleep(500);
  return { rss: rssKiB(server.pid), heap: (usage.heapUsed + usage.external) / 1024 };
}

/**
 * Connects the idle seats in two halves (whole workspaces each), reading memory before, between
 * and after: (after − before) / N is the brief's number and carries one-time costs (code
 * compiled on first use, SQLite's page cache, V8 growing its heap); the second half alone
 * shows what one more connection costs once those are paid.
 */
async function measureIdle(server: ServerChild, seats: Seat[]): Promise<IdleResult> {
  await sleep(500);
  const before = await memoryAfterGc(server);
  const half = Math.floor(idleWorkspaces / 2) * idlePerWorkspace;
  const clients: BenchClient[] = [];
  let connectSeconds = 0;
  const connect = async (part: Seat[]) => {
    const started = performance.now();
    clients.push(...(await connectAll(server, part)));
    connectSeconds += (performance.now() - started) / 1000;
    await settle(server.pid);
    return memoryAfterGc(server);
  };
  const middle = await connect(seats.slice(0, half));
  const after = await connect(seats.slice(half));
  const cpuBefore = cpuSeconds(server.pid);
  await sleep(idleSeconds * 1000);
  const idleCpu = cpuSeconds(server.pid) - cpuBefore;
  const closed = clients.filter((c) => c.closed).length;
  if (closed > 0) console.warn(`${server.label}: ${closed} idle connections closed during the idle window`);
  for (const c of clients) c.close();
  await settle(server.pid);
  return {
    connectSeconds,
    rssBeforeMiB: before.rss / 1024,
    rssAfterMiB: after.rss / 1024,
    kibPerConnection: (after.rss - before.rss) / clients.length,
    marginalKibPerConnection: (after.rss - middle.rss) / (clients.length - half),
    heapKibPerConnection: (after.heap - before.heap) / clients.length,
    idleCpuPercent: (idleCpu / idleSeconds) * 100,
  };
}

/**
 * Issue 14's perturbation (bench/sync-perturber.ts), started once the observers are synced, in a
 * child process of its own: making the flood must not slow the observers, which share this
 * process's event loop. Returns a function that stops it.
 */
function perturber(server: ServerChild, viewer: Seat, room: string): () => Promise<() => void> {
  return async () => {
    const url = `${server.url.replace(/^http/, 'ws')}/sync/${room}?token=${viewer.token}`;
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sync-perturber.ts'), url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    await sleep(300);
    return () => {
      child.once('exit', () => perturbations.push(out.trim()));
      child.kill('SIGTERM');
    };
  };
}
const perturbations: string[] = [];

async function metric(server: ServerChild, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').pop()) : 0;
}

type Row = [scenario: string, measure: string, ours: number, stock: number, digits: number];

function printTable(rows: Row[]): void {
  console.log('| scenario | measure | ours | stock | ours / stock |');
  console.log('|---|---|---|---|---|');
  for (const [scenario, measure, ours, stock, digits] of rows) {
    const ratio = stock > 0 ? `${(ours / stock).toFixed(2)}×` : '—';
    console.log(`| ${scenario} | ${measure} | ${ours.toFixed(digits)} | ${stock.toFixed(digits)} | ${ratio} |`);
  }
}

async function main(): Promise<void> {
  const began = performance.now();
  const scratch = await mkdtemp(join(tmpdir(), 'driftdesk-bench-sync-'));
  const servers: ServerChild[] = [];
  try {
    const seats = createSeats(join(scratch, 'data'));
    const ours = await startOurs(join(scratch, 'data'));
    servers.push(ours);
    const stock = await startStock();
    servers.push(stock);
    console.log(
      `bench:sync — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ` +
        `${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    );
    console.log(
      `latency: 1 writer + N observers, ${rounds} round(s) × (${warmup} warm-up + ${edits} measured edits) at ${rate}/s per server; ` +
        `idle: ${idleConnections} connections over ${idleWorkspaces} workspaces; ` +
        `ours runs with NODE_OPTIONS="${process.env.OURS_NODE_OPTIONS ?? shippedNodeOptions()}" (as server/Dockerfile ships it), stock with none\n`,
    );

    const rows: Row[] = [];
    const notes: string[] = [];
    // Idle first, while both servers are fresh: what they did before would be in their memory.
    const idle = new Map<ServerChild, IdleResult>();
    for (const server of [ours, stock]) {
      process.stderr.write(`  ${idleConnections} idle connections, ${server.label} …\n`);
      idle.set(server, await measureIdle(server, seats.idle));
    }
    const io = idle.get(ours)!;
    const is = idle.get(stock)!;
    const idleRows: Row[] = [];
    const idleScenario = `${idleConnections} idle / ${idleWorkspaces} workspaces`;
    idleRows.push([idleScenario, 'RSS per connection, KiB', io.kibPerConnection, is.kibPerConnection, 1]);
    idleRows.push([idleScenario, 'RSS per connection, 2nd half only, KiB', io.marginalKibPerConnection, is.marginalKibPerConnection, 1]);
    idleRows.push([idleScenario, 'JS heap + external per connection, KiB', io.heapKibPerConnection, is.heapKibPerConnection, 1]);
    idleRows.push([idleScenario, 'connect + sync all, s', io.connectSeconds, is.connectSeconds, 2]);
    idleRows.push([idleScenario, 'server CPU while idle, % of a core', io.idleCpuPercent, is.idleCpuPercent, 2]);
    notes.push(`idle RSS before → after connecting: ours ${io.rssBeforeMiB.toFixed(1)} → ${io.rssAfterMiB.toFixed(1)} MiB, stock ${is.rssBeforeMiB.toFixed(1)} → ${is.rssAfterMiB.toFixed(1)} MiB`);
    for (const [k, n] of observerCounts.entries()) {
      const done = new Map<ServerChild, LatencyRound[]>([[ours, []], [stock, []]]);
      for (let round = 0; round < rounds; round++) {
        for (const server of (k + round) % 2 === 0 ? [ours, stock] : [stock, ours]) {
          process.stderr.write(`  ${n} observer(s), round ${round + 1}/${rounds}, ${server.label} …\n`);
          done.get(server)!.push(await measureLatency(server, seats.latency.get(n)!));
        }
      }
      const result = new Map([...done].map(([server, r]) => [server, summarize(r)]));
      const o = result.get(ours)!;
      const s = result.get(stock)!;
      const scenario = `writer + ${n} observer${n === 1 ? '' : 's'}`;
      rows.push([scenario, 'latency p50, ms (last observer)', o.p50, s.p50, 2]);
      rows.push([scenario, 'latency p99, ms (last observer)', o.p99, s.p99, 2]);
      if (n > 1) rows.push([scenario, 'latency p99, ms (every observer, pooled)', o.pooledP99, s.pooledP99, 2]);
      rows.push([scenario, 'server CPU, s per 1000 edits', o.cpuPer1000, s.cpuPer1000, 3]);
      notes.push(`${scenario}: client-side CPU ${o.clientCpuPer1000.toFixed(2)} s (ours) / ${s.clientCpuPer1000.toFixed(2)} s (stock) per 1000 edits`);
      for (const [server, r] of result) if (r.missing > 0) notes.push(`${scenario}, ${server.label}: ${r.missing} edits did not reach every observer within 10 s (left out)`);
    }

    // Perturbed: ours only, against its own unperturbed run of the same scenario (same seats).
    const perturbN = observerCounts.includes(50) ? 50 : observerCounts[observerCounts.length - 1]!;
    const perturbedRows: string[] = [];
    {
      const seatsN = seats.latency.get(perturbN)!;
      const viewer = seats.viewers.get(perturbN)!;
      const quiet: LatencyRound[] = [];
      const loud: LatencyRound[] = [];
      const rssBefore = (await memoryAfterGc(ours)).rss;
      let rssPeak = rssBefore;
      for (let round = 0; round < rounds; round++) {
        process.stderr.write(`  ${perturbN} observers, perturbed vs quiet, round ${round + 1}/${rounds} …\n`);
        quiet.push(await measureLatency(ours, seatsN));
        const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssKiB(ours.pid))), 100);
        loud.push(await measureLatency(ours, seatsN, perturber(ours, viewer, benchRoom(seatsN[0]!))));
        clearInterval(sampler);
      }
      const rssAfter = (await memoryAfterGc(ours)).rss;
      const q = summarize(quiet);
      const l = summarize(loud);
      perturbedRows.push('| scenario | measure | perturbed | quiet | perturbed / quiet |', '|---|---|---|---|---|');
      for (const [measure, a, b] of [['latency p50, ms', l.p50, q.p50], ['latency p99, ms (last observer)', l.p99, q.p99], ['latency p99, ms (every observer)', l.pooledP99, q.pooledP99], ['server CPU, s per 1000 edits', l.cpuPer1000, q.cpuPer1000]] as const) {
        perturbedRows.push(`| writer + ${perturbN} observers, one presence flooder + one non-reader | ${measure} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(a / b).toFixed(2)}× |`);
      }
      notes.push(
        `perturbed: server RSS ${(rssBefore / 1024).toFixed(1)} MiB before, peak ${(rssPeak / 1024).toFixed(1)} MiB during, ${(rssAfter / 1024).toFixed(1)} MiB after (GC); ` +
          `perturber counts ${perturbations.join(', ')}; closed by the server: ${await metric(ours, 'driftdesk_closed_connections_total{reason="awareness_limit"}')} over the presence limit, ` +
          `${await metric(ours, 'driftdesk_closed_connections_total{reason="slow_reader"}')} slow readers; ${l.missing} edits missing (perturbed)`,
      );
    }

    printTable([...rows, ...idleRows]);
    console.log('');
    for (const row of perturbedRows) console.log(row);
    console.log('');
    for (const note of notes) console.log(`- ${note}`);
    console.log(`- whole run ${((performance.now() - began) / 1000).toFixed(0)} s; load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    for (const server of servers) await server.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
