/**
 * On PostgreSQL, batches are scored as jobs on a queue in the database (pg-boss; server/
 * monitor-jobs.ts) that every server process works: two real servers share one real PostgreSQL,
 * batches sent to one are scored by both, each request still gets its own answer, the history
 * and the findings land in the shared database, and a refused batch is an answer (its job
 * completes), not a retried failure.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getMonitor } from '../../src/core/monitor/index.ts';
import { listIncidents } from '../../src/core/workspace/index.ts';
import { BATCH_QUEUE } from '../../server/monitor-jobs.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { seattleWeatherYear } from '../helpers/seattle-weather.ts';
import { type RunningPostgres, serviceOwner, startPostgres } from '../helpers/services.ts';

let pgServer: RunningPostgres;
let dir: string;
const services = serviceOwner();
const servers: SyncServer<PostgresStore>[] = [];
const done: [number, number] = [0, 0];

beforeAll(async () => {
  pgServer = await services.start(startPostgres());
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-monitor-jobs-'));
  for (const n of [0, 1] as const) {
    servers.push(await startSyncServer({
      port: 0, store: await PostgresStore.open(pgServer.url), monitorTempDir: join(dir, `tmp-${n}`), monitorJobs: { pollSeconds: 0.5 },
      log: (e) => {
        if (e.event === 'monitor_batch_job_done') done[n]++;
      },
    }));
  }
}, 90_000);
afterAll(async () => {
  try {
    for (const s of servers) await s.close();
  } finally {
    await services.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

it('shares batch scoring between the server processes on one PostgreSQL, each request answered with its own batch', async () => {
  const [a] = servers;
  const ws = await a!.store.createWorkspace('Weather', 'Ada');
  const api = (path: string, body: string, type: string, method = 'POST') =>
    fetch(`${a!.url}/api/v1/workspaces/${ws.id}${path}`, { method, headers: { authorization: `Bearer ${ws.token}`, 'content-type': type }, body });
  const reference = seattleWeatherYear(2012);
  const sha = createHash('sha256').update(reference).digest('hex');
  expect((await api(`/blobs/${sha}`, reference, 'application/octet-stream', 'PUT')).status).toBe(201);
  const created = await api('/monitors', JSON.stringify({
    name: 'Weather', reference: { sha256: sha, fileName: 'seattle-2012.csv', format: 'csv' }, mapping: { timestamp: 'date' },
    rules: [{ kind: 'columnDrift', id: 'temp', column: 'temp_max' }],
  }), 'application/json');
  expect(created.status).toBe(201);
  const { monitorId } = (await created.json()) as { monitorId: string };

  // Six batches at once, all sent to the first server.
  const years = [2013, 2014, 2015, 2013, 2014, 2015];
  const answers = await Promise.all(years.map(async (year) => {
    const res = await api(`/monitors/${monitorId}/batches`, seattleWeatherYear(year), 'text/csv');
    return { status: res.status, body: (await res.json()) as { at: number; rows: number; outcomes: { band: string }[] } };
  }));
  // Each answer is its own batch's (dated by its own timestamp column).
  expect(answers.map((r) => [r.status, r.body.at])).toEqual(years.map((y) => [200, Date.UTC(y, 11, 31)]));
  expect(answers.map((r) => r.body.outcomes[0]!.band)).toEqual(['ok', 'critical', 'critical', 'ok', 'critical', 'critical']);
  expect(done[0] + done[1]).toBe(6);
  // Both processes took jobs.
  expect(done[0]).toBeGreaterThan(0);
  expect(done[1]).toBeGreaterThan(0);

  const history = (await a!.store.listMonitorBatches(ws.id, monitorId, { limit: 100 })).batches;
  expect(history).toHaveLength(6);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await a!.store.loadDoc(ws.id));
  expect(listIncidents(doc).filter((i) => i.monitorId === monitorId).length).toBeGreaterThanOrEqual(1);

  // A refused batch is an answer: its job completes, nothing is retried.
  const wrong = await api(`/monitors/${monitorId}/batches`, seattleWeatherYear(2013).replace('temp_max', 'tmax'), 'text/csv');
  expect(wrong.status).toBe(400);
  expect(((await wrong.json()) as { code: string }).code).toBe('columns_mismatch');
  const client = new pg.Client({ connectionString: pgServer.url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT state, count(*)::int AS n FROM driftdesk_jobs.job WHERE name = $1 GROUP BY state', [BATCH_QUEUE]);
    expect(rows).toEqual([{ state: 'completed', n: 7 }]);
  } finally {
    await client.end();
  }
}, 120_000);

it('scores multivariate drift and drift-share bounds in the jobs as `driftdesk multivariate` does, fitting the reference once for both processes', async () => {
  const [a, b] = servers;
  const ws = await a!.store.createWorkspace('Weather MV', 'Ada');
  const api = (server: SyncServer<PostgresStore>, path: string, body: string, type: string) =>
    fetch(`${server.url}/api/v1/workspaces/${ws.id}${path}`, { method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': type }, body });
  const reference = seattleWeatherYear(2012);
  const sha = createHash('sha256').update(reference).digest('hex');
  expect((await fetch(`${a!.url}/api/v1/workspaces/${ws.id}/blobs/${sha}`, { method: 'PUT', headers: { authorization: `Bearer ${ws.token}` }, body: reference })).status).toBe(201);
  const created = await api(a!, '/monitors', JSON.stringify({
    name: 'Weather MV', reference: { sha256: sha, fileName: 'seattle-2012.csv', format: 'csv' }, mapping: { timestamp: 'date' },
    chunking: { kind: 'period', period: 'month' }, rules: [{ kind: 'multivariate', id: 'mv' }, { kind: 'driftShare', id: 'share', bounds: 'reference' }],
  }), 'application/json');
  expect(created.status).toBe(201);
  const { monitorId } = (await created.json()) as { monitorId: string };
  // 2015 with temp_min negated: the columns' relation broken.
  const broken = seattleWeatherYear(2015).split('\n').map((l, i) => (i === 0 || !l ? l : l.split(',').map((f, j) => (j === 3 ? String(-Number(f)) : f)).join(','))).join('\n');
  const batches = [seattleWeatherYear(2013), broken];
  type Answer = { multivariate: { value: number; samplingError: number; thresholds: { lower: number | null; upper: number | null }; alert: boolean }; outcomes: { ruleId: string; band: string }[] };
  const answers = await Promise.all(batches.map(async (body, i) => {
    const res = await api(i === 0 ? a! : b!, `/monitors/${monitorId}/batches`, body, 'text/csv');
    expect(res.status).toBe(200);
    return (await res.json()) as Answer;
  }));
  const refPath = join(dir, 'mv-ref.csv');
  writeFileSync(refPath, reference);
  for (const [i, body] of batches.entries()) {
    const path = join(dir, `mv-batch-${i}.csv`);
    writeFileSync(path, body);
    const cli = (chunks: string[]) => {
      const r = spawnSync(process.execPath, ['bin/driftdesk', 'multivariate', refPath, path, '--timestamp', 'date', ...chunks, '--json'], { cwd: join(import.meta.dirname, '..', '..'), encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { thresholds: { lower: number; upper: number }; chunks: { reconstruction_error: number; sampling_error: number }[] };
    };
    // Thresholds from the reference's months; the batch's error as one chunk.
    const months = cli(['--chunk-period', 'month']);
    const whole = cli(['--chunk-number', '1']).chunks[0]!;
    const mv = answers[i]!.multivariate;
    expect(Math.abs(mv.thresholds.upper! - months.thresholds.upper)).toBeLessThan(1e-12);
    expect(Math.abs(mv.thresholds.lower! - months.thresholds.lower)).toBeLessThan(1e-12);
    expect(Math.abs(mv.value - whole.reconstruction_error)).toBeLessThan(1e-12);
    expect(Math.abs(mv.samplingError - whole.sampling_error)).toBeLessThan(1e-12);
    expect(answers[i]!.outcomes.find((o) => o.ruleId === 'mv')!.band).toBe(i === 0 ? 'ok' : 'critical');
    expect(answers[i]!.outcomes.find((o) => o.ruleId === 'share')).toBeDefined();
  }
  // The fit is kept in the shared blob store and named on the monitor, for every process.
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await a!.store.loadDoc(ws.id));
  const fit = getMonitor(doc, monitorId)!.referenceFit!;
  expect(await a!.store.hasBlob(ws.id, fit.blob)).toBe(true);
  const history = (await b!.store.listMonitorBatches(ws.id, monitorId, { limit: 10 })).batches;
  expect(history.map((h) => h.driftShareThresholds?.upper)).toEqual([expect.any(Number), expect.any(Number)]);
}, 120_000);
