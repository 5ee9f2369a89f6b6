/**
 * Which data the compared runs read, per name, with the versions that differ marked. Where two
 * runs read different versions the workspace holds, it links the drift comparison of the two
 * when someone made one, else both versions' pages and the place to compare them.
 */
import type { DataVersionRef, DatasetComparisonRecord, DatasetVersionRecord, RunSummaryRecord } from '../../../core/workspace';
import { dataVersionRows, driftLinks, linkedVersion } from './compare-rows';

export function CompareData({ ws, runs, refs, versions, comparisons }: {
  ws: string;
  runs: RunSummaryRecord[];
  refs: DataVersionRef[][];
  versions: readonly DatasetVersionRecord[];
  comparisons: readonly DatasetComparisonRecord[];
}) {
  const rows = dataVersionRows(refs);
  const cell = (ref: DataVersionRef | undefined) => {
    if (!ref) return <span className="muted">—</span>;
    const v = linkedVersion(ref, versions);
    return (
      <>
        {v ? <a href={`#/w/${ws}/datasets/${encodeURIComponent(v.id)}`}>{v.dataset} · {v.fileName}</a> : <span className="small">{ref.path ?? ref.kind}</span>}
        <div className="mono small" title={ref.hash}>{ref.hash.slice(0, 12)}{ref.hash.length > 12 ? '…' : ''}</div>
      </>
    );
  };
  return (
    <section className="card" aria-labelledby="cmp-data-title">
      <h3 id="cmp-data-title">Data versions</h3>
      {rows.length === 0 ? <p className="muted small">None of these runs recorded the data it read.</p> : (
        <>
          <table className="compare-table" aria-label="Data versions side by side">
            <thead><tr><th scope="col">Data</th>{runs.map((r) => <th key={r.id} scope="col">{r.name}</th>)}</tr></thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key} className={row.differs ? 'differs' : undefined}>
                  <th scope="row">{row.key}{row.differs ? <span className="badge lvl-minor">differs</span> : <span className="muted small"> same</span>}</th>
                  {row.values.map((ref, i) => <td key={runs[i]!.id}>{cell(ref)}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
          <DriftLinks ws={ws} rows={rows} versions={versions} comparisons={comparisons} />
        </>
      )}
    </section>
  );
}

function DriftLinks({ ws, rows, versions, comparisons }: {
  ws: string;
  rows: ReturnType<typeof dataVersionRows>;
  versions: readonly DatasetVersionRecord[];
  comparisons: readonly DatasetComparisonRecord[];
}) {
  const links = driftLinks(rows, versions, comparisons);
  if (links.length === 0) return null;
  return (
    <ul className="small">
      {links.map((l) => (
        <li key={`${l.name}:${l.from.id}:${l.to.id}`}>
          {l.kind === 'comparison' ? (
            <a href={`#/w/${ws}/comparisons/${encodeURIComponent(l.comparisonId)}`}>{l.name}: drift report {l.from.fileName} → {l.to.fileName}</a>
          ) : (
            <>{l.name}: no drift comparison of {l.from.fileName} and {l.to.fileName} yet — <a href={`#/w/${ws}/datasets`}>compare them on the Datasets page</a></>
          )}
        </li>
      ))}
    </ul>
  );
}
