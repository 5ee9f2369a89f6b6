import { describe, expect, it } from 'vitest';
import { rebin } from './profile-drift.ts';

describe('rebin', () => {
  it('spreads each bin evenly over the target bins it overlaps, with one bin below and one above', () => {
    // [0,2) holds 4: half in [0,1), half in [1,3); [2,4] holds 6: half in [1,3), half above 3.
    expect(rebin([0, 2, 4], [4, 6], [0, 1, 3])).toEqual([0, 2, 5, 3]);
  });

  it('moves a one-point bin (min = max) whole, and keeps every count', () => {
    expect(rebin([5, 5], [7], [0, 1, 3])).toEqual([0, 0, 0, 7]);
    expect(rebin([-2, -2], [7], [0, 1, 3])).toEqual([7, 0, 0, 0]);
    // The last target bin is closed: its upper edge belongs to it, not above it.
    expect(rebin([3, 3], [2], [0, 1, 3])).toEqual([0, 0, 2, 0]);
    const out = rebin([-10, -3, 0.5, 2.2, 9], [3, 5, 11, 2], [0, 1, 2, 3]);
    expect(out.reduce((s, n) => s + n, 0)).toBeCloseTo(21, 12);
  });
});
