/**
 * Rules with bounds from the reference (issue 16): NannyML's thresholds — the metric's mean ± 3
 * standard deviations over the reference's chunks (`np.nanmean`, `np.nanstd`, i.e. ddof 0, as
 * `nannyml/thresholds.py`'s StandardDeviationThreshold), clipped to [0, 1] — fire a rule
 * critical outside them. The oracle is Python: the breast-cancer reference and a logistic
 * regression from estimate_oracle.py, the reference cut into chunks of 40 rows (the monitor's chunking),
 * the realized accuracy per chunk by scikit-learn, and the thresholds by numpy. A real server
 * judges two batches: the analysis file's first 40 rows (inside the band: no incident), and the
 * next 40 with a quarter of the predictions flipped (below it: one incident).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SyncServer, startSyncServer } from '../../server/index.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOL = 1e-9;
const dir = mkdtempSync(join(tmpdir(), 'driftdesk-monitor-bounds-'));

const ORACLE = `
import json, sys
import numpy as np, pandas as pd
from sklearn.metrics import accuracy_score
out = sys.argv[1]
ref = pd.read_csv(f'{out}/reference.csv', parse_dates=['date']).sort_values('date', kind='stable')
ana = pd.read_csv(f'{out}/analysis.csv', dtype={'y': 'Int64'})
SIZE = 40
# NannyML's size chunker: consecutive rows, the remainder kept as a last (smaller) chunk.
chunks = [ref.iloc[i:i + SIZE] for i in range(0, len(ref), SIZE)]
values = np.array([accuracy_score(c['y'], c['yhat']) for c in chunks])
m, s = np.nanmean(values), np.nanstd(values)
lower, upper = m - 3 * s, m + 3 * s
lower = 0.0 if lower <= 0 else lower
upper = 1.0 if upper >= 1 else upper
quiet = ana.iloc[0:SIZE].copy()
drifted = ana.iloc[SIZE:2 * SIZE].copy()
flip = drifted.index[::4]
drifted.loc[flip, 'yhat'] = 1 - drifted.loc[flip, 'yhat']
quiet.to_csv(f'{out}/quiet.csv', index=False, float_format='%.17g')
drifted.to_csv(f'{out}/drifted.csv', index=False, float_format='%.17g')
acc = lambda b: accuracy_score(b['y'].astype(int), b['yhat'])
print(json.dumps({'chunks': len(chunks), 'lower': lower, 'upper': upper, 'quiet': acc(quiet), 'drifted': acc(drifted)}))
`;

let oracle: { chunks: number; lower: number; upper: number; quiet: number; drifted: number };
let server: SyncServer;

beforeAll(async () => {
  const data = spawnSync('/usr/bin/python3', [join(ROOT, 'test/oracle/estimate_oracle.py'), dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (data.status !== 0) throw new Error(`estimate_oracle.py failed (is python3-sklearn installed?): ${data.stderr}`);
  const py = spawnSync('/usr/bin/python3', ['-c', ORACLE, dir], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(`the thresholds oracle failed: ${py.stderr}`);
  oracle = JSON.parse(py.stdout) as typeof oracle;
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server') });
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Judged = {
  realized: Record<string, number>;
  estimated: Record<string, { value: number; thresholds: { lower: number | null; upper: number | null } }>;
  outcomes: { ruleId: string; band: string; value: number; summary: string }[];
  opened: { id: string; title: string }[];
  batchId: number;
};

it("opens an incident for a batch outside the reference's mean ± 3σ, and none for one inside", async () => {
  // The oracle's premise: a reference of several chunks, a quiet batch inside the band and a doctored one below it.
  expect(oracle.chunks).toBeGreaterThan(3);
  expect(oracle.quiet).toBeGreaterThanOrEqual(oracle.lower);
  expect(oracle.drifted).toBeLessThan(oracle.lower);

  const ws = server.store.createWorkspace('Cancer', 'Ada');
  const api = (path: string, body: string | Uint8Array<ArrayBuffer> | undefined, type: string, method = 'POST') =>
    fetch(`${server.url}/api/v1/workspaces/${ws.id}${path}`, { method, headers: { authorization: `Bearer ${ws.token}`, 'content-type': type }, body });
  const reference = new Uint8Array(readFileSync(join(dir, 'reference.csv')));
  const sha = createHash('sha256').update(reference).digest('hex');
  expect((await api(`/blobs/${sha}`, reference, 'application/octet-stream', 'PUT')).status).toBe(201);
  const created = await api('/monitors', JSON.stringify({
    name: 'Cancer model', reference: { sha256: sha, fileName: 'reference.csv', format: 'csv' }, calibration: 'on', chunking: { kind: 'size', size: 40 },
    mapping: { timestamp: 'date', target: 'y', prediction: 'yhat', predictionProba: 'p' },
    rules: [
      { kind: 'metric', id: 'accuracy-reference', metric: 'accuracy', bounds: 'reference' },
      { kind: 'metric', id: 'estimated-accuracy-reference', metric: 'estimated_accuracy', bounds: 'reference' },
    ],
  }), 'application/json');
  expect(created.status).toBe(201);
  const { monitorId } = (await created.json()) as { monitorId: string };

  const send = async (file: string): Promise<Judged> => {
    const res = await api(`/monitors/${monitorId}/batches`, readFileSync(join(dir, file), 'utf8'), 'text/csv');
    expect(res.status, file).toBe(200);
    return (await res.json()) as Judged;
  };
  const outside = (v: number) => v < oracle.lower || v > oracle.upper;
  for (const [file, realized] of [['quiet.csv', oracle.quiet], ['drifted.csv', oracle.drifted]] as const) {
    const judged = await send(file);
    // The bounds the server judged against are the oracle's.
    const t = judged.estimated.accuracy!.thresholds;
    expect(Math.abs(t.lower! - oracle.lower), `${file} lower`).toBeLessThan(TOL);
    expect(Math.abs(t.upper! - oracle.upper), `${file} upper`).toBeLessThan(TOL);
    expect(Math.abs(judged.realized.accuracy! - realized)).toBeLessThan(TOL);
    const band = (id: string) => judged.outcomes.find((o) => o.ruleId === id)?.band;
    expect(band('accuracy-reference'), file).toBe(outside(realized) ? 'critical' : 'ok');
    expect(band('estimated-accuracy-reference'), file).toBe(outside(judged.estimated.accuracy!.value) ? 'critical' : 'ok');
    if (file === 'quiet.csv') {
      expect(judged.opened).toEqual([]);
    } else {
      expect(judged.opened).toHaveLength(1);
      expect(judged.opened[0]!.title).toContain('accuracy outside its reference range');
      expect(judged.outcomes.find((o) => o.ruleId === 'accuracy-reference')!.summary).toMatch(/^accuracy = [\d.]+ \(critical < [\d.]+, the reference's mean ± 3σ\)$/);
    }
  }
}, 60_000);
