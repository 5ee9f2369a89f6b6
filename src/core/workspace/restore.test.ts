import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addComment, createIncident, createModel, getIncident, listComments, listCommentsOn, listIncidentEvents, listIncidents, listModels, listRuns, registerModelVersion, restoreWorkspace, toggleReaction, updateIncident, upsertMember, upsertRunSummary } from './index.ts';

let n = 0;
const ctx = { actor: { id: 'm1', name: 'Ada' }, now: () => 1000 + n, newId: () => `id${++n}` };

describe('restoreWorkspace', () => {
  it('brings incidents and comments back to the snapshot as a new, syncable change', () => {
    const doc = new Y.Doc();
    upsertMember(doc, { id: 'm1', name: 'Ada', role: 'owner', joinedAt: 1 });
    const kept = createIncident(doc, { title: 'Drift on age', severity: 'high' }, ctx);
    addComment(doc, { target: { kind: 'incident', id: kept.id }, body: 'first look' }, ctx);
    const snapshot = new Y.Doc();
    Y.applyUpdate(snapshot, Y.encodeStateAsUpdate(doc));

    // After the snapshot: a status change, a new incident, a new comment, a member joins.
    updateIncident(doc, { incidentId: kept.id, status: 'resolved', title: 'renamed' }, ctx);
    const later = createIncident(doc, { title: 'Opened later', severity: 'low' }, ctx);
    addComment(doc, { target: { kind: 'incident', id: kept.id }, body: 'after snapshot' }, ctx);
    upsertMember(doc, { id: 'm2', name: 'Bob', role: 'editor', joinedAt: 2 });

    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
    const before = Y.encodeStateVector(doc);
    const summary = restoreWorkspace(doc, snapshot);
    expect(summary).toEqual({ added: 0, removed: 2, changed: 1 });
    expect(listIncidents(doc).map((i) => i.id)).toEqual([kept.id]);
    expect(getIncident(doc, kept.id)).toMatchObject({ title: 'Drift on age', status: 'open' });
    expect(getIncident(doc, later.id)).toBeUndefined();
    expect(listComments(doc, kept.id).map((c) => c.body)).toEqual(['first look']);
    expect(doc.getMap('members').has('m2')).toBe(true);

    // The restore is an ordinary update: a peer that applies it ends in the same state.
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc, Y.encodeStateVectorFromUpdate(Y.encodeStateAsUpdate(peer))));
    expect(listIncidents(peer)).toEqual(listIncidents(doc));
    expect(Y.encodeStateVector(doc)).not.toEqual(before);
    expect(restoreWorkspace(doc, snapshot)).toEqual({ added: 0, removed: 0, changed: 0 });
  });

  it('re-creates what was deleted since the snapshot', () => {
    const doc = new Y.Doc();
    const a = createIncident(doc, { title: 'A', severity: 'low' }, ctx);
    const snapshot = new Y.Doc();
    Y.applyUpdate(snapshot, Y.encodeStateAsUpdate(doc));
    doc.getMap('incidents').delete(a.id);
    expect(restoreWorkspace(doc, snapshot)).toEqual({ added: 1, removed: 0, changed: 0 });
    expect(getIncident(doc, a.id)).toMatchObject({ title: 'A' });
  });

  it('brings a deleted incident back with its timeline events, and restores monitors and notes', () => {
    const doc = new Y.Doc();
    const a = createIncident(doc, { title: 'A', severity: 'low' }, ctx);
    updateIncident(doc, { incidentId: a.id, status: 'acknowledged' }, ctx);
    doc.getMap('monitors').set('mon1', { id: 'mon1', name: 'Rain model' });
    doc.getMap('notes').set('n1', { id: 'n1', title: 'Plan' });
    const snapshot = new Y.Doc();
    Y.applyUpdate(snapshot, Y.encodeStateAsUpdate(doc));
    doc.getMap('incidents').delete(a.id);
    doc.getMap('monitors').delete('mon1');
    doc.getMap('notes').set('n1', { id: 'n1', title: 'Renamed' });

    expect(restoreWorkspace(doc, snapshot)).toEqual({ added: 2, removed: 0, changed: 1 });
    expect(listIncidentEvents(doc, a.id).map((e) => (e.kind === 'status' ? `${e.from}→${e.to}` : e.kind))).toEqual(['open→acknowledged']);
    // Still a shared array: the next event appends instead of replacing the log.
    updateIncident(doc, { incidentId: a.id, status: 'resolved' }, ctx);
    expect(listIncidentEvents(doc, a.id)).toHaveLength(2);
    expect(doc.getMap('monitors').get('mon1')).toEqual({ id: 'mon1', name: 'Rain model' });
    expect(doc.getMap('notes').get('n1')).toEqual({ id: 'n1', title: 'Plan' });
  });

  it('never rolls back the model registry, nor the runs and comments it refers to', () => {
    const doc = new Y.Doc();
    upsertMember(doc, { id: 'm1', name: 'Ada', role: 'owner', joinedAt: 1 });
    const snapshot = new Y.Doc();
    Y.applyUpdate(snapshot, Y.encodeStateAsUpdate(doc));
    const run = (name: string) => upsertRunSummary(doc, { name, experiment: 'e', status: 'finished', startedAt: 1, source: `api:${name}`, params: {}, metrics: {} }, ctx).record;
    const [used, unused] = [run('trained-v1'), run('scratch')];
    const model = createModel(doc, { name: 'churn' }, ctx);
    const version = registerModelVersion(doc, { modelId: model.id, runId: used.id }, ctx);
    const comment = addComment(doc, { target: { kind: 'modelVersion', id: version.id }, body: 'AUC checked' }, ctx);
    toggleReaction(doc, { commentId: comment.id, emoji: '+1' }, ctx);

    restoreWorkspace(doc, snapshot);
    expect(listModels(doc).map((m) => m.name)).toEqual(['churn']);
    expect(listRuns(doc).map((r) => r.name)).toEqual(['trained-v1']); // the scratch run goes, the version's stays
    expect(listRuns(doc).map((r) => r.id)).not.toContain(unused.id);
    expect(listCommentsOn(doc, 'modelVersion', version.id).map((c) => c.body)).toEqual(['AUC checked']);
    expect(doc.getMap('reactions').size).toBe(1);
  });

  it('leaves a split workspace\'s conversations alone: a snapshot from before the split brings no copies back', () => {
    const doc = new Y.Doc();
    upsertMember(doc, { id: 'm1', name: 'Ada', role: 'owner', joinedAt: 1 });
    const incident = createIncident(doc, { title: 'Drift on age', severity: 'high' }, ctx);
    const moved = addComment(doc, { target: { kind: 'incident', id: incident.id }, body: 'moved by the split' }, ctx);
    const snapshot = new Y.Doc();
    Y.applyUpdate(snapshot, Y.encodeStateAsUpdate(doc));
    // The server's split: the comment leaves, the mark is set.
    doc.getMap('comments').delete(moved.id);
    doc.getMap('meta').set('conversations', 'threads');
    updateIncident(doc, { incidentId: incident.id, title: 'renamed' }, ctx);
    restoreWorkspace(doc, snapshot);
    expect(getIncident(doc, incident.id)?.title).toBe('Drift on age');
    expect(listComments(doc, incident.id)).toEqual([]);
    // Unsplit, the same restore brings the comment back.
    const unsplit = new Y.Doc();
    Y.applyUpdate(unsplit, Y.encodeStateAsUpdate(snapshot));
    unsplit.getMap('comments').delete(moved.id);
    restoreWorkspace(unsplit, snapshot);
    expect(listComments(unsplit, incident.id).map((c) => c.id)).toEqual([moved.id]);
  });

  it('leaves a split timeline alone: a snapshot from before the split brings no events back onto the incident', () => {
    const doc = new Y.Doc();
    upsertMember(doc, { id: 'm1', name: 'Ada', role: 'owner', joinedAt: 1 });
    const incident = createIncident(doc, { title: 'Drift on age', severity: 'high' }, ctx);
    updateIncident(doc, { incidentId: incident.id, status: 'acknowledged' }, ctx);
    const snapshot = new Y.Doc();
    Y.applyUpdate(snapshot, Y.encodeStateAsUpdate(doc));
    // The server's split with timelines: the event leaves, the marks are set.
    (doc.getMap<Y.Map<unknown>>('incidents').get(incident.id)!.get('events') as Y.Array<unknown>).delete(0, 1);
    doc.getMap('meta').set('conversations', 'threads');
    doc.getMap('meta').set('timelines', 'threads');
    doc.getMap<Y.Map<unknown>>('incidents').get(incident.id)!.set('status', 'resolved');
    restoreWorkspace(doc, snapshot);
    expect(getIncident(doc, incident.id)?.status).toBe('acknowledged');
    expect(listIncidentEvents(doc, incident.id)).toEqual([]);
    // Without the timelines mark, the same restore brings the event back.
    doc.getMap('meta').delete('timelines');
    restoreWorkspace(doc, snapshot);
    expect(listIncidentEvents(doc, incident.id).map((e) => e.kind)).toEqual(['status']);
  });
});
