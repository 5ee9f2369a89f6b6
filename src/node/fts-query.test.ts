import { describe, expect, it } from 'vitest';
import { MATCH_CLOSE, MATCH_OPEN, ftsQuery, plainText, segments } from './fts-query.ts';

describe('ftsQuery', () => {
  it('quotes every word, ANDs them, and makes the last a prefix unless a space follows', () => {
    expect(ftsQuery('drift inc')).toBe('"drift" "inc"*');
    expect(ftsQuery('drift inc ')).toBe('"drift" "inc"');
    expect(ftsQuery('  Zürich  ')).toBe('"Zürich"');
  });

  it('takes FTS5 syntax as literal text', () => {
    expect(ftsQuery('title:x OR NEAR(a b) -c "d')).toBe('"title:x" "OR" "NEAR(a" "b)" "-c" """d"*');
    expect(ftsQuery('a*')).toBe('"a*"*');
  });

  it('drops words with nothing to search for, and says when nothing is left', () => {
    expect(ftsQuery('')).toBeNull();
    expect(ftsQuery(' " * ( ) - : ')).toBeNull();
    expect(ftsQuery('" drift')).toBe('"drift"*');
    expect(ftsQuery('\u0000\u0001')).toBeNull();
    expect(ftsQuery('w '.repeat(100))!.split(' ')).toHaveLength(16);
  });
});

describe('segments', () => {
  it('splits marked text into plain segments', () => {
    expect(segments(`PSI on ${MATCH_OPEN}income${MATCH_CLOSE} <b>`)).toEqual([
      { text: 'PSI on ', match: false },
      { text: 'income', match: true },
      { text: ' <b>', match: false },
    ]);
    expect(segments('')).toEqual([]);
  });

  it('keeps indexed text free of the markers', () => {
    expect(plainText(`a${MATCH_OPEN}b${MATCH_CLOSE}c\nd\te`)).toBe('a b c\nd\te');
  });
});
