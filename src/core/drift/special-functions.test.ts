import { describe, expect, it } from 'vitest';
import { chiSquareSf, logGamma, normalTwoSidedP, regularizedGammaQ, stirlingRemainder } from './special-functions.ts';

describe('logGamma', () => {
  it('matches factorials and Γ(½) = √π', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 14);
    expect(logGamma(1)).toBeCloseTo(0, 15);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    let lf = 0;
    for (let k = 2; k <= 30; k++) lf += Math.log(k);
    expect(logGamma(31) / lf).toBeCloseTo(1, 14);
    expect(Number.isNaN(logGamma(0))).toBe(true);
  });

  it('has a Stirling remainder near 1/(12z)', () => {
    expect(stirlingRemainder(100)).toBeCloseTo(1 / 1200 - 1 / (360 * 100 ** 3) + 1 / (1260 * 100 ** 5), 16);
    expect(stirlingRemainder(1)).toBeCloseTo(1 - 0.5 * Math.log(2 * Math.PI), 15);
  });
});

describe('chi-square and normal tails', () => {
  it('has closed forms for 2 degrees of freedom and x = 0', () => {
    for (const x of [0.1, 1, 7.5, 40, 600]) expect(chiSquareSf(x, 2) / Math.exp(-x / 2)).toBeCloseTo(1, 13);
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareSf(Number.POSITIVE_INFINITY, 3)).toBe(0);
  });

  it('matches known quantiles', () => {
    // erfc(1/√2) = 0.3173105078629141…; scipy.stats.chi2.sf(1, 1) gives 0.31731050786291115.
    expect(chiSquareSf(1, 1)).toBeCloseTo(0.3173105078629141, 15);
    expect(chiSquareSf(3.8414588206941285, 1)).toBeCloseTo(0.05, 14);
    expect(normalTwoSidedP(1.959963984540054)).toBeCloseTo(0.05, 14);
    expect(normalTwoSidedP(0)).toBe(1);
  });

  it('keeps relative precision deep in the tail', () => {
    // 2·Φ(−10) = 1.523970604832094e-23
    expect(normalTwoSidedP(10) / 1.523970604832094e-23).toBeCloseTo(1, 12);
  });

  it('returns NaN outside the domain', () => {
    expect(Number.isNaN(regularizedGammaQ(0, 1))).toBe(true);
    expect(Number.isNaN(regularizedGammaQ(1, -1))).toBe(true);
  });
});
