/**
 * CBPE for a multiclass classifier, as NannyML's
 * `nannyml/performance_estimation/confidence_based/cbpe.py` (`CBPE._fit_multiclass`,
 * `_fit_calibrators`, `_calibrate_predicted_probabilities`) and `metrics.py`
 * (`MulticlassClassificationAUROC`, `…F1`, `…Precision`, `…Recall`, `…Specificity`,
 * `…Accuracy`) with `nannyml/sampling_error/multiclass_classification.py` define it:
 * - one-vs-rest: each class's score gets its own isotonic calibrator (when calibration is on
 *   for that class), then each row's calibrated scores are renormalised to sum to 1 (uniform
 *   when they sum to 0);
 * - ROC AUC, F1, precision, recall and specificity are the mean over classes of the binary
 *   estimate on "is this class" (macro average); accuracy is the mean calibrated score of the
 *   predicted class;
 * - sampling error: √(Σ_c var_c / (n · share_c)) / classes (× 1.2 for ROC AUC), accuracy as
 *   for binary; realized values are scikit-learn's macro averages on the uncalibrated scores.
 * Classes are the names given for the score columns, sorted; labels and predictions are
 * compared to them as text.
 */

import { needsCalibration, type CalibrationMode } from './calibration.ts';
import { estimateFromScores, estimateRocAuc, rocAuc, type CbpeMetric } from './cbpe-metrics.ts';
import { SAMPLING_ERROR_RANGE, type CbpeChunkResult, type CbpeMetricResult, type CbpeResult } from './cbpe.ts';
import { splitIntoChunks, type Chunk, type ChunkSpec } from './chunking.ts';
import { fitIsotonic, predictIsotonic } from './isotonic.ts';
import { standardDeviationThresholds, type Thresholds } from './thresholds.ts';

export interface MulticlassOutputs {
  /** Score per class (same order as `classes`), per row; NaN where missing. */
  readonly proba: readonly (readonly number[])[];
  /** Predicted class per row; null where missing. */
  readonly pred: readonly (string | null)[];
  /** True class per row; null where missing. Required (and complete) for the reference. */
  readonly target?: readonly (string | null)[];
  readonly timestamps?: readonly number[];
}

export interface MulticlassOptions {
  readonly classes: readonly string[];
  readonly metrics: readonly CbpeMetric[];
  readonly chunks: ChunkSpec;
  /** How the reference is cut for the thresholds, when not as the analysis data (a monitor's own chunking). */
  readonly referenceChunks?: ChunkSpec;
  readonly calibration?: CalibrationMode;
}

const variance = (values: readonly number[]) => {
  if (values.length === 0) return Number.NaN;
  const m = values.reduce((s, v) => s + v, 0) / values.length;
  return values.reduce((s, v) => s + (v - m) ** 2, 0) / values.length;
};
const ones = (k: number, zeros: number) => [...new Array<number>(k).fill(1), ...new Array<number>(zeros).fill(0)];
const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

interface ClassCounts { tp: number; fp: number; fn: number; tn: number }
function classCounts(target: readonly (string | null)[], pred: readonly (string | null)[], c: string): ClassCounts {
  const k = { tp: 0, fp: 0, fn: 0, tn: 0 };
  pred.forEach((p, i) => {
    const isT = target[i] === c;
    if (p === c) {
      if (isT) k.tp++;
      else k.fp++;
    } else if (isT) k.fn++;
    else k.tn++;
  });
  return k;
}

/** Per-class (variance, share) components, or the accuracy std, from the reference. */
type Components = { kind: 'classes'; parts: { v: number; share: number }[]; factor: number } | { kind: 'accuracy'; std: number };

