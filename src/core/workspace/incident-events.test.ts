import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createIncident, updateIncident } from './commands.ts';
import { appendIncidentEvent, foldActionOutcomes, listIncidentEvents, listRawIncidentEvents } from './incident-events.ts';

let n = 0;
const as = (id: string, name: string) => ({ actor: { id, name }, now: () => 1_700_000_000_000 + ++n, newId: () => `e${n}` });
const ada = as('m_ada', 'Ada');
const bob = as('m_bob', 'Bob');

describe('incident timeline events', () => {
  it('records severity changes like status changes, and nothing when the severity stays', () => {
    const doc = new Y.Doc();
    const incident = createIncident(doc, { title: 'Drift', severity: 'high' }, ada);
    updateIncident(doc, { incidentId: incident.id, severity: 'critical' }, bob);
    updateIncident(doc, { incidentId: incident.id, severity: 'critical', status: 'acknowledged' }, ada);
    updateIncident(doc, { incidentId: incident.id, severity: 'low' }, ada);
    expect(listIncidentEvents(doc, incident.id).map((e) => (e.kind === 'severity' || e.kind === 'status' ? [e.kind, e.byName, e.from, e.to] : [e.kind]))).toEqual([
      ['severity', 'Bob', 'high', 'critical'],
      ['status', 'Ada', 'open', 'acknowledged'],
      ['severity', 'Ada', 'critical', 'low'],
    ]);
  });

  it('shows an action with its final outcome, keeping every outcome in the raw trail', () => {
    const doc = new Y.Doc();
    const incident = createIncident(doc, { title: 'Drift', severity: 'high' }, ada);
    const asked = appendIncidentEvent(doc, incident.id, { kind: 'action', action: 'retrain', outcome: 'pending', detail: 'answered 503; retrying' }, bob);
    updateIncident(doc, { incidentId: incident.id, status: 'investigating' }, ada);
    appendIncidentEvent(doc, incident.id, { kind: 'action', action: 'retrain', outcome: 'ok', detail: 'delivered (200), 2 attempts', follows: asked.id }, bob);
    const shown = listIncidentEvents(doc, incident.id);
    expect(shown.map((e) => e.kind)).toEqual(['action', 'status']);
    expect(shown[0]).toMatchObject({ id: asked.id, at: asked.at, byName: 'Bob', outcome: 'ok', detail: 'delivered (200), 2 attempts' });
    expect(listRawIncidentEvents(doc, incident.id)).toHaveLength(3);
  });

  it('ignores a follow-up by someone other than who asked, and one whose action is missing', () => {
    const doc = new Y.Doc();
    const incident = createIncident(doc, { title: 'Drift', severity: 'high' }, ada);
    const asked = appendIncidentEvent(doc, incident.id, { kind: 'action', action: 'retrain', outcome: 'failed', detail: 'answered 500' }, bob);
    appendIncidentEvent(doc, incident.id, { kind: 'action', action: 'retrain', outcome: 'ok', detail: 'forged', follows: asked.id }, ada);
    appendIncidentEvent(doc, incident.id, { kind: 'action', action: 'retrain', outcome: 'ok', detail: 'orphan', follows: 'nope' }, bob);
    expect(foldActionOutcomes(listRawIncidentEvents(doc, incident.id))).toEqual([expect.objectContaining({ id: asked.id, outcome: 'failed', detail: 'answered 500' })]);
  });
});
