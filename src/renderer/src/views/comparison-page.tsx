import { useCallback } from 'react';
import type * as Y from 'yjs';
import { type DatasetProfile, type DriftComparison, type ProfileDiff, diffProfiles } from '../../../core/profile';
import { type DatasetComparisonRecord, type DatasetVersionRecord, createIncident, getDatasetVersion, listComparisons, listIncidents } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { formatNumber } from '../components/charts';
import { DriftReport } from '../components/drift-report';
import { navigate, useDocValue } from '../session/hooks';
import { useJsonBlob } from '../session/use-blob';
import type { WorkspaceSession } from '../session/workspace-session';

/** A drift comparison: the per-column table and reference-vs-current histograms. */
export function ComparisonPage({ session, comparisonId }: { session: WorkspaceSession; comparisonId: string }) {
  const read = useCallback((doc: Y.Doc) => {
    const c = listComparisons(doc).find((x) => x.id === comparisonId);
    return c && { comparison: c, reference: getDatasetVersion(doc, c.referenceVersionId), current: getDatasetVersion(doc, c.currentVersionId) };
  }, [comparisonId]);
  const found = useDocValue(session.doc, read);
  const report = useJsonBlob<DriftComparison>(session, found?.comparison.reportBlob);
  const before = useJsonBlob<DatasetProfile>(session, found?.reference?.profileBlob);
  const after = useJsonBlob<DatasetProfile>(session, found?.current?.profileBlob);
  const ws = session.connection.workspaceId;
  if (!found) return <p className="empty">This comparison is not here (yet). <a href={`#/w/${ws}/datasets`}>Back to datasets</a></p>;
  const { comparison, reference, current } = found;
  return (
    <article aria-labelledby="comparison-title">
      <a href={`#/w/${ws}/datasets`} className="muted small">← Datasets</a>
      <h2 id="comparison-title">{reference?.fileName ?? 'reference'} → {current?.fileName ?? 'current'}</h2>
      <p className="muted">Run <TimeAgo at={comparison.createdAt} /> by {comparison.createdByName}</p>
      <IncidentLink session={session} comparison={comparison} reference={reference} current={current} />
      {report.kind === 'loading' && <p className="muted" role="status">Loading the report…</p>}
      {report.kind === 'error' && <p role="alert" className="error">Could not load the report: {report.message}</p>}
      {before.kind === 'ready' && after.kind === 'ready' && <Changes diff={diffProfiles(before.value, after.value)} />}
      {report.kind === 'ready' && <DriftReport report={report.value} />}
    </article>
  );
}

/**
 * The incident about this comparison's drift, or a button that opens one linked to both
 * versions and this report (so its page shows the same report, and the team can work it).
 */
function IncidentLink({ session, comparison, reference, current }: {
  session: WorkspaceSession;
  comparison: DatasetComparisonRecord;
  reference?: DatasetVersionRecord;
  current?: DatasetVersionRecord;
}) {
  const read = useCallback((doc: Y.Doc) => listIncidents(doc).find((i) => i.reportBlob === comparison.reportBlob), [comparison.reportBlob]);
  const existing = useDocValue(session.doc, read);
  const ws = session.connection.workspaceId;
  if (existing) return <p>Incident: <a href={`#/w/${ws}/incidents/${encodeURIComponent(existing.id)}`}>{existing.title}</a></p>;
  if (!(session.connection.role === 'owner' || session.connection.role === 'editor') || !reference || !current) return null;
  const open = () => {
    const incident = createIncident(session.doc, {
      title: `${current.dataset}: ${comparison.datasetDrift ? 'drift' : 'changes'} from ${reference.fileName} to ${current.fileName}`,
      severity: comparison.datasetDrift ? 'high' : 'low',
      description: `${comparison.driftedColumns} of ${comparison.testedColumns} columns drifted between ${reference.fileName} and ${current.fileName}.`,
      referenceVersionId: reference.id,
      currentVersionId: current.id,
      reportBlob: comparison.reportBlob,
    }, session.commandContext());
    navigate('w', ws, 'incidents', incident.id);
  };
  return <p><button type="button" className="secondary" onClick={open}>Open an incident for this drift</button></p>;
}

const STAT_LABELS = { missingShare: 'missing', distinct: 'distinct', mean: 'mean', std: 'std', min: 'min', max: 'max', p50: 'median' } as const;

/** Schema changes, row-count change and the statistics that moved, from the two profiles. */
function Changes({ diff }: { diff: ProfileDiff }) {
  const moved = diff.columns
    .map((c) => ({ name: c.name, deltas: c.deltas.filter((d) => d.change !== null && Math.abs(d.change) > 1e-12) }))
    .filter((c) => c.deltas.length > 0);
  const signed = (n: number) => (n > 0 ? `+${n.toLocaleString()}` : n.toLocaleString());
  return (
    <section aria-labelledby="changes-title" className="changes">
      <h3 id="changes-title">What changed</h3>
      <p>
        Rows: {diff.rows.before.toLocaleString()} → {diff.rows.after.toLocaleString()} ({signed(diff.rows.change)}).
        {diff.sameContent ? ' Same content (identical md5).' : ''}
      </p>
      {diff.schema.length === 0 ? (
        <p className="muted">Same columns and types.</p>
      ) : (
        <ul aria-label="Schema changes">
          {diff.schema.map((s) => (
            <li key={s.column}>
              {s.kind === 'added' && <>Added <strong>{s.column}</strong> ({s.type})</>}
              {s.kind === 'removed' && <>Removed <strong>{s.column}</strong> ({s.type})</>}
              {s.kind === 'type_changed' && <><strong>{s.column}</strong> changed from {s.from} to {s.to}</>}
            </li>
          ))}
        </ul>
      )}
      {moved.length > 0 && (
        <table aria-label="Statistics that changed">
          <thead><tr><th scope="col">Column</th><th scope="col">Statistic</th><th scope="col">Reference</th><th scope="col">Current</th><th scope="col">Change</th></tr></thead>
          <tbody>
            {moved.flatMap((c) =>
              c.deltas.map((d, i) => (
                <tr key={`${c.name}-${d.stat}`}>
                  <td>{i === 0 ? c.name : ''}</td>
                  <td>{STAT_LABELS[d.stat]}</td>
                  <td>{d.stat === 'missingShare' ? pct(d.before) : formatNumber(d.before)}</td>
                  <td>{d.stat === 'missingShare' ? pct(d.after) : formatNumber(d.after)}</td>
                  <td>{d.stat === 'missingShare' ? pct(d.change, true) : formatNumber(d.change)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}

function pct(v: number | null, signed = false): string {
  if (v === null) return '—';
  const text = `${(v * 100).toFixed(1)}%`;
  return signed && v > 0 ? `+${text}` : text;
}
