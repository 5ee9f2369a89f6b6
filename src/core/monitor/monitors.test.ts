import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addDatasetVersion, incidentTimeline, listIncidentEvents, listIncidents, updateIncident } from '../workspace/index.ts';
import { createMonitor, deleteMonitor, getMonitor, listMonitors, recordFindings, updateMonitor } from './monitors.ts';
import type { RuleOutcome } from './rules.ts';

function setup() {
  const doc = new Y.Doc();
  let t = 1_700_000_000_000;
  let n = 0;
  const ctx = { actor: { id: 'server', name: 'Monitor' }, now: () => (t += 1000), newId: () => `id${++n}` };
  const ref = addDatasetVersion(doc, {
    dataset: 'weather', fileName: 'seattle-2012.csv', format: 'csv', md5: 'a'.repeat(32), size: 1, rows: 366, columns: 6, profileBlob: 'b'.repeat(64),
  }, ctx);
  const monitor = createMonitor(doc, {
    name: 'Weather model', model: 'rain-forecast', referenceVersionId: ref.id, referenceBlob: 'd'.repeat(64), referenceFormat: 'csv',
    rules: [
      { kind: 'driftShare', id: 'share', warning: 0.3, critical: 0.5 }, { kind: 'metric', id: 'acc', metric: 'accuracy', direction: 'below', critical: 0.8 },
      { kind: 'columnDrift', id: 'temp', column: 'temp' }, { kind: 'batchMissing', id: 'late', criticalAfterMs: 1000, ownIncident: true },
    ],
  }, ctx);
  return { doc, ctx, monitor };
}

const outcome = (ruleId: string, band: RuleOutcome['band'], summary = `${ruleId} ${band}`): RuleOutcome => ({ ruleId, band, summary, value: 0 });

describe('recordFindings', () => {
  it('opens one incident per monitor, then adds findings to it instead of duplicating', () => {
    const { doc, ctx, monitor } = setup();
    expect(recordFindings(doc, monitor, [outcome('share', 'ok')], {}, ctx, 5)).toEqual({ opened: [], updated: [], incidentOfRule: {}, timeline: [] });
    expect(listIncidents(doc)).toEqual([]);
    expect(getMonitor(doc, monitor.id)!.lastBatchAt).toBe(5);

    const first = recordFindings(doc, monitor, [outcome('share', 'warning', '4 of 10 columns drifted')], { reportBlob: 'c'.repeat(64), currentVersionId: 'v2' }, ctx);
    expect(first.opened).toHaveLength(1);
    expect(first.opened[0]).toMatchObject({
      title: 'Weather model: dataset drift', severity: 'medium', status: 'open', monitorId: monitor.id,
      model: 'rain-forecast', currentVersionId: 'v2', reportBlob: 'c'.repeat(64), description: '4 of 10 columns drifted',
    });

    const second = recordFindings(doc, monitor, [outcome('share', 'critical', '6 of 10 columns drifted'), outcome('acc', 'critical')], { currentVersionId: 'v3' }, ctx);
    expect(second.updated.map((i) => i.id)).toEqual([first.opened[0]!.id]);
    expect(second.updated[0]).toMatchObject({ severity: 'critical', currentVersionId: 'v3' });
    expect(second.opened).toEqual([]);
    expect(listIncidents(doc)).toHaveLength(1);
    expect(listIncidentEvents(doc, first.opened[0]!.id).map((e) => (e.kind === 'finding' ? `${e.ruleId} ${e.band}: ${e.summary}` : e.kind))).toEqual([
      'share warning: 4 of 10 columns drifted',
      'share critical: 6 of 10 columns drifted',
      'acc critical: acc critical',
    ]);
  });

  it('opens one incident for a batch that fires several rules, each rule a finding; an ownIncident rule keeps its own', () => {
    const { doc, ctx, monitor } = setup();
    const applied = recordFindings(doc, monitor, [outcome('share', 'warning'), outcome('temp', 'critical'), outcome('acc', 'ok'), outcome('late', 'critical')], { batchId: 7 }, ctx);
    expect(applied.opened.map((i) => [i.title, i.severity, i.ruleId])).toEqual([
      ['Weather model: dataset drift and 1 more', 'critical', undefined],
      ['Weather model: batch missing', 'critical', 'late'],
    ]);
    const [shared, own] = applied.opened;
    expect(applied.incidentOfRule).toEqual({ share: shared!.id, temp: shared!.id, late: own!.id });
    expect(listIncidentEvents(doc, shared!.id).map((e) => e.kind === 'finding' && [e.ruleId, e.band, e.batchId])).toEqual([['share', 'warning', 7], ['temp', 'critical', 7]]);
  });

  it('opens a new incident once the old one is resolved', () => {
    const { doc, ctx, monitor } = setup();
    const [incident] = recordFindings(doc, monitor, [outcome('share', 'critical')], {}, ctx).opened;
    updateIncident(doc, { incidentId: incident!.id, status: 'resolved' }, { ...ctx, actor: { id: 'm_ada', name: 'Ada' } });
    const again = recordFindings(doc, monitor, [outcome('share', 'critical')], {}, ctx);
    expect(again.opened).toHaveLength(1);
    expect(again.opened[0]!.id).not.toBe(incident!.id);
  });

  it('puts status changes with who and when on the timeline, next to comments', () => {
    const { doc, ctx, monitor } = setup();
    const [incident] = recordFindings(doc, monitor, [outcome('share', 'critical')], {}, ctx).opened;
    const ada = { ...ctx, actor: { id: 'm_ada', name: 'Ada' } };
    updateIncident(doc, { incidentId: incident!.id, status: 'acknowledged' }, ada);
    updateIncident(doc, { incidentId: incident!.id, severity: 'high' }, ada);
    updateIncident(doc, { incidentId: incident!.id, status: 'mitigated' }, ada);
    updateIncident(doc, { incidentId: incident!.id, status: 'resolved' }, ada);
    updateIncident(doc, { incidentId: incident!.id, status: 'open' }, ada);
    const steps = incidentTimeline(doc, incident!.id).map((e) => (e.kind === 'event' && e.event.kind === 'status' ? `${e.event.byName}: ${e.event.from}→${e.event.to}` : e.kind === 'event' ? e.event.kind : 'comment'));
    expect(steps).toEqual(['finding', 'Ada: open→acknowledged', 'severity', 'Ada: acknowledged→mitigated', 'Ada: mitigated→resolved', 'Ada: resolved→open']);
  });
});

