import { describe, expect, it } from 'vitest';
import type { DatasetVersionRecord } from '../../../core/workspace';
import { compareRows, dataVersionRows, driftLinks, linkedVersion, parseRunIds } from './compare-rows';

describe('compareRows', () => {
  const params: Record<string, string>[] = [
    { lr: '0.001', optimizer: 'sgd', epochs: '4', seed: '42' },
    { lr: '0.01', optimizer: 'adam', epochs: '4.0', seed: '42' },
    { lr: '0.1', optimizer: 'adam', epochs: '4' },
  ];

  it('lists every name A→Z with each run\'s value, and marks the ones that differ', () => {
    const rows = compareRows(params, false);
    expect(rows.map((r) => [r.key, r.differs])).toEqual([['epochs', false], ['lr', true], ['optimizer', true], ['seed', true]]);
    expect(rows.find((r) => r.key === 'seed')!.values).toEqual(['42', '42', undefined]);
  });

  it('keeps only differing rows when asked; numbers written two ways are the same', () => {
    expect(compareRows(params, true).map((r) => r.key)).toEqual(['lr', 'optimizer', 'seed']);
    expect(compareRows([{ a: '1', b: 'x' }, { a: '1', b: 'x' }], true)).toEqual([]);
    expect(compareRows([{ loss: 0.5 }, { loss: 0.5 }, { loss: 0.25 }], true).map((r) => r.values)).toEqual([[0.5, 0.5, 0.25]]);
  });
});

describe('dataVersionRows', () => {
  it('pairs references by name and compares their hashes', () => {
    const ref = (name: string, hash: string) => ({ name, hash, kind: 'dvc' as const });
    const rows = dataVersionRows([[ref('train', 'aaa'), ref('test', 'ttt')], [ref('train', 'bbb'), ref('test', 'ttt')], [ref('train', 'aaa')]]);
    expect(rows.map((r) => [r.key, r.differs, r.values.map((v) => v?.hash)])).toEqual([
      ['test', true, ['ttt', 'ttt', undefined]],
      ['train', true, ['aaa', 'bbb', 'aaa']],
    ]);
    expect(dataVersionRows([[ref('train', 'aaa')], [ref('train', 'aaa')]])[0]!.differs).toBe(false);
  });
});

describe('parseRunIds', () => {
  it('reads ids in order without blanks or repeats', () => {
    expect(parseRunIds('b, a,,b,c')).toEqual(['b', 'a', 'c']);
    expect(parseRunIds(null)).toEqual([]);
  });
});

describe('linkedVersion and driftLinks', () => {
  const version = (id: string, md5: string): DatasetVersionRecord => ({
    id, dataset: 'seattle-weather', fileName: `${id}.csv`, format: 'csv', md5, size: 1, rows: 1, columns: 1,
    profileBlob: 'a'.repeat(64), addedBy: 'ada', addedByName: 'Ada', addedAt: 1,
  });
  const versions = [version('v2012', '1'.repeat(32)), version('v2015', '2'.repeat(32)), version('v2013', '3'.repeat(32))];
  const ref = (hash: string, datasetVersionId?: string) => ({ name: 'train', hash, kind: 'driftdesk' as const, ...(datasetVersionId ? { datasetVersionId } : {}) });

  it('links a reference by dataset version id, else by content hash', () => {
    expect(linkedVersion(ref('f'.repeat(32), 'v2013'), versions)?.id).toBe('v2013');
    expect(linkedVersion(ref('2'.repeat(32)), versions)?.id).toBe('v2015');
    expect(linkedVersion(ref('9'.repeat(32), 'gone'), versions)).toBeUndefined();
  });

  it('points differing versions at an existing comparison (either direction), else says none exists', () => {
    const rows = dataVersionRows([[ref('1'.repeat(32))], [ref('2'.repeat(32))], [ref('3'.repeat(32))], [ref('1'.repeat(32))]]);
    const comparison = { id: 'cmp1', referenceVersionId: 'v2015', currentVersionId: 'v2012', reportBlob: 'b'.repeat(64), datasetDrift: true, driftedColumns: 4, testedColumns: 6, createdBy: 'ada', createdByName: 'Ada', createdAt: 1 };
    expect(driftLinks(rows, versions, [comparison]).map((l) => [l.kind, l.from.id, l.to.id])).toEqual([
      ['comparison', 'v2012', 'v2015'],
      ['not-compared', 'v2012', 'v2013'],
    ]);
    expect(driftLinks(dataVersionRows([[ref('1'.repeat(32))], [ref('1'.repeat(32))]]), versions, [comparison])).toEqual([]);
  });
});
