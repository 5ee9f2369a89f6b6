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
 * --stall-ms N (the shortest pause the stall watch explains, default 12), --no-stall-watch (no heartbeat and watcher thread: the pauses as the server has them without
 * the instrument, which costs a core's share of its own; see bench/README.md),
 * --spawn-at-backup (a control: as the backup starts, the server's process also starts an idle
 * child process under `nice`, the way a reader process per archive would, and reads nothing with
 * it: what starting a process from a large server costs its event loop, apart from any reading),
 * --burner (a control: the middle phase runs no backup but, for 2.5 s, a CPU-bound job at the
 * reader's priority, `nice -n 10 gzip -6` of /dev/urandom, in a process of its own: what any
 * lowered job keeping the other core busy costs the server's writes on this machine),
 * --in-process (the server in the bench's own process, beside the two clients, as this bench ran
 * until 2026-12-08; by default the server runs in a process of its own, as `driftdesk server`
 * does: bench/backup-server.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { addComment } from '../src/core/workspace/index.ts';
import { type RunningPostgres, startPostgres } from '../test/helpers/services.ts';
import { connectClient, waitFor } from '../test/helpers/sync-clients.ts';
import { type MeasuredServer, type ServerOptions, type ServerPhase, forkMeasuredServer, startMeasuredServer } from './backup-server.ts';
import type { CpuAccount } from './cpu-account.ts';

const { values: opts } = parseArgs({ options: { incidents: { type: 'string', default: '20000' }, blobs: { type: 'string', default: '40' }, comments: { type: 'string', default: '200' }, store: { type: 'string', default: 'sqlite' }, checkpoints: { type: 'string', default: 'thread' }, 'no-backup': { type: 'boolean', default: false }, 'no-stall-watch': { type: 'boolean', default: false }, 'spawn-at-backup': { type: 'boolean', default: false }, 'in-process': { type: 'boolean', default: false }, burner: { type: 'boolean', default: false }, 'stall-ms': { type: 'string', default: '12' } } });
if (opts.store !== 'sqlite' && opts.store !== 'postgres') throw new Error(`--store takes sqlite or postgres, got ${opts.store}`);
if (opts.checkpoints !== 'thread' && opts.checkpoints !== 'main') throw new Error(`--checkpoints takes thread or main, got ${opts.checkpoints}`);
const dir = mkdtempSync(join(tmpdir(), 'driftdesk-bench-backup-'));
let postgres: RunningPostgres | undefined;
let server: MeasuredServer | undefined;
try {
  if (opts.store === 'postgres') postgres = await startPostgres();
  const serverOptions: ServerOptions = {
    store: opts.store, postgresUrl: postgres?.url, dir, incidents: Number(opts.incidents), blobs: Number(opts.blobs),
    checkpoints: opts.checkpoints, stallWatch: !opts['no-stall-watch'], stallMs: Number(opts['stall-ms']),
  };
  server = await (opts['in-process'] ? startMeasuredServer(serverOptions) : forkMeasuredServer(serverOptions));
  const { url, workspaceId, token, memberId, docBytes } = server.seeded;
  const client = connectClient(url, workspaceId, token);
  await waitFor(() => client.provider.synced, 'the writer synced', 120_000);
  /** Comments one after another, each timed from send to the server's echo at a second client. */
  const watcher = connectClient(url, workspaceId, token);
  await waitFor(() => watcher.provider.synced, 'the watcher synced', 120_000);
  const comments = watcher.doc.getMap('comments');
  let n = 0;
  const as = { actor: { id: memberId, name: 'Ada' }, now: () => Date.now(), newId: () => `c${++n}` };

  type Phase = ServerPhase & { p99Ms: number; writes: number };
  async function phase(during: () => Promise<unknown>): Promise<Phase> {
    await server!.begin();
    const echo: number[] = [];
    let stop = false;
    const writes = (async () => {
      for (let i = 0; i < Number(opts.comments) && !stop; i++) {
        const sent = performance.now();
        const before = comments.size;
        addComment(client.doc, { target: { kind: 'incident', id: 'id1' }, body: `comment ${i}` }, as);
        while (comments.size === before) await new Promise((r) => setTimeout(r, 1));
        echo.push(performance.now() - sent);
      }
    })();
    await during();
    stop = true;
    await writes;
    const measured = await server!.end();
    echo.sort((a, b) => a - b);
    return { ...measured, p99Ms: echo[Math.floor(echo.length * 0.99)] ?? Number.NaN, writes: echo.length };
  }

  const quiet = await phase(() => new Promise((r) => setTimeout(r, 3000)));
  let archived = 0;
  const backing = await phase(async () => {
    if (!opts.burner) {
      archived = await server!.backup({ noBackup: opts['no-backup'], spawnAtBackup: opts['spawn-at-backup'] });
      return;
    }
    // Any CPU-bound job at the reader's priority, for as long as a backup takes: what a busy
    // other core costs the server's writes on this machine, whoever keeps it busy.
    const burner = spawn('/usr/bin/nice', ['-n', '10', 'sh', '-c', 'exec gzip -6 < /dev/urandom > /dev/null'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 2500));
    burner.kill();
  });
  // The first baseline follows the clients' sync of the big doc, whose garbage may still be
  // collected in it; a second one after the backup keeps the comparison fair both ways.
  const quietAfter = await phase(() => new Promise((r) => setTimeout(r, 3000)));
  const phases = [['baseline', quiet], ['backup', backing], ['after', quietAfter]] as const;
  const row = (name: string, p: Phase) =>
    `${name.padEnd(22)} ${p.maxPauseMs.toFixed(1).padStart(12)} ${p.p99Ms.toFixed(1).padStart(12)} ${(p.busy * 100).toFixed(0).padStart(9)}% ${p.maxGcMs.toFixed(1).padStart(10)} ${p.seconds.toFixed(1).padStart(7)}`;
  console.log(`store: ${opts.store}; server: ${opts['in-process'] ? "in the bench's process, beside the clients" : 'a process of its own'}; workspace: ${opts.incidents} incidents (${(docBytes / 1e6).toFixed(1)} MB doc), 5 snapshots, ${opts.blobs} × 1 MiB blobs; ${archived} archive(s) written`);
  console.log(`${'phase'.padEnd(22)} ${'max pause ms'.padStart(12)} ${'echo p99 ms'.padStart(12)} ${'loop busy'.padStart(10)} ${'max GC ms'.padStart(10)} ${'seconds'.padStart(7)}`);
  console.log(row('writes only (baseline)', quiet));
  console.log(row('writes + backup', backing));
  console.log(row('writes only, after', quietAfter));
  for (const [name, base] of [['baseline', quiet], ['after', quietAfter]] as const) {
    console.log(`ratio to ${name}: max pause ${(backing.maxPauseMs / base.maxPauseMs).toFixed(2)}×, echo p99 ${(backing.p99Ms / base.p99Ms).toFixed(2)}×`);
  }
  // Where the CPU went: a phase in which other processes took much of the machine is not a fair
  // comparison, whatever its ratio says.
  if (quiet.cpu) {
    const apart = opts['in-process'] ? 'reader proc' : 'clients proc';
    // The main thread's CPU per write: its own work per comment, which should not grow with a
    // backup whose work is on other threads (where it does, the cores slow each other down).
    console.log(`${'CPU, ms (share)'.padEnd(22)} ${'main run'.padStart(9)} ${'per write'.padStart(10)} ${'main wait'.padStart(10)} ${'threads'.padStart(8)} ${'of them low prio'.padStart(17)} ${apart.padStart(12)} ${'other procs'.padStart(12)}`);
    const share = (ms: number, c: CpuAccount) => `${ms.toFixed(0)} (${((ms / c.capacityMs) * 100).toFixed(0)}%)`;
    for (const [name, p] of phases) {
      const c = p.cpu!;
      console.log(`${name.padEnd(22)} ${c.mainCpuMs.toFixed(0).padStart(9)} ${(c.mainCpuMs / p.writes).toFixed(2).padStart(10)} ${c.mainWaitMs.toFixed(0).padStart(10)} ${c.otherThreadsMs.toFixed(0).padStart(8)} ${c.lowPriorityMs.toFixed(0).padStart(17)} ${c.childMs.toFixed(0).padStart(12)} ${share(c.otherProcessesMs, c).padStart(12)}`);
    }
  }
  // Wall-clock bounds, to set an outside trace (strace -tt, perf) beside the phases; CLOCK_MONOTONIC
  // seconds and the server's main thread id, to find the phases in a `perf sched` trace.
  console.log(`phases (UTC): ${phases.map(([name, p]) => `${name} ${p.wall[0]}–${p.wall[1]}`).join(', ')}`);
  console.log(`phases (monotonic s, main thread ${server.pid}): ${phases.map(([name, p]) => `${name} ${p.mono[0]}–${p.mono[1]}`).join(', ')}`);
  // The longest late spells of each phase, what the main thread was doing in them and which
  // backup step they fell in (or next to).
  for (const [name, p] of phases) {
    if (p.stalls.length === 0) continue;
    console.log(`\nlongest pauses (≥ ${opts['stall-ms']} ms) in the ${name} phase:`);
    for (const line of p.stalls) console.log(`  ${line}`);
  }
  client.dispose();
  watcher.dispose();
} finally {
  await server?.close();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
}
