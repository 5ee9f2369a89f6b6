/**
 * Timelines split into conversation docs (`meta.timelines`): the writers (recordFindings, the
 * incident commands) put events into the incident's conversation doc and the readers (rule
 * standings, the missing-batch check's latest band, the notifier's and pages' digest) read the
 * server's summary of it, as a page that has not opened the incident must.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  DOC_KEYS,
  THREAD_EVENTS_KEY,
  addDatasetVersion,
  assignIncident,
  incidentDigest,
  listIncidentEvents,
  listConversationEvents,
  recordConversationSummary,
  updateIncident,
  upsertMember,
} from '../workspace/index.ts';
import { ruleStandings } from './monitor-status.ts';
import { createMonitor, getMonitor, latestFindingBand, recordFindings } from './monitors.ts';

function setup(split: boolean) {
  const doc = new Y.Doc();
  let t = 1_000_000;
  let n = 0;
  const ctx = { actor: { id: 'server', name: 'Monitor' }, now: () => (t += 1000), newId: () => `id${++n}` };
  upsertMember(doc, { id: 'm_ada', name: 'Ada', role: 'owner', joinedAt: 0 });
  upsertMember(doc, { id: 'm_bob', name: 'Bob', role: 'editor', joinedAt: 0 });
  const ref = addDatasetVersion(doc, {
    dataset: 'weather', fileName: 'seattle-2012.csv', format: 'csv', md5: 'a'.repeat(32), size: 1, rows: 366, columns: 6, profileBlob: 'b'.repeat(64),
  }, ctx);
  const monitor = createMonitor(doc, {
    name: 'Weather', referenceVersionId: ref.id, referenceBlob: 'd'.repeat(64), referenceFormat: 'csv',
    rules: [{ kind: 'columnDrift', id: 'temp', column: 'temp_max' }, { kind: 'metric', id: 'acc', metric: 'accuracy', direction: 'below', critical: 0.8 }],
  }, ctx);
  if (split) {
    doc.getMap(DOC_KEYS.meta).set('conversations', 'threads');
    doc.getMap(DOC_KEYS.meta).set('timelines', 'threads');
  }
  /** The conversation docs the server keeps, and what it does after writing one: the summary. */
  const conversations = new Map<string, Y.Doc>();
  const serverAppends = (applied: ReturnType<typeof recordFindings>) => {
    for (const { incidentId, event } of applied.timeline) {
      let conv = conversations.get(incidentId);
      if (!conv) conversations.set(incidentId, (conv = new Y.Doc()));
      conv.getArray(THREAD_EVENTS_KEY).push([event]);
      recordConversationSummary(doc, conv, { kind: 'incident', id: incidentId });
    }
  };
  return { doc, ctx, monitor, conversations, serverAppends, now: () => t };
}

