/**
 * Isotonic (increasing) regression by pool adjacent violators, with predictions as
 * scikit-learn's `IsotonicRegression(increasing=True, out_of_bounds='clip')` gives them
 * (`sklearn/isotonic.py`: `_make_unique`, `_pava` via `isotonic_regression`, `predict` through
 * `np.interp`): equal x values are first pooled into one point (mean y, weight = count), PAV
 * fits a non-decreasing step function on those points, and a new x is linearly interpolated
 * between the fitted points and clipped to the first/last outside them. NannyML's
 * `calibration.py` (`IsotonicCalibrator`) calibrates scores with exactly this.
 *
 * Written here because the npm registry holds no maintained isotonic regression package
 * (none is listed; the ml-* family has PCA and matrices but no PAV), and PAV is a few lines.
 */

export interface IsotonicModel {
  /** Distinct x values, ascending. */
  readonly x: readonly number[];
  /** Fitted, non-decreasing y at each x. */
  readonly y: readonly number[];
}

/** Fits on paired (x, y); both finite, same length, at least one point. */
export function fitIsotonic(xs: readonly number[], ys: readonly number[]): IsotonicModel {
  if (xs.length !== ys.length || xs.length === 0) throw new Error(`isotonic regression needs paired, non-empty data (${xs.length} x, ${ys.length} y)`);
  const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
  const ux: number[] = [];
  const sum: number[] = [];
  const weight: number[] = [];
  for (const i of order) {
    const x = xs[i]!;
    if (ux.length && ux[ux.length - 1] === x) {
      sum[sum.length - 1]! += ys[i]!;
      weight[weight.length - 1]! += 1;
    } else {
      ux.push(x);
      sum.push(ys[i]!);
      weight.push(1);
    }
  }
  // Blocks on a stack: each holds its weighted mean, weight and the number of points it covers.
  const means: number[] = [];
  const weights: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < ux.length; i++) {
    let m = sum[i]! / weight[i]!;
    let w = weight[i]!;
    let size = 1;
    while (means.length && means[means.length - 1]! >= m) {
      const pm = means.pop()!;
      const pw = weights.pop()!;
      size += sizes.pop()!;
      m = (pm * pw + m * w) / (pw + w);
      w += pw;
    }
    means.push(m);
    weights.push(w);
    sizes.push(size);
  }
  const fitted: number[] = [];
  means.forEach((m, b) => {
    for (let k = 0; k < sizes[b]!; k++) fitted.push(m);
  });
  return { x: ux, y: fitted };
}

/** The model's prediction at `x` (np.interp over the fitted points, clipped at the ends). */
export function predictIsotonic(model: IsotonicModel, x: number): number {
  const { x: xs, y: ys } = model;
  if (x <= xs[0]!) return ys[0]!;
  const last = xs.length - 1;
  if (x >= xs[last]!) return ys[last]!;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  if (xs[lo] === x) return ys[lo]!;
  // np.interp's order of operations: slope first, then from the left point.
  const slope = (ys[hi]! - ys[lo]!) / (xs[hi]! - xs[lo]!);
  return slope * (x - xs[lo]!) + ys[lo]!;
}
