/**
 * Pearson's chi-square goodness-of-fit test of the current sample against the reference
 * distribution, as Evidently's `chisquare` stat test
 * (`evidently/legacy/calculations/stattests/chisquare_stattest.py`), which calls
 * `scipy.stats.chisquare(f_obs, f_exp)`:
 *
 * - categories are the union of values seen in either sample;
 * - f_obs = current counts, f_exp = reference counts × (n_current / n_reference);
 * - statistic = Σ (f_obs − f_exp)² / f_exp, p = chi2.sf(statistic, k − 1).
 *
 * A category that only the current sample has gets f_exp = 0, an infinite statistic and
 * p = 0, as in SciPy (which also warns about the division by zero).
 */

import { countValues, unionKeys, type CategoryValue } from './binning.ts';
import { chiSquareSf } from './special-functions.ts';

/** Chi-square statistic and p-value. */
export interface ChiSquareResult {
  readonly statistic: number;
  readonly pValue: number;
  /** Degrees of freedom, k − 1 for k categories. */
  readonly dof: number;
}

/**
 * Evidently's chi-square drift test; matches `scipy.stats.chisquare(f_obs, f_exp)` with
 * the frequencies built as in Evidently's `_chi_stat_test`. Both samples must be non-empty.
 *
 * Deviation: with a single category in both samples (k = 1, 0 degrees of freedom) SciPy
 * returns p = NaN; we return p = 1, the limit of a statistic that is exactly 0 under a
 * point mass at 0, so a constant column never reads as drifted nor produces NaN in JSON.
 */
export function chiSquareTest(
  reference: readonly CategoryValue[],
  current: readonly CategoryValue[],
): ChiSquareResult {
  if (reference.length === 0 || current.length === 0) {
    throw new Error('chisquare: both samples must be non-empty');
  }
  const refCounts = countValues(reference);
  const curCounts = countValues(current);
  const keys = unionKeys(refCounts, curCounts);
  const kNorm = current.length / reference.length;
  let statistic = 0;
  for (const key of keys) {
    const expected = (refCounts.get(key) ?? 0) * kNorm;
    const observed = curCounts.get(key) ?? 0;
    statistic += (observed - expected) ** 2 / expected;
  }
  const dof = keys.length - 1;
  if (dof === 0) return { statistic, pValue: 1, dof };
  return { statistic, pValue: chiSquareSf(statistic, dof), dof };
}
