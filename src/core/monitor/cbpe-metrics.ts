/**
 * The binary-classification metrics of confidence-based performance estimation (CBPE), as
 * NannyML computes them in `nannyml/performance_estimation/confidence_based/metrics.py`
 * (`estimate_roc_auc`, `estimate_f1`, `estimate_precision`, `estimate_recall`,
 * `estimate_specificity`, `estimate_accuracy` and each metric class's `_realized_performance`)
 * and `nannyml/sampling_error/binary_classification.py` (`*_sampling_error_components`,
 * `_universal_sampling_error`, `accuracy_sampling_error`).
 *
 * Estimated metrics treat a calibrated score p as the probability that the row is positive:
 * a predicted positive contributes p true positives and 1 − p false positives, a predicted
 * negative p false negatives and 1 − p true negatives. Estimated ROC AUC walks the rows by
 * descending uncalibrated score, accumulating p as true and 1 − p as false positives (rounded
 * to 5 decimals as NannyML does), and integrates the curve by trapezoids. Sampling errors are
 * the standard deviation of an observation-level version of the metric on the reference,
 * divided by √(rows in the chunk × share of rows the metric counts).
 */

export const CBPE_METRICS = ['roc_auc', 'f1', 'precision', 'recall', 'specificity', 'accuracy'] as const;
export type CbpeMetric = (typeof CBPE_METRICS)[number];

export const isCbpeMetric = (name: string): name is CbpeMetric => (CBPE_METRICS as readonly string[]).includes(name);

/** Rounds half to even at `decimals`, as `np.round` (multiply, rint, divide). */
export function npRound(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const y = x * f;
  let r = Math.round(y);
  if (Math.abs(y % 1) === 0.5) r = 2 * Math.round(y / 2);
  return r / f;
}

/** Population mean and standard deviation (np.std, ddof 0); NaN for no values. */
function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  return { mean, std: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / n) };
}

/** Estimated ROC AUC from calibrated scores `p` ordered by uncalibrated scores `raw` (NannyML's `estimate_roc_auc`). */
export function estimateRocAuc(p: readonly number[], raw: readonly number[]): number {
  // np.argsort(raw)[::-1]: descending; among equal scores the later row comes first.
  const order = raw.map((_, i) => i).sort((a, b) => raw[b]! - raw[a]! || b - a);
  const n = order.length;
  const tps = [0];
  const fps = [0];
  let tp = 0;
  order.forEach((i, k) => {
    tp += p[i]!;
    tps.push(tp);
    fps.push(1 + k - tp);
  });
  const tpsR = tps.map((v) => npRound(v, 5));
  const fpsR = fps.map((v) => npRound(v, 5));
  const tpr = tpsR.map((v) => v / tpsR[n]!);
  const fpr = fpsR.map((v) => v / fpsR[n]!);
  let area = 0;
  for (let k = 1; k <= n; k++) area += ((fpr[k]! - fpr[k - 1]!) * (tpr[k]! + tpr[k - 1]!)) / 2;
  return area;
}

/** Estimated confusion-matrix metrics from predictions (0/1) and calibrated scores. */
export function estimateFromScores(metric: Exclude<CbpeMetric, 'roc_auc'>, pred: readonly number[], p: readonly number[]): number {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  pred.forEach((y, i) => {
    if (y === 1) {
      tp += p[i]!;
      fp += 1 - p[i]!;
    } else {
      fn += p[i]!;
      tn += 1 - p[i]!;
    }
  });
  const ratio = (a: number, b: number) => (b !== 0 ? a / b : 0);
  switch (metric) {
    case 'f1': return ratio(tp, tp + 0.5 * (fp + fn));
    case 'precision': return ratio(tp, tp + fp);
    case 'recall': return ratio(tp, tp + fn);
    case 'specificity': return ratio(tn, tn + fp);
    case 'accuracy': return (tp + tn) / pred.length;
  }
}

