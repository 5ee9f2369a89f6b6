import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createIncident, listIncidents, updateIncident, upsertRunSummaries } from '../../../core/workspace';
import { incidentsOf } from './incidents-model';

describe('incidentsOf', () => {
  it('is listIncidents, the same array until an incident changes', () => {
    const doc = new Y.Doc();
    let n = 0;
    const ctx = { actor: { id: 'm_ada', name: 'Ada' }, now: () => 1_700_000_000_000 + ++n * 1000, newId: () => `id${++n}` };
    const a = createIncident(doc, { title: 'PSI drift on age', severity: 'high' }, ctx);
    createIncident(doc, { title: 'Schema change', severity: 'low' }, ctx);
    const first = incidentsOf(doc);
    expect(first).toEqual(listIncidents(doc));
    upsertRunSummaries(doc, [{ name: 'r', experiment: 'e', status: 'finished', startedAt: 1, source: 'mlflow:abcdef0123456789', params: {}, metrics: {}, tags: {} }], ctx);
    expect(incidentsOf(doc)).toBe(first);
    updateIncident(doc, { incidentId: a.id, status: 'investigating' }, ctx); // a field inside the incident's Y.Map
    const next = incidentsOf(doc);
    expect(next).not.toBe(first);
    expect(next.find((i) => i.id === a.id)?.status).toBe('investigating');
    expect(next).toEqual(listIncidents(doc));
  });
});
