import { describe, expect, it } from 'vitest';
import { niceTicks, percentDecimals, shortLabel } from './chart-scale';

describe('niceTicks', () => {
  it.each([
    [0.063, [0, 0.02, 0.04, 0.06, 0.08]],
    [0.5, [0, 0.1, 0.2, 0.3, 0.4, 0.5]],
    [0.22, [0, 0.05, 0.1, 0.15, 0.2, 0.25]],
    [1, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [0.012, [0, 0.0025, 0.005, 0.0075, 0.01, 0.0125]],
    [37, [0, 10, 20, 30, 40]],
  ])('max %f → %j', (max, expected) => {
    expect(niceTicks(max)).toEqual(expected);
  });
  it('covers the maximum and starts at zero', () => {
    for (const max of [0.001, 0.0333, 0.7, 3.3, 99, 12345]) {
      const t = niceTicks(max);
      expect(t[0]).toBe(0);
      expect(t[t.length - 1]!).toBeGreaterThanOrEqual(max);
      expect(t.length).toBeLessThanOrEqual(7);
    }
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});

describe('percentDecimals and shortLabel', () => {
  it('shows as many decimals as the step needs', () => {
    expect(percentDecimals([0, 0.02])).toBe(0);
    expect(percentDecimals([0, 0.01])).toBe(0);
    expect(percentDecimals([0, 0.1])).toBe(0);
    expect(percentDecimals([0, 0.0025])).toBe(2);
    expect(percentDecimals([0, 0.05])).toBe(0);
    expect(percentDecimals([0, 0.025])).toBe(1);
  });
  it('cuts long category names', () => {
    expect(shortLabel('short')).toBe('short');
    expect(shortLabel('a very long category name')).toBe('a very long c…');
  });
});