/** ROC AUC from labels (0/1) and scores, ties counted half (as `sklearn.metrics.roc_auc_score`); NaN with one class. */
export function rocAuc(target: readonly number[], score: readonly number[]): number {
  const order = score.map((_, i) => i).sort((a, b) => score[a]! - score[b]!);
  const ranks = new Array<number>(score.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && score[order[j + 1]!] === score[order[i]!]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let nPos = 0, rankSum = 0;
  target.forEach((y, i) => {
    if (y === 1) {
      nPos++;
      rankSum += ranks[i]!;
    }
  });
  const nNeg = target.length - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

interface Counts { tp: number; fp: number; fn: number; tn: number }

function counts(target: readonly number[], pred: readonly number[]): Counts {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  pred.forEach((y, i) => {
    const t = target[i];
    if (y === 1) {
      if (t === 1) c.tp++;
      else c.fp++;
    } else if (t === 1) c.fn++;
    else c.tn++;
  });
  return c;
}

const distinct = (values: readonly number[]) => new Set(values).size;

/** Realized metric from labels, predictions and uncalibrated scores; NaN where NannyML gives NaN. */
export function realizedMetric(metric: CbpeMetric, target: readonly number[], pred: readonly number[], raw: readonly number[]): number {
  if (target.length === 0) return Number.NaN;
  if (metric === 'roc_auc') return distinct(target) <= 1 ? Number.NaN : rocAuc(target, raw);
  const c = counts(target, pred);
  if (metric === 'accuracy') return (c.tp + c.tn) / target.length;
  if (metric === 'specificity') return c.tn + c.fp === 0 ? Number.NaN : c.tn / (c.tn + c.fp);
  if (distinct(target) <= 1 || distinct(pred) <= 1) return Number.NaN;
  // sklearn's zero_division='warn' gives 0.
  const ratio = (a: number, b: number) => (b !== 0 ? a / b : 0);
  if (metric === 'precision') return ratio(c.tp, c.tp + c.fp);
  if (metric === 'recall') return ratio(c.tp, c.tp + c.fn);
  return ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn);
}

/** What the reference says about a metric's sampling error: a standard deviation and the share of rows it counts. */
export interface SamplingErrorComponents {
  readonly std: number;
  /** Share of rows the metric counts; null for accuracy (all rows, no share). */
  readonly fraction: number | null;
}

const repeat = (value: number, times: number) => new Array<number>(times).fill(value);

/** The reference-side components, from the reference's labels, predictions and uncalibrated scores. */
export function samplingErrorComponents(metric: CbpeMetric, target: readonly number[], pred: readonly number[], raw: readonly number[]): SamplingErrorComponents {
  const n = target.length;
  if (metric === 'roc_auc') {
    let y = [...target];
    let s = [...raw];
    if (y.reduce((a, v) => a + v, 0) / n > 0.5) {
      y = y.map((v) => Math.abs(v - 1));
      s = s.map((v) => 1 - v);
    }
    const order = s.map((_, i) => i).sort((a, b) => s[a]! - s[b]! || a - b);
    const positiveRanks = order.map((i, rank) => y[i]! * rank);
    const unique = [...new Set(positiveRanks)].sort((a, b) => a - b).slice(1);
    const nPos = y.reduce((a, v) => a + v, 0);
    const nNeg = n - nPos;
    const ser = unique.map((index, i) => (index - i) / nNeg);
    return { std: meanStd(ser).std, fraction: nPos / n };
  }
  const c = counts(target, pred);
  switch (metric) {
    case 'f1': {
      const total = c.tp + c.fn + c.fp;
      if (total === 0) return { std: Number.NaN, fraction: 0 };
      const correcting = total / ((c.fn + c.fp) * 0.5 + c.tp);
      return { std: meanStd([...repeat(correcting, c.tp), ...repeat(0, c.fn + c.fp)]).std, fraction: total / n };
    }
    case 'precision':
      return { std: meanStd([...repeat(1, c.tp), ...repeat(0, c.fp)]).std, fraction: (c.tp + c.fp) / n };
    case 'recall':
      return { std: meanStd([...repeat(1, c.tp), ...repeat(0, c.fn)]).std, fraction: (c.tp + c.fn) / n };
    case 'specificity':
      return { std: meanStd([...repeat(1, c.tn), ...repeat(0, c.fp)]).std, fraction: (c.tn + c.fp) / n };
    case 'accuracy':
      return { std: meanStd([...repeat(1, c.tp + c.tn), ...repeat(0, c.fp + c.fn)]).std, fraction: null };
  }
}

/** Sampling error for a chunk of `rows` rows. */
export function samplingError(components: SamplingErrorComponents, rows: number): number {
  return components.fraction === null ? components.std / Math.sqrt(rows) : components.std / Math.sqrt(rows * components.fraction);
}
