import { describe, expect, it } from 'vitest';
import { detectDatasetDrift } from './dataset-drift.ts';
import type { DatasetColumn } from './types.ts';

const same: DatasetColumn = { name: 'same', type: 'numerical', reference: [1, 2, 3, 4, 5, 6], current: [6, 5, 4, 3, 2, 1] };
const shifted: DatasetColumn = {
  name: 'shifted',
  type: 'numerical',
  reference: [1, 2, 3, 4, 5, 6, 7],
  current: [21, 22, 23, 24, 25, 26, 27],
};
const catSame: DatasetColumn = { name: 'cat', type: 'categorical', reference: ['a', 'b', 'c'], current: ['c', 'b', 'a'] };
const catNew: DatasetColumn = { name: 'catNew', type: 'categorical', reference: ['a', 'b', 'c'], current: ['d', 'd', 'e'] };

describe('detectDatasetDrift', () => {
  it('produces the CLI report shape', () => {
    const report = detectDatasetDrift([same, shifted, catSame, catNew]);
    expect(Object.keys(report)).toEqual(['columns', 'drifted_columns', 'share_drifted', 'drift_share', 'dataset_drift']);
    expect(Object.keys(report.columns[0]!)).toEqual(['name', 'type', 'test', 'score', 'threshold', 'drifted']);
    expect(report.columns.map((c) => [c.name, c.test, c.drifted])).toEqual([
      ['same', 'ks', false],
      ['shifted', 'ks', true],
      ['cat', 'chisquare', false],
      ['catNew', 'chisquare', true],
    ]);
    expect(report).toMatchObject({ drifted_columns: 2, share_drifted: 0.5, drift_share: 0.5, dataset_drift: true });
  });

  it('compares the drifted share with drift_share using ≥', () => {
    expect(detectDatasetDrift([same, shifted, catSame]).dataset_drift).toBe(false);
    expect(detectDatasetDrift([same, shifted, catSame], { driftShare: 1 / 3 }).dataset_drift).toBe(true);
  });

  it('applies options to all columns unless a column sets its own', () => {
    const report = detectDatasetDrift([same, { ...shifted, test: 'ks', threshold: 0.01 }, catSame], {
      test: 'jensenshannon',
      threshold: 0.2,
    });
    expect(report.columns.map((c) => [c.test, c.threshold])).toEqual([
      ['jensenshannon', 0.2],
      ['ks', 0.01],
      ['jensenshannon', 0.2],
    ]);
  });

  it('rejects bad input with messages that say what is wrong', () => {
    expect(() => detectDatasetDrift([])).toThrow('no columns to test for drift');
    expect(() => detectDatasetDrift([same, same])).toThrow('column "same" appears twice');
    expect(() => detectDatasetDrift([same], { driftShare: 1.5 })).toThrow(/drift share must be a number between 0 and 1/);
    expect(() => detectDatasetDrift([same, { ...catSame, test: 'wasserstein' }])).toThrow(
      'column "cat": test "wasserstein" works on numerical columns, but this column is categorical',
    );
    expect(() => detectDatasetDrift([same], { test: 'nope' })).toThrow('column "same": unknown drift test "nope"');
  });
});
