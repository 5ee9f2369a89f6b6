/**
 * Small floating-point helpers shared by the drift statistics.
 *
 * Each one exists because the NumPy/SciPy code we match relies on the same
 * behaviour (banker's rounding in `np.round`, `np.ldexp`, `np.clip`), or because
 * a long sum needs compensation to stay within 1e-12 of NumPy's pairwise sum.
 */

/**
 * Rounds half to even, like `numpy.round` / Python's `round` on floats.
 * `Math.round` rounds half up, which differs at exact .5 values (e.g. 2.5 → 2 here).
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** Clamps `x` into `[lo, hi]`, like `numpy.clip` on a scalar (NaN stays NaN). */
export function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

const TWO_POW_1000 = 2 ** 1000;
const TWO_POW_MINUS_1000 = 2 ** -1000;

/**
 * `x * 2**exponent` without the intermediate overflow or underflow of `2**exponent`,
 * like C's `ldexp` / `numpy.ldexp`; used to undo the 2^±128 rescaling in the KS recursions.
 */
export function ldexp(x: number, exponent: number): number {
  let y = x;
  let e = exponent;
  while (e > 1000 && Number.isFinite(y) && y !== 0) {
    y *= TWO_POW_1000;
    e -= 1000;
  }
  while (e < -1000 && y !== 0) {
    y *= TWO_POW_MINUS_1000;
    e += 1000;
  }
  return y * 2 ** e;
}

/** Greatest common divisor of two non-negative integers. */
export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/**
 * Sum with Neumaier's compensation. NumPy sums long arrays pairwise (error ~ log2(n)·eps);
 * a naive loop drifts ~n·eps, which for two million values would eat into the 1e-9
 * agreement we promise. The compensated sum is at least as accurate as NumPy's.
 */
export function compensatedSum(values: ArrayLike<number>): number {
  let sum = 0;
  let correction = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const t = sum + v;
    correction += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + correction;
}

/**
 * Population standard deviation (ddof 0), two-pass like `numpy.std`:
 * mean first, then the mean of squared deviations.
 */
export function populationStd(values: ArrayLike<number>): number {
  const n = values.length;
  const mean = compensatedSum(values) / n;
  const squares = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    squares[i] = d * d;
  }
  return Math.sqrt(compensatedSum(squares) / n);
}

/** A sorted copy as a Float64Array (numeric order; inputs are finite numbers). */
export function sortedCopy(values: readonly number[]): Float64Array {
  const out = Float64Array.from(values);
  out.sort();
  return out;
}

/**
 * Index of the first element of `sorted` that is `> x` (side 'right') or `>= x`
 * (side 'left'), like `numpy.searchsorted`.
 */
export function searchSorted(sorted: ArrayLike<number>, x: number, side: 'left' | 'right'): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (side === 'right' ? v <= x : v < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
