import { describe, expect, it } from 'vitest';
import { ChunkingError, splitIntoChunks } from './chunking.ts';

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);

describe('splitIntoChunks, as NannyML documents its chunkers', () => {
  it('size: consecutive chunks keyed [first:last], the leftover kept as a smaller last chunk', () => {
    const chunks = splitIntoChunks(10, { kind: 'size', size: 4 });
    expect(chunks.map((c) => c.key)).toEqual(['[0:3]', '[4:7]', '[8:9]']);
    expect(chunks.map((c) => c.rows)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(chunks[2]!.start).toBeNull();
  });

  it('number: size ⌊n/K⌋, so K + 1 chunks when K does not divide n', () => {
    expect(splitIntoChunks(10, { kind: 'number', count: 3 }).map((c) => c.key)).toEqual(['[0:2]', '[3:5]', '[6:8]', '[9:9]']);
    expect(splitIntoChunks(9, { kind: 'number', count: 3 })).toHaveLength(3);
  });

  it('default: ten chunks', () => {
    const chunks = splitIntoChunks(105, { kind: 'default' });
    expect(chunks).toHaveLength(11);
    expect(chunks[0]!.key).toBe('[0:9]');
    expect(chunks[10]!.key).toBe('[100:104]');
  });

  it('orders rows by timestamp (stably) and dates size chunks by their first and last row', () => {
    const ts = [at('2024-01-03T00:00:00Z'), at('2024-01-01T00:00:00Z'), at('2024-01-02T00:00:00Z'), at('2024-01-01T00:00:00Z')];
    const chunks = splitIntoChunks(4, { kind: 'size', size: 2 }, ts);
    expect(chunks.map((c) => c.rows)).toEqual([[1, 3], [2, 0]]);
    expect(chunks[1]).toMatchObject({ start: '2024-01-02T00:00:00.000Z', end: '2024-01-03T00:00:00.000Z' });
  });

  it('week: Monday to Sunday, keyed as pandas prints a weekly Period, empty weeks skipped', () => {
    // 2024-01-07 is a Sunday, 2024-01-08 a Monday; nothing in the week of 2024-01-15.
    const ts = [at('2024-01-07T23:00:00Z'), at('2024-01-08T00:00:00Z'), at('2024-01-22T12:00:00Z')];
    const chunks = splitIntoChunks(3, { kind: 'period', period: 'week' }, ts);
    expect(chunks.map((c) => c.key)).toEqual(['2024-01-01/2024-01-07', '2024-01-08/2024-01-14', '2024-01-22/2024-01-28']);
    expect(chunks[0]).toMatchObject({ start: '2024-01-01T00:00:00.000Z', end: '2024-01-07T23:59:59.999Z', startIndex: 0, endIndex: 0 });
  });

  it('month and day keys', () => {
    const ts = [at('2024-02-29T10:00:00Z'), at('2024-03-01T00:00:00Z'), at('2024-03-31T23:59:59Z')];
    expect(splitIntoChunks(3, { kind: 'period', period: 'month' }, ts).map((c) => [c.key, c.rows.length, c.end])).toEqual([
      ['2024-02', 1, '2024-02-29T23:59:59.999Z'],
      ['2024-03', 2, '2024-03-31T23:59:59.999Z'],
    ]);
    expect(splitIntoChunks(2, { kind: 'period', period: 'day' }, [0, DAY - 1]).map((c) => c.key)).toEqual(['1970-01-01']);
  });

  it('refuses what cannot be cut', () => {
    expect(() => splitIntoChunks(5, { kind: 'period', period: 'day' })).toThrow(ChunkingError);
    expect(() => splitIntoChunks(5, { kind: 'number', count: 6 })).toThrow(/5 rows cannot make 6 chunks/);
    expect(() => splitIntoChunks(5, { kind: 'size', size: 0 })).toThrow(/positive integer/);
    expect(splitIntoChunks(0, { kind: 'default' })).toEqual([]);
  });
});