function components(metric: CbpeMetric, classes: readonly string[], ref: MulticlassOutputs): Components {
  const target = ref.target!;
  const n = target.length;
  if (metric === 'accuracy') {
    const correct = target.map((t, i) => (t === ref.pred[i] && classes.includes(t!) ? 1 : 0));
    return { kind: 'accuracy', std: Math.sqrt(variance(correct)) };
  }
  const parts = classes.map((c, ci) => {
    if (metric === 'roc_auc') {
      let y: number[] = target.map((t) => (t === c ? 1 : 0));
      let s = ref.proba[ci]!.slice();
      if (mean(y) > 0.5) {
        y = y.map((v) => 1 - v);
        s = s.map((v) => 1 - v);
      }
      const order = s.map((_, i) => i).sort((a, b) => s[a]! - s[b]! || a - b);
      const unique = [...new Set(order.map((i, rank) => y[i]! * rank))].sort((a, b) => a - b).slice(1);
      const nPos = y.reduce((a, v) => a + v, 0);
      return { v: variance(unique.map((index, i) => (index - i) / (n - nPos))), share: nPos / n };
    }
    const k = classCounts(target, ref.pred, c);
    switch (metric) {
      case 'f1': return { v: variance(ones(k.tp, k.fn + k.fp)), share: (k.tp + k.fn + k.fp) / n };
      case 'precision': return { v: variance(ones(k.tp, k.fp)), share: (k.tp + k.fp) / n };
      case 'recall': return { v: variance(ones(k.tp, k.fn)), share: (k.tp + k.fn) / n };
      default: return { v: variance(ones(k.tn, k.fp)), share: (k.tn + k.fp) / n };
    }
  });
  return { kind: 'classes', parts, factor: metric === 'roc_auc' ? 1.2 : 1 };
}

function samplingError(c: Components, rows: number): number {
  if (c.kind === 'accuracy') return c.std / Math.sqrt(rows);
  return (Math.sqrt(c.parts.reduce((s, p) => s + p.v / (rows * p.share), 0)) / c.parts.length) * c.factor;
}

function realized(metric: CbpeMetric, classes: readonly string[], target: readonly string[], pred: readonly string[], raw: readonly (readonly number[])[]): number {
  if (target.length === 0) return Number.NaN;
  if (metric === 'roc_auc') {
    const seen = new Set(target);
    if (seen.size !== classes.length || classes.some((c) => !seen.has(c))) return Number.NaN;
    return mean(classes.map((c, ci) => rocAuc(target.map((t) => (t === c ? 1 : 0)), raw[ci]!)));
  }
  if (new Set(target).size <= 1 || new Set(pred).size <= 1) return Number.NaN;
  if (metric === 'accuracy') return target.filter((t, i) => t === pred[i]).length / target.length;
  const ratio = (a: number, b: number) => (b !== 0 ? a / b : 0);
  return mean(classes.map((c) => {
    const k = classCounts(target, pred, c);
    switch (metric) {
      case 'precision': return ratio(k.tp, k.tp + k.fp);
      case 'recall': return ratio(k.tp, k.tp + k.fn);
      case 'f1': return ratio(2 * k.tp, 2 * k.tp + k.fp + k.fn);
      default: return k.tn / (k.tn + k.fp);
    }
  }));
}

function estimate(metric: CbpeMetric, classes: readonly string[], pred: readonly string[], cal: readonly (readonly number[])[], raw: readonly (readonly number[])[]): number {
  if (metric === 'roc_auc') return mean(classes.map((_, ci) => estimateRocAuc(cal[ci]!, raw[ci]!)));
  if (metric === 'accuracy') return mean(pred.map((p, i) => {
    const ci = classes.indexOf(p);
    return ci === -1 ? 0 : cal[ci]![i]!;
  }));
  return mean(classes.map((c, ci) => estimateFromScores(metric, pred.map((p) => (p === c ? 1 : 0)), cal[ci]!)));
}

/**
 * Fits on `reference` and estimates per chunk of `analysis`. The reference must have a complete
 * target, prediction and every class's score, and its targets must be exactly `classes`.
 */