describe('updateMonitor and deleteMonitor', () => {
  it('changes only the fields given, and a deleted monitor leaves lists but keeps its record', () => {
    const { doc, ctx, monitor } = setup();
    const paused = updateMonitor(doc, { monitorId: monitor.id, paused: true, mapping: { timestamp: 'date' } }, ctx);
    expect(paused).toMatchObject({ name: 'Weather model', paused: true, mapping: { timestamp: 'date', ignored: [], columns: {} }, rules: monitor.rules });
    expect(updateMonitor(doc, { monitorId: monitor.id, mapping: null, rules: [{ kind: 'driftShare', id: 's', critical: 0.4 }] }, ctx)).not.toHaveProperty('mapping');
    expect(() => updateMonitor(doc, { monitorId: monitor.id, rules: [] }, ctx)).toThrow(/rules/);
    expect(() => updateMonitor(doc, { monitorId: monitor.id, reference: { versionId: 'nope', blob: 'e'.repeat(64), format: 'csv' } }, ctx)).toThrow('no dataset version nope');
    deleteMonitor(doc, monitor.id, ctx);
    expect(listMonitors(doc)).toEqual([]);
    expect(getMonitor(doc, monitor.id)).toBeUndefined();
    expect(getMonitor(doc, monitor.id, { deleted: true })!.deletedAt).toBeGreaterThan(0);
    expect(() => updateMonitor(doc, { monitorId: monitor.id, paused: false }, ctx)).toThrow(/was deleted/);
  });
});

describe('createMonitor', () => {
  it('refuses an unknown reference version and duplicate rule ids', () => {
    const { doc, ctx } = setup();
    expect(() => createMonitor(doc, { name: 'm', referenceVersionId: 'nope', referenceBlob: 'd'.repeat(64), referenceFormat: 'csv', rules: [{ kind: 'driftShare', id: 's', critical: 0.5 }] }, ctx)).toThrow('no dataset version nope');
    expect(() => createMonitor(doc, { name: 'm', referenceVersionId: 'nope', referenceBlob: 'd'.repeat(64), referenceFormat: 'csv', rules: [{ kind: 'driftShare', id: 's', critical: 0.5 }, { kind: 'driftShare', id: 's', critical: 0.6 }] }, ctx)).toThrow('rule ids must be unique');
  });
});
