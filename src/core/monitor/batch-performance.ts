/**
 * A monitor's model performance per batch: realized from labels (the batch's own target, or
 * labels joined later), and estimated without labels by CBPE (cbpe.ts, cbpe-multiclass.ts) fitted
 * on the reference. The batch is one chunk; the reference is cut into chunks by the monitor's
 * reference chunking (NannyML's default chunker unless the monitor sets one), and the thresholds
 * are the realized metric's mean ± 3 std over those chunks. Metric names are CBPE's (`roc_auc`, `f1`, `precision`,
 * `recall`, `specificity`, `accuracy`); rules see realized values under those names and estimates
 * as `estimated_<metric>`.
 */
import { CBPE_METRICS, realizedMetric, type CbpeMetric } from './cbpe-metrics.ts';
import type { CalibrationMode } from './calibration.ts';
import { estimateBinaryPerformance, type CbpeResult } from './cbpe.ts';
import { estimateMulticlassPerformance } from './cbpe-multiclass.ts';
import type { MetricValue } from './rules.ts';
import type { ChunkSpec } from './chunking.ts';

/** A model's outputs per row (labels as text, probabilities per class; binary: class '1'). */
export interface OutputColumns {
  target: readonly (string | null)[] | null;
  prediction: readonly (string | null)[] | null;
  proba: Readonly<Record<string, readonly number[]>>;
  /** Epoch ms per row (the mapping's timestamp), for period chunking; rows are in time order. */
  timestamps?: readonly number[] | null;
}

export interface Estimate {
  value: number;
  /** The sampling-error band: value ± 3 sampling errors, clipped to [0, 1]. */
  lower: number | null;
  upper: number | null;
  /**
   * NannyML's thresholds: the mean ± 3 standard deviations of the realized metric over the
   * reference's chunks (of the batch's size), clipped to [0, 1]; `alert` when the estimate is outside.
   */
  thresholds?: { lower: number | null; upper: number | null };
  alert?: boolean;
}

/** The prefix of an estimated metric's name in rules and charts. */
export const ESTIMATED_PREFIX = 'estimated_';

const BINARY = new Set(['0', '1']);
const isBinary = (proba: OutputColumns['proba']) => Object.keys(proba).length <= 1;

/**
 * Realized performance on the rows whose target is known: every CBPE metric for a binary model
 * (labels 0/1; roc_auc needs the probability), accuracy for a multiclass one. Metrics that are
 * undefined on these rows (one class only) are left out. Returns {} without targets or predictions.
 */
export function realizedPerformance(out: OutputColumns): { metrics: Record<string, number>; labelled: number } {
  const { target, prediction } = out;
  if (!target || !prediction) return { metrics: {}, labelled: 0 };
  const rows: number[] = [];
  for (let i = 0; i < target.length; i++) if (target[i] !== null && prediction[i] !== null) rows.push(i);
  const metrics: Record<string, number> = {};
  if (rows.length === 0) return { metrics, labelled: 0 };
  if (isBinary(out.proba) && rows.every((i) => BINARY.has(target[i]!) && BINARY.has(prediction[i]!))) {
    const y = rows.map((i) => Number(target[i]));
    const p = rows.map((i) => Number(prediction[i]));
    const score = out.proba['1'];
    for (const metric of CBPE_METRICS) {
      if (metric === 'roc_auc') {
        if (!score) continue;
        const scored = rows.filter((i) => Number.isFinite(score[i]!));
        const v = realizedMetric('roc_auc', scored.map((i) => Number(target[i])), [], scored.map((i) => score[i]!));
        if (Number.isFinite(v)) metrics[metric] = v;
        continue;
      }
      const v = realizedMetric(metric, y, p, []);
      if (Number.isFinite(v)) metrics[metric] = v;
    }
  } else {
    metrics.accuracy = rows.filter((i) => target[i] === prediction[i]).length / rows.length;
  }
  return { metrics, labelled: rows.length };
}

