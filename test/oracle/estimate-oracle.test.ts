/**
 * Oracle test for `driftdesk estimate` (CBPE) and `driftdesk multivariate` (reconstruction
 * error), issue 16. test/oracle/estimate_oracle.py trains a logistic regression on scikit-learn's
 * breast-cancer data, writes the reference and analysis CSVs (later analysis labels held back,
 * one feature shifted, missing values, an unseen category) and computes the expected results
 * with scikit-learn (IsotonicRegression, roc_auc_score, f1/precision/recall, StandardScaler,
 * PCA), pandas (periods) and NannyML's formulas re-implemented in Python. The CLI runs for real
 * on those files; every number must agree to 1e-9. Fails (does not skip) without
 * python3-sklearn: the preflight installs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOL = 1e-9;
const dir = mkdtempSync(join(tmpdir(), 'driftdesk-estimate-'));
const REF = join(dir, 'reference.csv');
const ANA = join(dir, 'analysis.csv');
const FEATURES = 'mean_radius,mean_texture,mean_smoothness,worst_concavity,worst_symmetry,area_error,tissue';

interface Expected {
  cbpe: Record<string, Record<string, { thresholds: [number | null, number | null]; reference_values: (number | null)[]; chunks: Record<string, unknown>[] }>>;
  auto_calibration: boolean;
  dre: Record<string, { components: number; thresholds: [number | null, number | null]; reference_values: number[]; chunks: Record<string, unknown>[] }>;
  periods: Record<string, { key: string; rows: number; start: string; end: string }[]>;
}
let expected: Expected;
let multiclass: Expected['cbpe'];
const MC_REF = join(dir, 'mc_reference.csv');
const MC_ANA = join(dir, 'mc_analysis.csv');
const MC = ['estimate', MC_REF, MC_ANA, '--target', 'y', '--prediction', 'yhat', '--proba', '2=p2', '--proba', '0=p0', '--proba', '1=p1'];

const run = runCli;

async function json(args: string[]): Promise<Record<string, unknown>> {
  const r = await run([...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Same value within TOL (numbers), or equal (null, booleans, strings). */
function close(actual: unknown, wanted: unknown, where: string): void {
  if (typeof wanted === 'number' && typeof actual === 'number') {
    if (Math.abs(actual - wanted) > TOL) throw new Error(`${where}: ${actual} vs oracle ${wanted}`);
    return;
  }
  expect(actual, where).toEqual(wanted);
}

function closeAll(actual: Record<string, unknown>, wanted: Record<string, unknown>, where: string): void {
  for (const [k, v] of Object.entries(wanted)) close(actual[k], v, `${where}.${k}`);
}

