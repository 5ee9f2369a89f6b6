import { describe, expect, it } from 'vitest';
import { matchMembers, mentionQuery } from './mention-query';

describe('mentionQuery', () => {
  it.each([
    ['@', 1, { start: 0, query: '' }],
    ['hi @Bo', 6, { start: 3, query: 'Bo' }],
    ['hi @Bo Ch', 9, { start: 3, query: 'Bo Ch' }],
    ['(@cy', 4, { start: 1, query: 'cy' }],
    ['mail a@b', 8, null], // an address, not a mention
    ['@Bo\nnext', 8, null],
    ['no at sign', 10, null],
    ['@Bo  two spaces', 15, null],
    ['hi @Bo and more', 6, { start: 3, query: 'Bo' }], // the caret decides, not the end of the text
  ])('%j at %i', (text, caret, expected) => {
    expect(mentionQuery(text, caret)).toEqual(expected);
  });
});

describe('matchMembers', () => {
  const members = [{ name: 'Ada' }, { name: 'Bo Chen' }, { name: 'Cy' }, { name: 'Abby' }, { name: 'Rob' }];
  it('lists names that start with the query first, then names that contain it, case-insensitively', () => {
    expect(matchMembers(members, 'b').map((m) => m.name)).toEqual(['Bo Chen', 'Abby', 'Rob']);
    expect(matchMembers(members, 'bo c').map((m) => m.name)).toEqual(['Bo Chen']);
    expect(matchMembers(members, '').map((m) => m.name)).toEqual(['Ada', 'Bo Chen', 'Cy', 'Abby', 'Rob']);
    expect(matchMembers(members, 'zz')).toEqual([]);
  });
});
