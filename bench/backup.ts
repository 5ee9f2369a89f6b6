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
 * Options: --incidents N (default 20000), --blobs N (default 40, 1 MiB each), --comments N (default 200),
 * --store sqlite|postgres (default sqlite; postgres starts its own PostgreSQL, as the tests do).
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
import type { Store } from '../server/store-contract.ts';
import { addComment, createIncident, initWorkspace, upsertMember } from '../src/core/workspace/index.ts';
import { type RunningPostgres, startPostgres } from '../test/helpers/services.ts';
import { connectClient, waitFor } from '../test/helpers/sync-clients.ts';

const { values: opts } = parseArgs({ options: { incidents: { type: 'string', default: '20000' }, blobs: { type: 'string', default: '40' }, comments: { type: 'string', default: '200' }, store: { type: 'string', default: 'sqlite' } } });
if (opts.store !== 'sqlite' && opts.store !== 'postgres') throw new Error(`--store takes sqlite or postgres, got ${opts.store}`);
const dir = mkdtempSync(join(tmpdir(), 'driftdesk-bench-backup-'));
const backup = { dir: join(dir, 'backups'), everyMs: 24 * 3_600_000, keep: 2 };
let postgres: RunningPostgres | undefined;
let server: SyncServer<Store>;
if (opts.store === 'postgres') {
  postgres = await startPostgres();
  server = await startSyncServer({ port: 0, store: await PostgresStore.open(postgres.url), monitorJobs: false, backup });
} else {
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'data'), backup });
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
  const gcs: { at: number; ms: number }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ at: e.startTime, ms: e.duration });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  interface Phase { maxPauseMs: number; p99Ms: number; busy: number; maxGcMs: number; seconds: number }
  async function phase(during: () => Promise<unknown>): Promise<Phase> {
    const delay = monitorEventLoopDelay({ resolution: 5 });
    const started = performance.now();
    const elu = perf.eventLoopUtilization();
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
    const ended = performance.now();
    const busy = perf.eventLoopUtilization(elu).utilization;
    echo.sort((a, b) => a - b);
    const maxGcMs = Math.max(0, ...gcs.filter((g) => g.at >= started && g.at <= ended).map((g) => g.ms));
    return { maxPauseMs: delay.max / 1e6, p99Ms: echo[Math.floor(echo.length * 0.99)] ?? Number.NaN, busy, maxGcMs, seconds: (ended - started) / 1000 };
  }

  const quiet = await phase(() => new Promise((r) => setTimeout(r, 3000)));
  let archived = 0;
  const backing = await phase(async () => {
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
  client.dispose();
  watcher.dispose();
} finally {
  await server.close();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
}
