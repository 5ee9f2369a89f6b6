import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  CommandError,
  addComment,
  addDatasetVersion,
  createIncident,
  getIncident,
  initWorkspace,
  listComments,
  listIncidents,
  listMembers,
  readWorkspaceMeta,
  updateIncident,
  upsertMember,
} from './index.ts';

function context(start = 1_700_000_000_000) {
  let t = start;
  let n = 0;
  return { actor: { id: 'm_ada', name: 'Ada' }, now: () => (t += 1000), newId: () => `id${++n}` };
}

describe('workspace commands', () => {
  it('creates an incident with defaults and reads it back', () => {
    const doc = new Y.Doc();
    const ctx = context();
    const created = createIncident(doc, { title: '  Drift on age  ', severity: 'high' }, ctx);
    expect(created).toEqual({
      id: 'id1',
      title: 'Drift on age',
      severity: 'high',
      status: 'open',
      description: '',
      createdAt: 1_700_000_001_000,
      createdBy: 'm_ada',
      createdByName: 'Ada',
      updatedAt: 1_700_000_001_000,
    });
    expect(listIncidents(doc)).toEqual([created]);
  });

  it('lists incidents newest first and comments oldest first', () => {
    const doc = new Y.Doc();
    const ctx = context();
    const first = createIncident(doc, { title: 'first', severity: 'low' }, ctx);
    const second = createIncident(doc, { title: 'second', severity: 'low' }, ctx);
    expect(listIncidents(doc).map((i) => i.id)).toEqual([second.id, first.id]);
    addComment(doc, { target: { kind: 'incident', id: first.id }, body: 'one' }, ctx);
    addComment(doc, { target: { kind: 'incident', id: first.id }, body: 'two' }, ctx);
    addComment(doc, { target: { kind: 'incident', id: second.id }, body: 'elsewhere' }, ctx);
    expect(listComments(doc, first.id).map((c) => c.body)).toEqual(['one', 'two']);
  });

  it.each([
    [{ title: '   ', severity: 'high' }, 'title: title is required'],
    [{ title: 'x', severity: 'catastrophic' }, 'severity'],
    [{ title: 'x', severity: 'low', status: 'closed' }, 'status'],
    [{ severity: 'low' }, 'title'],
  ])('refuses bad incident input %j and writes nothing', (input, message) => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    expect(() => createIncident(doc, input as never, context())).toThrow(CommandError);
    expect(() => createIncident(doc, input as never, context())).toThrow(message);
    expect(updates).toHaveLength(0);
    expect(listIncidents(doc)).toEqual([]);
  });

  it('opens an incident that links the dataset versions and drift report it is about', () => {
    const doc = new Y.Doc();
    const ctx = context();
    const version = (fileName: string) =>
      addDatasetVersion(doc, { dataset: 'weather', fileName, format: 'csv', md5: 'a'.repeat(32), size: 1, rows: 1, columns: 1, profileBlob: 'b'.repeat(64) }, ctx);
    const [ref, cur] = [version('2012.csv'), version('2015.csv')];
    const links = { referenceVersionId: ref.id, currentVersionId: cur.id, reportBlob: 'c'.repeat(64), model: 'rain-forecast' };
    const created = createIncident(doc, { title: 'weather drift', severity: 'high', ...links }, ctx);
    expect(getIncident(doc, created.id)).toMatchObject(links);
    expect(() => createIncident(doc, { title: 'x', severity: 'low', currentVersionId: 'nope' }, ctx)).toThrow('currentVersionId: no dataset version nope');
    expect(() => createIncident(doc, { title: 'x', severity: 'low', reportBlob: 'zz' }, ctx)).toThrow('reportBlob');
    expect(listIncidents(doc)).toHaveLength(1);
  });

  it('refuses an empty comment and a comment on an unknown incident', () => {
    const doc = new Y.Doc();
    const ctx = context();
    const incident = createIncident(doc, { title: 'x', severity: 'low' }, ctx);
    expect(() => addComment(doc, { target: { kind: 'incident', id: incident.id }, body: ' \n ' }, ctx)).toThrow('comment is empty');
    expect(() => addComment(doc, { target: { kind: 'incident', id: 'nope' }, body: 'hi' }, ctx)).toThrow('no incident nope');
    expect(listComments(doc, incident.id)).toEqual([]);
  });

  it('updates only the given fields, so concurrent edits to other fields both survive', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const incident = createIncident(a, { title: 'x', severity: 'low' }, context());
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    updateIncident(a, { incidentId: incident.id, status: 'acknowledged' }, context());
    updateIncident(b, { incidentId: incident.id, severity: 'critical' }, context());
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(getIncident(a, incident.id)).toMatchObject({ status: 'acknowledged', severity: 'critical' });
    expect(getIncident(b, incident.id)).toEqual(getIncident(a, incident.id));
    expect(() => updateIncident(a, { incidentId: incident.id, status: 'gone' as never }, context())).toThrow('status');
  });

  it('skips records that do not fit the schema (written by a misbehaving client)', () => {
    const doc = new Y.Doc();
    createIncident(doc, { title: 'good', severity: 'low' }, context());
    const bad = new Y.Map<unknown>();
    bad.set('title', 42);
    doc.getMap('incidents').set('bad', bad);
    doc.getMap('comments').set('c', { body: 'no target' });
    expect(listIncidents(doc).map((i) => i.title)).toEqual(['good']);
    expect(getIncident(doc, 'bad')).toBeUndefined();
  });

  it('keeps workspace meta once set and orders members by role', () => {
    const doc = new Y.Doc();
    initWorkspace(doc, { id: 'ws_1', name: 'Churn' }, { now: () => 5 });
    initWorkspace(doc, { id: 'ws_2', name: 'Other' }, { now: () => 6 });
    expect(readWorkspaceMeta(doc)).toEqual({ id: 'ws_1', name: 'Churn', createdAt: 5, schemaVersion: 1 });
    upsertMember(doc, { id: 'm2', name: 'Vic', role: 'viewer', joinedAt: 1 });
    upsertMember(doc, { id: 'm1', name: 'Ada', role: 'owner', joinedAt: 2 });
    upsertMember(doc, { id: 'm2', name: 'Vic', role: 'editor', joinedAt: 9 });
    expect(listMembers(doc)).toEqual([
      { id: 'm1', name: 'Ada', role: 'owner', joinedAt: 2 },
      { id: 'm2', name: 'Vic', role: 'editor', joinedAt: 1 },
    ]);
    expect(() => upsertMember(doc, { id: 'm3', name: 'X', role: 'admin' as never, joinedAt: 1 })).toThrow(CommandError);
  });
});
