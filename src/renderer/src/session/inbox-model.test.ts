import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_KEYS, addComment, createIncident, listInbox, updateIncident, upsertMember } from '../../../core/workspace';
import { inboxOf } from './inbox-model';

function setup() {
  const doc = new Y.Doc();
  let t = 1_700_000_000_000;
  let n = 0;
  const as = (id: string, name: string) => ({ actor: { id, name }, now: () => (t += 1000), newId: () => `id${++n}` });
  for (const [id, name] of [['m_ada', 'Ada'], ['m_bo', 'Bo Chen']] as const) upsertMember(doc, { id, name, role: 'editor', joinedAt: 1 });
  return { doc, ada: as('m_ada', 'Ada'), bo: as('m_bo', 'Bo Chen') };
}

describe('inboxOf', () => {
  it('is listInbox, the same array until something it reads changes', () => {
    const { doc, ada } = setup();
    const incident = createIncident(doc, { title: 'PSI drift', severity: 'high' }, ada);
    addComment(doc, { target: { kind: 'incident', id: incident.id }, body: '@Bo Chen can you look?' }, ada);
    const first = inboxOf(doc, 'm_bo');
    expect(first).toEqual(listInbox(doc, 'm_bo'));
    expect(first).toHaveLength(1);

    // Nothing the inbox reads: the same array (no second walk over the workspace).
    doc.getMap(DOC_KEYS.monitors).set('mon1', { any: 1 });
    expect(inboxOf(doc, 'm_bo')).toBe(first);
    // Another member's inbox is their own.
    expect(inboxOf(doc, 'm_ada')).toEqual([]);

    // An incident's title changes inside its Y.Map: the item's title follows.
    updateIncident(doc, { incidentId: incident.id, title: 'PSI drift on age' }, ada);
    const renamed = inboxOf(doc, 'm_bo');
    expect(renamed).not.toBe(first);
    expect(renamed[0]).toMatchObject({ kind: 'comment', targetTitle: 'PSI drift on age' });

    // A mention record the server keeps for a comment in a conversation doc.
    doc.getMap(DOC_KEYS.commentMentions).set('cm1', {
      id: 'cm1', commentId: 'c-elsewhere', target: { kind: 'incident', id: incident.id }, memberId: 'm_bo', byId: 'm_ada', byName: 'Ada', excerpt: '@Bo Chen and this', at: 1_900_000_000_000,
    });
    const more = inboxOf(doc, 'm_bo');
    expect(more.map((i) => i.id)).toEqual(['comment:c-elsewhere', renamed[0]!.id]);
    expect(more).toEqual(listInbox(doc, 'm_bo'));
  });

  it('leaves out a mention record that is not one, or names someone else', () => {
    const { doc } = setup();
    const mentions = doc.getMap(DOC_KEYS.commentMentions);
    mentions.set('bad', { id: 'bad', memberId: 'm_bo', commentId: 42 }); // forged: not a mention record
    mentions.set('other', { id: 'other', commentId: 'c1', target: { kind: 'run', id: 'r1' }, memberId: 'm_ada', byId: 'm_bo', byName: 'Bo', excerpt: 'x', at: 1 });
    doc.getMap(DOC_KEYS.noteMentions).set('n', 'not a record');
    expect(inboxOf(doc, 'm_bo')).toEqual([]);
    expect(inboxOf(doc, 'm_ada').map((i) => i.id)).toEqual(['comment:c1']);
  });
});