beforeAll(() => {
  const py = spawnSync('/usr/bin/python3', [join(ROOT, 'test/oracle/estimate_oracle.py'), dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (py.status !== 0) throw new Error(`estimate_oracle.py failed (is python3-sklearn installed?): ${py.stderr}`);
  expected = JSON.parse(py.stdout) as Expected;
  const mc = spawnSync('/usr/bin/python3', [join(ROOT, 'test/oracle/estimate_multiclass_oracle.py'), dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (mc.status !== 0) throw new Error(`estimate_multiclass_oracle.py failed: ${mc.stderr}`);
  multiclass = JSON.parse(mc.stdout) as Expected['cbpe'];
});

type MetricOut = { metric: string; thresholds: { lower: number | null; upper: number | null }; reference_values: (number | null)[]; chunks: Record<string, unknown>[] };

function compareMetrics(metrics: MetricOut[], want: Expected['cbpe'][string], name: string): void {
  expect(metrics.map((m) => m.metric)).toEqual(Object.keys(want));
  for (const m of metrics) {
    const w = want[m.metric]!;
    close(m.thresholds.lower, w.thresholds[0], `${name}.${m.metric}.lower threshold`);
    close(m.thresholds.upper, w.thresholds[1], `${name}.${m.metric}.upper threshold`);
    m.reference_values.forEach((v, i) => close(v, w.reference_values[i], `${name}.${m.metric}.reference[${i}]`));
    expect(m.chunks).toHaveLength(w.chunks.length);
    m.chunks.forEach((c, i) => closeAll(c, w.chunks[i]!, `${name}.${m.metric}[${i}]`));
  }
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = ['estimate', REF, ANA, '--target', 'y', '--proba', 'p', '--prediction', 'yhat'];

describe('driftdesk estimate (binary CBPE) against scikit-learn and NannyML formulas', () => {
  const cases: [string, string[]][] = [
    ['size40_on', ['--chunk-size', '40', '--calibration', 'on']],
    ['default_off', ['--calibration', 'off']],
  ];
  for (const [name, flags] of cases) {
    it(`matches the oracle to 1e-9 (${name}): estimate, sampling error, band, realized, thresholds, alerts`, async () => {
      const out = await json([...BASE, ...flags]);
      const metrics = out.metrics as MetricOut[];
      compareMetrics(metrics, expected.cbpe[name]!, name);
      // Labels were held back for the later rows: the last chunks have no realized value.
      expect(metrics[0]!.chunks.at(-1)!.realized).toBeNull();
    });
  }

  it("decides 'auto' calibration as its documented deterministic folds do", async () => {
    const out = await json([...BASE, '--metrics', 'accuracy']);
    expect(out.calibrated).toBe(expected.auto_calibration);
  });

  it('chunks by calendar week and day as pandas periods do (keys, rows, bounds)', async () => {
    for (const period of ['week', 'day'] as const) {
      const out = await json([...BASE, '--metrics', 'accuracy', '--timestamp', 'date', '--chunk-period', period]);
      const chunks = (out.metrics as { chunks: { key: string; rows: number; start: string; end: string }[] }[])[0]!.chunks;
      expect(chunks.map(({ key, rows, start, end }) => ({ key, rows, start, end }))).toEqual(expected.periods[period]);
    }
  });
});

describe('driftdesk estimate (multiclass CBPE) against scikit-learn and NannyML formulas', () => {
  for (const [name, calibration] of [['size20_on', 'on'], ['size20_off', 'off']] as const) {
    it(`matches the oracle to 1e-9 (${name}): one-vs-rest calibration renormalised, macro estimates, sampling errors, alerts`, async () => {
      const out = await json([...MC, '--chunk-size', '20', '--calibration', calibration]);
      compareMetrics(out.metrics as MetricOut[], multiclass[name]!, name);
      expect(out.calibrated_classes).toEqual(calibration === 'on' ? ['0', '1', '2'] : []);
    });
  }
  it('alerts on at least one chunk of the imperfect model, as the oracle does', () => {
    expect(Object.values(multiclass.size20_on!).some((m) => m.chunks.some((c) => c.alert === true))).toBe(true);
  });
});

describe('driftdesk multivariate against scikit-learn PCA and NannyML formulas', () => {
  const cases: [string, string[]][] = [['size40', ['--chunk-size', '40']], ['default', []]];
  for (const [name, flags] of cases) {
    it(`matches the oracle to 1e-9 (${name}): error, sampling error, band, thresholds, components, alerts`, async () => {
      const out = await json(['multivariate', REF, ANA, '--columns', FEATURES, ...flags]);
      const w = expected.dre[name]!;
      expect(out.components).toBe(w.components);
      const t = out.thresholds as { lower: number | null; upper: number | null };
      close(t.lower, w.thresholds[0], 'lower threshold');
      close(t.upper, w.thresholds[1], 'upper threshold');
      (out.reference_values as number[]).forEach((v, i) => close(v, w.reference_values[i], `reference[${i}]`));
      const chunks = out.chunks as Record<string, unknown>[];
      expect(chunks).toHaveLength(w.chunks.length);
      chunks.forEach((c, i) => closeAll(c, w.chunks[i]!, `${name}[${i}]`));
      // The shifted feature in the later rows must raise an alert there, and only there.
      expect(chunks.map((c) => c.alert)).toEqual(w.chunks.map((c) => c.alert));
      expect(chunks.at(-1)!.alert).toBe(true);
    });
  }

  it('chunks the reference by month as pandas does', async () => {
    const out = await json(['multivariate', REF, REF, '--columns', FEATURES, '--timestamp', 'date', '--chunk-period', 'month']);
    const chunks = out.chunks as { key: string; rows: number; start: string; end: string }[];
    expect(chunks.map(({ key, rows, start, end }) => ({ key, rows, start, end }))).toEqual(expected.periods.month);
  });
});

describe('bad input exits 2 and says what and where', () => {
  const cases: [string, string[], RegExp][] = [
    ['a missing --proba', ['estimate', REF, ANA, '--target', 'y', '--prediction', 'yhat'], /^driftdesk: estimate needs --proba COLUMN/],
    ['an unknown metric', [...BASE, '--metrics', 'roc_auc,auprc'], /^driftdesk: --metrics: unknown metric "auprc"; use roc_auc, f1/],
    ['two chunkings', [...BASE, '--chunk-size', '10', '--chunk-number', '3'], /^driftdesk: use one of --chunk-size, --chunk-number, --chunk-period, not --chunk-size and --chunk-number/],
    ['a period without timestamp', [...BASE, '--chunk-period', 'week'], /^driftdesk: --chunk-period needs --timestamp COLUMN/],
    ['a bad period', [...BASE, '--timestamp', 'date', '--chunk-period', 'quarter'], /^driftdesk: --chunk-period must be day, week or month, got "quarter"/],
    ['a zero chunk size', [...BASE, '--chunk-size', '0'], /^driftdesk: --chunk-size must be a positive integer, got "0"/],
    ['a missing column', ['estimate', REF, ANA, '--target', 'label', '--proba', 'p', '--prediction', 'yhat'], /reference\.csv: no column "label" \(target\); columns are mean_radius/],
    ['a non-binary prediction', ['estimate', REF, ANA, '--target', 'y', '--proba', 'p', '--prediction', 'mean_radius'], /reference\.csv: row 1: column "mean_radius" \(prediction\) must be 0 or 1, found/],
    ['a score outside [0, 1]', ['estimate', REF, ANA, '--target', 'y', '--proba', 'area_error', '--prediction', 'yhat'], /reference\.csv: row 1: column "area_error" \(predicted probability\) must be between 0 and 1/],
    ['more chunks than rows', [...BASE, '--chunk-number', '1000'], /^driftdesk: 230 rows cannot make 1000 chunks/],
    ['a text column as a timestamp', [...BASE, '--timestamp', 'tissue', '--chunk-period', 'day'], /column "tissue" \(timestamp\) holds values that are not dates or times/],
    ['a multiclass spec without a column', [...MC, '--proba', '3='], /^driftdesk: --proba 3=: expected CLASS=COLUMN/],
    ['a class the reference never shows', [...MC, '--proba', '7=p2'], /mc_reference\.csv: column "y" \(target\) never holds class 7/],
    ['a prediction outside the classes', ['estimate', MC_REF, MC_ANA, '--target', 'y', '--prediction', 'yhat', '--proba', '0=p0', '--proba', '1=p1'], /mc_reference\.csv: row \d+: column "yhat" \(prediction\) is "2", not one of the classes 0, 1/],
    ['an unknown multivariate column', ['multivariate', REF, ANA, '--columns', 'mean_radius,nope'], /no column "nope" \(feature\)/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    });
  }
});
