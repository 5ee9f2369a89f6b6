/**
 * Monitor ingest is checked before it is loaded (issue 14), on a real server with real HTTP
 * requests: a batch whose columns are not the reference's is refused from its header, keys or
 * Parquet metadata with the columns named; a workspace cannot reach another's reference by its
 * hash; temp files are private, gone after each batch and swept at start-up; DuckDB holds no
 * batch tables after hundreds of batches (read from its catalog, through /metrics).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createMonitor, getMonitor } from '../../src/core/monitor/index.ts';
import { addDatasetVersion } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { seattleWeatherYear } from '../helpers/seattle-weather.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

let dir: string;
let tempRoot: string;
let server: SyncServer;
let ws: { id: string; token: string; memberId: string };
let monitorId: string;
let referenceSha: string;
const planted: Record<'stale' | 'stray' | 'live', string> = { stale: '', stray: '', live: '' };

const COLUMNS = ['date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather'];
const post = (path: string, body: string | Uint8Array<ArrayBuffer>, type: string, token = ws.token, workspace = ws.id) =>
  fetch(`${server.url}/api/v1/workspaces/${workspace}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
const batch = (body: string | Uint8Array<ArrayBuffer>, type = 'text/csv') => post(`/monitors/${monitorId}/batches`, body, type);
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Every file under the server's temp root (directories not counted). */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function gauge(name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`${name} is not in /metrics`);
  return Number(line.split(' ')[1]);
}

