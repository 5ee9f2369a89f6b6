/**
 * Two-proportion z-test, as Evidently's `z` stat test
 * (`evidently/legacy/calculations/stattests/z_stattest.py: _z_stat_test`):
 *
 * - if both samples hold one and the same single value, p = 1 (nothing can differ);
 * - otherwise the smallest value of the union (Python `sorted` order) is coded 0 and every
 *   other value 1; p1, p2 are the shares of 1s, P the pooled share, and
 *   z = (p1 − p2) / √(P(1 − P)(1/n1 + 1/n2)), two-sided p = 2·(1 − Φ(|z|)).
 *
 * We compute the tail as erfc(|z|/√2) instead of 1 − Φ(|z|); the two agree to ~1e-16
 * absolute, and ours keeps its relative precision for |z| > 8 where 1 − Φ rounds to 0.
 */

import type { CategoryValue } from './binning.ts';
import { normalTwoSidedP } from './special-functions.ts';

/** z statistic and two-sided p-value. */
export interface ZTestResult {
  readonly statistic: number;
  readonly pValue: number;
}

/** Orders values like Python's `sorted`: numbers numerically, strings by code point. */
export function comparePythonOrder(a: CategoryValue, b: CategoryValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const sa = String(a);
  const sb = String(b);
  // JS compares UTF-16 code units; Python compares code points. They differ only when a
  // surrogate pair meets a BMP character above U+D7FF, so compare code points explicitly.
  const ia = sa[Symbol.iterator]();
  const ib = sb[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done && cb.done ? 0 : ca.done ? -1 : 1;
    const pa = ca.value.codePointAt(0)!;
    const pb = cb.value.codePointAt(0)!;
    if (pa !== pb) return pa - pb;
  }
}

/**
 * Evidently's two-proportion z-test; matches `_z_stat_test` (p-value) to ~1e-16 absolute.
 * Both samples must be non-empty. Returns statistic 0 and p = 1 in the degenerate case.
 */
export function zTest(reference: readonly CategoryValue[], current: readonly CategoryValue[]): ZTestResult {
  if (reference.length === 0 || current.length === 0) {
    throw new Error('z: both samples must be non-empty');
  }
  const distinct = new Set<CategoryValue>(reference);
  for (const v of current) distinct.add(v);
  if (distinct.size === 1) return { statistic: 0, pValue: 1 };
  const first = [...distinct].sort(comparePythonOrder)[0]!;
  const n1 = reference.length;
  const n2 = current.length;
  let ones1 = 0;
  for (const v of reference) if (v !== first) ones1++;
  let ones2 = 0;
  for (const v of current) if (v !== first) ones2++;
  const p1 = ones1 / n1;
  const p2 = ones2 / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const statistic = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
  return { statistic, pValue: normalTwoSidedP(statistic) };
}
