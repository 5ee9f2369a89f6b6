/**
 * Whether to calibrate scores before estimating, after NannyML's `nannyml/calibration.py`
 * (`needs_calibration`, `_get_bin_index_edges`, `_calculate_expected_calibration_error`):
 * no when the reference holds one class or its ROC AUC exceeds 0.999; otherwise isotonic
 * calibrators are fitted on training folds and the expected calibration error (ECE, equal-count
 * bins over the sorted scores) of the pooled held-out rows is compared before and after:
 * calibrate when it drops.
 *
 * Where Driftdesk differs, and why: NannyML draws its folds with scikit-learn's
 * `StratifiedShuffleSplit(n_splits=10, test_size=0.1, random_state=42)`, whose draws come from
 * NumPy's generator and cannot be reproduced outside NumPy. Driftdesk uses ten stratified folds
 * without randomness instead (within each class, row k in file order is held out in fold
 * k mod 10), so the same files always give the same decision. For a model whose ECE barely
 * changes the two may decide differently; `calibration: 'on' | 'off'` forces the choice.
 */

import { fitIsotonic, predictIsotonic } from './isotonic.ts';
import { rocAuc } from './cbpe-metrics.ts';

export type CalibrationMode = 'auto' | 'on' | 'off';

const FOLDS = 10;
const ECE_BINS = 10;

/** Equal-count bin edges over `length` sorted values (NannyML's `_get_bin_index_edges`); null when fewer than 2 bins fit. */
export function binIndexEdges(length: number, binCount = ECE_BINS): [number, number][] | null {
  let bins = binCount;
  if (length <= 2 * bins) {
    bins = Math.floor(length / 2);
    if (bins < 2) return null;
  }
  const width = Math.floor(length / bins);
  const edges: number[] = [];
  for (let e = 0; e <= length; e += width) edges.push(e);
  edges[edges.length - 1] = length;
  return edges.slice(0, -1).map((left, i) => [left, edges[i + 1]!]);
}

/** Expected calibration error of scores against labels over the given bins of the sorted scores. */
export function expectedCalibrationError(target: readonly number[], score: readonly number[], edges: readonly [number, number][]): number {
  const order = score.map((_, i) => i).sort((a, b) => score[a]! - score[b]! || a - b);
  let ece = 0;
  for (const [left, right] of edges) {
    let sp = 0, st = 0;
    for (let k = left; k < right; k++) {
      sp += score[order[k]!]!;
      st += target[order[k]!]!;
    }
    const size = right - left;
    ece += (size / order.length) * Math.abs(sp / size - st / size);
  }
  return ece;
}

/** Driftdesk's 'auto' decision (see the header): true when isotonic calibration lowers the held-out ECE. */
export function needsCalibration(target: readonly number[], score: readonly number[]): boolean {
  if (new Set(target).size <= 1) return false;
  if (rocAuc(target, score) > 0.999) return false;
  const fold = new Array<number>(target.length);
  const seen = new Map<number, number>();
  target.forEach((y, i) => {
    const k = seen.get(y) ?? 0;
    fold[i] = k % FOLDS;
    seen.set(y, k + 1);
  });
  const heldTarget: number[] = [];
  const heldScore: number[] = [];
  const heldCalibrated: number[] = [];
  for (let f = 0; f < FOLDS; f++) {
    const trainX: number[] = [], trainY: number[] = [], testIdx: number[] = [];
    target.forEach((y, i) => {
      if (fold[i] === f) testIdx.push(i);
      else {
        trainX.push(score[i]!);
        trainY.push(y);
      }
    });
    if (testIdx.length === 0 || trainX.length === 0) continue;
    const model = fitIsotonic(trainX, trainY);
    for (const i of testIdx) {
      heldTarget.push(target[i]!);
      heldScore.push(score[i]!);
      heldCalibrated.push(predictIsotonic(model, score[i]!));
    }
  }
  const edges = binIndexEdges(heldScore.length);
  if (!edges) return false;
  return expectedCalibrationError(heldTarget, heldScore, edges) > expectedCalibrationError(heldTarget, heldCalibrated, edges);
}
