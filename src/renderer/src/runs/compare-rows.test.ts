import { describe, expect, it } from 'vitest';
import { compareRows, dataVersionRows, parseRunIds } from './compare-rows';

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