async function parquet(select: string): Promise<Uint8Array<ArrayBuffer>> {
  const path = join(dir, `batch-${Math.random().toString(36).slice(2)}.parquet`);
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  await db.run(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
  db.closeSync();
  instance.closeSync();
  return new Uint8Array(readFileSync(path));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-monitor-ingest-'));
  tempRoot = join(dir, 'monitor-tmp');
  // What a crashed server leaves: its directory (its pid is gone) with a batch in it, a loose
  // file; and the directory of a server that is still running, which must be left alone.
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
  planted.stale = join(tempRoot, `${deadPid}-0badc0de`, 'batch-crashed.csv');
  planted.stray = join(tempRoot, 'reference-stray.csv');
  planted.live = join(tempRoot, `${process.ppid}-600dc0de`, 'batch-running.csv');
  for (const file of Object.values(planted)) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, 'secret,values\n1,2\n');
  }
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server'), monitorTempDir: tempRoot });
  ws = server.store.createWorkspace('Weather', 'Ada');
  const reference = seattleWeatherYear(2012);
  referenceSha = sha256(reference);
  const put = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${referenceSha}`, { method: 'PUT', headers: { authorization: `Bearer ${ws.token}` }, body: reference });
  expect(put.status).toBe(201);
  const created = await post('/monitors', JSON.stringify({
    name: 'Rain model', reference: { sha256: referenceSha, fileName: 'seattle-2012.csv', format: 'csv' },
    rules: [{ kind: 'driftShare', id: 'share', critical: 0.9 }],
  }), 'application/json');
  expect(created.status).toBe(201);
  monitorId = ((await created.json()) as { monitorId: string }).monitorId;
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the temp directory', () => {
  it("is swept at start-up of what a crashed server left, keeps a running server's files, and is private", () => {
    expect(existsSync(planted.stale)).toBe(false);
    expect(existsSync(join(planted.stale, '..'))).toBe(false);
    expect(existsSync(planted.stray)).toBe(false);
    expect(existsSync(planted.live)).toBe(true);
    expect(statSync(tempRoot).mode & 0o777).toBe(0o700);
    const own = readdirSync(tempRoot).filter((entry) => entry.startsWith(`${process.pid}-`));
    expect(own).toHaveLength(1);
    expect(statSync(join(tempRoot, own[0]!)).mode & 0o777).toBe(0o700);
    rmSync(join(planted.live, '..'), { recursive: true });
  });
});

describe('a batch whose columns are not the reference’s is refused before it is loaded', () => {
  it('refuses 10k columns with 413, naming a few and counting the rest', async () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `c${i}`);
    const wide = `${names.join(',')}\n${names.map(() => '1').join(',')}\n`;
    const res = await batch(wide);
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: string; code: string; unexpected: string[]; missing: string[] };
    expect(body.code).toBe('too_many_columns');
    expect(body.error).toBe('the batch has 10000 columns, more than the 1000 a monitor takes (the reference has 6): '
      + 'missing date, precipitation, temp_max, temp_min, wind and 1 more; unexpected c0, c1, c2, c3, c4 and 9995 more');
    expect(body.missing).toEqual(COLUMNS);
    expect(body.unexpected).toHaveLength(100);
  });

  it('refuses a header line longer than the limit with 413', async () => {
    const res = await batch(`${'x'.repeat(300 * 1024)},date\n1,2\n`);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'header_too_long', error: expect.stringMatching(/header line is longer than 262144 bytes/) });
  });

  it('names unknown, missing and duplicated columns in CSV, TSV, JSON, JSON Lines, Parquet and profile batches', async () => {
    const good = seattleWeatherYear(2013);
    const renamed = good.replace('temp_max', 'tmax');
    const cases: [Promise<Response>, string][] = [
      [batch(renamed), 'missing temp_max; unexpected tmax'],
      [batch(good.replace('date,', 'date,date,').replace(/\n(\d{4}-\d\d-\d\d),/g, '\n$1,$1,')), 'duplicated date'],
      [batch(good.trim().split('\n').map((line) => line.slice(0, line.lastIndexOf(','))).join('\n')), 'missing weather'],
      [batch(renamed.replaceAll(',', '\t'), 'text/tab-separated-values'), 'missing temp_max; unexpected tmax'],
      [batch(JSON.stringify([{ date: '2013-01-01', precipitation: 0, temp_max: 5, temp_min: 1, wind: 2, weather: 'sun', extra: 1 }]), 'application/json'), 'unexpected extra'],
      [batch('{"date":"2013-01-01","precipitation":0,"temp_max":5,"temp_min":1,"wind":2}\n', 'application/x-ndjson'), 'missing weather'],
      [batch(await parquet("SELECT DATE '2013-01-01' AS date, 0.0 AS precipitation, 5.0 AS tmax, 1.0 AS temp_min, 2.0 AS wind, 'sun' AS weather"), 'application/vnd.apache.parquet'), 'missing temp_max; unexpected tmax'],
      [batch(JSON.stringify({ path: 'b.csv', rows: 10, columns: [{ name: 'temp_max', kind: 'numerical' }, { name: 'humidity', kind: 'numerical' }] }), 'application/json'), 'missing date, precipitation, temp_min, wind, weather; unexpected humidity'],
    ];
    for (const [pending, expected] of cases) {
      const res = await pending;
      const body = (await res.json()) as { error: string; code: string };
      expect({ status: res.status, error: body.error, code: body.code }).toEqual({ status: 400, error: `batch columns do not match the reference: ${expected}`, code: 'columns_mismatch' });
    }
  });

  it('refuses a Parquet batch with 2000 columns from its metadata with 413', async () => {
    const select = `SELECT ${Array.from({ length: 2000 }, (_, i) => `${i} AS p${i}`).join(', ')}`;
    const res = await batch(await parquet(select), 'application/vnd.apache.parquet');
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'too_many_columns', error: expect.stringMatching(/^the batch has 2000 columns.*unexpected p0, p1, p2, p3, p4 and 1995 more$/) });
  });

  it('still takes a good batch with its columns in another order', async () => {
    const [header, ...rows] = seattleWeatherYear(2013).trim().split('\n');
    const order = [5, 0, 1, 2, 3, 4];
    const shuffled = [header!, ...rows].map((line) => order.map((i) => line.split(',')[i]).join(',')).join('\n');
    const res = await batch(shuffled);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { testedColumns: number }).testedColumns).toBeGreaterThanOrEqual(5);
  });
});

describe('references', () => {
  const rules = [{ kind: 'driftShare', id: 's', critical: 0.5 }];
  async function createOn(data: Uint8Array<ArrayBuffer> | string, format: string) {
    const sha = sha256(data);
    const put = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${sha}`, { method: 'PUT', headers: { authorization: `Bearer ${ws.token}` }, body: data });
    expect(put.ok).toBe(true);
    return post('/monitors', JSON.stringify({ name: `m-${format}`, reference: { sha256: sha, fileName: `ref.${format}`, format }, rules }), 'application/json');
  }

  it('are held to the same limits before they are profiled: 1001 columns or a 300 KiB header is 413', async () => {
    const wide = Array.from({ length: 1001 }, (_, i) => `c${i}`).join(',');
    const tooWide = await createOn(`${wide}
${wide.replace(/c\d+/g, '1')}
`, 'csv');
    expect(tooWide.status).toBe(413);
    expect(await tooWide.json()).toMatchObject({ code: 'too_many_columns', error: 'the reference has 1001 columns; a monitor takes at most 1000' });
    const longHeader = await createOn(`${'y'.repeat(300 * 1024)},b\n1,2\n`, 'csv');
    expect(longHeader.status).toBe(413);
    expect(await longHeader.json()).toMatchObject({ code: 'header_too_long' });
  });

  it('in Parquet have their columns read from metadata, and batches are checked against them', async () => {
    const created = await createOn(await parquet('SELECT range AS a, (range * 7) % 13 AS b FROM range(300)'), 'parquet');
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { monitorId: string }).monitorId;
    const rows = Array.from({ length: 300 }, (_, i) => `${i},${(i * 5) % 13}`).join('\n');
    const ok = await post(`/monitors/${id}/batches`, `b,a\n${rows.split('\n').map((r) => r.split(',').reverse().join(',')).join('\n')}\n`, 'text/csv');
    expect(ok.status).toBe(200);
    const wrong = await post(`/monitors/${id}/batches`, `a,c\n${rows}\n`, 'text/csv');
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toBe('batch columns do not match the reference: missing b; unexpected c');
  });
});

