/**
 * A monitor's per-batch CBPE estimate and realized performance (issue 16) against the same
 * oracle as `driftdesk estimate` (test/oracle/estimate_oracle.py: scikit-learn and NannyML's
 * formulas in Python, a logistic regression on the breast-cancer data): a real server, a monitor
 * whose mapping names target, prediction and probability with calibration forced on, and a batch
 * of the analysis file's first 40 rows. The monitor scores a batch as one chunk and cuts the
 * reference by its chunking (here 40 rows, the batch's size), so its numbers must be the oracle's first chunk at
 * `--chunk-size 40`: estimate, band and realized value of every metric, to 1e-9.
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
const dir = mkdtempSync(join(tmpdir(), 'driftdesk-monitor-cbpe-'));
type Chunk = { rows: number; estimated: number; lower: number; upper: number; realized: number | null; alert: boolean };
let oracle: Record<string, { chunks: Chunk[]; thresholds: [number | null, number | null] }>;
let server: SyncServer;

beforeAll(async () => {
  const py = spawnSync('/usr/bin/python3', [join(ROOT, 'test/oracle/estimate_oracle.py'), dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (py.status !== 0) throw new Error(`estimate_oracle.py failed (is python3-sklearn installed?): ${py.stderr}`);
  oracle = (JSON.parse(py.stdout) as { cbpe: Record<string, typeof oracle> }).cbpe.size40_on!;
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server') });
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('estimates a batch as the oracle estimates that chunk, and realizes it from the batch target', async () => {
  const ws = server.store.createWorkspace('Cancer', 'Ada');
  const api = (path: string, body: string | Uint8Array<ArrayBuffer>, type: string, method = 'POST') =>
    fetch(`${server.url}/api/v1/workspaces/${ws.id}${path}`, { method, headers: { authorization: `Bearer ${ws.token}`, 'content-type': type }, body });
  const reference = new Uint8Array(readFileSync(join(dir, 'reference.csv')));
  const sha = createHash('sha256').update(reference).digest('hex');
  expect((await api(`/blobs/${sha}`, reference, 'application/octet-stream', 'PUT')).status).toBe(201);
  const created = await api('/monitors', JSON.stringify({
    name: 'Cancer model', reference: { sha256: sha, fileName: 'reference.csv', format: 'csv' }, calibration: 'on', chunking: { kind: 'size', size: 40 },
    mapping: { timestamp: 'date', target: 'y', prediction: 'yhat', predictionProba: 'p' },
    rules: [{ kind: 'metric', id: 'auc', metric: 'estimated_roc_auc', direction: 'below', critical: 0.999 }],
  }), 'application/json');
  expect(created.status).toBe(201);
  const { monitorId } = (await created.json()) as { monitorId: string };

  const lines = readFileSync(join(dir, 'analysis.csv'), 'utf8').trim().split('\n');
  const res = await api(`/monitors/${monitorId}/batches`, `${lines.slice(0, 41).join('\n')}\n`, 'text/csv');
  expect(res.status).toBe(200);
  const body = (await res.json()) as { rows: number; estimated: Record<string, { value: number; lower: number; upper: number; thresholds: { lower: number | null; upper: number | null }; alert: boolean }>; realized: Record<string, number>; outcomes: { ruleId: string; band: string; value: number }[]; opened: unknown[] };
  expect(body.rows).toBe(40);
  expect(Object.keys(body.estimated).sort()).toEqual(Object.keys(oracle).sort());
  for (const [metric, { chunks, thresholds }] of Object.entries(oracle)) {
    const want = chunks[0]!;
    expect(want.rows).toBe(40);
    const got = body.estimated[metric]!;
    const pairs = [
      ['estimated', got.value, want.estimated], ['lower', got.lower, want.lower], ['upper', got.upper, want.upper], ['realized', body.realized[metric], want.realized],
      // NannyML's thresholds: from the reference cut by the monitor's chunking (40 rows).
      ['threshold lower', got.thresholds.lower, thresholds[0]], ['threshold upper', got.thresholds.upper, thresholds[1]],
    ] as const;
    for (const [field, a, b] of pairs) {
      if ((a === null) !== (b === null) || Math.abs(Number(a) - Number(b)) > TOL) throw new Error(`${metric}.${field}: ${a} vs oracle ${b}`);
    }
    expect(got.alert, `${metric}.alert`).toBe(want.alert);
  }
  // A rule on an estimate fires like any rule: one incident.
  expect(body.outcomes).toEqual([expect.objectContaining({ ruleId: 'auc', band: 'critical', value: body.estimated.roc_auc!.value })]);
  expect(body.opened).toHaveLength(1);
}, 60_000);
