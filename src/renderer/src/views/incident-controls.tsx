/**
 * The fields of an incident that people change while they work it: status (the next sensible
 * steps as buttons, and every status in a select for the unusual move), severity and assignee.
 * Owners and editors change them; everyone else reads them.
 */
import {
  INCIDENT_STATUSES,
  type IncidentRecord,
  type IncidentStatus,
  type MemberRecord,
  SEVERITIES,
  type Severity,
  WORKFLOW_STEPS,
} from '../../../core/workspace';
import { SeverityBadge, StatusBadge } from '../components/badges';

export function StatusControl({ incident, canEdit, onStatus }: { incident: IncidentRecord; canEdit: boolean; onStatus: (to: IncidentStatus) => void }) {
  return (
    <section className="control" aria-labelledby="status-heading">
      <h3 id="status-heading">Status</h3>
      <p><StatusBadge status={incident.status} /></p>
      {canEdit && (
        <>
          <div className="step-buttons" role="group" aria-label="Next steps">
            {WORKFLOW_STEPS[incident.status].map((step, i) => (
              <button key={step.to} type="button" className={i === 0 ? undefined : 'secondary'} onClick={() => onStatus(step.to)}>
                {step.label}
              </button>
            ))}
          </div>
          <label className="compact">
            Set status
            <select value={incident.status} onChange={(e) => onStatus(e.target.value as IncidentStatus)}>
              {INCIDENT_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </label>
        </>
      )}
    </section>
  );
}

export function SeverityControl({ incident, canEdit, onSeverity }: { incident: IncidentRecord; canEdit: boolean; onSeverity: (s: Severity) => void }) {
  return (
    <section className="control" aria-labelledby="severity-heading">
      <h3 id="severity-heading">Severity</h3>
      {canEdit ? (
        <label className="compact">
          <span className="sr-only">Severity</span>
          <select value={incident.severity} onChange={(e) => onSeverity(e.target.value as Severity)}>
            {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      ) : (
        <p><SeverityBadge severity={incident.severity} /></p>
      )}
    </section>
  );
}

/** Members who can work an incident: viewers cannot change or comment on one, so they are not offered. */
export function assignable(members: MemberRecord[]): MemberRecord[] {
  return members.filter((m) => m.role !== 'viewer');
}

export function AssigneeControl({ incident, members, meId, canEdit, onAssign }: {
  incident: IncidentRecord;
  members: MemberRecord[];
  meId: string;
  canEdit: boolean;
  onAssign: (assignee: { id: string; name: string } | null) => void;
}) {
  const options = assignable(members);
  // Someone who has since left (or become a viewer) still shows as the assignee.
  const gone = incident.assigneeId && !options.some((m) => m.id === incident.assigneeId);
  const me = members.find((m) => m.id === meId);
  return (
    <section className="control" aria-labelledby="assignee-heading">
      <h3 id="assignee-heading">Assignee</h3>
      {canEdit ? (
        <>
          <label className="compact">
            <span className="sr-only">Assignee</span>
            <select
              value={incident.assigneeId ?? ''}
              onChange={(e) => {
                const m = members.find((x) => x.id === e.target.value);
                onAssign(m ? { id: m.id, name: m.name } : null);
              }}
            >
              <option value="">Unassigned</option>
              {gone && <option value={incident.assigneeId}>{incident.assigneeName}</option>}
              {options.map((m) => <option key={m.id} value={m.id}>{m.name} ({m.role})</option>)}
            </select>
          </label>
          {me && incident.assigneeId !== meId && (
            <button type="button" className="link" onClick={() => onAssign({ id: me.id, name: me.name })}>Assign to me</button>
          )}
        </>
      ) : (
        <p>{incident.assigneeName ?? <span className="muted">Unassigned</span>}</p>
      )}
    </section>
  );
}
