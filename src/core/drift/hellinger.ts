/**
 * Hellinger distance between two samples as Evidently's `hellinger` stat test
 * (`evidently/legacy/calculations/stattests/hellinger_distance.py`):
 *
 *   H = √(1 − BC), BC = Σ √(p_i · q_i)  (the Bhattacharyya coefficient, clipped to [0, 1])
 *
 * - categorical: p, q are the shares of each value of the union;
 * - numerical: Evidently does not use `get_binned_data` here. It takes Sturges bin edges
 *   over the *distinct* values of both samples, NumPy density histograms of each sample,
 *   and BC = Σ √(p_i·q_i)·w with w = (last edge − first edge) / number of bins.
 * H is in [0, 1].
 */

import {
  countDistinctSorted,
  countValues,
  histogramCounts,
  sturgesBinEdgesFor,
  unionKeys,
  type CategoryValue,
} from './binning.ts';
import { clip, sortedCopy } from './numeric.ts';
import type { ColumnType } from './types.ts';

/** `numpy.histogram(values, bins=edges, density=True)[0]`: count / bin width / total count. */
function densityHistogram(sorted: Float64Array, edges: Float64Array): Float64Array {
  const counts = histogramCounts(sorted, edges);
  let total = 0;
  for (const c of counts) total += c;
  return counts.map((c, i) => c / (edges[i + 1]! - edges[i]!) / total);
}

/**
 * Evidently's Hellinger drift score for a column of the given type; matches
 * `_hellinger_distance(reference, current, feature_type)`. Both samples must be non-empty.
 */
export function hellingerDrift(
  reference: readonly CategoryValue[],
  current: readonly CategoryValue[],
  type: ColumnType,
): number {
  let coefficient = 0;
  if (type === 'categorical') {
    const refCounts = countValues(reference);
    const curCounts = countValues(current);
    for (const key of unionKeys(refCounts, curCounts)) {
      const p1 = (refCounts.get(key) ?? 0) / reference.length;
      const p2 = (curCounts.get(key) ?? 0) / current.length;
      coefficient += Math.sqrt(p1 * p2);
    }
  } else {
    const ref = sortedCopy(reference as readonly number[]);
    const cur = sortedCopy(current as readonly number[]);
    // Sturges on the distinct values needs only their count, minimum and maximum.
    const lo = Math.min(ref[0]!, cur[0]!);
    const hi = Math.max(ref[ref.length - 1]!, cur[cur.length - 1]!);
    const edges = sturgesBinEdgesFor(countDistinctSorted(ref, cur), lo, hi);
    const h1 = densityHistogram(ref, edges);
    const h2 = densityHistogram(cur, edges);
    const nBins = edges.length - 1;
    const binWidth = (edges[nBins]! - edges[0]!) / nBins;
    for (let i = 0; i < nBins; i++) coefficient += Math.sqrt(h1[i]! * h2[i]!) * binWidth;
  }
  return Math.sqrt(1 - clip(coefficient, 0, 1));
}
