import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addComment, createIncident, updateIncident } from './commands.ts';
import { createNote, deleteNote } from './notes.ts';
import { DOC_KEYS } from './schema.ts';
import { readSearchDocument, watchSearchDocuments } from './search-documents.ts';

let n = 0;
const ctx = { actor: { id: 'm1', name: 'Ada' }, now: () => 1000 + ++n, newId: () => `e${++n}` };

describe('search documents', () => {
  it('reads an entity as plain text, and nothing for a record that does not parse', () => {
    const doc = new Y.Doc();
    const incident = createIncident(doc, { title: 'Drift on age', severity: 'high', description: 'Since Monday' }, ctx);
    const comment = addComment(doc, { target: { kind: 'incident', id: incident.id }, body: 'Checked the join' }, ctx);
    expect(readSearchDocument(doc, 'incident', incident.id)).toEqual({
      kind: 'incident', id: incident.id, label: 'Drift on age', title: 'Drift on age', body: 'Since Monday', extra: 'high open Ada',
    });
    expect(readSearchDocument(doc, 'comment', comment.id)).toMatchObject({ label: 'Comment by Ada', title: '', body: 'Checked the join', target: { kind: 'incident', id: incident.id } });
    doc.getMap(DOC_KEYS.runs).set('bad', { id: 'bad', name: 42 });
    expect(readSearchDocument(doc, 'run', 'bad')).toBeUndefined();
    expect(readSearchDocument(doc, 'note', 'missing')).toBeUndefined();
  });

  it('names every entity a change touched, an edit inside an incident included', () => {
    const doc = new Y.Doc();
    const touched: string[] = [];
    const off = watchSearchDocuments(doc, (kind, id) => touched.push(`${kind}:${id}`));
    const incident = createIncident(doc, { title: 'Drift on age', severity: 'high' }, ctx);
    updateIncident(doc, { incidentId: incident.id, status: 'resolved' }, ctx);
    const note = createNote(doc, { title: 'Plan' }, ctx);
    deleteNote(doc, { noteId: note.id }, ctx);
    expect(touched).toEqual([`incident:${incident.id}`, `incident:${incident.id}`, `note:${note.id}`, `note:${note.id}`]);
    off();
    createIncident(doc, { title: 'After unsubscribe', severity: 'low' }, ctx);
    expect(touched).toHaveLength(4);
  });
});
