import { useCallback } from 'react';
import type * as Y from 'yjs';
import { type MonitorRecord, getMonitor, ruleStandings } from '../../../core/monitor';
import { getDatasetVersion, incidentDigest, listIncidents, listMembers } from '../../../core/workspace';
import { SeverityBadge, StatusBadge, TimeAgo } from '../components/badges';
import { MonitorHistory } from '../monitors/history-charts';
import { IngestInstructions } from '../monitors/ingest-instructions';
import { MonitorControls } from '../monitors/monitor-controls';
import { BandBadge, LastBatch, useNow } from '../monitors/monitor-bits';
import { describeRule } from '../monitors/rule-text';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import '../monitors/monitors.css';

/**
 * One monitor: its reference and rules with their latest bands, its history drawn over time, how
 * CI sends it batches, its incidents, and pause/edit/delete.
 */
export function MonitorDetail({ session, monitorId }: { session: WorkspaceSession; monitorId: string }) {
  const read = useCallback((doc: Y.Doc) => {
    const monitor = getMonitor(doc, monitorId);
    const incidents = listIncidents(doc).filter((i) => i.monitorId === monitorId);
    return {
      monitor,
      reference: monitor && getDatasetVersion(doc, monitor.referenceVersionId),
      createdBy: monitor && listMembers(doc).find((m) => m.id === monitor.createdBy)?.name,
      incidents: incidents.map((i) => ({ incident: i, findings: incidentDigest(doc, i.id).findings })),
    };
  }, [monitorId]);
  const { monitor, reference, createdBy, incidents } = useDocValue(session.doc, read);
  const now = useNow();
  const ws = session.connection.workspaceId;

  if (!monitor) {
    return (
      <section>
        <p className="empty">This monitor is not here (yet). A monitor just created appears once the server has written it and the workspace syncs.</p>
        <a href={`#/w/${ws}/monitors`}>Back to monitors</a>
      </section>
    );
  }
  return (
    <article aria-labelledby="monitor-title" className="monitor">
      <a href={`#/w/${ws}/monitors`} className="muted small">← Monitors</a>
      <h2 id="monitor-title">{monitor.name}</h2>
      <p className="meta muted">
        {monitor.model && <>Model <strong>{monitor.model}</strong> · </>}
        reference {reference ? <a href={`#/w/${ws}/datasets/${reference.id}`}>{reference.dataset} · {reference.fileName}</a> : 'a version not synced here yet'}
        {' '}· created <TimeAgo at={monitor.createdAt} now={now} />{createdBy && <> by {createdBy}</>} · <LastBatch monitor={monitor} now={now} />
        {monitor.paused && <> · <span className="badge band-warning">paused</span></>}
      </p>
      {monitor.mapping && (
        <p className="small muted" aria-label="Column mapping">
          Columns: {[
            monitor.mapping.timestamp && `timestamp ${monitor.mapping.timestamp}`,
            monitor.mapping.id && `id ${monitor.mapping.id}`,
            monitor.mapping.target && `target ${monitor.mapping.target}`,
            monitor.mapping.prediction && `prediction ${monitor.mapping.prediction}`,
            monitor.mapping.predictionProba && `probability ${typeof monitor.mapping.predictionProba === 'string' ? monitor.mapping.predictionProba : Object.values(monitor.mapping.predictionProba).join(', ')}`,
            monitor.mapping.ignored.length > 0 && `ignored ${monitor.mapping.ignored.join(', ')}`,
          ].filter(Boolean).join(' · ')}
        </p>
      )}
      <p className="small muted" aria-label="Reference chunks">Reference chunks (for thresholds from the reference): {chunkingText(monitor.chunking)}</p>
      <MonitorControls session={session} monitor={monitor} />

      <h3>Rules</h3>
      <table aria-label="Rules">
        <thead><tr><th scope="col">Rule</th><th scope="col">Bounds</th><th scope="col">Latest</th><th scope="col">Why</th></tr></thead>
        <tbody>
          {ruleStandings(session.doc, monitor, now).map((s) => {
            const text = describeRule(s.rule);
            return (
              <tr key={s.rule.id}>
                <td>{text.title}</td>
                <td className="small">{text.bounds}</td>
                <td><BandBadge band={s.band} /></td>
                <td className="small">
                  {s.summary}
                  {s.openIncidentId && <> · <a href={`#/w/${ws}/incidents/${s.openIncidentId}`}>open incident</a></>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <h3>History</h3>
      <MonitorHistory session={session} monitor={monitor} />

      <IngestInstructions connection={session.connection} monitor={monitor} />

      <h3>Incidents ({incidents.length})</h3>
      {incidents.length === 0 ? (
        <p className="empty">No incidents yet. When a batch breaks rules, one incident opens here and in Incidents with a finding per rule; later findings are added to it while it is not resolved.</p>
      ) : (
        <table aria-label="Incidents of this monitor">
          <thead><tr><th scope="col">Severity</th><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Findings</th><th scope="col">Opened</th></tr></thead>
          <tbody>
            {incidents.map(({ incident: i, findings }) => (
              <tr key={i.id}>
                <td><SeverityBadge severity={i.severity} /></td>
                <td><a href={`#/w/${ws}/incidents/${i.id}`}>{i.title}</a></td>
                <td><StatusBadge status={i.status} /></td>
                <td>{findings}</td>
                <td className="muted"><TimeAgo at={i.createdAt} now={now} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}

/** How a monitor cuts its reference, in words. */
function chunkingText(chunking: MonitorRecord['chunking']): string {
  if (!chunking || chunking.kind === 'default') return '10 chunks (NannyML’s default)';
  if (chunking.kind === 'size') return `chunks of ${chunking.size.toLocaleString()} rows`;
  if (chunking.kind === 'number') return `${chunking.count.toLocaleString()} chunks`;
  return `one chunk per ${chunking.period} of the timestamp`;
}
