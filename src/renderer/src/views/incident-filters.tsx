/**
 * The filter bar of the incidents section. The filter lives in the URL's query (see
 * incidents-page.tsx), so this only shows it and reports changes.
 */
import { INCIDENT_STATUSES, type IncidentFilter, type MemberRecord, NO_FILTER, SEVERITIES, isFiltering } from '../../../core/workspace';
import type { MonitorRecord } from '../../../core/monitor';

export function IncidentFilters({ filter, onChange, members, monitors, showStatus }: {
  filter: IncidentFilter;
  onChange: (next: IncidentFilter) => void;
  members: MemberRecord[];
  monitors: MonitorRecord[];
  /** The board sorts by status itself. */
  showStatus: boolean;
}) {
  const set = <K extends keyof IncidentFilter>(key: K, value: IncidentFilter[K]) => onChange({ ...filter, [key]: value });
  // A filter from a link may name someone or something this doc does not list (yet): keep it selectable.
  const unknownAssignee = !['any', 'me', 'none'].includes(filter.assignee) && !members.some((m) => m.id === filter.assignee);
  const unknownMonitor = !['any', 'none'].includes(filter.monitor) && !monitors.some((m) => m.id === filter.monitor);
  return (
    <div className="filters" role="search" aria-label="Filter incidents">
      {showStatus && (
        <label>
          Status
          <select value={filter.status} onChange={(e) => set('status', e.target.value as IncidentFilter['status'])}>
            <option value="all">Any status</option>
            <option value="active">Not resolved</option>
            {INCIDENT_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      )}
      <label>
        Severity
        <select value={filter.severity} onChange={(e) => set('severity', e.target.value as IncidentFilter['severity'])}>
          <option value="all">Any severity</option>
          {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </label>
      <label>
        Assignee
        <select value={filter.assignee} onChange={(e) => set('assignee', e.target.value)}>
          <option value="any">Anyone</option>
          <option value="me">Assigned to me</option>
          <option value="none">Unassigned</option>
          {unknownAssignee && <option value={filter.assignee}>someone not listed here</option>}
          {members.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
        </select>
      </label>
      {(monitors.length > 0 || filter.monitor !== 'any') && (
        <label>
          Monitor
          <select value={filter.monitor} onChange={(e) => set('monitor', e.target.value)}>
            <option value="any">Any source</option>
            <option value="none">Opened by a person</option>
            {unknownMonitor && <option value={filter.monitor}>a monitor not synced here yet</option>}
            {monitors.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
          </select>
        </label>
      )}
      <label className="search">
        Search
        <input type="search" value={filter.text} maxLength={200} onChange={(e) => set('text', e.target.value)} placeholder="Title, description, model, person" />
      </label>
      {isFiltering(filter) && (
        <button type="button" className="link" onClick={() => onChange(NO_FILTER)}>Clear filters</button>
      )}
    </div>
  );
}
