import { useCallback } from 'react';
import type * as Y from 'yjs';
import { type DatasetProfile, type DriftComparison, type ProfileDiff, diffProfiles } from '../../../core/profile';
import { getDatasetVersion, listComparisons } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { OverlayChart, formatNumber, overlayLabels } from '../components/charts';
import { useDocValue } from '../session/hooks';
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
      {report.kind === 'loading' && <p className="muted" role="status">Loading the report…</p>}
      {report.kind === 'error' && <p role="alert" className="error">Could not load the report: {report.message}</p>}
      {before.kind === 'ready' && after.kind === 'ready' && <Changes diff={diffProfiles(before.value, after.value)} />}
      {report.kind === 'ready' && <Report report={report.value} />}
    </article>
  );
}

function Report({ report: r }: { report: DriftComparison }) {
  const charts = new Map((r.histograms ?? []).map((h) => [h.name, h]));
  return (
    <>
      <p className={r.dataset_drift ? 'verdict drift' : 'verdict ok'} data-testid="drift-verdict">
        {r.dataset_drift ? 'Dataset drift' : 'No dataset drift'}: {r.drifted_columns} of {r.columns.length} columns drifted
        (share {formatNumber(r.share_drifted)}, threshold {r.drift_share}). Reference {r.reference.rows.toLocaleString()} rows, current {r.current.rows.toLocaleString()} rows.
      </p>
      <table aria-label="Drift by column">
        <thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Test</th><th scope="col">Score</th><th scope="col">Threshold</th><th scope="col">Drift</th></tr></thead>
        <tbody>
          {r.columns.map((c) => (
            <tr key={c.name}>
              <td>{c.name}</td><td>{c.type}</td><td>{c.test}</td><td>{formatNumber(c.score)}</td><td>{c.threshold}</td>
              <td>{c.drifted ? <span className="badge severity-critical">drift</span> : <span className="muted">no</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.skipped_columns.length > 0 && (
        <ul className="muted small">{r.skipped_columns.map((s) => <li key={s.name}>Not tested: {s.name} ({s.reason})</li>)}</ul>
      )}
      <div className="column-grid">
        {r.columns.map((c) => {
          const h = charts.get(c.name);
          if (!h) return null;
          const labels = h.kind === 'numerical' ? overlayLabels(h.edges) : h.categories;
          return (
            <section key={c.name} className="card column-card" aria-label={`Reference and current ${c.name}`}>
              <h3>{c.name} {c.drifted && <span className="badge severity-critical">drift</span>}</h3>
              <OverlayChart labels={labels} reference={h.reference} current={h.current} label={`Reference and current distribution of ${c.name}`} />
            </section>
          );
        })}
      </div>
    </>
  );
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
