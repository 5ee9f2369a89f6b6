/**
 * Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic,
 * P(D_n ≥ x) — `scipy.stats.kstwo.sf(x, n)`, i.e. SciPy 1.10
 * `scipy/stats/_ksstats.py: _kolmogn(n, x, cdf=False)`, ported line by line.
 *
 * `ks_2samp` uses it for its asymptotic p-value, kstwo.sf(D, round(n1·n2/(n1+n2))).
 * No single method is accurate and fast everywhere, so it follows the decision rules of
 * Simard & L'Ecuyer (2011, "Computing the two-sided Kolmogorov–Smirnov distribution",
 * J. Stat. Software 39(11)):
 *
 * - n·x ≤ 1 or n·x ≥ n − 1: closed forms of Ruben & Gambino (1982).
 * - x ≥ 0.5: exactly 2·smirnov(n, x) (the one-sided tails cannot both be crossed).
 * - n ≤ 140: Durbin's matrix (n·x² ≤ 0.754693), Pomeranz (≤ 4), else 2·smirnov(n, x).
 * - n > 140, upper tail: 0 for n·x² ≥ 370, 2·smirnov(n, x) for n·x² ≥ 2.2.
 * - otherwise 1 − CDF, with the CDF from Durbin's matrix (n ≤ 10^5 and n·x^1.5 ≤ 1.4)
 *   or the Pelz–Good asymptotic series (Pelz & Good 1976, JRSS B 38(2), 152–156).
 */

import { kolmogorovCdfDurbin, kolmogorovCdfPomeranz } from './kolmogorov-cdf-exact.ts';
import { clip } from './numeric.ts';
import { smirnovSf } from './smirnov.ts';

const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const SQRT3 = Math.sqrt(3);
const MIN_LOG = -708;
const STIRLING = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
  8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
  -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];

/** ln(n! / n^n) by Stirling with n·ln n removed up front (SciPy `_log_nfactorial_div_n_pow_n`). */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** P(D_n ≤ x) by the Pelz–Good series (SciPy `_kolmogn_PelzGood`, cdf=True). */
export function kolmogorovCdfPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qlog = -PI_SQUARED / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);

  const k1a = -z2;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * z2)) / 16;
  const k3d = (PI_SIX * (5 - 30 * z2)) / 64;
  const k3c = (PI_FOUR * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI_SQUARED * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;

  // Horner over the odd terms of Σ c_i q^(i²).
  const terms = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m ** 2;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qpower = Math.pow(q, 8 * k);
    const coeffs = [
      1,
      k1a + k1b * m2,
      k2a + k2b * m2 + k2c * m4,
      k3a + k3b * m2 + k3c * m4 + k3d * m6,
    ];
    for (let i = 0; i < 4; i++) terms[i] = terms[i]! * qpower + coeffs[i]!;
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) terms[i] = (terms[i]! * q * SQRT_2PI) / divisors[i]!;

  // The remaining sums over all k for K2 and K3.
  q = Math.exp(-PI_SQUARED / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = SQRT3 * z;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qp = Math.pow(q, k2);
    const kpi = Math.PI * k;
    k2extra += k2 * qp;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qp;
  }
  terms[2] = terms[2]! + (k2extra * PI_SQUARED * SQRT_2PI) / (-36 * z3);
  terms[3] = terms[3]! + (k3extra * PI_SQUARED * SQRT_2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += terms[i]! / Math.pow(n, i / 2);
  return sum;
}

/**
 * P(D_n ≥ x) for the two-sided one-sample KS statistic with integer n ≥ 1 and x in
 * [0, 1]; matches `scipy.stats.kstwo.sf(x, n)` (SciPy's `_kolmogn(n, x, cdf=False)`).
 */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - prob, 0, 1);
  }
  if (t >= n - 1) return clip(2 * Math.pow(1 - x, n), 0, 1);
  if (x >= 0.5) return clip(2 * smirnovSf(n, x), 0, 1);

  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip(1 - kolmogorovCdfDurbin(n, x), 0, 1);
    if (nxSquared <= 4) return clip(1 - kolmogorovCdfPomeranz(n, x), 0, 1);
    return clip(2 * smirnovSf(n, x), 0, 1);
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip(2 * smirnovSf(n, x), 0, 1);
  let cdf: number;
  if (nxSquared >= 18) cdf = 1;
  else if (n <= 100000 && n * x ** 1.5 <= 1.4) cdf = kolmogorovCdfDurbin(n, x);
  else cdf = kolmogorovCdfPelzGood(n, x);
  return clip(1 - cdf, 0, 1);
}
