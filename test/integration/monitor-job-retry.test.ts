/**
 * A killed worker's batch job is retried (issue 16, server/monitor-jobs.ts): on one real
 * PostgreSQL, a first server process (the real CLI, `--monitor-job-expire 5`) takes a batch job
 * and is killed with SIGKILL in the middle of it — held at the moment it records the batch by a
 * lock the test takes on the history table, so "mid-job" is a fact, not a race. A second server
 * process then finds the job expired, scores it again and completes it: the job ends completed
 * after a retry, with the batch's own answer, and the batch is in the history exactly once.
 * And a worker that is slow rather than dead — its job expired and went to another process
 * while it still worked — records nothing: the retry records the batch, once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BATCH_QUEUE } from '../../server/monitor-jobs.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { seattleWeatherYear } from '../helpers/seattle-weather.ts';
import { type RunningPostgres, serviceOwner, startPostgres } from '../helpers/services.ts';

const EXPIRE_SECONDS = 5;
let pgServer: RunningPostgres;
let dir: string;
const services = serviceOwner();
let first: ChildProcess | null = null;
let second: SyncServer<PostgresStore> | null = null;
const secondLog: Record<string, unknown>[] = [];
let third: SyncServer<PostgresStore> | null = null;
let workspace: { id: string; token: string } | null = null;
let monitor = '';

beforeAll(async () => {
  pgServer = await services.start(startPostgres());
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-monitor-job-retry-'));
}, 90_000);
afterAll(async () => {
  try {
    if (first && first.exitCode === null && first.signalCode === null) first.kill('SIGKILL');
    await second?.close();
    await third?.close();
  } finally {
    await services.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

function serverProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['bin/driftdesk', 'server', '--port', '0', '--postgres', pgServer.url, '--monitor-temp', join(dir, 'tmp-first'), '--monitor-job-expire', String(EXPIRE_SECONDS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

it('retries the batch job of a killed server process on another one, and records the batch once', async () => {
  const store = await PostgresStore.open(pgServer.url);
  const ws = await store.createWorkspace('Weather', 'Ada');
  await store.close();
  const spawned = await serverProcess();
  first = spawned.child;
  const api = (path: string, body: string, type: string, method = 'POST') =>
    fetch(`${spawned.url}/api/v1/workspaces/${ws.id}${path}`, { method, headers: { authorization: `Bearer ${ws.token}`, 'content-type': type }, body });
  const reference = seattleWeatherYear(2012);
  const sha = createHash('sha256').update(reference).digest('hex');
  expect((await api(`/blobs/${sha}`, reference, 'application/octet-stream', 'PUT')).status).toBe(201);
  const created = await api('/monitors', JSON.stringify({
    name: 'Weather', reference: { sha256: sha, fileName: 'seattle-2012.csv', format: 'csv' }, mapping: { timestamp: 'date' },
    rules: [{ kind: 'columnDrift', id: 'temp', column: 'temp_max' }],
  }), 'application/json');
  expect(created.status).toBe(201);
  const { monitorId } = (await created.json()) as { monitorId: string };
  [workspace, monitor] = [ws, monitorId];

  const db = new pg.Client({ connectionString: pgServer.url });
  await db.connect();
  try {
    // Reads go on; the first process's INSERT of the batch waits here.
    await db.query('BEGIN');
    await db.query('LOCK TABLE monitor_batches IN EXCLUSIVE MODE');
    const request = api(`/monitors/${monitorId}/batches`, seattleWeatherYear(2014), 'text/csv').then((r) => r.status, (err: Error) => err.message);
    await until('the first process to be recording the batch', async () => {
      // A lock on the history table that another session waits for: the first process's insert of the batch.
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE NOT l.granted AND c.relname = 'monitor_batches'`);
      return rows[0].n === 1;
    });
    const { rows: taken } = await db.query('SELECT id, state, retry_count FROM driftdesk_jobs.job WHERE name = $1', [BATCH_QUEUE]);
    expect(taken).toEqual([{ id: expect.any(String), state: 'active', retry_count: 0 }]);
    const jobId = taken[0].id as string;

    first.kill('SIGKILL');
    await new Promise((resolve) => first!.once('exit', resolve));
    // Its request dies with it; its job stays active in the database, nobody's.
    expect(await request).not.toBe(200);
    // PostgreSQL notices a dead client only when it next talks to it: a session blocked on a
    // lock would go on and insert once the lock is free. Ended here, as it would be had the
    // process died a moment before sending the insert.
    const ended = await db.query(`SELECT pg_terminate_backend(l.pid) AS ok FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE NOT l.granted AND c.relname = 'monitor_batches'`);
    expect(ended.rows).toEqual([{ ok: true }]);
    await db.query('ROLLBACK');
    expect((await db.query('SELECT count(*)::int AS n FROM monitor_batches')).rows[0].n).toBe(0);

    second = await startSyncServer({
      port: 0, store: await PostgresStore.open(pgServer.url), monitorTempDir: join(dir, 'tmp-second'), monitorJobs: { expireInSeconds: EXPIRE_SECONDS, pollSeconds: 0.5 },
      log: (e) => secondLog.push(e),
    });
    const done = await until('the job to be completed by the second process', async () => {
      const { rows } = await db.query('SELECT state, retry_count, output FROM driftdesk_jobs.job WHERE id = $1', [jobId]);
      return rows[0]?.state === 'completed' ? (rows[0] as { retry_count: number; output: { json: { rows: number; at: number; outcomes: { band: string }[] } } }) : null;
    }, 60_000);
    expect(done.retry_count).toBe(1);
    // The answer is the batch's own: 2014's 365 days, dated by its last, temp_max drifted.
    expect(done.output.json).toMatchObject({ rows: 365, at: Date.UTC(2014, 11, 31), outcomes: [{ band: 'critical' }] });
    expect(secondLog.filter((e) => e.event === 'monitor_batch_job_done' && e.job === jobId)).toHaveLength(1);

    // Once, and still once after another expiry and maintenance round.
    await new Promise((resolve) => setTimeout(resolve, (EXPIRE_SECONDS + 2) * 1000));
    const history = (await second.store.listMonitorBatches(ws.id, monitorId, { limit: 100 })).batches;
    expect(history.map((b) => [b.rows, b.at])).toEqual([[365, Date.UTC(2014, 11, 31)]]);
  } finally {
    await db.end();
  }
}, 120_000);

it('leaves a batch to the retry when its job expired under a live, slow worker: recorded once, answered once', async () => {
  const ws = workspace!;
  const slow = second!;
  const api = (body: string) =>
    fetch(`${slow.url}/api/v1/workspaces/${ws.id}/monitors/${monitor}/batches`, { method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'text/csv' }, body });
  const at2015 = Date.UTC(2015, 11, 31);
  const recorded2015 = async () => (await slow.store.listMonitorBatches(ws.id, monitor, { limit: 100 })).batches.filter((b) => b.at === at2015).length;
  // Sent once as usual: its drift report is a blob whose hash the second sending will write again.
  const once = await api(seattleWeatherYear(2015));
  expect(once.status).toBe(200);
  const { reportBlob } = (await once.json()) as { reportBlob: string };
  expect(await recorded2015()).toBe(1);

  const db = new pg.Client({ connectionString: pgServer.url });
  await db.connect();
  try {
    // The report blob deleted in an open transaction: whoever writes it again waits for this one.
    await db.query('BEGIN');
    expect((await db.query('DELETE FROM blobs WHERE workspace_id = $1 AND sha256 = $2', [ws.id, reportBlob])).rowCount).toBe(1);
    const waiting = async () => (await db.query(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'`)).rows[0].n as number;
    const request = api(seattleWeatherYear(2015));
    await until('the slow worker to be held', async () => (await waiting()) === 1);
    // Another process takes the job once it expires under the slow one, and is held at the same place.
    third = await startSyncServer({ port: 0, store: await PostgresStore.open(pgServer.url), monitorTempDir: join(dir, 'tmp-third'), monitorJobs: { expireInSeconds: EXPIRE_SECONDS, pollSeconds: 0.5 } });
    await until('the retry to be held too', async () => (await waiting()) === 2, 60_000);
    await db.query('ROLLBACK');

    // The request sent to the slow process is answered with the retry's answer, once.
    const answer = await request;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { at: number }).at).toBe(at2015);
    await until('the slow worker to give the job up', async () => secondLog.some((e) => e.event === 'monitor_batch_job_expired'));
    expect(await recorded2015()).toBe(2);
    const { rows } = await db.query('SELECT state, retry_count FROM driftdesk_jobs.job WHERE name = $1 ORDER BY created_on DESC LIMIT 1', [BATCH_QUEUE]);
    expect(rows).toEqual([{ state: 'completed', retry_count: 1 }]);
  } finally {
    await db.end();
  }
}, 120_000);
