/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, as `scipy.stats.ks_2samp(a, b,
 * alternative='two-sided', method='auto')` in SciPy 1.10 (`scipy/stats/_stats_py.py`).
 *
 * The statistic is D = max_x |F_ref(x) − F_cur(x)| over the pooled sample, with both
 * empirical CDFs evaluated right-continuously (ties are handled as SciPy does, via
 * searchsorted 'right'). The p-value is
 * - exact (`ks-exact.ts`) when max(n1, n2) ≤ 10 000, with D snapped to the lattice
 *   h / lcm(n1, n2) — the statistic SciPy then reports;
 * - otherwise, or if the exact value fell outside [0, 1], asymptotic: the two-sided
 *   one-sample distribution at the effective size, kstwo.sf(D, round(n1·n2/(n1+n2)))
 *   (`kolmogorov-sf.ts`), rounding half to even as `np.round` does.
 */

import { attemptExactKs } from './ks-exact.ts';
import { kolmogorovSf } from './kolmogorov-sf.ts';
import { clip, roundHalfEven, sortedCopy } from './numeric.ts';

/** SciPy's MAX_AUTO_N: 'auto' is exact when both samples are at most this large. */
export const KS_MAX_EXACT_N = 10_000;

/** Result of the two-sample KS test. */
export interface KsResult {
  /** D in [0, 1]; snapped to h / lcm(n1, n2) when the exact method ran. */
  readonly statistic: number;
  /** Two-sided p-value in [0, 1]. */
  readonly pValue: number;
  /** Which null distribution produced `pValue` ('exact' or 'asymp', as SciPy names them). */
  readonly method: 'exact' | 'asymp';
}

/**
 * D = max |F1 − F2| for two sorted samples, computed from the same quotients
 * count/n that SciPy subtracts, so the float value is identical.
 */
export function ksStatistic(sorted1: Float64Array, sorted2: Float64Array): number {
  const n1 = sorted1.length;
  const n2 = sorted2.length;
  let i = 0;
  let j = 0;
  let maxDiff = Number.NEGATIVE_INFINITY;
  let minDiff = Number.POSITIVE_INFINITY;
  while (i < n1 || j < n2) {
    const a = i < n1 ? sorted1[i]! : Number.POSITIVE_INFINITY;
    const b = j < n2 ? sorted2[j]! : Number.POSITIVE_INFINITY;
    const x = a < b ? a : b;
    while (i < n1 && sorted1[i]! <= x) i++;
    while (j < n2 && sorted2[j]! <= x) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  const minS = clip(-minDiff, 0, 1);
  return minS > maxDiff ? minS : maxDiff;
}

/**
 * Two-sided two-sample KS test; matches `scipy.stats.ks_2samp(reference, current,
 * method='auto')` (statistic and p-value). Both samples must be non-empty arrays of
 * finite numbers; the caller validates (see `detectColumnDrift`).
 */
export function ksTwoSample(reference: readonly number[], current: readonly number[]): KsResult {
  const n1 = reference.length;
  const n2 = current.length;
  if (n1 === 0 || n2 === 0) throw new Error('ks: both samples must be non-empty');
  let d = ksStatistic(sortedCopy(reference), sortedCopy(current));
  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const exact = attemptExactKs(n1, n2, d);
    if (exact.ok) return { statistic: exact.statistic, pValue: clip(exact.pValue, 0, 1), method: 'exact' };
    d = exact.statistic;
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  const pValue = clip(kolmogorovSf(roundHalfEven(en), d), 0, 1);
  return { statistic: d, pValue, method: 'asymp' };
}