export function estimateMulticlassPerformance(reference: MulticlassOutputs, analysis: MulticlassOutputs, options: MulticlassOptions): CbpeResult {
  const { classes } = options;
  const refTarget = reference.target;
  if (!refTarget) throw new Error('the reference needs a target');
  const mode = options.calibration ?? 'auto';
  const calibrators = classes.map((c, ci) => {
    const y = refTarget.map((t) => (t === c ? 1 : 0));
    const on = mode === 'on' || (mode === 'auto' && needsCalibration(y, reference.proba[ci]!));
    return on ? fitIsotonic(reference.proba[ci]!, y) : null;
  });
  const rows = analysis.pred.length;
  const cal: number[][] = classes.map(() => new Array<number>(rows));
  for (let i = 0; i < rows; i++) {
    const scores = classes.map((_, ci) => {
      const p = analysis.proba[ci]![i]!;
      const model = calibrators[ci];
      return Number.isNaN(p) || !model ? p : predictIsotonic(model, p);
    });
    const sum = scores.reduce((s, v) => s + v, 0);
    scores.forEach((v, ci) => (cal[ci]![i] = sum !== 0 ? v / sum : 1 / classes.length));
  }

  const refChunks = splitIntoChunks(refTarget.length, options.referenceChunks ?? options.chunks, reference.timestamps);
  const chunks = splitIntoChunks(rows, options.chunks, analysis.timestamps);
  const pickRows = <T>(values: readonly T[], r: readonly number[]) => r.map((i) => values[i]!);
  const pickScores = (s: readonly (readonly number[])[], r: readonly number[]) => s.map((col) => pickRows(col, r));
  const metrics = options.metrics.map((metric): CbpeMetricResult => {
    const comp = components(metric, classes, reference);
    const referenceValues = refChunks.map((c) =>
      realized(metric, classes, pickRows(refTarget, c.rows) as string[], pickRows(reference.pred, c.rows) as string[], pickScores(reference.proba, c.rows)));
    const thresholds = standardDeviationThresholds(referenceValues, { lowerLimit: 0, upperLimit: 1 });
    return { metric, thresholds, reference_values: referenceValues, chunks: chunks.map((c) => chunkResult(metric, c, comp, thresholds)) };
  });
  return { calibrated: calibrators.some((c) => c !== null), calibrated_classes: classes.filter((_, ci) => calibrators[ci] !== null), reference_chunks: refChunks.length, metrics };

  function chunkResult(metric: CbpeMetric, chunk: Chunk, comp: Components, thresholds: Thresholds): CbpeChunkResult {
    const scored = chunk.rows.filter((i) => classes.every((_, ci) => !Number.isNaN(analysis.proba[ci]![i]!)) && (metric === 'roc_auc' || analysis.pred[i] !== null));
    let est = Number.NaN;
    let error = Number.NaN;
    if (scored.length > 0) {
      est = estimate(metric, classes, pickRows(analysis.pred, scored) as string[], pickScores(cal, scored), pickScores(analysis.proba, scored));
      error = samplingError(comp, scored.length);
    }
    const result: CbpeChunkResult = {
      key: chunk.key, start_index: chunk.startIndex, end_index: chunk.endIndex, start: chunk.start, end: chunk.end, rows: chunk.rows.length,
      estimated: est,
      sampling_error: error,
      lower: Math.max(0, est - SAMPLING_ERROR_RANGE * error),
      upper: Math.min(1, est + SAMPLING_ERROR_RANGE * error),
      alert: (thresholds.lower !== null && est < thresholds.lower) || (thresholds.upper !== null && est > thresholds.upper),
    };
    const target = analysis.target;
    if (!target) return result;
    const labelled = chunk.rows.filter((i) => target[i] !== null && (metric === 'roc_auc'
      ? classes.every((_, ci) => !Number.isNaN(analysis.proba[ci]![i]!))
      : analysis.pred[i] !== null));
    return {
      ...result,
      realized: realized(metric, classes, pickRows(target, labelled) as string[], pickRows(analysis.pred, labelled) as string[], pickScores(analysis.proba, labelled)),
    };
  }
}
