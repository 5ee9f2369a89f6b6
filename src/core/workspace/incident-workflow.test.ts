import { describe, expect, it } from 'vitest';
import { INCIDENT_STATUSES, type IncidentRecord } from './schema.ts';
import { type IncidentFilter, NO_FILTER, WORKFLOW_STEPS, filterFromQuery, filterToQuery, isFiltering, matchesFilter } from './incident-workflow.ts';

const incident = (fields: Partial<IncidentRecord>): IncidentRecord => ({
  id: 'i1', title: 'PSI on income above 0.2', severity: 'high', status: 'open', description: 'Since Monday\'s batch',
  createdAt: 1, createdBy: 'm_ada', createdByName: 'Ada', updatedAt: 1, ...fields,
});

describe('WORKFLOW_STEPS', () => {
  it('offers the usual next step first, resolving from every active status, and only reopen once resolved', () => {
    expect(Object.fromEntries(INCIDENT_STATUSES.map((s) => [s, WORKFLOW_STEPS[s][0]!.label]))).toEqual({
      open: 'Acknowledge', acknowledged: 'Start investigating', investigating: 'Mark mitigated', mitigated: 'Resolve', resolved: 'Reopen',
    });
    for (const s of INCIDENT_STATUSES) {
      if (s !== 'resolved') expect(WORKFLOW_STEPS[s].map((x) => x.to)).toContain('resolved');
      expect(WORKFLOW_STEPS[s].map((x) => x.to)).not.toContain(s);
    }
    expect(WORKFLOW_STEPS.resolved).toEqual([{ to: 'open', label: 'Reopen' }]);
  });
});

describe('incident filters', () => {
  const filter = (f: Partial<IncidentFilter>): IncidentFilter => ({ ...NO_FILTER, ...f });

  it('matches status (active = not resolved), severity, assignee (me, none, someone) and monitor', () => {
    const mine = incident({ assigneeId: 'm_bob', assigneeName: 'Bob', monitorId: 'mon1' });
    const resolved = incident({ status: 'resolved', severity: 'low' });
    expect(matchesFilter(mine, filter({ status: 'active' }), 'm_bob')).toBe(true);
    expect(matchesFilter(resolved, filter({ status: 'active' }), 'm_bob')).toBe(false);
    expect(matchesFilter(resolved, filter({ status: 'resolved', severity: 'low' }), 'm_bob')).toBe(true);
    expect(matchesFilter(mine, filter({ severity: 'low' }), 'm_bob')).toBe(false);
    expect(matchesFilter(mine, filter({ assignee: 'me' }), 'm_bob')).toBe(true);
    expect(matchesFilter(mine, filter({ assignee: 'me' }), 'm_ada')).toBe(false);
    expect(matchesFilter(mine, filter({ assignee: 'none' }), 'm_ada')).toBe(false);
    expect(matchesFilter(resolved, filter({ assignee: 'none' }), 'm_ada')).toBe(true);
    expect(matchesFilter(mine, filter({ assignee: 'm_bob' }), 'm_ada')).toBe(true);
    expect(matchesFilter(mine, filter({ monitor: 'mon1' }), 'm_ada')).toBe(true);
    expect(matchesFilter(mine, filter({ monitor: 'none' }), 'm_ada')).toBe(false);
    expect(matchesFilter(resolved, filter({ monitor: 'none' }), 'm_ada')).toBe(true);
  });

  it('matches every typed word, case and accents ignored, across title, description, people and monitor name', () => {
    const i = incident({ title: 'Résumé parser drift', monitorId: 'mon1', model: 'churn-v3' });
    const names = (id: string) => (id === 'mon1' ? 'Nightly batch' : undefined);
    expect(matchesFilter(i, filter({ text: 'resume DRIFT' }), 'x', names)).toBe(true);
    expect(matchesFilter(i, filter({ text: 'monday churn' }), 'x', names)).toBe(true);
    expect(matchesFilter(i, filter({ text: 'nightly ada' }), 'x', names)).toBe(true);
    expect(matchesFilter(i, filter({ text: 'resume weekly' }), 'x', names)).toBe(false);
  });

  it('reads and writes a URL query; defaults stay out of it and junk falls back to no filter', () => {
    const f = filter({ status: 'active', severity: 'critical', assignee: 'me', text: 'income' });
    const query = filterToQuery(f);
    expect(query).toEqual([['status', 'active'], ['severity', 'critical'], ['assignee', 'me'], ['q', 'income']]);
    const params = new Map(query);
    expect(filterFromQuery((k) => params.get(k) ?? null)).toEqual(f);
    expect(filterToQuery(NO_FILTER)).toEqual([]);
    expect(isFiltering(NO_FILTER)).toBe(false);
    expect(isFiltering(f)).toBe(true);
    const junk = new Map([['status', 'closed'], ['severity', 'catastrophic'], ['assignee', ''], ['monitor', '']]);
    expect(filterFromQuery((k) => junk.get(k) ?? null)).toEqual(NO_FILTER);
  });
});
