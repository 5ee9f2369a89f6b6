import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { addComment, createIncident, updateIncident, upsertMember } from './commands.ts';
import { countCommentsByIncident, getIncident, listComments, listIncidents, listMentionsOf, parseRecord, warmRecords } from './queries.ts';
import { DOC_KEYS, commentSchema, incidentSchema } from './schema.ts';

function context() {
  let t = 1_700_000_000_000;
  let n = 0;
  return { actor: { id: 'm_ada', name: 'Ada' }, now: () => (t += 1000), newId: () => `id${++n}` };
}

describe('reading comments', () => {
  it('parses each comment once across reads, and a replaced record as it is now', () => {
    const doc = new Y.Doc();
    const ctx = context();
    const incident = createIncident(doc, { title: 'Drift on age', severity: 'high' }, ctx);
    const first = addComment(doc, { target: { kind: 'incident', id: incident.id }, body: 'first' }, ctx);
    addComment(doc, { target: { kind: 'incident', id: incident.id }, body: 'second' }, ctx);
    const parse = vi.spyOn(commentSchema, 'safeParse');
    expect(listComments(doc, incident.id).map((c) => c.body)).toEqual(['first', 'second']);
    expect(countCommentsByIncident(doc).get(incident.id)).toBe(2);
    expect(parse).toHaveBeenCalledTimes(2);

    doc.getMap(DOC_KEYS.comments).set(first.id, { ...first, body: 'edited' });
    expect(listComments(doc, incident.id).map((c) => c.body)).toEqual(['edited', 'second']);
    expect(parse).toHaveBeenCalledTimes(3);
    parse.mockRestore();
  });

  it('never counts or lists a comment that does not parse, and parses only the ones asked about', () => {
    const doc = new Y.Doc();
    const ctx = context();
    upsertMember(doc, { id: 'm_bo', name: 'Bo', role: 'editor', joinedAt: 1 });
    const [a, b] = [createIncident(doc, { title: 'A', severity: 'high' }, ctx), createIncident(doc, { title: 'B', severity: 'low' }, ctx)];
    addComment(doc, { target: { kind: 'incident', id: a.id }, body: 'on A, for @Bo' }, ctx);
    addComment(doc, { target: { kind: 'incident', id: b.id }, body: 'on B' }, ctx);
    const comments = doc.getMap(DOC_KEYS.comments);
    // Right target and mention, but the body is not text: another client wrote nonsense.
    comments.set('broken', { id: 'broken', target: { kind: 'incident', id: a.id }, body: 42, authorId: 'x', authorName: 'X', createdAt: 1, mentions: ['m_bo'] });

    const parse = vi.spyOn(commentSchema, 'safeParse');
    const counts = countCommentsByIncident(doc);
    expect(parse).not.toHaveBeenCalled();
    expect(counts.get(a.id)).toBe(1);
    expect(parse).toHaveBeenCalledTimes(2); // A's two records, not B's
    expect(counts.get(b.id)).toBe(1);
    expect(counts.get('no such incident')).toBe(0);
    expect(listComments(doc, a.id).map((c) => c.body)).toEqual(['on A, for @Bo']);
    expect(listMentionsOf(doc, 'm_bo').map((c) => c.body)).toEqual(['on A, for @Bo']);
    expect(parseRecord(commentSchema, comments.get('broken'))).toBeUndefined();
    expect(parse).toHaveBeenCalledTimes(3); // every record parsed once, however often read
    parse.mockRestore();
  });

  it('parses an incident, a Y.Map that changes in place, again only once it has changed', () => {
    const doc = new Y.Doc();
    const ctx = context();
    const incident = createIncident(doc, { title: 'Drift on age', severity: 'high' }, ctx);
    const parse = vi.spyOn(incidentSchema, 'safeParse');
    /** Reads it twice; the second read must not parse again. */
    const read = () => {
      const first = getIncident(doc, incident.id);
      const calls = parse.mock.calls.length;
      expect(listIncidents(doc)[0]).toBe(first);
      expect(parse.mock.calls.length).toBe(calls);
      return first;
    };
    expect(read()!.status).toBe('open');
    updateIncident(doc, { incidentId: incident.id, status: 'resolved' }, ctx);
    expect(read()!.status).toBe('resolved');
    const entry = doc.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incident.id)!;
    entry.set('assigneeName', 'Bo');
    expect(read()!.assigneeName).toBe('Bo');
    entry.delete('assigneeName');
    expect(read()!.assigneeName).toBeUndefined();
    entry.delete('title'); // now it does not fit the schema
    expect(getIncident(doc, incident.id)).toBeUndefined();
    expect(listIncidents(doc)).toEqual([]);
    parse.mockRestore();
  });
});

describe('warming the largest registries', () => {
  it('parses every incident ahead of the list, pausing whenever the budget has passed, so the list reads only cache hits', () => {
    const doc = new Y.Doc();
    const ctx = context();
    for (let i = 0; i < 40; i++) createIncident(doc, { title: `incident ${i}`, severity: 'low' }, ctx);
    const parse = vi.spyOn(incidentSchema, 'safeParse');
    let clock = 0;
    const pauses = [...warmRecords(doc, () => clock++, 5)].length;
    // Each parse reads the clock once; every sixth read is past the budget of 5.
    expect(pauses).toBeGreaterThanOrEqual(5);
    expect(pauses).toBeLessThanOrEqual(8);
    expect(parse).toHaveBeenCalledTimes(40);
    expect(listIncidents(doc)).toHaveLength(40);
    expect(parse).toHaveBeenCalledTimes(40);
    parse.mockRestore();
  });
});
