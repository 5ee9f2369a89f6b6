import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_KEYS, addComment, createIncident, createModel, createNote, deleteNote, listInbox, recordNoteMentions, registerModelVersion, targetTitle, upsertMember } from './index.ts';

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

  it('names what a comment is on and finds mentions in handoff messages and decisions (not the writer\'s own)', () => {
    const { doc, ada, bo } = setup();
    const incident = createIncident(doc, { title: 'PSI drift', severity: 'high' }, ada);
    const comment = addComment(doc, { target: { kind: 'incident', id: incident.id }, body: '@Bo Chen look' }, ada);
    const model = createModel(doc, { name: 'churn', description: '' }, ada);
    const version = registerModelVersion(doc, { modelId: model.id, label: '1.2.0' }, ada);
    doc.getMap(DOC_KEYS.handoffs).set('h1', {
      id: 'h1', modelId: model.id, versionId: version.id, stage: 'to-ml-engineering', fromRole: 'data-scientist', toRole: 'ml-engineer',
      message: 'Ready for review, @Bo Chen', checklist: [], requestedById: 'm_ada', requestedByName: 'Ada', at: 1_800_000_000_000,
    });
    const decision = (id: string, by: typeof bo, comment: string, at: number) => doc.getMap(DOC_KEYS.handoffEvents).set(id, {
      kind: 'decision', id, handoffId: 'h1', decision: 'changes-requested', comment, byId: by.actor.id, byName: by.actor.name, at, seq: 1,
    });
    decision('e1', ada, 'and the plot, @Bo Chen', 1_800_000_001_000);
    decision('e2', bo, 'done, @Bo Chen wrote it', 1_800_000_002_000); // his own: not in his inbox
    const inbox = listInbox(doc, 'm_bo');
    expect(inbox.map((i) => (i.kind === 'handoff' ? `handoff ${i.handoffTitle}: ${i.text}` : i.kind === 'comment' ? `comment on ${i.targetTitle} (${i.commentId})` : i.kind))).toEqual([
      'handoff churn 1.2.0: and the plot, @Bo Chen',
      'handoff churn 1.2.0: Ready for review, @Bo Chen',
      `comment on PSI drift (${comment.id})`,
    ]);
    // Each says what to scroll to: the decision, or the request's message.
    expect(inbox.flatMap((i) => (i.kind === 'handoff' ? [i.decisionId] : []))).toEqual(['e1', null]);
    expect(targetTitle(doc, { kind: 'modelVersion', id: version.id })).toBe('churn 1.2.0');
    expect(targetTitle(doc, { kind: 'handoff', id: 'h1' })).toBe('churn 1.2.0');
    expect(targetTitle(doc, { kind: 'run', id: 'gone' })).toBe('');
  });
});