describe('split timelines: recordFindings', () => {
  it('opens and updates the incident in the workspace doc and hands its findings back for the conversation doc', () => {
    const { doc, ctx, monitor, conversations, serverAppends } = setup(true);
    const first = recordFindings(doc, monitor, [{ ruleId: 'temp', band: 'warning', summary: 'temp warning', value: 0 }], { batchId: 1 }, ctx, 5);
    expect(first.opened).toHaveLength(1);
    const incidentId = first.opened[0]!.id;
    // Nothing on the workspace doc's timeline: the events are the caller's to write.
    expect(listIncidentEvents(doc, incidentId)).toEqual([]);
    expect(first.timeline.map((t) => [t.incidentId, t.event.kind, t.event.kind === 'finding' && t.event.ruleId])).toEqual([[incidentId, 'finding', 'temp']]);
    serverAppends(first);
    const second = recordFindings(doc, getMonitor(doc, monitor.id)!, [{ ruleId: 'acc', band: 'critical', summary: 'accuracy = 0.7', value: 0.7 }], {}, ctx);
    // The open incident is found in the workspace doc and its severity raised there.
    expect(second.updated.map((i) => [i.id, i.severity])).toEqual([[incidentId, 'critical']]);
    serverAppends(second);
    expect(listConversationEvents(conversations.get(incidentId)!).map((e) => e.kind === 'finding' && `${e.ruleId} ${e.band}`)).toEqual(['temp warning', 'acc critical']);
    expect(incidentDigest(doc, incidentId)).toMatchObject({ findings: 2 });
  });

  it('gives the same rule standings and latest bands as an unsplit workspace', () => {
    const run = (split: boolean) => {
      const s = setup(split);
      const fire = (ruleId: string, band: 'ok' | 'warning' | 'critical') =>
        s.serverAppends(recordFindings(s.doc, getMonitor(s.doc, s.monitor.id)!, [{ ruleId, band, summary: `${ruleId} ${band}`, value: 0 }], {}, s.ctx, ruleId === 'temp' ? s.now() : undefined));
      fire('temp', 'warning');
      fire('acc', 'critical');
      fire('temp', 'critical');
      const standings = ruleStandings(s.doc, getMonitor(s.doc, s.monitor.id)!, s.now());
      const incident = standings[0]!.openIncidentId!;
      return {
        standings: standings.map((r) => [r.rule.id, r.band, r.summary, r.openIncidentId === incident]),
        bands: ['temp', 'acc'].map((rule) => latestFindingBand(s.doc, { ...s.doc.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incident)!.toJSON(), id: incident } as never, rule)),
        findings: incidentDigest(s.doc, incident).findings,
      };
    };
    const split = run(true);
    expect(split).toEqual(run(false));
    expect(split.bands).toEqual(['critical', 'critical']);
    expect(split.findings).toBe(3);
  });
});

describe('split timelines: incident commands', () => {
  it('write status, severity and assignment events into the conversation doc given, and the fields into the workspace doc', () => {
    const { doc, ctx, monitor } = setup(true);
    const incidentId = recordFindings(doc, monitor, [{ ruleId: 'temp', band: 'warning', summary: 'w', value: 0 }], {}, ctx).opened[0]!.id;
    const conversation = new Y.Doc();
    const ada = { actor: { id: 'm_ada', name: 'Ada' }, now: ctx.now, newId: ctx.newId };
    updateIncident(doc, { incidentId, status: 'acknowledged', severity: 'high' }, ada, conversation);
    assignIncident(doc, { incidentId, assignee: { id: 'm_bob', name: 'Bob' } }, ada, conversation);
    expect(doc.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incidentId)!.toJSON()).toMatchObject({ status: 'acknowledged', severity: 'high', assigneeId: 'm_bob' });
    expect(listIncidentEvents(doc, incidentId)).toEqual([]);
    expect(listConversationEvents(conversation).map((e) => [e.kind, e.byId])).toEqual([['status', 'm_ada'], ['severity', 'm_ada'], ['assigned', 'm_ada']]);
    // The notifier's digest knows the assignment once the server has summarised the doc.
    recordConversationSummary(doc, conversation, { kind: 'incident', id: incidentId });
    expect(incidentDigest(doc, incidentId).assigned).toMatchObject({ assigneeId: 'm_bob', byId: 'm_ada', byName: 'Ada' });
  });

  it('write into the workspace doc without a conversation doc (the list page, an older app) or before timelines are split', () => {
    for (const [split, conversation] of [[true, null], [false, new Y.Doc()]] as const) {
      const { doc, ctx, monitor } = setup(split);
      const incidentId = recordFindings(doc, monitor, [{ ruleId: 'temp', band: 'warning', summary: 'w', value: 0 }], {}, ctx).opened[0]!.id;
      updateIncident(doc, { incidentId, status: 'resolved' }, ctx, conversation);
      expect(listIncidentEvents(doc, incidentId).filter((e) => e.kind === 'status')).toHaveLength(1);
      expect(conversation?.getArray(THREAD_EVENTS_KEY).length ?? 0).toBe(0);
    }
  });
});
