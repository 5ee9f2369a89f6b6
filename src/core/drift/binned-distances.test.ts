import { describe, expect, it } from 'vitest';
import {
  jensenShannonDistance,
  jensenShannonDrift,
  klDivDrift,
  klDivergence,
  populationStabilityIndex,
  psiDrift,
} from './binned-distances.ts';
import { hellingerDrift } from './hellinger.ts';

describe('distances on shares', () => {
  it('Jensen–Shannon uses the natural log: √ln 2 for disjoint supports', () => {
    expect(jensenShannonDistance(Float64Array.of(1, 0), Float64Array.of(0, 1))).toBeCloseTo(Math.sqrt(Math.LN2), 15);
    expect(jensenShannonDistance(Float64Array.of(2, 2), Float64Array.of(1, 1))).toBe(0);
  });

  it('KL normalises both arguments, as scipy.stats.entropy', () => {
    const expected = 0.25 * Math.log(0.25 / 0.5) + 0.75 * Math.log(0.75 / 0.5);
    expect(klDivergence(Float64Array.of(1, 3), Float64Array.of(5, 5))).toBeCloseTo(expected, 15);
  });

  it('PSI is Σ (r − c) ln(r / c) on the raw shares', () => {
    const expected = (0.5 - 0.9) * Math.log(0.5 / 0.9) + (0.5 - 0.1) * Math.log(0.5 / 0.1);
    expect(populationStabilityIndex(Float64Array.of(0.5, 0.5), Float64Array.of(0.9, 0.1))).toBeCloseTo(expected, 15);
  });
});

describe('Evidently drift scores', () => {
  const ref = ['a', 'a', 'b', 'b'];
  const cur = ['a', 'a', 'a', 'a'];

  it('fill zero shares with 0.0001 for psi and kl_div but not for jensenshannon', () => {
    // current shares [1, 0] → [1, 0.0001]
    expect(psiDrift(ref, cur, 'categorical')).toBeCloseTo(
      (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - 0.0001) * Math.log(0.5 / 0.0001),
      14,
    );
    const q = [1 / 1.0001, 0.0001 / 1.0001];
    expect(klDivDrift(ref, cur, 'categorical')).toBeCloseTo(0.5 * Math.log(0.5 / q[0]!) + 0.5 * Math.log(0.5 / q[1]!), 14);
    const m = [0.75, 0.25];
    const js = Math.sqrt((0.5 * Math.log(0.5 / m[0]!) + 0.5 * Math.log(0.5 / m[1]!) + Math.log(1 / m[0]!)) / 2);
    expect(jensenShannonDrift(ref, cur, 'categorical')).toBeCloseTo(js, 14);
  });

  it('hellinger is 0 for equal and 1 for disjoint categorical distributions', () => {
    expect(hellingerDrift(['a', 'b'], ['b', 'a', 'a', 'b'], 'categorical')).toBe(0);
    expect(hellingerDrift(['a', 'a'], ['b'], 'categorical')).toBe(1);
    // √(1 − (√(½·1) + 0)) for shares [½, ½] vs [1, 0]
    expect(hellingerDrift(ref, cur, 'categorical')).toBeCloseTo(Math.sqrt(1 - Math.sqrt(0.5)), 15);
  });

  it('hellinger bins numerical columns on the distinct values with density histograms', () => {
    expect(hellingerDrift([1, 2, 3, 4], [4, 3, 2, 1], 'numerical')).toBeCloseTo(0, 7);
    expect(hellingerDrift([5, 5, 5], [5], 'numerical')).toBe(0);
    expect(hellingerDrift([0, 0, 0], [10, 10], 'numerical')).toBe(1);
  });
});
