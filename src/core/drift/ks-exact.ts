/**
 * Exact null distribution of the two-sided two-sample Kolmogorov–Smirnov statistic,
 * ported from SciPy 1.10 (`scipy/stats/_stats_py.py: _attempt_exact_2kssamp,
 * _compute_prob_outside_square` and `scipy/stats/_stats_pythran.py:
 * _compute_outer_prob_inside_method`).
 *
 * The statistic D = max |F1 − F2| only takes values h / lcm(n1, n2). Under the null every
 * ordering of the pooled sample is equally likely, i.e. every monotone lattice path from
 * (0, 0) to (n1, n2); P(D ≥ h/lcm) is the share of paths that touch either diagonal line
 * |x/n1 − y/n2| = h/lcm (Hodges 1958, "The significance probability of the Smirnov
 * two-sample test", Arkiv för Matematik 3, 469–486).
 *
 * - n1 = n2 = n: a closed form by reflection, 2·Σ_k (−1)^k C(2n, n − k·h) / C(2n, n),
 *   evaluated Horner-style on ratios so nothing overflows or cancels catastrophically.
 * - n1 ≠ n2: Hodges' "inside method" column by column, but recursing on the probability of
 *   having left the band rather than on path counts (Viehmann 2021, arXiv:2102.08037), so
 *   every cell stays in [0, 1]; only a sliding window of one column is kept.
 */

import { gcd, roundHalfEven } from './numeric.ts';

/** P(D_{n,n} ≥ h/n) for two samples of equal size n; 0 < h ≤ n. */
export function probOutsideSquare(n: number, h: number): number {
  // Each term C(2n, n − k·h) / C(2n, n) is a product of h ratios times the previous one,
  // so the alternating sum becomes P = 2·A0·(1 − A1·(1 − A2·(1 − …))) (SciPy's comment).
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) {
      p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    }
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * Share of lattice paths from (0,0) to (m,n) that leave the open band
 * |x/m − y/n| < h/lcm(m, n); `g` = gcd(m, n). Symmetric in m and n.
 */
export function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  // A(x, y) is the probability that a path through (x, y) has already left the band.
  const a = new Float64Array(lenA).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (a[jj + minj - lastminj]! * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      // Cells that slid out of the window are outside the band: probability 1.
      a.fill(1, maxj - minj, Math.min(maxj - minj + (lastlen - curlen), lenA));
    }
  }
  return a[maxj - minj - 1]!;
}

/** Outcome of the exact attempt: the statistic snapped to the lattice, and its p-value. */
export interface ExactKsAttempt {
  /** D rounded to the nearest attainable value h / lcm(n1, n2). */
  readonly statistic: number;
  /** P(D ≥ statistic), or NaN when the computation left [0, 1] (caller falls back). */
  readonly pValue: number;
  readonly ok: boolean;
}

/**
 * Exact two-sided p-value of the two-sample KS statistic `d` for sample sizes n1, n2,
 * matching `scipy.stats._stats_py._attempt_exact_2kssamp(n1, n2, g, d, 'two-sided')`:
 * `d` is first snapped to h/lcm with h = round(d·lcm); the attempt fails (ok = false)
 * if rounding pushed the probability outside [0, 1], as SciPy then switches to 'asymp'.
 */
export function attemptExactKs(n1: number, n2: number, d: number): ExactKsAttempt {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const statistic = h / lcm;
  if (h === 0) return { statistic, pValue: 1, ok: true };
  const prob = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
  if (!(prob >= 0 && prob <= 1)) return { statistic, pValue: prob, ok: false };
  return { statistic, pValue: prob, ok: true };
}
