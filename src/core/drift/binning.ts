/**
 * Turning two samples into comparable shares, as Evidently's distance tests do
 * (`evidently/legacy/calculations/stattests/utils.py: get_binned_data`), with NumPy's
 * `histogram_bin_edges(…, bins='sturges')` and `histogram` reproduced exactly so that
 * bin membership — and therefore every share — is bit-for-bit the same.
 */

import type { ColumnType } from './types.ts';
import { searchSorted, sortedCopy } from './numeric.ts';

/** A category value: strings for categorical columns, numbers when a numerical column is counted. */
export type CategoryValue = string | number;

/**
 * Bin edges like `numpy.histogram_bin_edges(values, bins='sturges')` (NumPy 1.24):
 * width = ptp / (log2(n) + 1), ⌈range / width⌉ equal bins spanning [min, max] (widened by
 * ±0.5 when min = max), edges from `np.linspace` (i·step + start, last edge = max).
 * `values` must be non-empty and finite.
 */
export function sturgesBinEdges(values: ArrayLike<number>): Float64Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return sturgesBinEdgesFor(values.length, lo, hi);
}

/** {@link sturgesBinEdges} from the sample's size, minimum and maximum, which is all it uses. */
export function sturgesBinEdgesFor(size: number, lo: number, hi: number): Float64Array {
  const width = (hi - lo) / (Math.log2(size) + 1);
  let first = lo;
  let last = hi;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const nBins = width ? Math.ceil((last - first) / width) : 1;
  const edges = new Float64Array(nBins + 1);
  const delta = last - first;
  const step = delta / nBins;
  for (let i = 0; i <= nBins; i++) {
    edges[i] = (step === 0 ? (i / nBins) * delta : i * step) + first;
  }
  edges[nBins] = last;
  return edges;
}

/**
 * Counts per bin like `numpy.histogram(values, bins=edges)[0]`: bins are [e_i, e_{i+1})
 * except the last, which is closed; values outside [e_0, e_last] are not counted.
 */
export function histogramCounts(sortedValues: Float64Array, edges: Float64Array): Float64Array {
  const nBins = edges.length - 1;
  const counts = new Float64Array(nBins);
  let previous = searchSorted(sortedValues, edges[0]!, 'left');
  for (let i = 0; i < nBins; i++) {
    const side = i === nBins - 1 ? 'right' : 'left';
    const next = searchSorted(sortedValues, edges[i + 1]!, side);
    counts[i] = next - previous;
    previous = next;
  }
  return counts;
}

/** Value counts in first-seen order (reference first), like `Series.value_counts()` keyed by value. */
export function countValues(values: readonly CategoryValue[]): Map<CategoryValue, number> {
  const counts = new Map<CategoryValue, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/**
 * Whether `values` holds more than `limit` distinct values; stops as soon as it knows, so
 * the "> 20 distinct" and "> 5 distinct" checks stay cheap on million-row columns.
 */
export function hasMoreDistinctThan(values: readonly CategoryValue[], limit: number, more: readonly CategoryValue[] = []): boolean {
  const seen = new Set<CategoryValue>();
  for (const list of [values, more]) {
    for (const v of list) {
      seen.add(v);
      if (seen.size > limit) return true;
    }
  }
  return false;
}

/** Number of distinct values in two sorted arrays taken together. */
export function countDistinctSorted(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let count = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    count++;
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
  }
  return count;
}

/** The union of distinct values of both samples, reference values first. */
export function unionKeys(
  reference: Map<CategoryValue, number>,
  current: Map<CategoryValue, number>,
): CategoryValue[] {
  const keys = [...reference.keys()];
  for (const k of current.keys()) if (!reference.has(k)) keys.push(k);
  return keys;
}

/** Shares of the reference and current samples over the same bins or categories. */
export interface BinnedShares {
  readonly reference: Float64Array;
  readonly current: Float64Array;
}

/**
 * Evidently's `get_binned_data(reference, current, feature_type, n, feel_zeroes)`:
 * - numerical with more than 20 distinct reference values: shares of each sample in the
 *   Sturges bins of reference and current concatenated;
 * - otherwise: the share of each distinct value over the union of values.
 * With `fillZeroes` (Evidently's `feel_zeroes`, used by psi and kl_div), zero shares in
 * each array become min(nonzero share)/10^6 if that minimum is ≤ 0.0001, else 0.0001.
 */
export function binnedShares(
  reference: readonly CategoryValue[],
  current: readonly CategoryValue[],
  type: ColumnType,
  fillZeroes: boolean,
): BinnedShares {
  let refShares: Float64Array;
  let curShares: Float64Array;
  if (type === 'numerical' && hasMoreDistinctThan(reference, 20)) {
    const ref = sortedCopy(reference as readonly number[]);
    const cur = sortedCopy(current as readonly number[]);
    // Sturges over the concatenation needs only its size, minimum and maximum.
    const lo = Math.min(ref[0]!, cur[0]!);
    const hi = Math.max(ref[ref.length - 1]!, cur[cur.length - 1]!);
    const edges = sturgesBinEdgesFor(ref.length + cur.length, lo, hi);
    refShares = histogramCounts(ref, edges).map((c) => c / ref.length);
    curShares = histogramCounts(cur, edges).map((c) => c / cur.length);
  } else {
    const refCounts = countValues(reference);
    const curCounts = countValues(current);
    const keys = unionKeys(refCounts, curCounts);
    refShares = Float64Array.from(keys, (k) => (refCounts.get(k) ?? 0) / reference.length);
    curShares = Float64Array.from(keys, (k) => (curCounts.get(k) ?? 0) / current.length);
  }
  if (fillZeroes) {
    fillZeroShares(refShares);
    fillZeroShares(curShares);
  }
  return { reference: refShares, current: curShares };
}

function fillZeroShares(shares: Float64Array): void {
  let minNonZero = Number.POSITIVE_INFINITY;
  for (const s of shares) if (s !== 0 && s < minNonZero) minNonZero = s;
  const replacement = minNonZero <= 0.0001 ? minNonZero / 10 ** 6 : 0.0001;
  for (let i = 0; i < shares.length; i++) if (shares[i] === 0) shares[i] = replacement;
}
