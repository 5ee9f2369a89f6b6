import { describe, expect, it } from 'vitest';
import { comparePythonOrder, zTest } from './z-test.ts';

describe('zTest', () => {
  it('compares the share of the non-first label with a pooled variance', () => {
    // p1 = 1/2, p2 = 3/4, P = 5/8: z = −0.25 / √(5/8 · 3/8 · (1/4 + 1/4)).
    const r = zTest(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']);
    expect(r.statistic).toBeCloseTo(-0.7302967433402214, 15);
    expect(r.pValue).toBeCloseTo(0.4652088184521418, 14); // 2 * scipy.stats.norm.sf(|z|)
  });

  it('does not depend on which label is coded 1 when there are two', () => {
    expect(zTest(['b', 'b', 'a'], ['a', 'a', 'a', 'b']).pValue).toBeCloseTo(
      zTest(['x', 'x', 'y'], ['y', 'y', 'y', 'x']).pValue,
      15,
    );
  });

  it('returns p = 1 when both sides hold the same single value (Evidently)', () => {
    expect(zTest(['a', 'a'], ['a'])).toEqual({ statistic: 0, pValue: 1 });
  });

  it('gives p = 0-ish for fully different single values', () => {
    const r = zTest(Array(200).fill('a'), Array(200).fill('b'));
    expect(Math.abs(r.statistic)).toBeCloseTo(Math.sqrt(400), 10);
    expect(r.pValue).toBeLessThan(1e-80);
  });

  it('rejects empty samples', () => {
    expect(() => zTest(['a'], [])).toThrow(/non-empty/);
  });
});

describe('comparePythonOrder', () => {
  it('orders strings by code point, like Python, not by UTF-16 unit', () => {
    expect(comparePythonOrder('\uFF01', '\u{1F600}')).toBeLessThan(0);
    expect('\uFF01' < '\u{1F600}').toBe(false); // what a plain JS comparison would say
    expect(comparePythonOrder('a', 'ab')).toBeLessThan(0);
    expect(comparePythonOrder('b', 'a')).toBeGreaterThan(0);
    expect(comparePythonOrder(10, 9)).toBeGreaterThan(0);
  });
});
