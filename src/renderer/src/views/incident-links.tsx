/**
 * What an incident is about, as links: the monitor and rule that opened it, the model, the
 * reference and current dataset versions, and the drift report. There is no page per model, so
 * the model links to the incidents list filtered to it — the question a person has there is
 * usually "has this happened before?".
 */
import { useCallback } from 'react';
import type * as Y from 'yjs';
import { type AlertRule, getMonitor } from '../../../core/monitor';
import { type IncidentRecord, getDatasetVersion, incidentDigest, listComparisons } from '../../../core/workspace';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';

export function IncidentLinks({ session, incident, onShowReport }: { session: WorkspaceSession; incident: IncidentRecord; onShowReport: () => void }) {
  const read = useCallback((doc: Y.Doc) => ({
    monitor: incident.monitorId ? getMonitor(doc, incident.monitorId) : undefined,
    reference: incident.referenceVersionId ? getDatasetVersion(doc, incident.referenceVersionId) : undefined,
    current: incident.currentVersionId ? getDatasetVersion(doc, incident.currentVersionId) : undefined,
    comparison: incident.reportBlob ? listComparisons(doc).find((c) => c.reportBlob === incident.reportBlob) : undefined,
    // The rules whose findings are on it (a monitor's incident gathers every rule a batch fired).
    ruleIds: [...new Set([
      ...(incident.ruleId ? [incident.ruleId] : []),
      // (from the workspace doc and the digest of the incident's conversation doc: incident-digest.ts)
      ...incidentDigest(doc, incident.id).latestFindings.flatMap((f) => (f.ruleId ? [f.ruleId] : [])),
    ])].join(' '),
  }), [incident.id, incident.ruleId, incident.monitorId, incident.referenceVersionId, incident.currentVersionId, incident.reportBlob]);
  const { monitor, reference, current, comparison, ruleIds } = useDocValue(session.doc, read);
  const ws = session.connection.workspaceId;
  const list = (query: Record<string, string>) => `#/w/${ws}/incidents?${new URLSearchParams(query).toString()}`;
  const version = (id: string | undefined, found: typeof reference) =>
    !id ? null
    : found ? <a href={`#/w/${ws}/datasets/${encodeURIComponent(found.id)}`}>{found.fileName}</a>
    : <span className="muted">a version not synced here yet</span>;
  const fired = new Set(ruleIds.split(' '));
  const rules = monitor?.rules.filter((r) => fired.has(r.id)) ?? [];

  const rows: [string, React.ReactNode][] = [];
  if (incident.monitorId) {
    rows.push(['Monitor', <>
      <a href={`#/w/${ws}/monitors/${encodeURIComponent(incident.monitorId)}`}>{monitor?.name ?? 'a monitor not synced here yet'}</a>
      {rules.length > 0 && <span className="muted small"> · {rules.map(describeRule).join('; ')}</span>}
    </>]);
  }
  if (incident.model) rows.push(['Model', <a href={list({ q: incident.model })} title="Incidents that mention this model">{incident.model}</a>]);
  if (incident.referenceVersionId) rows.push(['Reference data', version(incident.referenceVersionId, reference)]);
  if (incident.currentVersionId) rows.push(['Current data', version(incident.currentVersionId, current)]);
  if (incident.reportBlob) {
    rows.push(['Drift report', <>
      <button type="button" className="link" onClick={onShowReport}>Show the report</button>
      {comparison && <> · <a href={`#/w/${ws}/comparisons/${encodeURIComponent(comparison.id)}`}>as a comparison</a></>}
    </>]);
  }

  return (
    <section className="control" aria-labelledby="links-heading">
      <h3 id="links-heading">Links</h3>
      {rows.length === 0 ? (
        <p className="muted small">Opened by hand, not by a monitor; no data linked. Open an incident from a dataset comparison to link its versions and report.</p>
      ) : (
        <dl className="links">
          {rows.map(([term, value]) => (
            <div key={term}><dt>{term}</dt><dd>{value}</dd></div>
          ))}
        </dl>
      )}
    </section>
  );
}

/** A rule in a line, with its bounds ("drift share ≥ 0.5, warning at 0.3"). */
function describeRule(rule: AlertRule): string {
  const warn = (w: number | undefined, unit = '') => (w === undefined ? '' : `, warning at ${w}${unit}`);
  switch (rule.kind) {
    case 'driftShare':
      return rule.bounds === 'reference' ? "drift share above the reference's mean + 3σ" : `drift share ≥ ${rule.critical}${warn(rule.warning)}`;
    case 'multivariate':
      return "multivariate reconstruction error outside the reference's mean ± 3σ";
    case 'columnDrift':
      return `drift in ${rule.column}${rule.critical === undefined ? '' : ` past ${rule.critical}`}${warn(rule.warning)}`;
    case 'metric':
      if (rule.bounds === 'reference') return `${rule.metric} outside the reference's mean ± 3σ`;
      return `${rule.metric} ${rule.direction === 'below' ? '<' : '>'} ${rule.critical}${warn(rule.warning)}`;
    case 'batchMissing':
      return `no batch for ${duration(rule.criticalAfterMs)}${rule.warningAfterMs === undefined ? '' : `, warning after ${duration(rule.warningAfterMs)}`}`;
  }
}

function duration(ms: number): string {
  return ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${Number((ms / 3_600_000).toFixed(1))} h`;
}
