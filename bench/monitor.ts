/**
 * `npm run bench:monitor` — issue 16's two goals, each against a named baseline in the same run:
 *
 * 1. Scoring a batch. The baseline is `driftdesk drift REF CUR --json` on the same files (a child
 *    process, as a person runs it); measured is a real server (SQLite store, port 0) answering
 *    `POST …/monitors/:id/batches` with the same CUR as body, from request to answer, which adds
 *    the HTTP upload, the header check, the histograms and report blob, the history row and the
 *    workspace write. Goal: at most 2× the baseline. Alternated REPS times; medians shown.
 * 2. Opening a monitor's charts with 10,000 batches in its history: the history read over HTTP
 *    (every page, the summary view the page asks for first) plus building the rule and
 *    performance series (src/renderer/src/monitors/history-series.ts), against the baseline of
 *    reading the same rows straight from the store. The per-column charts load the full view
 *    when a person opens them, and are not in this number.
 *    Goal: under 200 ms. (The browser's drawing is not in this number; the page draws the series
 *    it is given.)
 *
 * 3. Scoring a batch with a multivariate rule (NannyML's data reconstruction), its PCA already
 *    fitted on the reference (the monitor fits once and keeps the fit; the first batch is not
 *    timed), against `driftdesk drift` + `driftdesk multivariate` on the same files (which fits
 *    the PCA on every run, as a script would). Goal: at most 2×, as for drift alone.
 *
 * Options (after `--` with npm): --rows N (default 1000000), --reps N (default 3),
 * --batches N (default 10000), --format csv|parquet (default csv).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSyncServer } from '../server/index.ts';
import type { MonitorBatch } from '../server/store-contract.ts';
import { performanceSeries, ruleSeries } from '../src/renderer/src/monitors/history-series.ts';
import { ensureDriftData } from './drift-data.ts';

const ROOT = join(import.meta.dirname, '..');
const { values: opts } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, reps: { type: 'string', default: '3' }, batches: { type: 'string', default: '10000' }, format: { type: 'string', default: 'csv' } },
});
const rows = Number(opts.rows);
const reps = Number(opts.reps);
const batchCount = Number(opts.batches);
const format = opts.format === 'parquet' ? 'parquet' : 'csv';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number) => `${n.toFixed(0)} ms`;

function driftCli(ref: string, cur: string, command: 'drift' | 'multivariate' = 'drift'): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['bin/driftdesk', command, ref, cur, '--json'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject).on('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`driftdesk ${command} exited ${code}`))));
  });
}

const files = (await ensureDriftData(rows, (l) => console.log(l)))[format];
const dir = await mkdtemp(join(tmpdir(), 'driftdesk-bench-monitor-'));
const [reference, current] = [await readFile(files.reference), await readFile(files.current)];
const server = await startSyncServer({ port: 0, dataDir: dir, maxBlobBytes: 1024 * 1024 * 1024 });
try {
  const ws = server.store.createWorkspace('Bench', 'Ada');
  const api = (path: string, init: RequestInit & { type?: string }) =>
    fetch(`${server.url}/api/v1/workspaces/${ws.id}${path}`, { ...init, headers: { authorization: `Bearer ${ws.token}`, ...(init.type ? { 'content-type': init.type } : {}) } });
  const sha = createHash('sha256').update(reference).digest('hex');
  if (!(await api(`/blobs/${sha}`, { method: 'PUT', body: reference })).ok) throw new Error('reference upload failed');
  const created = await api('/monitors', {
    method: 'POST', type: 'application/json',
    body: JSON.stringify({ name: 'Bench', reference: { sha256: sha, fileName: `reference.${format}`, format }, rules: [{ kind: 'driftShare', id: 'share', critical: 0.5 }] }),
  });
  if (created.status !== 201) throw new Error(`monitor not created: ${await created.text()}`);
  const { monitorId } = (await created.json()) as { monitorId: string };

  // 1. A batch, against `driftdesk drift`, alternately.
  const cli: number[] = [];
  const served: number[] = [];
  for (let r = 0; r < reps; r++) {
    cli.push(await driftCli(files.reference, files.current));
    const started = performance.now();
    const res = await api(`/monitors/${monitorId}/batches`, { method: 'POST', type: format === 'csv' ? 'text/csv' : 'application/vnd.apache.parquet', body: current });
    if (res.status !== 200) throw new Error(`batch refused: ${await res.text()}`);
    await res.arrayBuffer();
    served.push(performance.now() - started);
  }

  // 2. A history of batchCount batches (rows written straight to the store), opened as the page does.
  const [template] = (await server.store.listMonitorBatches(ws.id, monitorId, { limit: 1 })).batches as [MonitorBatch];
  const { id: _, ...row } = template;
  const t0 = Date.UTC(2020, 0, 1);
  for (let i = 0; i < batchCount; i++) await server.store.addMonitorBatch(ws.id, { ...row, at: t0 + i * 3_600_000, arrivedAt: t0 + i * 3_600_000 });
  const direct: number[] = [];
  const opened: number[] = [];
  for (let r = 0; r < 5; r++) {
    let started = performance.now();
    await server.store.listMonitorBatches(ws.id, monitorId, { limit: batchCount + 1, view: 'summary' });
    direct.push(performance.now() - started);
    started = performance.now();
    const batches: MonitorBatch[] = [];
    let after: string | undefined;
    do {
      const page = (await (await api(`/monitors/${monitorId}/history?view=summary&limit=10000${after ? `&after=${after}` : ''}`, {})).json()) as { batches: MonitorBatch[]; next: string | null };
      batches.push(...page.batches);
      after = page.next ?? undefined;
    } while (after);
    const rules = [{ kind: 'driftShare', id: 'share', critical: 0.5 }] as const;
    // What the page draws at once; the per-column charts load the full view when opened.
    ruleSeries(rules, batches);
    performanceSeries(batches);
    opened.push(performance.now() - started);
  }

  // 3. A monitor with a multivariate rule: its first batch fits the PCA, the next ones are timed.
  const mvCreated = await api('/monitors', {
    method: 'POST', type: 'application/json',
    body: JSON.stringify({ name: 'Bench MV', reference: { sha256: sha, fileName: `reference.${format}`, format }, rules: [{ kind: 'multivariate', id: 'mv' }] }),
  });
  if (mvCreated.status !== 201) throw new Error(`monitor not created: ${await mvCreated.text()}`);
  const mvId = ((await mvCreated.json()) as { monitorId: string }).monitorId;
  const sendMv = async () => {
    const started = performance.now();
    const res = await api(`/monitors/${mvId}/batches`, { method: 'POST', type: format === 'csv' ? 'text/csv' : 'application/vnd.apache.parquet', body: current });
    if (res.status !== 200) throw new Error(`batch refused: ${await res.text()}`);
    const body = (await res.json()) as { multivariate?: unknown };
    if (!body.multivariate) throw new Error('the batch has no multivariate drift');
    return performance.now() - started;
  };
  const firstMv = await sendMv();
  const mvCli: number[] = [];
  const mvServed: number[] = [];
  for (let r = 0; r < reps; r++) {
    mvCli.push((await driftCli(files.reference, files.current)) + (await driftCli(files.reference, files.current, 'multivariate')));
    mvServed.push(await sendMv());
  }

  const scoreRatio = median(served) / median(cli);
  const mvRatio = median(mvServed) / median(mvCli);
  console.log(`\nbench:monitor — ${rows.toLocaleString()} rows × 20 columns (${format}), ${reps} reps; history of ${(batchCount + reps).toLocaleString()} batches\n`);
  const table = [
    ['measure', 'baseline', 'baseline (median)', 'Driftdesk (median)', 'ratio', 'goal', 'met'],
    ['score a batch', '`driftdesk drift` CLI', ms(median(cli)), ms(median(served)), `${scoreRatio.toFixed(2)}×`, '≤ 2×', scoreRatio <= 2 ? 'yes' : 'NO'],
    ['score a batch, multivariate rule', '`drift` + `multivariate` CLI', ms(median(mvCli)), ms(median(mvServed)), `${mvRatio.toFixed(2)}×`, '≤ 2×', mvRatio <= 2 ? 'yes' : 'NO'],
    ['open the charts', 'store read, no HTTP', ms(median(direct)), ms(median(opened)), `${(median(opened) / median(direct)).toFixed(2)}×`, '< 200 ms', median(opened) < 200 ? 'yes' : 'NO'],
  ];
  console.log(`(the multivariate monitor's first batch, which fits the PCA on the reference: ${ms(firstMv)})`);
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const [i, r] of table.entries()) {
    console.log(r.map((c, j) => c.padEnd(widths[j]!)).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
} finally {
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