/**
 * CBPE estimates for one batch, or {} when the mapping cannot give them: the reference needs a
 * target, predictions and probabilities (rows missing any are left out of the fit, as NannyML's
 * reference must be complete); the batch needs predictions and probabilities.
 */
export function estimatedPerformance(
  reference: OutputColumns, batch: OutputColumns, calibration: CalibrationMode = 'auto', referenceChunks: ChunkSpec = { kind: 'default' },
): Record<string, Estimate> {
  const classes = Object.keys(reference.proba).sort();
  const rt = reference.target;
  const rp = reference.prediction;
  const bp = batch.prediction;
  if (!rt || !rp || !bp || classes.length === 0 || classes.some((c) => !batch.proba[c])) return {};
  const rows = batch.proba[classes[0]!]!.length;
  if (rows === 0) return {};
  const refRows: number[] = [];
  for (let i = 0; i < rt.length; i++) {
    if (rt[i] !== null && rp[i] !== null && classes.every((c) => Number.isFinite(reference.proba[c]![i]!))) refRows.push(i);
  }
  if (refRows.length === 0) return {};
  const chunks = { kind: 'size', size: rows } as const;
  const times = reference.timestamps;
  const refTimes = times && refRows.every((i) => Number.isFinite(times[i]!)) ? refRows.map((i) => times[i]!) : undefined;
  let result: CbpeResult;
  try {
    if (classes.length === 1) {
      if (!refRows.every((i) => BINARY.has(rt[i]!) && BINARY.has(rp[i]!))) return {};
      const num = (v: string | null) => (v === null || !BINARY.has(v) ? Number.NaN : Number(v));
      result = estimateBinaryPerformance(
        { proba: refRows.map((i) => reference.proba['1']![i]!), pred: refRows.map((i) => Number(rp[i])), target: refRows.map((i) => Number(rt[i])), timestamps: refTimes },
        { proba: batch.proba['1']!, pred: bp.map(num) },
        { metrics: CBPE_METRICS, chunks, referenceChunks, calibration },
      );
    } else {
      const refTarget = refRows.map((i) => rt[i]!);
      // CBPE's multiclass fit needs every class in the reference's target.
      if (classes.some((c) => !refTarget.includes(c))) return {};
      result = estimateMulticlassPerformance(
        { proba: classes.map((c) => refRows.map((i) => reference.proba[c]![i]!)), pred: refRows.map((i) => rp[i]!), target: refTarget, timestamps: refTimes },
        { proba: classes.map((c) => batch.proba[c]!), pred: bp.map((v) => (v !== null && classes.includes(v) ? v : null)) },
        { classes, metrics: CBPE_METRICS as readonly CbpeMetric[], chunks, referenceChunks, calibration },
      );
    }
  } catch {
    // A reference too small for its chunking, period chunking without times, or one class only: no estimate, not an error.
    return {};
  }
  const out: Record<string, Estimate> = {};
  for (const m of result.metrics) {
    // The batch is one chunk; a reference chunk short of the batch's size is NannyML's last partial chunk.
    const chunk = m.chunks[0];
    if (!chunk || !Number.isFinite(chunk.estimated)) continue;
    const bound = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
    out[m.metric] = {
      value: chunk.estimated, lower: bound(chunk.lower), upper: bound(chunk.upper),
      thresholds: { lower: bound(m.thresholds.lower), upper: bound(m.thresholds.upper) }, alert: chunk.alert,
    };
  }
  return out;
}

/** Metric values the rules judge for a batch: realized under their names, estimates as `estimated_<metric>`. */
export function performanceMetrics(realized: Record<string, number>, estimated: Record<string, Estimate>): MetricValue[] {
  // NannyML's realized-performance calculator derives its thresholds exactly as CBPE does (the
  // realized metric over the same reference chunks), so both read the estimate's thresholds.
  return [
    ...Object.entries(realized).map(([name, value]) => ({ name, value, thresholds: estimated[name]?.thresholds ?? null })),
    ...Object.entries(estimated).map(([name, e]) => ({ name: `${ESTIMATED_PREFIX}${name}`, value: e.value, thresholds: e.thresholds ?? null })),
  ];
}
