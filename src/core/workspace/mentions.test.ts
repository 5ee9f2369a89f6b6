import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addComment, createIncident, findMentions, listMentionsOf, upsertMember } from './index.ts';

const members = [
  { id: 'm_ana', name: 'Ana' },
  { id: 'm_analima', name: 'Ana Lima' },
  { id: 'm_bo', name: 'Bo' },
];

describe('findMentions', () => {
  it('matches names with spaces, longest first, case-insensitively, without repeats', () => {
    expect(findMentions('@ana lima and @Bo, then @Ana again and @bo', members)).toEqual(['m_analima', 'm_bo', 'm_ana']);
  });

  it('ignores e-mail addresses and names that run on into a longer word', () => {
    expect(findMentions('mail bo@example.com or ask @Bob', members)).toEqual([]);
    expect(findMentions('(@Bo)', members)).toEqual(['m_bo']);
  });
});

describe('addComment mentions', () => {
  it('records mentioned members but not the author, and lists them per member', () => {
    const doc = new Y.Doc();
    let n = 0;
    const ctx = { actor: { id: 'm_ana', name: 'Ana' }, now: () => 1_700_000_000_000 + ++n, newId: () => `c${++n}` };
    for (const m of members) upsertMember(doc, { ...m, role: 'editor', joinedAt: 1 });
    const incident = createIncident(doc, { title: 'drift', severity: 'low' }, ctx);
    const comment = addComment(doc, { target: { kind: 'incident', id: incident.id }, body: '@Bo can you look? cc @Ana' }, ctx);
    expect(comment.mentions).toEqual(['m_bo']);
    expect(listMentionsOf(doc, 'm_bo').map((c) => c.id)).toEqual([comment.id]);
    expect(listMentionsOf(doc, 'm_ana')).toEqual([]);
    const plain = addComment(doc, { target: { kind: 'incident', id: incident.id }, body: 'no mention' }, ctx);
    expect(plain).not.toHaveProperty('mentions');
  });

  it('refuses a comment on a note or run that does not exist', () => {
    const doc = new Y.Doc();
    const ctx = { actor: { id: 'm_ana', name: 'Ana' }, now: () => 1, newId: () => 'x' };
    expect(() => addComment(doc, { target: { kind: 'note', id: 'n1' }, body: 'hi' }, ctx)).toThrow('no note n1');
    expect(() => addComment(doc, { target: { kind: 'run', id: 'r1' }, body: 'hi' }, ctx)).toThrow('no run r1');
  });
});
