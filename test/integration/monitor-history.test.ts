/**
 * Monitors that remember and know their columns (issue 16), on a real server with a real SQLite
 * store and real HTTP: a column mapping keeps the weather feed's date out of drift and dates each
 * batch by it; every batch is kept as a history row (paged, by range); one batch opens one
 * incident with a finding per fired rule, and the webhook message links to it; rules on columns
 * the reference lacks and bad mappings are refused by field path; monitors are edited, paused and
 * deleted with history and incidents kept; a reference already in the workspace is linked, not
 * copied; labels pushed later are joined by id and give realized performance equal to
 * scikit-learn's on the same rows.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getMonitor, listMonitors } from '../../src/core/monitor/index.ts';
import { listDatasetVersions, listIncidents } from '../../src/core/workspace/index.ts';
import type { MonitorBatch } from '../../src/shared/server-api.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { seattleWeatherYear } from '../helpers/seattle-weather.ts';
import { storedTimeline } from '../helpers/timelines.ts';

let dir: string;
let server: SyncServer;
let receiver: Server;
/** What the webhook receiver got: Slack's `text` and Driftdesk's own fields. */
const hooks: { text: string; driftdesk: { event: string; incident: { id: string; link: string }; findings: unknown[] } }[] = [];
let ws: { id: string; token: string };
let weather: string;
let model: string;
let referenceSha: string;

const api = (path: string, init: { method?: string; body?: string; type?: string; token?: string } = {}) =>
  fetch(`${server.url}/api/v1/workspaces/${ws.id}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${init.token ?? ws.token}`, ...(init.body !== undefined ? { 'content-type': init.type ?? 'application/json' } : {}) },
    body: init.body,
  });
const json = async <T = Record<string, unknown>>(res: Response) => ({ status: res.status, body: (await res.json()) as T });
const doc = () => {
  const d = new Y.Doc();
  Y.applyUpdate(d, server.store.loadDoc(ws.id));
  return d;
};
const history = async (monitorId: string, query = '') => json<{ batches: MonitorBatch[]; next: string | null }>(await api(`/monitors/${monitorId}/history${query}`));

