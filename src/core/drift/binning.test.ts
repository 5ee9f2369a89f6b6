import { describe, expect, it } from 'vitest';
import { binnedShares, countDistinctSorted, hasMoreDistinctThan, histogramCounts, sturgesBinEdges } from './binning.ts';

describe('sturgesBinEdges', () => {
  it('uses ⌈range / (ptp / (log2 n + 1))⌉ equal bins, as numpy', () => {
    // numpy.histogram_bin_edges(np.arange(10.0), bins='sturges')
    expect([...sturgesBinEdges(Float64Array.from({ length: 10 }, (_, i) => i))]).toEqual([0, 1.8, 3.6, 5.4, 7.2, 9]);
  });

  it('widens a constant sample by ±0.5 into one bin', () => {
    expect([...sturgesBinEdges([4, 4, 4])]).toEqual([3.5, 4.5]);
  });
});

describe('histogramCounts', () => {
  it('uses half-open bins except the last one, which is closed', () => {
    const counts = histogramCounts(Float64Array.of(0, 1, 1, 2, 3, 3), Float64Array.of(0, 1, 2, 3));
    expect([...counts]).toEqual([1, 2, 3]);
  });

  it('ignores values outside the edges', () => {
    expect([...histogramCounts(Float64Array.of(-1, 0.5, 9), Float64Array.of(0, 1))]).toEqual([1]);
  });
});

describe('binnedShares', () => {
  it('uses value shares over the union when the reference has ≤ 20 distinct values', () => {
    const s = binnedShares(['a', 'a', 'b', 'b'], ['a', 'c'], 'categorical', false);
    expect([...s.reference]).toEqual([0.5, 0.5, 0]);
    expect([...s.current]).toEqual([0.5, 0, 0.5]);
  });

  it('replaces zero shares by 0.0001, or min/10^6 when the smallest share is ≤ 0.0001', () => {
    const s = binnedShares(['a', 'a', 'b', 'b'], ['a', 'c'], 'categorical', true);
    expect([...s.reference]).toEqual([0.5, 0.5, 0.0001]);
    expect([...s.current]).toEqual([0.5, 0.0001, 0.5]);
    const many = Array.from({ length: 20000 }, (_, i) => (i === 0 ? 'rare' : 'common'));
    const t = binnedShares(many, ['common', 'new'], 'categorical', true);
    expect(t.reference[2]).toBeCloseTo(1 / 20000 / 1e6, 20);
  });

  it('bins numerical columns with more than 20 distinct reference values', () => {
    const ref = Array.from({ length: 21 }, (_, i) => i);
    const s = binnedShares(ref, [0, 20], 'numerical', false);
    // 23 values → Sturges gives ⌈log2 23 + 1⌉ = 6 bins over [0, 20].
    expect(s.reference.length).toBe(6);
    expect(s.current[0]).toBe(0.5);
    expect(s.current[5]).toBe(0.5);
    expect(s.reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
  });

  it('treats a numerical column with ≤ 20 distinct reference values as categories', () => {
    const s = binnedShares([1, 1, 2], [2, 3], 'numerical', false);
    expect(s.reference.length).toBe(3);
  });
});

describe('distinct-value helpers', () => {
  it('answers "more than k distinct" over one or two samples', () => {
    expect(hasMoreDistinctThan([1, 1, 2, 2, 3], 2)).toBe(true);
    expect(hasMoreDistinctThan([1, 1, 2, 2], 2)).toBe(false);
    expect(hasMoreDistinctThan(['a', 'b'], 2, ['b', 'c'])).toBe(true);
  });

  it('counts distinct values of two sorted arrays together', () => {
    expect(countDistinctSorted(Float64Array.of(1, 1, 2, 5), Float64Array.of(2, 3, 5, 5))).toBe(4);
    expect(countDistinctSorted(Float64Array.of(7), Float64Array.of(7, 7))).toBe(1);
  });
});
