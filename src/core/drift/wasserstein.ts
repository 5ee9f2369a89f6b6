/**
 * First Wasserstein (earth mover's) distance between two samples, and Evidently's
 * normalised version of it used as a drift score.
 *
 * W1(u, v) = ∫ |U(x) − V(x)| dx, the area between the two empirical CDFs. As in SciPy
 * 1.10 (`scipy/stats/_stats_py.py: _cdf_distance(1, u, v)`), the integral is the sum over
 * consecutive pooled values x_i < x_{i+1} of |U(x_i) − V(x_i)|·(x_{i+1} − x_i), with each
 * CDF evaluated right-continuously (count / n).
 */

import { compensatedSum, populationStd, sortedCopy } from './numeric.ts';

/**
 * W1 distance between the empirical distributions of `u` and `v` (unweighted); matches
 * `scipy.stats.wasserstein_distance(u, v)`. Units are those of the data.
 * Both samples must be non-empty arrays of finite numbers.
 */
export function wassersteinDistance(u: readonly number[], v: readonly number[]): number {
  const su = sortedCopy(u);
  const sv = sortedCopy(v);
  const nu = su.length;
  const nv = sv.length;
  const terms = new Float64Array(nu + nv);
  let count = 0;
  let i = 0;
  let j = 0;
  // Walk the pooled sorted values; after consuming everything ≤ x, i/nu and j/nv are the CDFs at x.
  let x = Math.min(su[0]!, sv[0]!);
  while (i < nu || j < nv) {
    while (i < nu && su[i]! <= x) i++;
    while (j < nv && sv[j]! <= x) j++;
    if (i === nu && j === nv) break;
    const a = i < nu ? su[i]! : Number.POSITIVE_INFINITY;
    const b = j < nv ? sv[j]! : Number.POSITIVE_INFINITY;
    const next = a < b ? a : b;
    terms[count++] = Math.abs(i / nu - j / nv) * (next - x);
    x = next;
  }
  return compensatedSum(terms.subarray(0, count));
}

/** Evidently's floor for the reference standard deviation in the normalised distance. */
export const WASSERSTEIN_MIN_STD = 0.001;

/**
 * Evidently's `wasserstein` drift score (`wasserstein_distance_norm.py`):
 * `wasserstein_distance(reference, current) / max(np.std(reference), 0.001)`, i.e. W1 in
 * units of the reference's population standard deviation (ddof 0). Dimensionless.
 */
export function wassersteinDistanceNorm(reference: readonly number[], current: readonly number[]): number {
  const norm = Math.max(populationStd(reference), WASSERSTEIN_MIN_STD);
  return wassersteinDistance(reference, current) / norm;
}
