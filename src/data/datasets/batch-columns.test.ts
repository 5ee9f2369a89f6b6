import { describe, expect, it } from 'vitest';
import { columnMismatch, delimitedColumns, describeMismatch, jsonColumns, someNames } from './batch-columns.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('delimitedColumns', () => {
  it('reads a quoted header (BOM, embedded delimiter and newline) and names empty fields as the reader does', () => {
    expect(delimitedColumns(bytes('\ufeffa,"b,c","d\ne",,x\n1,2,3,4,5\n'), ',')).toEqual({ kind: 'columns', names: ['a', 'b,c', 'd\ne', 'column_3', 'x'], duplicated: [] });
    expect(delimitedColumns(bytes('a\tb\r\n1\t2'), '\t')).toMatchObject({ names: ['a', 'b'] });
  });

  it('reports duplicated names, refuses an empty file, and a header that goes on past the limit', () => {
    expect(delimitedColumns(bytes('a,b,a\n'), ',')).toMatchObject({ duplicated: ['a'] });
    expect(delimitedColumns(bytes(''), ',')).toMatchObject({ kind: 'refused', status: 400, code: 'no_header' });
    expect(delimitedColumns(bytes(`${'x,'.repeat(600)}y\n1\n`), ',', 1000)).toMatchObject({ kind: 'refused', status: 413, code: 'header_too_long' });
    // A header-only body shorter than the limit is complete.
    expect(delimitedColumns(bytes('a,b'), ',', 1000)).toMatchObject({ names: ['a', 'b'] });
  });
});

describe('jsonColumns', () => {
  it('takes the union of keys over records, for arrays, one object, and JSON Lines', async () => {
    expect(await jsonColumns('[{"a":1},{"b":2,"a":3}]', 'json')).toMatchObject({ names: ['a', 'b'] });
    expect(await jsonColumns('{"a":[1,2]}', 'json')).toMatchObject({ names: ['a'] });
    expect(await jsonColumns('{"a":1}\n\n{"c":2}\n', 'jsonl')).toMatchObject({ names: ['a', 'c'] });
    expect(await jsonColumns('{"a":1}\n{"c":2}', 'json')).toMatchObject({ names: ['a', 'c'] });
  });

  it('refuses a record that is not an object, and a line that is not JSON, saying where', async () => {
    expect(await jsonColumns('[{"a":1},2]', 'json')).toMatchObject({ kind: 'refused', message: expect.stringMatching(/^record 2 /) });
    expect(await jsonColumns('{"a":1}\n{oops', 'jsonl')).toMatchObject({ kind: 'refused', message: expect.stringMatching(/^line 2 is not JSON/) });
  });
});

describe('columnMismatch', () => {
  it('is null for the same names in any order, else says what is missing, unexpected and duplicated', () => {
    expect(columnMismatch(['a', 'b'], ['b', 'a'])).toBeNull();
    const m = columnMismatch(['a', 'b', 'c'], ['c', 'x', 'c', 'y'], ['c'])!;
    expect(m).toEqual({ missing: ['a', 'b'], unexpected: ['x', 'y'], duplicated: ['c'] });
    expect(describeMismatch(m)).toBe('missing a, b; unexpected x, y; duplicated c');
  });

  it('lists a few names, then how many more', () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `c${i}`);
    expect(someNames(names)).toBe('c0, c1, c2, c3, c4 and 9995 more');
    expect(someNames(['', 'z'.repeat(200)])).toBe(`(empty name), ${'z'.repeat(77)}...`);
  });
});