describe('a reference is read only by its own workspace', () => {
  it("refuses a monitor on a hash only another workspace uploaded, and a monitor record that names one", async () => {
    const other = server.store.createWorkspace('Other team', 'Bo');
    const body = JSON.stringify({ name: 'Spy', reference: { sha256: referenceSha, fileName: 'x.csv', format: 'csv' }, rules: [{ kind: 'driftShare', id: 's', critical: 0.5 }] });
    const res = await post('/monitors', body, 'application/json', other.token, other.id);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(`no blob ${referenceSha} in this workspace`);

    // A monitor record written into the other workspace's doc by a client, naming the hash.
    const client = connectClient(server.url, other.id, other.token);
    try {
      await synced(client.provider);
      const ctx = { actor: { id: other.memberId, name: 'Bo' }, now: () => Date.now(), newId: () => crypto.randomUUID() };
      const version = addDatasetVersion(client.doc, { dataset: 'x', fileName: 'x.csv', format: 'csv', md5: 'a'.repeat(32), size: 1, rows: 1, columns: 6, profileBlob: 'b'.repeat(64) }, ctx);
      const forged = createMonitor(client.doc, { name: 'Spy', model: '', referenceVersionId: version.id, referenceBlob: referenceSha, referenceFormat: 'csv', rules: [{ kind: 'driftShare', id: 's', critical: 0.5 }] }, ctx);
      // The write policy may refuse the record itself (then the monitor is unknown: 404); if
      // it is taken, the hash must still not reach this workspace's data (409).
      await server.flushed();
      await waitFor(() => {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, server.store.loadDoc(other.id));
        return getMonitor(doc, forged.id) !== undefined;
      }, 'the forged monitor at the server', 2000).catch(() => {});
      const sent = await post(`/monitors/${forged.id}/batches`, seattleWeatherYear(2015), 'text/csv', other.token, other.id);
      expect([404, 409]).toContain(sent.status);
      if (sent.status === 409) expect(((await sent.json()) as { error: string }).error).toMatch("missing from this workspace's blob store");
    } finally {
      client.dispose();
    }

    // The same bytes uploaded by that workspace itself are its own to monitor.
    const reference = seattleWeatherYear(2012);
    const put = await fetch(`${server.url}/api/v1/workspaces/${other.id}/blobs/${referenceSha}`, { method: 'PUT', headers: { authorization: `Bearer ${other.token}` }, body: reference });
    expect(put.status).toBe(201);
    expect((await post('/monitors', body, 'application/json', other.token, other.id)).status).toBe(201);
  });

  it('answers a batch profile with a wrong field type with 400 and the field, not a server error', async () => {
    const res = await batch(JSON.stringify({ path: 'b.csv', rows: 10, columns: COLUMNS.map((name) => (name === 'weather'
      ? { name, kind: 'categorical', count: 10, missing: 0, top: 'sun' }
      : { name, kind: 'numerical', histogram: { edges: 'x', counts: 5 } })) }), 'application/json');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'bad_profile', error: expect.stringMatching(/columns\.\d\.histogram\.edges/) });
  });
});

describe('after hundreds of batches', () => {
  it('DuckDB holds no batch tables and the temp directory no files', async () => {
    const [header, ...rows] = seattleWeatherYear(2013).trim().split('\n');
    for (let i = 0; i < 300; i++) {
      const small = [header, ...rows.slice(i % 300, (i % 300) + 40)].join('\n');
      const res = await batch(small);
      expect(res.status, `batch ${i}`).toBe(200);
      await res.arrayBuffer();
    }
    // Refused and failing batches leave nothing either.
    expect((await batch(`${header}\n2013-01-01,"unterminated\n`)).status).toBe(400);
    expect((await batch('date\n2013-01-01\n')).status).toBe(400);
    expect(await gauge('driftdesk_monitor_engine_tables')).toBe(0);
    expect(await gauge('driftdesk_monitor_temp_files')).toBe(0);
    expect(filesUnder(tempRoot)).toEqual([]);
  }, 180_000);
});
