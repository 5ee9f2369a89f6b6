/**
 * The incident workflow as people work it: which steps make sense from each status (the UI
 * offers them as buttons; any status can still be picked by hand), and the filters of the
 * incidents list, read from and written to a URL's query so a filtered view can be linked.
 */
import { INCIDENT_STATUSES, type IncidentRecord, type IncidentStatus, SEVERITIES, type Severity } from './schema.ts';

export interface WorkflowStep {
  to: IncidentStatus;
  /** The button's label, a verb ("Acknowledge"). */
  label: string;
}

/**
 * Next steps from each status, the usual one first. Resolving is offered from every active
 * status (a false alarm is resolved straight from open); going back one step is offered where
 * work often turns out not to be done (a mitigation that did not hold).
 */
export const WORKFLOW_STEPS: Readonly<Record<IncidentStatus, readonly WorkflowStep[]>> = {
  open: [{ to: 'acknowledged', label: 'Acknowledge' }, { to: 'investigating', label: 'Start investigating' }, { to: 'resolved', label: 'Resolve' }],
  acknowledged: [{ to: 'investigating', label: 'Start investigating' }, { to: 'mitigated', label: 'Mark mitigated' }, { to: 'resolved', label: 'Resolve' }],
  investigating: [{ to: 'mitigated', label: 'Mark mitigated' }, { to: 'resolved', label: 'Resolve' }],
  mitigated: [{ to: 'resolved', label: 'Resolve' }, { to: 'investigating', label: 'Back to investigating' }],
  resolved: [{ to: 'open', label: 'Reopen' }],
};

/** Filters of the incidents list. `'all'`/`'any'` filter nothing. */
export interface IncidentFilter {
  /** `active`: anything not resolved. */
  status: IncidentStatus | 'active' | 'all';
  severity: Severity | 'all';
  /** `me`: the person looking; `none`: unassigned; else a member id. */
  assignee: string;
  /** `none`: opened by a person, not a monitor; else a monitor id. */
  monitor: string;
  text: string;
}

export const NO_FILTER: IncidentFilter = { status: 'all', severity: 'all', assignee: 'any', monitor: 'any', text: '' };

const PARAM = { status: 'status', severity: 'severity', assignee: 'assignee', monitor: 'monitor', text: 'q' } as const;

/** The filter a URL query names; unknown values fall back to no filter for that field. */
export function filterFromQuery(get: (name: string) => string | null): IncidentFilter {
  const status = get(PARAM.status);
  const severity = get(PARAM.severity);
  return {
    status: status === 'active' || (INCIDENT_STATUSES as readonly string[]).includes(status ?? '') ? (status as IncidentFilter['status']) : 'all',
    severity: (SEVERITIES as readonly string[]).includes(severity ?? '') ? (severity as Severity) : 'all',
    assignee: get(PARAM.assignee)?.slice(0, 128) || 'any',
    monitor: get(PARAM.monitor)?.slice(0, 128) || 'any',
    text: get(PARAM.text)?.slice(0, 200) ?? '',
  };
}

/** The query entries of a filter; fields that filter nothing are left out, so a plain list has a plain URL. */
export function filterToQuery(filter: IncidentFilter): [string, string][] {
  const out: [string, string][] = [];
  for (const field of ['status', 'severity', 'assignee', 'monitor', 'text'] as const) {
    const value = filter[field];
    if (value !== NO_FILTER[field]) out.push([PARAM[field], value]);
  }
  return out;
}

export function isFiltering(filter: IncidentFilter): boolean {
  return filterToQuery(filter).length > 0;
}

/** Lower case without accents, so "resume" finds "Résumé". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Whether an incident passes the filter. `meId` is who is looking (for `assignee: 'me'`);
 * `monitorName` lets the text find an incident by the name of the monitor that opened it.
 * Text matches when every word is in the title, description, model, assignee, opener or monitor.
 */
export function matchesFilter(incident: IncidentRecord, filter: IncidentFilter, meId: string, monitorName?: (id: string) => string | undefined): boolean {
  if (filter.status === 'active' ? incident.status === 'resolved' : filter.status !== 'all' && incident.status !== filter.status) return false;
  if (filter.severity !== 'all' && incident.severity !== filter.severity) return false;
  if (filter.assignee !== 'any') {
    const want = filter.assignee === 'me' ? meId : filter.assignee === 'none' ? undefined : filter.assignee;
    if (incident.assigneeId !== want) return false;
  }
  if (filter.monitor !== 'any' && incident.monitorId !== (filter.monitor === 'none' ? undefined : filter.monitor)) return false;
  const words = fold(filter.text).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const monitor = incident.monitorId ? monitorName?.(incident.monitorId) ?? '' : '';
  const haystack = fold([incident.title, incident.description, incident.model ?? '', incident.assigneeName ?? '', incident.createdByName, monitor].join('\n'));
  return words.every((w) => haystack.includes(w));
}
