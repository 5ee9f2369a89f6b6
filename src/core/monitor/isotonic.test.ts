import { describe, expect, it } from 'vitest';
import { fitIsotonic, predictIsotonic } from './isotonic.ts';

describe('isotonic regression', () => {
  it("pools tied x, fits by PAV, interpolates and clips as scikit-learn's IsotonicRegression(out_of_bounds='clip')", () => {
    const model = fitIsotonic([0.1, 0.1, 0.2, 0.3, 0.3, 0.3, 0.5, 0.7, 0.7, 0.9], [1, 0, 0, 1, 0, 1, 0, 1, 1, 0]);
    const at = [0, 0.1, 0.15, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 1].map((x) => predictIsotonic(model, x));
    // scikit-learn 1.2 (Debian) printed these for the same call.
    const sklearn = [1 / 3, 1 / 3, 1 / 3, 0.5, 0.5, 0.5833333333333333, 2 / 3, 2 / 3, 2 / 3, 2 / 3];
    at.forEach((v, i) => expect(v).toBeCloseTo(sklearn[i]!, 15));
  });

  it('keeps an increasing sequence as it is, and is non-decreasing whatever the input', () => {
    expect(fitIsotonic([3, 1, 2], [0.3, 0.1, 0.2]).y).toEqual([0.1, 0.2, 0.3]);
    const y = fitIsotonic([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]).y;
    expect(y).toEqual([3, 3, 3, 3, 3]);
  });
});
