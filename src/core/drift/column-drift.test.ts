import { describe, expect, it } from 'vitest';
import { detectColumnDrift } from './column-drift.ts';
import { ksTwoSample } from './ks.ts';

const range = (n: number, f: (i: number) => number = (i) => i): number[] => Array.from({ length: n }, (_, i) => f(i));

describe('default test selection (Evidently)', () => {
  it('uses ks for numerical columns with more than 5 values and a small reference', () => {
    expect(detectColumnDrift(range(10), range(10), { type: 'numerical' }).test).toBe('ks');
  });

  it('uses chisquare for 3–5 values and z for at most 2, also for numerical columns', () => {
    expect(detectColumnDrift(range(10, (i) => i % 5), [0, 1], { type: 'numerical' }).test).toBe('chisquare');
    expect(detectColumnDrift(['a', 'b'], ['c'], { type: 'categorical' }).test).toBe('chisquare');
    expect(detectColumnDrift(['a', 'b'], ['a'], { type: 'categorical' }).test).toBe('z');
    expect(detectColumnDrift([1, 1], [2], { type: 'numerical' }).test).toBe('z');
  });

  it('counts distinct values over reference and current together', () => {
    expect(detectColumnDrift([1, 2, 3], [4, 5, 6], { type: 'numerical' }).test).toBe('ks');
  });

  it('switches to distances above 1000 reference rows', () => {
    expect(detectColumnDrift(range(1001), range(10), { type: 'numerical' }).test).toBe('wasserstein');
    expect(detectColumnDrift(range(1001, (i) => i % 5), [0, 1], { type: 'numerical' }).test).toBe('jensenshannon');
    expect(detectColumnDrift(range(1001).map(String), ['1'], { type: 'categorical' }).test).toBe('jensenshannon');
    expect(detectColumnDrift(range(1000), range(10), { type: 'numerical' }).test).toBe('ks');
  });
});

describe('verdicts and thresholds', () => {
  it('reports kind, default threshold and drift for p-value tests', () => {
    const r = detectColumnDrift([1, 2, 3, 4, 5, 6, 7], [11, 12, 13, 14, 15, 16, 17], { type: 'numerical' });
    expect(r).toMatchObject({ test: 'ks', kind: 'p_value', threshold: 0.05, drifted: true });
    expect(detectColumnDrift(range(7), range(7), { type: 'numerical' }).drifted).toBe(false);
  });

  it('drifts at p ≤ threshold for ks but only at p < threshold for chisquare and z', () => {
    const p = ksTwoSample([1, 2, 3], [4, 5, 6]).pValue;
    expect(detectColumnDrift([1, 2, 3], [4, 5, 6], { type: 'numerical', test: 'ks', threshold: p }).drifted).toBe(true);
    const chi = detectColumnDrift(['a', 'b', 'c'], ['a', 'a', 'c'], { type: 'categorical' });
    expect(chi.test).toBe('chisquare');
    expect(detectColumnDrift(['a', 'b', 'c'], ['a', 'a', 'c'], { type: 'categorical', threshold: chi.score }).drifted).toBe(false);
  });

  it('drifts at distance ≥ threshold', () => {
    const r = detectColumnDrift([0, 1, 3], [5, 6, 8], { type: 'numerical', test: 'wasserstein' });
    expect(r).toMatchObject({ kind: 'distance', threshold: 0.1, drifted: true });
    const same = detectColumnDrift(['a', 'b'], ['a', 'b'], { type: 'categorical', test: 'psi', threshold: 0 });
    expect(same).toMatchObject({ score: 0, drifted: true });
  });

  it('lets any test valid for the type override the default', () => {
    for (const test of ['jensenshannon', 'psi', 'kl_div', 'hellinger', 'chisquare', 'z']) {
      expect(detectColumnDrift(['a', 'b'], ['b', 'c'], { type: 'categorical', test }).test).toBe(test);
    }
    for (const test of ['ks', 'wasserstein', 'jensenshannon', 'psi', 'kl_div', 'hellinger']) {
      expect(detectColumnDrift([1, 2], [2, 3], { type: 'numerical', test }).test).toBe(test);
    }
  });
});

describe('bad input', () => {
  it('names the column and the empty side', () => {
    expect(() => detectColumnDrift([], [1], { type: 'numerical', name: 'age' })).toThrow(
      'column "age": reference has no values',
    );
    expect(() => detectColumnDrift(['a'], [], { type: 'categorical', name: 'city' })).toThrow(
      'column "city": current has no values',
    );
  });

  it('rejects missing or mistyped values', () => {
    expect(() => detectColumnDrift([1, Number.NaN], [1], { type: 'numerical', name: 'x' })).toThrow(
      /column "x": reference value #1 is number NaN, expected a finite number/,
    );
    expect(() => detectColumnDrift(['a'], ['b', 3 as unknown as string], { type: 'categorical', name: 'c' })).toThrow(
      /column "c": current value #1 is number 3, expected a string/,
    );
  });

  it('rejects unknown tests and tests not valid for the column type', () => {
    expect(() => detectColumnDrift([1], [2], { type: 'numerical', name: 'x', test: 'anderson' })).toThrow(
      /column "x": unknown drift test "anderson"; use one of ks, chisquare/,
    );
    expect(() => detectColumnDrift(['a'], ['b'], { type: 'categorical', name: 'c', test: 'ks' })).toThrow(
      'column "c": test "ks" works on numerical columns, but this column is categorical',
    );
    expect(() => detectColumnDrift([1], [2], { type: 'numerical', name: 'x', test: 'chisquare' })).toThrow(
      /works on categorical columns/,
    );
  });

  it('rejects bad thresholds and column types', () => {
    expect(() => detectColumnDrift([1], [2], { type: 'numerical', name: 'x', threshold: -1 })).toThrow(
      /column "x": threshold must be a finite number/,
    );
    expect(() => detectColumnDrift([1], [2], { type: 'text' as 'numerical', name: 't' })).toThrow(
      /column "t": unknown column type "text"/,
    );
  });
});

describe('numeric categories', () => {
  it('accepts numbers as categories and orders them as numbers in z (2 before 10)', () => {
    // As strings, "10" would sort first and be coded 0; as numbers 2 is coded 0.
    const ref = [2, 10, 10, 30, 30, 30];
    const cur = [2, 2, 2, 10, 30, 30];
    const asNumbers = detectColumnDrift(ref, cur, { type: 'categorical', test: 'z' });
    const asText = detectColumnDrift(ref.map(String), cur.map(String), { type: 'categorical', test: 'z' });
    expect(asNumbers.score).not.toBeCloseTo(asText.score, 6);
    // p for 1 of 6 vs 3 of 6 coded 0, computed by hand: z = (5/6 − 3/6) / √(P(1−P)(1/6+1/6)), P = 8/12.
    const pooled = 8 / 12;
    const z = (5 / 6 - 3 / 6) / Math.sqrt(pooled * (1 - pooled) * (2 / 6));
    expect(asNumbers.score).toBeCloseTo(2 * (1 - 0.5 * (1 + erf(z / Math.SQRT2))), 12);
  });

  it('refuses numbers on one side and strings on the other', () => {
    expect(() => detectColumnDrift([1, 2], ['1', '2'], { type: 'categorical', name: 'c' })).toThrow(/column "c".*numbers.*strings/);
  });
});

/** erf by its Maclaurin series; plenty for |x| < 2 at 1e-12. */
function erf(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 60; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
