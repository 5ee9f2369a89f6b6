import { describe, expect, it } from 'vitest';
import { chiSquareTest } from './chisquare.ts';

describe('chiSquareTest', () => {
  it('scales reference counts to the current size', () => {
    // f_exp = [2, 2], f_obs = [3, 1]: statistic 1 with 1 degree of freedom.
    const r = chiSquareTest(['a', 'a', 'b', 'b'], ['a', 'a', 'a', 'b']);
    expect(r.statistic).toBeCloseTo(1, 15);
    expect(r.dof).toBe(1);
    expect(r.pValue).toBeCloseTo(0.31731050786291115, 14);
    // Doubling the current sample doubles f_exp too: same proportions, statistic doubles.
    const r2 = chiSquareTest(['a', 'a', 'b', 'b'], ['a', 'a', 'a', 'b', 'a', 'a', 'a', 'b']);
    expect(r2.statistic).toBeCloseTo(2, 15);
  });

  it('gives p = 1 when the proportions agree', () => {
    expect(chiSquareTest(['x', 'y', 'z'], ['z', 'y', 'x', 'x', 'y', 'z']).pValue).toBe(1);
  });

  it('treats a category unseen in the reference as infinitely surprising, as SciPy', () => {
    const r = chiSquareTest(['a', 'b'], ['a', 'c']);
    expect(r.statistic).toBe(Number.POSITIVE_INFINITY);
    expect(r.pValue).toBe(0);
    expect(r.dof).toBe(2);
  });

  it('returns p = 1 (not SciPy NaN) for a single category', () => {
    expect(chiSquareTest(['a', 'a'], ['a'])).toEqual({ statistic: 0, pValue: 1, dof: 0 });
  });

  it('counts numbers as categories', () => {
    expect(chiSquareTest([1, 1, 2, 2], [1, 1, 1, 2]).statistic).toBeCloseTo(1, 15);
  });

  it('rejects empty samples', () => {
    expect(() => chiSquareTest([], ['a'])).toThrow(/non-empty/);
  });
});
