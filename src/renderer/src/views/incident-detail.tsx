import { Suspense, lazy, useCallback, useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { DriftComparison } from '../../../core/profile';
import { CommandError, assignIncident, getIncident, listMembers, updateIncident } from '../../../core/workspace';
import { SeverityBadge, StatusBadge, TimeAgo } from '../components/badges';
import { useDocValue } from '../session/hooks';
import { useConversationOpen } from '../session/use-conversation';
import { columnHistoryHref } from '../monitors/monitor-links';
import { useJsonBlob } from '../session/use-blob';
import type { WorkspaceSession } from '../session/workspace-session';
import { AssigneeControl, SeverityControl, StatusControl } from './incident-controls';
import { IncidentLinks } from './incident-links';
import { RetrainAction } from './incident-retrain';
import { IncidentTimeline } from './incident-timeline';
import './incidents.css';

// The report carries the chart library: load it when an incident has a report to show.
const DriftReport = lazy(() => import('../components/drift-report').then((m) => ({ default: m.DriftReport })));

function message(err: unknown): string {
  return err instanceof CommandError ? err.issues.map((i) => i.message).join('; ') : String(err);
}

/**
 * One incident: what it is (description, links to its monitor, model, data and drift report),
 * where it stands (status with the workflow's next steps, severity, assignee — editable by
 * owners and editors), its drift report, and its timeline of events and comment threads.
 */
export function IncidentDetail({ session, incidentId }: { session: WorkspaceSession; incidentId: string }) {
  const read = useCallback((doc: Y.Doc) => ({ incident: getIncident(doc, incidentId), members: listMembers(doc) }), [incidentId]);
  const { incident, members } = useDocValue(session.doc, read);
  // Status, severity and assignment events go on the timeline in here once timelines are split
  // (the same doc the timeline below opens: the session shares it).
  const conversation = useConversationOpen(session, { kind: 'incident', id: incidentId });
  const role = session.connection.role;
  const canEdit = role === 'owner' || role === 'editor';
  const [error, setError] = useState<string | null>(null);
  // The latest report unless someone picked an older finding's report on the timeline.
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const reportRef = useRef<HTMLElement>(null);
  const ws = session.connection.workspaceId;
  const shownReport = picked ?? incident?.reportBlob;

  useEffect(() => setPicked(undefined), [incidentId]);

  if (!incident) {
    return (
      <section>
        <p className="empty">This incident is not here (yet). If a teammate just opened it, it appears once the workspace syncs.</p>
        <a href={`#/w/${ws}/incidents`}>Back to incidents</a>
      </section>
    );
  }

  const act = (f: () => void) => {
    try {
      f();
      setError(null);
    } catch (err) {
      setError(message(err));
    }
  };
  const showReport = (sha256?: string) => {
    if (sha256) setPicked(sha256 === incident.reportBlob ? undefined : sha256);
    // After React has drawn the section (it may be new).
    requestAnimationFrame(() => {
      reportRef.current?.scrollIntoView({ block: 'start' });
      reportRef.current?.focus({ preventScroll: true });
    });
  };

  return (
    <article aria-labelledby="incident-title" className="incident">
      <a href={`#/w/${ws}/incidents`} className="muted small">← Incidents</a>
      <h2 id="incident-title">{incident.title}</h2>
      <p className="meta">
        <SeverityBadge severity={incident.severity} /> <StatusBadge status={incident.status} /> opened <TimeAgo at={incident.createdAt} /> by {incident.createdByName}
        {incident.assigneeName ? <> · assigned to {incident.assigneeName}</> : <> · unassigned</>}
      </p>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="incident-layout">
        <div className="incident-main">
          <h3>Description</h3>
          {incident.description ? <p className="prose">{incident.description}</p> : <p className="muted">No description.</p>}
          {shownReport && (
            <section className="drift-report" aria-labelledby="report-heading" ref={reportRef} tabIndex={-1}>
              <h3 id="report-heading">Drift report{picked && <span className="muted small"> (an earlier finding’s · <button type="button" className="link" onClick={() => setPicked(undefined)}>show the latest</button>)</span>}</h3>
              <IncidentReport session={session} sha256={shownReport} monitorId={incident.monitorId} />
            </section>
          )}
          <IncidentTimeline
            session={session}
            incident={incident}
            can={{ comment: canEdit || role === 'commenter', resolveAny: canEdit }}
            shownReport={shownReport}
            onShowReport={showReport}
            onError={(err) => setError(message(err))}
          />
        </div>
        <aside className="incident-side" aria-label="Incident details">
          <StatusControl incident={incident} canEdit={canEdit} onStatus={(status) => act(() => updateIncident(session.doc, { incidentId, status }, session.commandContext(), conversation))} />
          <SeverityControl incident={incident} canEdit={canEdit} onSeverity={(severity) => act(() => updateIncident(session.doc, { incidentId, severity }, session.commandContext(), conversation))} />
          <AssigneeControl
            incident={incident}
            members={members}
            meId={session.connection.memberId}
            canEdit={canEdit}
            onAssign={(assignee) => act(() => assignIncident(session.doc, { incidentId, assignee }, session.commandContext(), conversation))}
          />
          <IncidentLinks session={session} incident={incident} onShowReport={() => showReport()} />
          <RetrainAction session={session} incident={incident} />
        </aside>
      </div>
    </article>
  );
}

/** `monitorId`: the incident's monitor, whose page holds each column's history (the report's columns link there). */
function IncidentReport({ session, sha256, monitorId }: { session: WorkspaceSession; sha256: string; monitorId?: string }) {
  const report = useJsonBlob<DriftComparison>(session, sha256);
  if (report.kind === 'loading') return <p className="muted" role="status">Loading the report…</p>;
  if (report.kind === 'error') return <p role="alert" className="error">Could not load the drift report: {report.message}. It loads from the server when this machine does not have it; check the connection and open the incident again.</p>;
  return (
    <Suspense fallback={<p className="muted" role="status">Loading the report…</p>}>
      <DriftReport report={report.value} columnHref={monitorId ? columnHistoryHref(session.connection.workspaceId, monitorId) : undefined} />
    </Suspense>
  );
}
