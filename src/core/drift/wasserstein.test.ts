import { describe, expect, it } from 'vitest';
import { wassersteinDistance, wassersteinDistanceNorm } from './wasserstein.ts';

describe('wassersteinDistance', () => {
  it('is the shift between two translated samples', () => {
    expect(wassersteinDistance([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 15);
    expect(wassersteinDistance([5, 6, 8], [0, 1, 3])).toBeCloseTo(5, 15);
  });

  it('is zero for the same distribution, whatever the sample sizes', () => {
    expect(wassersteinDistance([1, 2, 3], [3, 2, 1, 1, 2, 3])).toBe(0);
  });

  it('integrates |U − V| between unequal samples', () => {
    // U jumps to 1 at 0; V is ½ on [0, 1): area ½.
    expect(wassersteinDistance([0, 0], [0, 1])).toBeCloseTo(0.5, 15);
  });
});

describe('wassersteinDistanceNorm', () => {
  it('divides by the reference population standard deviation', () => {
    const std = Math.sqrt(42 / 27); // of [0, 1, 3], ddof 0
    expect(wassersteinDistanceNorm([0, 1, 3], [5, 6, 8])).toBeCloseTo(5 / std, 14);
  });

  it('floors the divisor at 0.001 for a constant reference', () => {
    expect(wassersteinDistanceNorm([2, 2, 2], [2, 2, 3])).toBeCloseTo(1 / 3 / 0.001, 9);
  });
});
