/**
 * Monitors with bounds from the reference's chunks (issue 16), on a real server:
 * - multivariate drift: the monitor fits NannyML's data reconstruction on its reference once and
 *   scores each batch as one chunk. The oracle is test/oracle/estimate_oracle.py (scikit-learn's
 *   StandardScaler and PCA, NannyML's formulas in Python) at `--chunk-size 40`: a batch of the
 *   analysis rows of chunk k must carry that chunk's error, sampling error and band, and the
 *   thresholds and components, to 1e-9 — and agree with `driftdesk multivariate` on the same files;
 * - a drift-share rule with `bounds: 'reference'`: the share of drifted columns of each reference
 *   chunk against the whole reference, mean ± 3 std (numpy's std, ddof 0) clipped to [0, 1], the
 *   per-column tests re-implemented with scipy's ks_2samp (Evidently's default for these columns);
 * - the monitor's reference chunking refits when it changes, and a period without a timestamp
 *   column is refused with the field named.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import type { MonitorBatch } from '../../src/shared/server-api.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOL = 1e-9;
const dir = mkdtempSync(join(tmpdir(), 'driftdesk-monitor-mv-'));
const FEATURES = 'mean_radius,mean_texture,mean_smoothness,worst_concavity,worst_symmetry,area_error,tissue';

const SHARE_ORACLE = `
import json, sys
import numpy as np, pandas as pd
from scipy.stats import ks_2samp
out = sys.argv[1]
F = ['mean_radius', 'mean_texture', 'mean_smoothness', 'worst_concavity', 'worst_symmetry', 'area_error']
ref = pd.read_csv(f'{out}/reference.csv', parse_dates=['date']).sort_values('date', kind='stable').reset_index(drop=True)
ana = pd.read_csv(f'{out}/analysis.csv')
# Evidently's default test for a numerical column of a reference of at most 1000 rows: K-S, drift when p < 0.05.
def share(cur):
    return sum(ks_2samp(ref[c].dropna(), cur[c].dropna()).pvalue < 0.05 for c in F) / len(F)
values = [share(ref.iloc[i:i + 40]) for i in range(0, len(ref), 40)]
m, s = np.mean(values), np.std(values)
lower, upper = m - 3 * s, m + 3 * s
lower = 0.0 if lower <= 0 else lower
upper = 1.0 if upper >= 1 else upper
print(json.dumps({'values': values, 'lower': lower, 'upper': upper, 'quiet': share(ana.iloc[0:40]), 'drifted': share(ana.iloc[120:160])}))
`;

interface DreChunk { key: string; rows: number; reconstruction_error: number; sampling_error: number; lower: number; upper: number; alert: boolean }
interface Dre { components: number; thresholds: [number | null, number | null]; reference_values: number[]; chunks: DreChunk[] }
let dre: { size40: Dre; default: Dre };
let share: { values: number[]; lower: number; upper: number; quiet: number; drifted: number };
let server: SyncServer;
let monthly: { chunks: number; lower: number; upper: number };

// CBPE's thresholds from the reference cut into calendar months (pandas' Period 'M'): the realized accuracy per month.
const MONTHLY_ORACLE = `
import json, sys
import numpy as np, pandas as pd
from sklearn.metrics import accuracy_score
ref = pd.read_csv(f'{sys.argv[1]}/reference.csv', parse_dates=['date']).sort_values('date', kind='stable')
values = np.array([accuracy_score(g['y'], g['yhat']) for _, g in ref.groupby(ref['date'].dt.to_period('M'))])
m, s = np.mean(values), np.std(values)
lower, upper = max(m - 3 * s, 0.0), min(m + 3 * s, 1.0)
print(json.dumps({'chunks': len(values), 'lower': lower, 'upper': upper}))
`;
import { runCli } from '../helpers/cli.ts';

const cli = runCli;

/** Rows [from, to) of the analysis file, with its header, as a batch file. */
function slice(from: number, to: number, name: string): string {
  const lines = readFileSync(join(dir, 'analysis.csv'), 'utf8').trimEnd().split('\n');
  const path = join(dir, name);
  writeFileSync(path, [lines[0], ...lines.slice(1 + from, 1 + to)].join('\n') + '\n');
  return path;
}

