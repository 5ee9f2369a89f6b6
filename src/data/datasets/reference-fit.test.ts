import { describe, expect, it } from 'vitest';
import { fitReconstruction } from '../../core/monitor/index.ts';
import { REFERENCE_FIT_VERSION, parseReferenceFit } from './reference-fit.ts';

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('parseReferenceFit (a fit read back from the blob a monitor record names)', () => {
  const multivariate = fitReconstruction([
    { name: 'a', kind: 'numerical', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    { name: 'b', kind: 'numerical', values: [2, 1, 4, 3, 6, 5, 8, 7, 10, 9] },
    { name: 'c', kind: 'categorical', values: ['x', 'y', 'x', 'x', null, 'y', 'x', 'y', 'x', 'x'] },
  ], { kind: 'size', size: 5 });
  const fit = { version: REFERENCE_FIT_VERSION, key: 'k', chunks: 2, driftShare: { values: [0, 0.5], thresholds: { lower: 0, upper: 1 } }, multivariate, problems: [] };

  it('reads back what was written, the numbers unchanged', () => {
    expect(parseReferenceFit(encode(fit))).toEqual(fit);
  });

  it('refuses what is not a fit: bad JSON, another version, arrays that do not match the columns, more components than columns', () => {
    expect(parseReferenceFit(new TextEncoder().encode('{"version":'))).toBeNull();
    expect(parseReferenceFit(encode({ ...fit, version: 99 }))).toBeNull();
    expect(parseReferenceFit(encode({ ...fit, multivariate: { ...multivariate, mean: [1] } }))).toBeNull();
    expect(parseReferenceFit(encode({ ...fit, multivariate: { ...multivariate, basis: Array.from({ length: 4 }, () => [1, 0, 0]) } }))).toBeNull();
    expect(parseReferenceFit(encode({ ...fit, multivariate: { ...multivariate, shares: [null, null, null] } }))).toBeNull();
    expect(parseReferenceFit(encode({ ...fit, multivariate: { ...multivariate, basis: [['1', 0, 0]] } }))).toBeNull();
  });
});
