/**
 * Confidence-based performance estimation (CBPE) for a binary classifier, as NannyML's
 * `nannyml/performance_estimation/confidence_based/cbpe.py` runs it (`CBPE._fit_binary`,
 * `CBPE._estimate`) with `metrics.py` (`Metric.fit`, `Metric.get_chunk_record`, `Metric.alert`):
 * - on the reference (which has labels): each metric's sampling-error components; its
 *   realized value per reference chunk, whose mean ± 3 std (clipped to [0, 1]) are the alert
 *   thresholds; and an isotonic calibrator of the scores when calibration is on (see
 *   calibration.ts for how 'auto' decides);
 * - per analysis chunk: the metric estimated from the calibrated scores, its sampling error,
 *   the band estimate ± 3 sampling errors clipped to [0, 1], the realized value when labels are
 *   there (from the uncalibrated scores, as NannyML), and an alert when the estimate falls
 *   outside the thresholds.
 * Missing scores or predictions drop the row from the metrics that need them (NannyML's
 * `common_nan_removal`); a chunk with no usable row gives NaN (null in JSON).
 */

import { needsCalibration, type CalibrationMode } from './calibration.ts';
import {
  estimateFromScores, estimateRocAuc, realizedMetric, samplingError, samplingErrorComponents,
  type CbpeMetric, type SamplingErrorComponents,
} from './cbpe-metrics.ts';
import { splitIntoChunks, type Chunk, type ChunkSpec } from './chunking.ts';
import { fitIsotonic, predictIsotonic } from './isotonic.ts';
import { standardDeviationThresholds, type Thresholds } from './thresholds.ts';

/** NannyML's SAMPLING_ERROR_RANGE: the band is estimate ± this many sampling errors. */
export const SAMPLING_ERROR_RANGE = 3;

export interface BinaryOutputs {
  /** Score of the positive class per row; NaN where missing. */
  readonly proba: readonly number[];
  /** Predicted class per row (0 or 1); NaN where missing. */
  readonly pred: readonly number[];
  /** True class per row (0 or 1); NaN where missing. Required (and complete) for the reference. */
  readonly target?: readonly number[];
  /** Epoch ms per row, when a timestamp column orders and dates the rows. */
  readonly timestamps?: readonly number[];
}

export interface CbpeOptions {
  readonly metrics: readonly CbpeMetric[];
  readonly chunks: ChunkSpec;
  /** How the reference is cut for the thresholds, when not as the analysis data (a monitor's own chunking). */
  readonly referenceChunks?: ChunkSpec;
  readonly calibration?: CalibrationMode;
}

export interface CbpeChunkResult {
  readonly key: string;
  readonly start_index: number;
  readonly end_index: number;
  readonly start: string | null;
  readonly end: string | null;
  readonly rows: number;
  readonly estimated: number;
  readonly sampling_error: number;
  readonly lower: number;
  readonly upper: number;
  /** Present when the analysis data has a target. */
  readonly realized?: number;
  readonly alert: boolean;
}

export interface CbpeMetricResult {
  readonly metric: CbpeMetric;
  readonly thresholds: Thresholds;
  /** The realized metric per reference chunk, from which the thresholds come. */
  readonly reference_values: readonly number[];
  readonly chunks: readonly CbpeChunkResult[];
}

export interface CbpeResult {
  readonly calibrated: boolean;
  /** Multiclass: the classes whose scores were calibrated. */
  readonly calibrated_classes?: readonly string[];
  readonly reference_chunks: number;
  readonly metrics: readonly CbpeMetricResult[];
}

const pick = (values: readonly number[], rows: readonly number[]) => rows.map((r) => values[r]!);
const present = (rows: readonly number[], ...columns: readonly (readonly number[])[]) =>
  rows.filter((r) => columns.every((c) => !Number.isNaN(c[r]!)));

/**
 * Fits on `reference` and estimates per chunk of `analysis`. The reference must have a complete
 * 0/1 target, scores and predictions (the caller checks and names bad rows).
 */
export function estimateBinaryPerformance(reference: BinaryOutputs, analysis: BinaryOutputs, options: CbpeOptions): CbpeResult {
  const refTarget = reference.target;
  if (!refTarget) throw new Error('the reference needs a target');
  const mode = options.calibration ?? 'auto';
  const calibrated = mode === 'on' || (mode === 'auto' && needsCalibration(refTarget, reference.proba));
  const calibrator = calibrated ? fitIsotonic(reference.proba, refTarget) : null;
  const calibratedProba = analysis.proba.map((p) => (Number.isNaN(p) || !calibrator ? p : predictIsotonic(calibrator, p)));

  const refChunks = splitIntoChunks(reference.proba.length, options.referenceChunks ?? options.chunks, reference.timestamps);
  const chunks = splitIntoChunks(analysis.proba.length, options.chunks, analysis.timestamps);
  const metrics = options.metrics.map((metric): CbpeMetricResult => {
    const components = samplingErrorComponents(metric, refTarget, reference.pred, reference.proba);
    const referenceValues = refChunks.map((c) => realizedMetric(metric, pick(refTarget, c.rows), pick(reference.pred, c.rows), pick(reference.proba, c.rows)));
    const thresholds = standardDeviationThresholds(referenceValues, { lowerLimit: 0, upperLimit: 1 });
    return {
      metric,
      thresholds,
      reference_values: referenceValues,
      chunks: chunks.map((c) => chunkResult(metric, c, analysis, calibratedProba, components, thresholds)),
    };
  });
  return { calibrated, reference_chunks: refChunks.length, metrics };
}

function chunkResult(
  metric: CbpeMetric, chunk: Chunk, analysis: BinaryOutputs, calibratedProba: readonly number[],
  components: SamplingErrorComponents, thresholds: Thresholds,
): CbpeChunkResult {
  const other = metric === 'roc_auc' ? analysis.proba : analysis.pred;
  const rows = present(chunk.rows, calibratedProba, other);
  let estimated = Number.NaN;
  let error = Number.NaN;
  if (rows.length > 0) {
    estimated = metric === 'roc_auc'
      ? estimateRocAuc(pick(calibratedProba, rows), pick(analysis.proba, rows))
      : estimateFromScores(metric, pick(analysis.pred, rows), pick(calibratedProba, rows));
    error = samplingError(components, rows.length);
  }
  const result: CbpeChunkResult = {
    key: chunk.key,
    start_index: chunk.startIndex,
    end_index: chunk.endIndex,
    start: chunk.start,
    end: chunk.end,
    rows: chunk.rows.length,
    estimated,
    sampling_error: error,
    lower: Math.max(0, estimated - SAMPLING_ERROR_RANGE * error),
    upper: Math.min(1, estimated + SAMPLING_ERROR_RANGE * error),
    alert: (thresholds.lower !== null && estimated < thresholds.lower) || (thresholds.upper !== null && estimated > thresholds.upper),
  };
  if (!analysis.target) return result;
  const target = analysis.target;
  const labelled = metric === 'roc_auc' ? present(chunk.rows, target, analysis.proba) : present(chunk.rows, target, analysis.pred);
  return { ...result, realized: realizedMetric(metric, pick(target, labelled), pick(analysis.pred, labelled), pick(analysis.proba, labelled)) };
}