beforeAll(async () => {
  const data = spawnSync('/usr/bin/python3', [join(ROOT, 'test/oracle/estimate_oracle.py'), dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (data.status !== 0) throw new Error(`estimate_oracle.py failed (is python3-sklearn installed?): ${data.stderr}`);
  dre = (JSON.parse(data.stdout) as { dre: typeof dre }).dre;
  const py = spawnSync('/usr/bin/python3', ['-c', SHARE_ORACLE, dir], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(`the drift-share oracle failed: ${py.stderr}`);
  share = JSON.parse(py.stdout) as typeof share;
  const months = spawnSync('/usr/bin/python3', ['-c', MONTHLY_ORACLE, dir], { encoding: 'utf8' });
  if (months.status !== 0) throw new Error(`the monthly oracle failed: ${months.stderr}`);
  monthly = JSON.parse(months.stdout) as typeof monthly;
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server') });
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function workspace() {
  const ws = server.store.createWorkspace('Cancer', 'Ada');
  const api = (path: string, body: string | Uint8Array<ArrayBuffer> | undefined, type: string, method = 'POST') =>
    fetch(`${server.url}/api/v1/workspaces/${ws.id}${path}`, { method, headers: { authorization: `Bearer ${ws.token}`, 'content-type': type }, body });
  const create = async (body: Record<string, unknown>) => {
    const reference = new Uint8Array(readFileSync(join(dir, 'reference.csv')));
    const sha = createHash('sha256').update(reference).digest('hex');
    expect((await api(`/blobs/${sha}`, reference, 'application/octet-stream', 'PUT')).status).toBe(201);
    return api('/monitors', JSON.stringify({ name: 'Cancer model', reference: { sha256: sha, fileName: 'reference.csv', format: 'csv' }, ...body }), 'application/json');
  };
  const send = async (monitorId: string, path: string) => {
    const res = await api(`/monitors/${monitorId}/batches`, readFileSync(path, 'utf8'), 'text/csv');
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as { batchId: number; outcomes: { ruleId: string; band: string; value: number; summary: string }[]; opened: { id: string; title: string }[] };
  };
  const history = async (monitorId: string) => ((await (await api(`/monitors/${monitorId}/history`, undefined, 'application/json', 'GET')).json()) as { batches: MonitorBatch[] }).batches;
  return { ws, api, create, send, history };
}

const near = (actual: number | null | undefined, wanted: number | null, where: string) => {
  if (wanted === null) return expect(actual ?? null, where).toBeNull();
  expect(Math.abs(actual! - wanted), `${where}: ${actual} vs oracle ${wanted}`).toBeLessThan(TOL);
};

it('scores multivariate drift per batch as the oracle and `driftdesk multivariate` score that chunk, and opens one incident for the drifted one', async () => {
  const w = dre.size40;
  // The oracle's premise: chunk 0 quiet, chunk 3 (rows 120–159, mean_texture shifted from row 130) alerting.
  expect(w.chunks[0]!.alert).toBe(false);
  expect(w.chunks[3]!.alert).toBe(true);
  const { create, send, history } = workspace();
  const created = await create({
    mapping: { timestamp: 'date', target: 'y', prediction: 'yhat', predictionProba: 'p' }, chunking: { kind: 'size', size: 40 },
    rules: [{ kind: 'multivariate', id: 'multivariate' }],
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const { monitorId } = (await created.json()) as { monitorId: string };

  const batches = [[0, 40, 'quiet.csv', w.chunks[0]!], [120, 160, 'drifted.csv', w.chunks[3]!]] as const;
  for (const [from, to, name, want] of batches) {
    const path = slice(from, to, name);
    const judged = await send(monitorId, path);
    const row = (await history(monitorId)).find((b) => b.id === judged.batchId)!;
    const mv = row.multivariate!;
    expect(mv.components).toBe(w.components);
    expect(mv.columns).toBe(FEATURES.split(',').length);
    near(mv.value, want.reconstruction_error, `${name} error`);
    near(mv.samplingError, want.sampling_error, `${name} sampling error`);
    near(mv.lower, want.lower, `${name} lower`);
    near(mv.upper, want.upper, `${name} upper`);
    near(mv.thresholds.lower, w.thresholds[0], `${name} lower threshold`);
    near(mv.thresholds.upper, w.thresholds[1], `${name} upper threshold`);
    expect(mv.alert).toBe(want.alert);
    // The same engine on the command line, on the same files, with the same chunking.
    const out = await cli(['multivariate', join(dir, 'reference.csv'), path, '--chunk-size', '40', '--timestamp', 'date', '--columns', FEATURES, '--json']);
    expect(out.code, out.stderr).toBe(0);
    const c = (JSON.parse(out.stdout) as { chunks: DreChunk[] }).chunks;
    expect(c).toHaveLength(1);
    expect(Math.abs(c[0]!.reconstruction_error - mv.value)).toBeLessThan(1e-12);
    expect(Math.abs(c[0]!.sampling_error - mv.samplingError!)).toBeLessThan(1e-12);

    const outcome = judged.outcomes.find((o) => o.ruleId === 'multivariate')!;
    expect(outcome.band).toBe(want.alert ? 'critical' : 'ok');
    expect(judged.opened).toHaveLength(want.alert ? 1 : 0);
    if (want.alert) {
      expect(judged.opened[0]!.title).toBe('Cancer model: multivariate reconstruction error outside its reference range');
      expect(outcome.summary).toMatch(/^multivariate reconstruction error = [\d.]+ \(critical ≥ [\d.]+, the reference's mean ± 3σ\)$/);
      expect(row.incidents.multivariate).toBe(judged.opened[0]!.id);
    }
  }
}, 120_000);

it("refits when the monitor's reference chunking changes (NannyML's default chunker when none is set)", async () => {
  const { api, create, send, history } = workspace();
  const created = await create({ mapping: { timestamp: 'date', target: 'y', prediction: 'yhat', predictionProba: 'p' }, rules: [{ kind: 'multivariate', id: 'mv' }] });
  expect(created.status).toBe(201);
  const { monitorId } = (await created.json()) as { monitorId: string };
  const path = slice(0, 40, 'first.csv');
  const thresholdsOf = async () => {
    const { batchId } = await send(monitorId, path);
    return (await history(monitorId)).find((b) => b.id === batchId)!.multivariate!.thresholds;
  };
  let t = await thresholdsOf();
  near(t.lower, dre.default.thresholds[0], 'default lower');
  near(t.upper, dre.default.thresholds[1], 'default upper');
  expect((await api(`/monitors/${monitorId}`, JSON.stringify({ chunking: { kind: 'size', size: 40 } }), 'application/json', 'PATCH')).status).toBe(200);
  t = await thresholdsOf();
  near(t.upper, dre.size40.thresholds[1], 'size 40 upper');
  // Back to the default: the kept fit of that key is stale, so it is fitted again.
  expect((await api(`/monitors/${monitorId}`, JSON.stringify({ chunking: null }), 'application/json', 'PATCH')).status).toBe(200);
  t = await thresholdsOf();
  near(t.upper, dre.default.thresholds[1], 'default upper again');
}, 120_000);

it("bounds a drift-share rule by the reference chunks' drift share (mean ± 3σ, clipped to [0, 1])", async () => {
  expect(share.values.length).toBeGreaterThan(3);
  const { create, send, history } = workspace();
  const created = await create({
    mapping: { timestamp: 'date', ignored: ['tissue', 'y', 'yhat', 'p'] }, chunking: { kind: 'size', size: 40 },
    rules: [{ kind: 'driftShare', id: 'share', bounds: 'reference' }],
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const { monitorId } = (await created.json()) as { monitorId: string };
  for (const [from, to, name, value] of [[0, 40, 'share-quiet.csv', share.quiet], [120, 160, 'share-drifted.csv', share.drifted]] as const) {
    const judged = await send(monitorId, slice(from, to, name));
    const row = (await history(monitorId)).find((b) => b.id === judged.batchId)!;
    near(row.driftShareThresholds!.lower, share.lower, `${name} lower`);
    near(row.driftShareThresholds!.upper, share.upper, `${name} upper`);
    near(row.driftShare, value, `${name} share`);
    expect(judged.outcomes.find((o) => o.ruleId === 'share')!.band, name).toBe(value > share.upper ? 'critical' : 'ok');
  }
  // The drifted batch's shifted column is past the reference's own chunks.
  expect(share.drifted).toBeGreaterThan(share.upper);

  // Without a timestamp the reference is cut in file order (the file is in date order: the same chunks).
  const untimed = await create({
    mapping: { ignored: ['date', 'tissue', 'y', 'yhat', 'p'] }, chunking: { kind: 'size', size: 40 },
    rules: [{ kind: 'driftShare', id: 'share', bounds: 'reference' }, { kind: 'multivariate', id: 'mv' }],
  });
  expect(untimed.status).toBe(201);
  const untimedId = ((await untimed.json()) as { monitorId: string }).monitorId;
  const { batchId } = await send(untimedId, slice(0, 40, 'untimed.csv'));
  const row = (await history(untimedId)).find((b) => b.id === batchId)!;
  near(row.driftShareThresholds!.upper, share.upper, 'untimed upper');
  // Six numbers, no category: its own PCA, judged against the same chunks.
  expect(row.multivariate!.columns).toBe(6);
}, 120_000);

it('refuses period chunking without a timestamp column, naming the field', async () => {
  const { api, create } = workspace();
  const refused = await create({ chunking: { kind: 'period', period: 'week' }, rules: [{ kind: 'multivariate', id: 'mv' }] });
  expect(refused.status).toBe(400);
  expect(await refused.text()).toContain('chunking.period');
  const ok = await create({ mapping: { timestamp: 'date' }, chunking: { kind: 'period', period: 'week' }, rules: [{ kind: 'multivariate', id: 'mv' }] });
  expect(ok.status).toBe(201);
  const { monitorId } = (await ok.json()) as { monitorId: string };
  // Taking the timestamp away from a monitor that chunks by period is refused the same way.
  const edit = await api(`/monitors/${monitorId}`, JSON.stringify({ mapping: null }), 'application/json', 'PATCH');
  expect(edit.status).toBe(400);
  expect(((await edit.json()) as { error: string }).error).toMatch(/chunking\.period: period chunking needs the column mapping's timestamp column/);
  const bad = await api(`/monitors/${monitorId}`, JSON.stringify({ chunking: { kind: 'size', size: 0 } }), 'application/json', 'PATCH');
  expect(bad.status).toBe(400);
  expect(await bad.text()).toContain('chunking');
});

it('scores a batch whose reference cannot give thresholds, says why, and judges the rules it can', async () => {
  const { create, send } = workspace();
  const created = await create({
    mapping: { timestamp: 'date' }, chunking: { kind: 'number', count: 1000 },
    rules: [{ kind: 'multivariate', id: 'mv' }, { kind: 'driftShare', id: 'share', bounds: 'reference' }, { kind: 'columnDrift', id: 'texture', column: 'mean_texture' }],
  });
  expect(created.status).toBe(201);
  const { monitorId } = (await created.json()) as { monitorId: string };
  const res = (await send(monitorId, slice(120, 160, 'unchunked.csv'))) as { notes?: string[]; outcomes: { ruleId: string }[] };
  expect(res.notes).toEqual(['the reference cannot be chunked: 230 rows cannot make 1000 chunks (the chunk number needs at least 1000 rows)']);
  expect(res.outcomes.map((o) => o.ruleId)).toEqual(['texture']);
});

it("derives CBPE's thresholds from the reference cut into months of its timestamp", async () => {
  expect(monthly.chunks).toBeGreaterThan(1);
  const { create, send } = workspace();
  const created = await create({
    mapping: { timestamp: 'date', target: 'y', prediction: 'yhat', predictionProba: 'p' }, chunking: { kind: 'period', period: 'month' }, calibration: 'on',
    rules: [{ kind: 'metric', id: 'acc', metric: 'estimated_accuracy', bounds: 'reference' }],
  });
  expect(created.status).toBe(201);
  const { monitorId } = (await created.json()) as { monitorId: string };
  const judged = (await send(monitorId, slice(0, 40, 'monthly.csv'))) as unknown as { estimated: Record<string, { thresholds: { lower: number; upper: number } }> };
  near(judged.estimated.accuracy!.thresholds.lower, monthly.lower, 'monthly lower');
  near(judged.estimated.accuracy!.thresholds.upper, monthly.upper, 'monthly upper');
});
