import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  CommandError,
  NOTE_TEXT_KEY,
  addComment,
  createNote,
  createNoteAnchor,
  deleteNote,
  getNote,
  listCommentsOn,
  listNotes,
  renameNote,
  touchNote,
} from './index.ts';

function context(start = 1_700_000_000_000) {
  let t = start;
  let n = 0;
  return { actor: { id: 'm_ada', name: 'Ada' }, now: () => (t += 1000), newId: () => `note${++n}` };
}

describe('note commands', () => {
  it('creates notes and lists the most recently changed first', () => {
    const doc = new Y.Doc();
    const ctx = context();
    const first = createNote(doc, { title: '  Retraining plan  ' }, ctx);
    expect(first).toEqual({
      id: 'note1',
      title: 'Retraining plan',
      createdAt: 1_700_000_001_000,
      createdBy: 'm_ada',
      createdByName: 'Ada',
      updatedAt: 1_700_000_001_000,
    });
    const second = createNote(doc, { title: 'Feature review' }, ctx);
    expect(listNotes(doc).map((n) => n.id)).toEqual([second.id, first.id]);
    touchNote(doc, { noteId: first.id }, ctx);
    expect(listNotes(doc).map((n) => n.id)).toEqual([first.id, second.id]);
  });

  it('renames a note and refuses a blank or overlong title without writing', () => {
    const doc = new Y.Doc();
    const ctx = context();
    const note = createNote(doc, { title: 'Draft' }, ctx);
    const renamed = renameNote(doc, { noteId: note.id, title: 'Drift postmortem' }, ctx);
    expect(renamed).toMatchObject({ title: 'Drift postmortem', createdAt: note.createdAt });
    expect(renamed.updatedAt).toBeGreaterThan(note.updatedAt);
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    expect(() => renameNote(doc, { noteId: note.id, title: '   ' }, ctx)).toThrow('title is required');
    expect(() => renameNote(doc, { noteId: note.id, title: 'x'.repeat(301) }, ctx)).toThrow(CommandError);
    expect(() => renameNote(doc, { noteId: 'nope', title: 'x' }, ctx)).toThrow('no note nope');
    expect(() => createNote(doc, { title: '' }, ctx)).toThrow('title is required');
    renameNote(doc, { noteId: note.id, title: 'Drift postmortem' }, ctx); // unchanged: no write
    expect(updates).toHaveLength(0);
    expect(getNote(doc, note.id)?.title).toBe('Drift postmortem');
  });

  it('moves updatedAt forward only', () => {
    const doc = new Y.Doc();
    const note = createNote(doc, { title: 'n' }, context(5_000_000));
    const stale = touchNote(doc, { noteId: note.id }, { ...context(), now: () => 1 });
    expect(stale.updatedAt).toBe(note.updatedAt);
    expect(touchNote(doc, { noteId: note.id }, context(9_000_000)).updatedAt).toBe(9_001_000);
  });

  it('deletes a note from the registry and leaves its comments', () => {
    const doc = new Y.Doc();
    const ctx = context();
    const note = createNote(doc, { title: 'Scratch' }, ctx);
    addComment(doc, { target: { kind: 'note', id: note.id }, body: 'keep me' }, ctx);
    deleteNote(doc, { noteId: note.id }, ctx);
    expect(listNotes(doc)).toEqual([]);
    expect(getNote(doc, note.id)).toBeUndefined();
    expect(listCommentsOn(doc, 'note', note.id).map((c) => c.body)).toEqual(['keep me']);
    expect(() => deleteNote(doc, { noteId: note.id }, ctx)).toThrow('no note');
    expect(() => addComment(doc, { target: { kind: 'note', id: note.id }, body: 'late' }, ctx)).toThrow('no note');
  });

  it('stores an anchored comment that reads back with its quote', () => {
    const workspace = new Y.Doc();
    const ctx = context();
    const note = createNote(workspace, { title: 'Plan' }, ctx);
    const body = new Y.Doc().getText(NOTE_TEXT_KEY);
    body.insert(0, 'Retrain weekly on the last 90 days.');
    const anchor = createNoteAnchor(body, 'Retrain weekly on the '.length, 'last 90 days'.length);
    addComment(workspace, { target: { kind: 'note', id: note.id, anchor }, body: 'Why 90?' }, ctx);
    const [comment] = listCommentsOn(workspace, 'note', note.id);
    expect(comment?.target).toEqual({ kind: 'note', id: note.id, anchor });
    expect(comment?.target.kind === 'note' && comment.target.anchor?.quote).toBe('last 90 days');
  });

  it('concurrent renames converge on one title', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const note = createNote(a, { title: 'n' }, context());
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    renameNote(a, { noteId: note.id, title: 'from a' }, context());
    renameNote(b, { noteId: note.id, title: 'from b' }, context());
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(getNote(a, note.id)).toEqual(getNote(b, note.id));
    expect(['from a', 'from b']).toContain(getNote(a, note.id)?.title);
  });
});
