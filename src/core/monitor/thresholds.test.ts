import { describe, expect, it } from 'vitest';
import { standardDeviationThresholds } from './thresholds.ts';

describe('standardDeviationThresholds (NannyML StandardDeviationThreshold + calculate_threshold_values)', () => {
  it('is mean ± 3 population std: the docstring example, data = range(10)', () => {
    const t = standardDeviationThresholds([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(t.lower).toBeCloseTo(-4.116843969807043, 12);
    expect(t.upper).toBeCloseTo(13.116843969807043, 12);
  });

  it('ignores NaN chunks, clips to the metric range, or drops a bound at the limit when asked', () => {
    expect(standardDeviationThresholds([0.9, Number.NaN, 1], { lowerLimit: 0, upperLimit: 1 })).toEqual({ lower: expect.closeTo(0.8, 12), upper: 1 });
    expect(standardDeviationThresholds([0.1, 0.5], { lowerLimit: 0, overrideWithNull: true })).toEqual({ lower: null, upper: expect.closeTo(0.9, 12) });
    expect(standardDeviationThresholds([1, 2], { lowerMultiplier: null })).toEqual({ lower: null, upper: 3 });
  });
});