/** Seattle weather with a model's outputs: an id, the label (rain), a score from precipitation and wind, and its 0/1 prediction. */
function withModel(year: number, options: { target: boolean }): string {
  const [header, ...lines] = seattleWeatherYear(year).trim().split('\n');
  const out = [`${header},row_id,p,yhat${options.target ? ',y' : ''}`];
  for (const line of lines) {
    const [date, precipitation, , , wind, kind] = line.split(',');
    const p = Math.round(1e4 / (1 + Math.exp(-(Number(precipitation) * 0.9 - 0.6 + (Number(wind) - 3) * 0.25)))) / 1e4;
    out.push(`${line},${year}-${date!.slice(5)},${p},${p >= 0.5 ? 1 : 0}${options.target ? `,${kind === 'rain' ? 1 : 0}` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
const quarter = (csv: string, q: number) => {
  const [header, ...lines] = csv.trim().split('\n');
  return `${[header, ...lines.filter((l) => Math.floor((Number(l.slice(5, 7)) - 1) / 3) === q)].join('\n')}\n`;
};

async function upload(text: string): Promise<string> {
  const sha = createHash('sha256').update(text).digest('hex');
  const put = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${sha}`, { method: 'PUT', headers: { authorization: `Bearer ${ws.token}` }, body: text });
  expect(put.status).toBe(201);
  return sha;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-monitor-history-'));
  receiver = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (s: string) => (text += s)).on('end', () => {
      hooks.push(JSON.parse(text) as (typeof hooks)[number]);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server'), allowPrivateWebhooks: true, webhookRetryMs: 50 });
  ws = server.store.createWorkspace('Weather', 'Ada');
  const address = receiver.address() as { port: number };
  expect((await api('/webhooks', { body: JSON.stringify({ url: `http://127.0.0.1:${address.port}/hook`, purpose: 'incidents' }) })).status).toBe(201);
  referenceSha = await upload(seattleWeatherYear(2012));
  const created = await json<{ monitorId: string; referenceVersionId: string }>(await api('/monitors', {
    body: JSON.stringify({
      name: 'Weather feed', reference: { sha256: referenceSha, fileName: 'seattle-2012.csv', format: 'csv' }, mapping: { timestamp: 'date' },
      rules: [{ kind: 'columnDrift', id: 'temp', column: 'temp_max' }, { kind: 'columnDrift', id: 'temp-strict', column: 'temp_max', critical: 0.05 }],
    }),
  }));
  expect(created.status).toBe(201);
  weather = created.body.monitorId;
}, 60_000);
afterAll(async () => {
  await server?.close();
  receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a monitor with a column mapping', () => {
  it('never tests the timestamp, dates each batch by it, and keeps every batch as history', async () => {
    for (const year of [2013, 2015]) {
      const res = await json<{ testedColumns: number; at: number; batchId: number }>(await api(`/monitors/${weather}/batches`, { body: seattleWeatherYear(year), type: 'text/csv' }));
      expect(res.status).toBe(200);
      // 6 columns, the date not among the tested ones: before the mapping it "drifted" every time.
      expect(res.body.testedColumns).toBe(5);
      expect(res.body.at).toBe(Date.UTC(year, 11, 31));
    }
    const { status, body } = await history(weather);
    expect(status).toBe(200);
    expect(body.next).toBeNull();
    expect(body.batches.map((b) => [b.kind, b.at, b.timeFrom, b.rows])).toEqual([['batch', Date.UTC(2013, 11, 31), 'timestamp', 365], ['batch', Date.UTC(2015, 11, 31), 'timestamp', 365]]);
    const [quiet, drifted] = body.batches;
    expect(quiet!.columns.map((c) => c.name)).toEqual(['precipitation', 'temp_max', 'temp_min', 'wind', 'weather']);
    expect(drifted!.columns.find((c) => c.name === 'temp_max')).toMatchObject({ test: 'ks', drifted: true });
    expect(drifted!.driftShare).toBe(drifted!.driftedColumns / 5);
    expect(quiet!.outcomes.every((o) => o.band === 'ok')).toBe(true);
    expect(drifted!.outcomes.map((o) => [o.ruleId, o.band])).toEqual([['temp', 'critical'], ['temp-strict', 'critical']]);
    // The workspace doc keeps only the latest status; the rows are the server's.
    expect(JSON.stringify(doc().getMap('monitors').toJSON())).not.toContain('temp_min');
  });

  it('opens one incident for a batch that fires two rules, one finding each, and the webhook links to it', async () => {
    const incidents = listIncidents(doc()).filter((i) => i.monitorId === weather);
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    const findings = (await storedTimeline(server.store, ws.id, incident!.id)).filter((e) => e.kind === 'finding');
    expect(findings.map((f) => f.kind === 'finding' && f.ruleId)).toEqual(['temp', 'temp-strict']);
    const { body } = await history(weather);
    expect(body.batches[1]!.incidents).toEqual({ temp: incident!.id, 'temp-strict': incident!.id });
    const deadline = Date.now() + 5000;
    while (!hooks.some((h) => h.driftdesk.event === 'incident.opened') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const opened = hooks.filter((h) => h.driftdesk.event === 'incident.opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.driftdesk.incident).toMatchObject({ id: incident!.id, link: `driftdesk://workspace/${ws.id}/incidents/${incident!.id}` });
    expect(opened[0]!.driftdesk.findings).toHaveLength(2);
    expect(opened[0]!.text).toContain(`driftdesk://workspace/${ws.id}/incidents/${incident!.id}`);
  });

  it('pages history and reads it by time range; a bad query is a 400 naming the field', async () => {
    const first = await history(weather, '?limit=1');
    expect(first.body.batches).toHaveLength(1);
    expect(first.body.next).not.toBeNull();
    const second = await history(weather, `?limit=1&after=${first.body.next}`);
    expect(second.body.batches.map((b) => b.at)).toEqual([Date.UTC(2015, 11, 31)]);
    expect(second.body.next).toBeNull();
    // The summary view keeps only the columns the rules name.
    const summary = await history(weather, '?view=summary');
    expect(summary.body.batches.map((b) => b.columns.map((c) => c.name))).toEqual([['temp_max'], ['temp_max']]);
    const ranged = await history(weather, `?from=${Date.UTC(2014, 0, 1)}&to=${Date.UTC(2016, 0, 1)}`);
    expect(ranged.body.batches.map((b) => b.at)).toEqual([Date.UTC(2015, 11, 31)]);
    for (const [query, field] of [['?limit=0', 'query.limit'], ['?after=x', 'query.after'], ['?view=tiny', 'query.view'], ['?color=red', 'query'], [`?from=5&to=1`, 'query.from']]) {
      const res = await json<{ error: string; code: string }>(await api(`/monitors/${weather}/history${query}`));
      expect(res.status).toBe(400);
      expect(res.body.error).toContain(field);
    }
    expect((await api('/monitors/nope/history')).status).toBe(404);
  });
});

describe('what a monitor may be told', () => {
  it('refuses rules on columns the reference lacks and bad mappings, naming each field, and creates nothing', async () => {
    const before = listMonitors(doc()).length;
    const reference = { sha256: referenceSha, fileName: 'seattle-2012.csv', format: 'csv' };
    const cases: [unknown, number, string, RegExp][] = [
      [{ rules: [{ kind: 'driftShare', id: 's', critical: 0.5 }, { kind: 'columnDrift', id: 'c', column: 'humidity' }] }, 400, 'unknown_columns', /rules\.1\.column: no column "humidity" in the reference; the reference's columns are "date", "precipitation"/],
      [{ mapping: { timestamp: 'date', target: 'rain' } }, 400, 'unknown_columns', /mapping\.target: no column "rain"/],
      [{ mapping: { timestamp: 'date' }, rules: [{ kind: 'columnDrift', id: 'd', column: 'date' }] }, 400, 'bad_mapping', /rules\.0\.column: "date" is the mapping's timestamp column, which is never tested/],
      [{ mapping: { timestamp: 'date', id: 'date' } }, 400, 'bad_mapping', /mapping\.id: "date" is already the timestamp column/],
      [{ mapping: { timestamp: 'date', colour: 'x' } }, 400, 'bad_body', /mapping/],
      [{ mapping: { columns: { wind: { stattest: 'magic' } } } }, 400, 'bad_body', /mapping\.columns\.wind\.stattest/],
    ];
    for (const [fields, status, code, message] of cases) {
      const res = await json<{ error: string; code: string; problems?: unknown[] }>(await api('/monitors', {
        body: JSON.stringify({ name: 'Bad', reference, rules: [{ kind: 'driftShare', id: 's', critical: 0.5 }], ...(fields as object) }),
      }));
      expect(`${res.status} ${res.body.error}`).toMatch(new RegExp(`^${status} `));
      expect(res.body.error).toMatch(message);
      if (code !== 'bad_body') expect(res.body.code).toBe(code);
    }
    expect(listMonitors(doc())).toHaveLength(before);
  });

  it('links a reference already in the workspace instead of adding its dataset version again', async () => {
    const again = await json<{ monitorId: string; referenceVersionId: string }>(await api('/monitors', {
      body: JSON.stringify({ name: 'Weather again', reference: { sha256: referenceSha, fileName: 'copy-of-2012.csv', format: 'csv' }, rules: [{ kind: 'driftShare', id: 's', critical: 0.5 }] }),
    }));
    expect(again.status).toBe(201);
    expect(again.body.referenceVersionId).toBe(getMonitor(doc(), weather)!.referenceVersionId);
    expect(listDatasetVersions(doc()).filter((v) => v.fileName.includes('2012'))).toHaveLength(1);
    expect((await api(`/monitors/${again.body.monitorId}`, { method: 'DELETE' })).status).toBe(200);
  });

  it('is edited, paused and deleted over the API, keeping its history and incidents', async () => {
    const refused = await json<{ error: string; code: string }>(await api(`/monitors/${weather}`, { method: 'PATCH', body: JSON.stringify({ rules: [{ kind: 'columnDrift', id: 'x', column: 'gust' }] }) }));
    expect(refused).toMatchObject({ status: 400, body: { code: 'unknown_columns', error: expect.stringMatching(/rules\.0\.column: no column "gust"/) } });
    const paused = await json(await api(`/monitors/${weather}`, { method: 'PATCH', body: JSON.stringify({ paused: true, mapping: { timestamp: 'date', ignored: ['wind'] } }) }));
    expect(paused).toMatchObject({ status: 200, body: { monitorId: weather, paused: true } });
    expect(getMonitor(doc(), weather)).toMatchObject({ paused: true, mapping: { timestamp: 'date', ignored: ['wind'] } });
    const sent = await json<{ code: string }>(await api(`/monitors/${weather}/batches`, { body: seattleWeatherYear(2014), type: 'text/csv' }));
    expect(sent).toMatchObject({ status: 409, body: { code: 'monitor_paused' } });
    expect((await api(`/monitors/${weather}`, { method: 'PATCH', body: JSON.stringify({ paused: false }) })).status).toBe(200);
    // The edited mapping holds: the ignored column is neither tested nor required.
    const batch = seattleWeatherYear(2014).split('\n').map((l) => l.split(',').filter((_, i) => i !== 4).join(',')).join('\n');
    const resumed = await json<{ testedColumns: number }>(await api(`/monitors/${weather}/batches`, { body: batch, type: 'text/csv' }));
    expect(resumed).toMatchObject({ status: 200, body: { testedColumns: 4 } });

    const incidentsBefore = listIncidents(doc()).filter((i) => i.monitorId === weather).length;
    expect((await api(`/monitors/${weather}`, { method: 'DELETE' })).status).toBe(200);
    expect(listMonitors(doc()).map((m) => m.id)).not.toContain(weather);
    expect((await api(`/monitors/${weather}/batches`, { body: seattleWeatherYear(2014), type: 'text/csv' })).status).toBe(404);
    expect((await api(`/monitors/${weather}`, { method: 'PATCH', body: JSON.stringify({ paused: true }) })).status).toBe(404);
    expect((await history(weather)).body.batches).toHaveLength(3);
    expect(listIncidents(doc()).filter((i) => i.monitorId === weather)).toHaveLength(incidentsBefore);
    // A viewer can read history but not delete.
    const viewer = server.store.createMemberToken(ws.id, 'viewer', 'Vic').token;
    expect((await api(`/monitors/${weather}/history`, { token: viewer })).status).toBe(200);
    expect((await api(`/monitors/${weather}`, { method: 'DELETE', token: viewer })).status).toBe(403);
  });
});

describe('performance, with labels now or later', () => {
  const reference = withModel(2012, { target: true });
  const production = withModel(2013, { target: true });

  it('estimates without labels, joins labels pushed later by id, and realized performance equals scikit-learn', async () => {
    const sha = await upload(reference);
    const created = await json<{ monitorId: string }>(await api('/monitors', {
      body: JSON.stringify({
        name: 'Rain model', model: 'rain', reference: { sha256: sha, fileName: 'rain-2012.csv', format: 'csv' },
        mapping: { timestamp: 'date', id: 'row_id', target: 'y', prediction: 'yhat', predictionProba: 'p' },
        rules: [{ kind: 'metric', id: 'acc', metric: 'accuracy', direction: 'below', critical: 0.99 }],
      }),
    }));
    expect(created.status).toBe(201);
    model = created.body.monitorId;
    // Production batches come without the target.
    const unlabelled = production.split('\n').map((l) => l.split(',').slice(0, -1).join(',')).join('\n');
    for (let q = 0; q < 4; q++) {
      const res = await json<{ estimated: Record<string, { value: number }>; realized: Record<string, number>; opened: unknown[] }>(await api(`/monitors/${model}/batches`, { body: quarter(unlabelled, q), type: 'text/csv' }));
      expect(res.status).toBe(200);
      expect(res.body.realized).toEqual({});
      expect(Object.keys(res.body.estimated).sort()).toEqual(['accuracy', 'f1', 'precision', 'recall', 'roc_auc', 'specificity']);
      for (const e of Object.values(res.body.estimated)) expect(e.value).toBeGreaterThanOrEqual(0);
      expect(res.body.opened).toEqual([]);
    }
    // Labels for the first half of the year only, as JSON Lines.
    const labels = production.trim().split('\n').slice(1).filter((l) => Number(l.slice(5, 7)) <= 6)
      .map((l) => { const f = l.split(','); return JSON.stringify({ row_id: f[6], y: Number(f[9]) }); }).join('\n');
    const pushed = await json<{ labels: number; matched: number; batches: { id: number; labelled: number; realized: Record<string, number> }[]; opened: { id: string }[] }>(
      await api(`/monitors/${model}/labels`, { body: labels, type: 'application/x-ndjson' }),
    );
    expect(pushed.status).toBe(200);
    expect(pushed.body).toMatchObject({ labels: 181, matched: 181 });
    expect(pushed.body.batches.map((b) => b.labelled)).toEqual([90, 91]);
    // One push, one incident, however many batches it labelled.
    expect(pushed.body.opened).toHaveLength(1);

    const file = join(dir, 'production-2013.csv');
    writeFileSync(file, production);
    const oracle = spawnSync('/usr/bin/python3', ['-c', `
import json, sys, pandas as pd
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score, confusion_matrix
d = pd.read_csv(sys.argv[1])
out = []
for q in (0, 1):
    c = d[(pd.to_datetime(d.date).dt.month - 1) // 3 == q]
    tn, fp, fn, tp = confusion_matrix(c.y, c.yhat, labels=[0, 1]).ravel()
    out.append({"accuracy": accuracy_score(c.y, c.yhat), "f1": f1_score(c.y, c.yhat), "precision": precision_score(c.y, c.yhat),
                "recall": recall_score(c.y, c.yhat), "roc_auc": roc_auc_score(c.y, c.p), "specificity": tn / (tn + fp)})
print(json.dumps(out))
`, file], { encoding: 'utf8' });
    expect(oracle.stderr).toBe('');
    const expected = JSON.parse(oracle.stdout) as Record<string, number>[];
    const { body } = await history(model);
    expect(body.batches.map((b) => b.labelled)).toEqual([90, 91, 0, 0]);
    for (const q of [0, 1]) {
      for (const [metric, value] of Object.entries(expected[q]!)) expect(body.batches[q]!.realized[metric]).toBeCloseTo(value, 12);
      expect(body.batches[q]!.outcomes.find((o) => o.ruleId === 'acc')!.band).toBe('critical');
    }
    expect(body.batches[2]!.realized).toEqual({});
  });

  it('gives realized performance at once to a batch that carries its target', async () => {
    const res = await json<{ realized: Record<string, number>; updated: unknown[] }>(await api(`/monitors/${model}/batches`, { body: quarter(withModel(2014, { target: true }), 0), type: 'text/csv' }));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.realized).sort()).toEqual(['accuracy', 'f1', 'precision', 'recall', 'roc_auc', 'specificity']);
  });

  it('takes labels from `driftdesk push labels FILE`, exit 1 when a rule fires', async () => {
    const file = join(dir, 'labels-q3.csv');
    writeFileSync(file, ['row_id,y', ...production.trim().split('\n').slice(1).filter((l) => ['07', '08', '09'].includes(l.slice(5, 7))).map((l) => { const f = l.split(','); return `${f[6]},${f[9]}`; })].join('\n'));
    // Not spawnSync: the server answering it runs in this process.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['bin/driftdesk', 'push', 'labels', file, '--server', server.url, '--workspace', ws.id, '--monitor', model, '--token', ws.token], { cwd: join(import.meta.dirname, '../..') });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject).on('close', (status) => resolve({ status, stdout, stderr }));
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ labels: 92, matched: 92, unmatched: 0, batches: [{ labelled: 92 }] });
    expect((await history(model)).body.batches.map((b) => b.labelled)).toEqual([90, 91, 92, 0, 90]);
  }, 30_000);

  it('refuses hostile label files with the reason', async () => {
    const cases: [string, string, number, string | RegExp][] = [
      ['row_id,label\n2013-01-01,1\n', 'text/csv', 400, /the labels need the columns "row_id" \(id\) and "y" \(target\): missing y/],
      ['{"row_id": "a", "y": 1}\n{not json\n', 'application/x-ndjson', 400, /line 2 is not JSON/],
      ['row_id,y\n\u0000\u0001\u0002,1\n', 'text/csv', 400, /./],
      ['row_id,y\n1,1\n', 'image/png', 415, /send the labels as text\/csv/],
    ];
    for (const [body, type, status, message] of cases) {
      const res = await json<{ error: string }>(await api(`/monitors/${model}/labels`, { body, type }));
      expect(`${res.status} ${res.body.error}`).toMatch(new RegExp(`^${status} `));
      expect(res.body.error).toMatch(message);
    }
    const huge = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/monitors/${model}/labels`, {
      method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'text/csv', 'content-length': String(65 * 1024 * 1024) }, body: 'row_id,y\n',
    }).catch(() => null);
    // Refused from its declared length (the socket may close before the answer is read).
    if (huge) expect(huge.status).toBe(413);
  });
});
