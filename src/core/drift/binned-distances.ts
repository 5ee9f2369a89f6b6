/**
 * Distances between the binned shares of two samples, as Evidently computes them:
 * Jensen–Shannon distance, population stability index and Kullback–Leibler divergence.
 * Shares come from `binnedShares` (Evidently's `get_binned_data`); psi and kl_div replace
 * zero shares first (`feel_zeroes=True`), Jensen–Shannon does not.
 */

import { binnedShares, type CategoryValue } from './binning.ts';
import type { ColumnType } from './types.ts';

/** `scipy.special.rel_entr(x, y)`: x·ln(x/y), 0 when x = 0 and y ≥ 0, +∞ otherwise. */
function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}

function normalised(values: Float64Array): Float64Array {
  let total = 0;
  for (const v of values) total += v;
  return values.map((v) => v / total);
}

/**
 * Jensen–Shannon distance with natural log, √(½·KL(p‖m) + ½·KL(q‖m)), m = (p+q)/2, on
 * p, q normalised to sum 1; matches `scipy.spatial.distance.jensenshannon(p, q)`. In [0, √ln 2].
 */
export function jensenShannonDistance(p0: Float64Array, q0: Float64Array): number {
  const p = normalised(p0);
  const q = normalised(q0);
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i]! + q[i]!) / 2.0;
    left += relEntr(p[i]!, m);
    right += relEntr(q[i]!, m);
  }
  return Math.sqrt((left + right) / 2.0);
}

/**
 * Kullback–Leibler divergence KL(p‖q) in nats of p, q normalised to sum 1; matches
 * `scipy.stats.entropy(p, q)`.
 */
export function klDivergence(p0: Float64Array, q0: Float64Array): number {
  const p = normalised(p0);
  const q = normalised(q0);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += relEntr(p[i]!, q[i]!);
  return sum;
}

/** Population stability index Σ (r − c)·ln(r / c), as Evidently's `psi` (no normalisation). */
export function populationStabilityIndex(reference: Float64Array, current: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]!;
    const c = current[i]!;
    sum += (r - c) * Math.log(r / c);
  }
  return sum;
}

/**
 * Evidently's `jensenshannon` drift score (`jensenshannon.py`, base=None → natural log):
 * the Jensen–Shannon distance of the binned shares, without zero replacement.
 */
export function jensenShannonDrift(
  reference: readonly CategoryValue[], current: readonly CategoryValue[], type: ColumnType,
): number {
  const shares = binnedShares(reference, current, type, false);
  return jensenShannonDistance(shares.reference, shares.current);
}

/** Evidently's `psi` drift score (`psi.py`): PSI of the binned shares with zeros replaced. */
export function psiDrift(
  reference: readonly CategoryValue[], current: readonly CategoryValue[], type: ColumnType,
): number {
  const shares = binnedShares(reference, current, type, true);
  return populationStabilityIndex(shares.reference, shares.current);
}

/**
 * Evidently's `kl_div` drift score (`kl_div.py`): `scipy.stats.entropy(reference, current)`
 * of the binned shares with zeros replaced, i.e. KL(reference‖current) in nats.
 */
export function klDivDrift(
  reference: readonly CategoryValue[], current: readonly CategoryValue[], type: ColumnType,
): number {
  const shares = binnedShares(reference, current, type, true);
  return klDivergence(shares.reference, shares.current);
}
