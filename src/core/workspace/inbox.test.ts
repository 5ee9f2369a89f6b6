import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addComment, createIncident, createNote, deleteNote, listInbox, recordNoteMentions, upsertMember } from './index.ts';

function setup() {
  const doc = new Y.Doc();
  let t = 1_700_000_000_000;
  let n = 0;
  const as = (id: string, name: string) => ({ actor: { id, name }, now: () => (t += 1000), newId: () => `id${++n}` });
  for (const [id, name] of [['m_ada', 'Ada'], ['m_bo', 'Bo Chen'], ['m_cy', 'Cy']] as const) upsertMember(doc, { id, name, role: 'editor', joinedAt: 1 });
  return { doc, ada: as('m_ada', 'Ada'), bo: as('m_bo', 'Bo Chen') };
}

describe('inbox', () => {
  it('records each member mentioned in a note once, never the author', () => {
    const { doc, ada } = setup();
    const note = createNote(doc, { title: 'Retrain plan' }, ada);
    expect(recordNoteMentions(doc, { noteId: note.id, text: 'Draft\n@Bo Chen owns the data pull; @Ada reviews' }, ada).map((r) => r.memberId)).toEqual(['m_bo']);
    // Typing on: the same mention again records nothing, a new one records one.
    expect(recordNoteMentions(doc, { noteId: note.id, text: 'Draft\n@Bo Chen owns the data pull; @Ada reviews. @bo chen!' }, ada)).toEqual([]);
    const [cy] = recordNoteMentions(doc, { noteId: note.id, text: 'Draft\n@Bo Chen owns it\nasks @Cy for the GPU quota' }, ada);
    expect(cy).toMatchObject({ memberId: 'm_cy', byName: 'Ada', excerpt: 'asks @Cy for the GPU quota' });
  });

  it('lists comment and note mentions of a member, newest first, and drops deleted notes', () => {
    const { doc, ada, bo } = setup();
    const incident = createIncident(doc, { title: 'PSI drift', severity: 'high' }, ada);
    addComment(doc, { target: { kind: 'incident', id: incident.id }, body: '@Bo Chen can you look?' }, ada);
    const kept = createNote(doc, { title: 'Kept' }, ada);
    const gone = createNote(doc, { title: 'Gone' }, ada);
    recordNoteMentions(doc, { noteId: kept.id, text: 'for @Bo Chen' }, ada);
    recordNoteMentions(doc, { noteId: gone.id, text: 'also @Bo Chen' }, ada);
    deleteNote(doc, { noteId: gone.id }, ada);
    addComment(doc, { target: { kind: 'incident', id: incident.id }, body: 'thanks @Ada' }, bo);

    const inbox = listInbox(doc, 'm_bo');
    expect(inbox.map((i) => (i.kind === 'note' ? `note ${i.noteTitle}: ${i.text}` : `comment: ${i.text}`))).toEqual([
      'note Kept: for @Bo Chen',
      'comment: @Bo Chen can you look?',
    ]);
    expect(listInbox(doc, 'm_ada').map((i) => i.byName)).toEqual(['Bo Chen']);
  });
});
