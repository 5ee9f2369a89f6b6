/**
 * From a production batch to an incident (issue 6), on a real server with real clients: a
 * monitor created over HTTP from real reference data (seattle-weather 2012), batches POSTed,
 * incidents opened or extended in the workspace doc live, and bad input refused with nothing
 * written.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMonitor } from '../../src/core/monitor/index.ts';
import { listIncidents } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { seattleWeatherYear } from '../helpers/seattle-weather.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';
import { liveTimeline } from '../helpers/timelines.ts';

let dir: string;
let server: SyncServer;
let ws: { id: string; token: string };
let editor: string;
let viewer: string;
let monitorId: string;
let live: ReturnType<typeof connectClient>;

const post = (path: string, token: string, body: string, type = 'text/csv') =>
  fetch(`${server.url}/api/v1/workspaces/${ws.id}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-monitoring-'));
  server = await startSyncServer({ port: 0, dataDir: dir });
  ws = server.store.createWorkspace('Weather', 'Ada');
  editor = server.store.createMemberToken(ws.id, 'editor', 'Eve').token;
  viewer = server.store.createMemberToken(ws.id, 'viewer', 'Vic').token;
  const reference = Buffer.from(seattleWeatherYear(2012));
  const sha = createHash('sha256').update(reference).digest('hex');
  const put = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${sha}`, { method: 'PUT', headers: { authorization: `Bearer ${ws.token}` }, body: reference });
  expect(put.ok).toBe(true);
  live = connectClient(server.url, ws.id, ws.token);
  await synced(live.provider);
  const created = await post('/monitors', editor, JSON.stringify({
    name: 'Rain model', model: 'rain-forecast', reference: { sha256: sha, fileName: 'seattle-2012.csv', format: 'csv' },
    rules: [{ kind: 'columnDrift', id: 'temp', column: 'temp_max' }, { kind: 'metric', id: 'acc', metric: 'accuracy', direction: 'below', warning: 0.9, critical: 0.8 }],
  }), 'application/json');
  expect(created.status).toBe(201);
  monitorId = ((await created.json()) as { monitorId: string }).monitorId;
  await waitFor(() => getMonitor(live.doc, monitorId) !== undefined, 'monitor at the live client');
});
afterAll(async () => {
  live?.dispose();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('batches and metrics', () => {
  it('a drifted batch opens an incident live, a non-drifted one opens nothing, a second drifted one adds to it', async () => {
    const quiet = await post(`/monitors/${monitorId}/batches`, editor, seattleWeatherYear(2013));
    expect(quiet.status).toBe(200);
    const quietBody = (await quiet.json()) as { opened: unknown[]; outcomes: { band: string }[] };
    expect(quietBody.opened).toEqual([]);
    expect(quietBody.outcomes.map((o) => o.band)).toEqual(['ok']);
    expect(getMonitor(live.doc, monitorId)!.lastBatchAt).toBeGreaterThan(0);

    const drifted = await post(`/monitors/${monitorId}/batches`, editor, seattleWeatherYear(2015));
    const driftedBody = (await drifted.json()) as { opened: { id: string; title: string }[]; reportBlob: string; datasetDrift: boolean };
    expect(drifted.status).toBe(200);
    expect(driftedBody.opened).toEqual([{ id: expect.any(String), title: 'Rain model: drift in temp_max' }]);
    const incidentId = driftedBody.opened[0]!.id;
    await waitFor(() => listIncidents(live.doc).some((i) => i.id === incidentId), 'incident at the live client', 2000);
    expect(listIncidents(live.doc)[0]).toMatchObject({ severity: 'critical', monitorId, model: 'rain-forecast', reportBlob: driftedBody.reportBlob });
    // The monitor's incident, not one rule's: every rule's findings go there while it is open.
    expect(listIncidents(live.doc)[0]!.ruleId).toBeUndefined();
    // The report is in the blob store, with per-column results and histograms.
    const report = (await (await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${driftedBody.reportBlob}`, { headers: { authorization: `Bearer ${ws.token}` } })).json()) as { columns: { name: string }[]; histograms: unknown[] };
    expect(report.columns.map((c) => c.name)).toContain('temp_max');
    expect(report.histograms.length).toBeGreaterThan(0);

    const again = (await (await post(`/monitors/${monitorId}/batches`, editor, seattleWeatherYear(2014))).json()) as { opened: unknown[]; updated: { id: string }[] };
    expect(again.opened).toEqual([]);
    expect(again.updated.map((i) => i.id)).toEqual([incidentId]);
    // The findings are in the incident's conversation doc (the server splits timelines by default).
    const timeline = liveTimeline(server.url, ws.id, ws.token, live.doc, incidentId);
    await waitFor(() => timeline.events().length === 2, 'second finding at the live client');
    timeline.dispose();
    expect(listIncidents(live.doc)).toHaveLength(1);
  });

  it('judges metrics by their worst value, adds them to the open incident, and accepts JSONL batches', async () => {
    const res = await post(`/monitors/${monitorId}/metrics`, editor, JSON.stringify([
      { name: 'accuracy', value: 0.93, timestamp: '2026-11-27T10:00:00Z' },
      { name: 'accuracy', value: 0.85, timestamp: 1_764_237_600_000 },
      { name: 'latency_ms', value: 12, timestamp: 1_764_237_600_000 },
    ]), 'application/json');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { outcomes: { ruleId: string; band: string }[]; opened: { title: string }[]; updated: { title: string }[] };
    expect(body.outcomes).toEqual([expect.objectContaining({ ruleId: 'acc', band: 'warning' })]);
    expect(body.opened).toEqual([]);
    expect(body.updated.map((i) => i.title)).toEqual(['Rain model: drift in temp_max']);

    const [header, ...lines] = seattleWeatherYear(2013).trim().split('\n');
    const keys = header!.split(',');
    const jsonl = lines.map((l) => JSON.stringify(Object.fromEntries(l.split(',').map((v, i) => [keys[i], i === 0 || i === 5 ? v : Number(v)])))).join('\n');
    const res2 = await post(`/monitors/${monitorId}/batches`, editor, jsonl, 'application/x-ndjson');
    expect(res2.status).toBe(200);
    expect(((await res2.json()) as { testedColumns: number }).testedColumns).toBeGreaterThanOrEqual(5);
  });
});

describe('bad input changes nothing', () => {
  it('answers 401, 403, 404, 400 and 415 with reasons, and the workspace stays as it was', async () => {
    await server.flushed();
    const before = Buffer.from(server.store.loadDoc(ws.id)).toString('base64');
    const incidentsBefore = listIncidents(live.doc).length;
    const batch = seattleWeatherYear(2015);
    const cases: [Promise<Response>, number, RegExp][] = [
      [post(`/monitors/${monitorId}/batches`, 'ddt_wrong', batch), 401, /token refused/],
      [post(`/monitors/${monitorId}/batches`, viewer, batch), 403, /a viewer cannot send monitoring data/],
      [post('/monitors/nope/batches', editor, batch), 404, /no monitor nope in workspace/],
      [post(`/monitors/${monitorId}/batches`, editor, 'date,temp_max\n2015-01-01,"unterminated\n'), 400, /./],
      [post(`/monitors/${monitorId}/batches`, editor, batch.replace('temp_max', 'tmax').replace('wind,', 'gust,')), 400, /batch columns do not match the reference: missing temp_max, wind; unexpected tmax, gust/],
      [post(`/monitors/${monitorId}/batches`, editor, batch, 'image/png'), 415, /send a batch as text\/csv .*Content-Type image\/png is not accepted/],
      [post(`/monitors/${monitorId}/metrics`, editor, '[{"name":"accuracy","value":"high"}]', 'application/json'), 400, /0\.value.*0\.timestamp|0\.timestamp.*0\.value/],
      [post(`/monitors/${monitorId}/metrics`, editor, '{not json', 'application/json'), 400, /the body is not JSON/],
      [post('/monitors', editor, JSON.stringify({ name: 'x', reference: { sha256: 'e'.repeat(64), fileName: 'a.csv', format: 'csv' }, rules: [{ kind: 'driftShare', id: 's', critical: 0.5 }] }), 'application/json'), 400, /no blob e+ in this workspace/],
    ];
    for (const [pending, status, message] of cases) {
      const res = await pending;
      const body = (await res.json()) as { error: string };
      expect(`${res.status} ${body.error}`).toMatch(new RegExp(`^${status} `));
      expect(body.error).toMatch(message);
    }
    await server.flushed();
    expect(Buffer.from(server.store.loadDoc(ws.id)).toString('base64')).toBe(before);
    expect(listIncidents(live.doc)).toHaveLength(incidentsBefore);
  });
});

describe('OpenAPI', () => {
  it('is served', async () => {
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/workspaces/{workspaceId}/monitors/{monitorId}/batches');
  });
});

describe('driftdesk push', () => {
  /** Runs the CLI without blocking this process (the server under test lives here). */
  function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['bin/driftdesk', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('sends a batch file for CI: exit 1 when a rule fires, 0 when not, 2 when refused', async () => {
    const file = (year: number) => {
      const path = join(dir, `batch-${year}.csv`);
      writeFileSync(path, seattleWeatherYear(year));
      return path;
    };
    const common = ['--server', server.url, '--workspace', ws.id, '--monitor', monitorId];
    const fired = await cli(['push', 'batch', file(2015), ...common, '--token', editor]);
    expect(fired.code).toBe(1);
    expect(JSON.parse(fired.stdout).updated).toHaveLength(1);
    const quiet = await cli(['push', 'batch', file(2013), ...common, '--token', editor]);
    expect(quiet.code).toBe(0);
    const refused = await cli(['push', 'batch', file(2013), ...common, '--token', viewer]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the server refused it (403): a viewer cannot send monitoring data');
    const missing = await cli(['push', 'batch', join(dir, 'nope.csv'), ...common, '--token', editor]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.csv: no such file');
  }, 60_000);
});

describe('profile batches', () => {
  it('takes a `driftdesk profile --json` batch and scores it with PSI and Jensen–Shannon, matching numpy/scipy', async () => {
    const path = join(dir, 'batch-2015-profile.csv');
    writeFileSync(path, seattleWeatherYear(2015));
    const profiled = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['bin/driftdesk', 'profile', path, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`profile exited ${code}`))));
    });
    const res = await post(`/monitors/${monitorId}/batches`, editor, profiled, 'application/json');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { reportBlob: string; testedColumns: number };
    const report = (await (await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${body.reportBlob}`, { headers: { authorization: `Bearer ${ws.token}` } })).json()) as {
      columns: { name: string; test: string; score: number }[];
      histograms: { name: string; edges?: number[]; categories?: string[]; current: number[] }[];
    };
    const temp = report.columns.find((c) => c.name === 'temp_max')!;
    const weather = report.columns.find((c) => c.name === 'weather')!;
    expect([temp.test, weather.test]).toEqual(['psi', 'jensenshannon']);

    // The oracle: numpy/scipy on the reference CSV, binned on the batch profile's own bins.
    const tempHist = report.histograms.find((h) => h.name === 'temp_max')!;
    const weatherHist = report.histograms.find((h) => h.name === 'weather')!;
    const refPath = join(dir, 'ref-2012.csv');
    writeFileSync(refPath, seattleWeatherYear(2012));
    const script = `
import json, sys, numpy as np, pandas as pd
from scipy.spatial.distance import jensenshannon
a = json.loads(sys.argv[1]); ref = pd.read_csv(sys.argv[2])
edges = np.array(a['edges']); v = ref['temp_max'].dropna().to_numpy()
inside = np.histogram(v[(v >= edges[0]) & (v <= edges[-1])], bins=edges)[0]
r = np.concatenate([[np.sum(v < edges[0])], inside, [np.sum(v > edges[-1])]]).astype(float)
c = np.concatenate([[0], a['current'], [0]]).astype(float)
r, c = r / r.sum(), c / c.sum(); r[r == 0] = 0.0001; c[c == 0] = 0.0001
psi = float(np.sum((r - c) * np.log(r / c)))
cats = a['categories'][:-1]; w = ref['weather'].dropna().astype(str)
rc = np.array([np.sum(w == k) for k in cats] + [np.sum(~w.isin(cats))], dtype=float)
js = float(jensenshannon(rc / rc.sum(), np.array(a['wcurrent'], dtype=float) / sum(a['wcurrent'])))
print(json.dumps([psi, js]))`;
    const oracle = await new Promise<[number, number]>((resolve, reject) => {
      const arg = JSON.stringify({ edges: tempHist.edges, current: tempHist.current, categories: weatherHist.categories, wcurrent: weatherHist.current });
      const child = spawn('/usr/bin/python3', ['-c', script, arg, refPath], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as [number, number]) : reject(new Error(`python exited ${code}`))));
    });
    expect(temp.score).toBeCloseTo(oracle[0], 12);
    expect(weather.score).toBeCloseTo(oracle[1], 12);
  }, 60_000);
});
