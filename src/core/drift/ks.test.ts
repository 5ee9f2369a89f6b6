import { describe, expect, it } from 'vitest';
import { ksStatistic, ksTwoSample } from './ks.ts';
import { probOutsideBand, probOutsideSquare } from './ks-exact.ts';
import { kolmogorovSf } from './kolmogorov-sf.ts';
import { smirnovSf } from './smirnov.ts';

describe('ksTwoSample', () => {
  it('gives 2 / C(n1+n2, n1) for fully separated samples (the two extreme orderings)', () => {
    expect(ksTwoSample([1, 2, 3], [4, 5, 6])).toMatchObject({ statistic: 1, method: 'exact' });
    // 2/C(6,3) = 0.1; SciPy's Horner evaluation rounds to 0.09999999999999999 as we do.
    expect(ksTwoSample([1, 2, 3], [4, 5, 6]).pValue).toBe(0.09999999999999999);
    expect(ksTwoSample([1, 2], [3, 4, 5]).pValue).toBeCloseTo(2 / 10, 15);
  });

  it('is symmetric and gives p = 1 for identical samples', () => {
    expect(ksTwoSample([3, 1, 2], [2, 3, 1])).toEqual({ statistic: 0, pValue: 1, method: 'exact' });
    expect(ksTwoSample([1, 5, 9, 2], [4, 4, 8]).pValue).toBe(ksTwoSample([4, 4, 8], [1, 5, 9, 2]).pValue);
  });

  it('evaluates both empirical CDFs right-continuously at ties', () => {
    const d = ksStatistic(Float64Array.of(1, 1, 2), Float64Array.of(1, 2, 2));
    expect(d).toBeCloseTo(1 / 3, 15);
    expect(ksTwoSample([1, 1, 2], [1, 2, 2]).pValue).toBe(1);
  });

  it('switches to the asymptotic distribution above 10 000 values, as SciPy', () => {
    const big = Array.from({ length: 12000 }, (_, i) => i);
    const r = ksTwoSample(big, [0.5, 1.5, 2.5, 3.5, 4.5]);
    expect(r.method).toBe('asymp');
    expect(r.statistic).toBeCloseTo(0.9995833333333334, 15);
    // scipy.stats.ks_2samp(np.arange(12000.0), np.arange(5.0) + 0.5).pvalue
    expect(r.pValue / 2.5117348251014975e-17).toBeCloseTo(1, 12);
  });

  it('rejects empty samples', () => {
    expect(() => ksTwoSample([], [1])).toThrow(/non-empty/);
  });
});

describe('exact path counting', () => {
  it('matches brute-force enumeration of all orderings for small sizes', () => {
    // Count orderings of m x's and n y's whose max |F1 − F2| reaches h/lcm.
    const brute = (m: number, n: number, dMin: number): number => {
      let hit = 0;
      let total = 0;
      const walk = (x: number, y: number, maxGap: number): void => {
        if (x === m && y === n) {
          total++;
          if (maxGap >= dMin - 1e-12) hit++;
          return;
        }
        if (x < m) walk(x + 1, y, Math.max(maxGap, Math.abs((x + 1) / m - y / n)));
        if (y < n) walk(x, y + 1, Math.max(maxGap, Math.abs(x / m - (y + 1) / n)));
      };
      walk(0, 0, 0);
      return hit / total;
    };
    for (const [m, n] of [[3, 5], [4, 6], [5, 7], [2, 9]] as const) {
      const l = (m * n) / gcdOf(m, n);
      for (let h = 1; h <= l; h++) {
        expect(probOutsideBand(m, n, gcdOf(m, n), h)).toBeCloseTo(brute(m, n, h / l), 12);
      }
    }
    for (let h = 1; h <= 6; h++) expect(probOutsideSquare(6, h)).toBeCloseTo(brute(6, 6, h / 6), 12);
  });
});

function gcdOf(a: number, b: number): number {
  return b === 0 ? a : gcdOf(b, a % b);
}

describe('kolmogorovSf and smirnovSf closed forms', () => {
  it('uses Ruben–Gambino at the ends of the range', () => {
    expect(kolmogorovSf(1, 0.75)).toBeCloseTo(0.5, 15); // 1 − (2x − 1)
    expect(kolmogorovSf(2, 0.6)).toBeCloseTo(2 * 0.4 ** 2, 15); // 2(1 − x)^n
    expect(kolmogorovSf(10, 0.04)).toBe(1); // n·x ≤ 0.5
    expect(kolmogorovSf(10, 1)).toBe(0);
  });

  it('has the one-sided tail formulas of Smirnov', () => {
    expect(smirnovSf(1, 0.3)).toBeCloseTo(0.7, 15);
    expect(smirnovSf(2, 0.75)).toBeCloseTo(0.25 ** 2, 15);
    expect(smirnovSf(5, 0)).toBe(1);
    expect(Number.isNaN(smirnovSf(5, 1.5))).toBe(true);
  });

  it('is decreasing in x', () => {
    let last = 1;
    for (let x = 0.001; x < 1; x += 0.013) {
      const p = kolmogorovSf(300, x);
      expect(p).toBeLessThanOrEqual(last + 1e-15);
      last = p;
    }
  });
});
