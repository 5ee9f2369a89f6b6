/**
 * A drift report as the drift engine writes it (a comparison's, or the one behind an incident):
 * the verdict, the per-column table, and reference-vs-current histograms on shared bins
 * (a date column's bins are calendar periods, drawn on an ordered axis like numbers).
 */
import type { DriftComparison } from '../../../core/profile';
import { OverlayChart, formatNumber, overlayLabels } from './charts';

/** `columnHref`: where a column's name links to (its history on a monitor's page), when there is one. */
export function DriftReport({ report: r, columnHref }: { report: DriftComparison; columnHref?: (column: string) => string }) {
  const charts = new Map((r.histograms ?? []).map((h) => [h.name, h]));
  const approximate = new Set(r.approximate_columns ?? []);
  return (
    <>
      {r.basis === 'profiles' && <p className="notice" role="note" data-testid="drift-basis">{r.basis_note}</p>}
      <p className={r.dataset_drift ? 'verdict drift' : 'verdict ok'} data-testid="drift-verdict">
        {r.dataset_drift ? 'Dataset drift' : 'No dataset drift'}: {r.drifted_columns} of {r.columns.length} columns drifted
        (share {formatNumber(r.share_drifted)}, threshold {r.drift_share}). Reference {r.reference.rows.toLocaleString()} rows, current {r.current.rows.toLocaleString()} rows.
      </p>
      <table aria-label="Drift by column">
        <thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Test</th><th scope="col">Score</th><th scope="col">Threshold</th><th scope="col">Drift</th></tr></thead>
        <tbody>
          {r.columns.map((c) => (
            <tr key={c.name}>
              <td>{columnHref ? <a href={columnHref(c.name)} title={`${c.name} over time`}>{c.name}</a> : c.name}</td><td>{c.type}</td><td>{c.test}{approximate.has(c.name) && <span className="muted small" title="from the profiles, an approximation of the file test"> (approx.)</span>}</td><td>{formatNumber(c.score)}</td><td>{c.threshold}</td>
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
          const labels = h.kind === 'numerical' ? overlayLabels(h.edges) : h.kind === 'datetime' ? h.periods : h.categories;
          return (
            <section key={c.name} className="card column-card" aria-label={`Reference and current ${c.name}`}>
              <h3>{c.name} {c.drifted && <span className="badge severity-critical">drift</span>}</h3>
              <OverlayChart kind={h.kind === 'categorical' ? 'categorical' : 'numerical'} labels={labels} reference={h.reference} current={h.current} label={`Reference and current distribution of ${c.name}`} />
            </section>
          );
        })}
      </div>
    </>
  );
}
