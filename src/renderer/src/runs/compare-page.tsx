/**
 * Compare 2–10 runs (`#/w/<ws>/compare?runs=a,b,c`): params side by side with a "differences
 * only" switch, latest metrics, every metric's series overlaid (colour and dash per run), the
 * environment diff from a chosen baseline to each other run, and which data versions differ.
 * The runs, the baseline, the switch and the axis are the URL's query, so a link shares the view.
 */
import { useCallback, useMemo } from 'react';
import type * as Y from 'yjs';
import { diffEnvironments, runEnvironment } from '../../../core/repro';
import { type RunSummaryRecord, getRunSummary, listComparisons, listDatasetVersions } from '../../../core/workspace';
import { formatNumber } from '../components/charts';
import { setHashQuery, useDocValue, useHashQuery } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { CompareData } from './compare-data';
import { compareRows, parseRunIds } from './compare-rows';
import { runLabels } from './run-table';
import { EnvDiffView } from './env-diff-view';
import { AxisSwitch, MetricChart, RUN_COLORS, RUN_DASHES } from './metric-chart';
import { metricSeries, parseAxis } from './metric-series';
import { MAX_COMPARE } from './runs-page';
import { type DetailState, useRunDetails } from './use-run-detail';
import { runsHref } from './runs-link';
import './runs.css';

export function ComparePage({ session }: { session: WorkspaceSession }) {
  const ws = session.connection.workspaceId;
  const query = useHashQuery();
  const ids = useMemo(() => parseRunIds(query.get('runs')), [query]);
  const readRuns = useCallback((doc: Y.Doc) => ids.map((id) => getRunSummary(doc, id)), [ids]);
  const found = useDocValue(session.doc, readRuns);
  const versions = useDocValue(session.doc, listDatasetVersions);
  const comparisons = useDocValue(session.doc, listComparisons);
  const picked = found.filter((r): r is RunSummaryRecord => r !== undefined);
  // Two runs with one name are told apart by a short run id wherever this page names them.
  const labels = runLabels(picked);
  const runs = picked.map((r) => ({ ...r, name: labels.get(r.id) ?? r.name }));
  const missing = ids.filter((_, i) => !found[i]);
  const details = useRunDetails(session, runs.map((r) => r.detailBlob));
  const differencesOnly = query.get('diff') === '1';
  const axis = parseAxis(query.get('axis'));

  const set = (over: Record<string, string>) => {
    const next = { runs: ids.join(','), baseline: query.get('baseline') ?? '', diff: differencesOnly ? '1' : '', axis: query.get('axis') ?? '', ...over };
    setHashQuery(Object.entries(next), { replace: true });
  };

  const detailOf = (i: number) => (details[i]?.kind === 'ready' ? (details[i] as Extract<DetailState, { kind: 'ready' }>).detail : undefined);
  const params = compareRows(runs.map((r, i) => detailOf(i)?.params ?? r.params), differencesOnly);
  const allParams = compareRows(runs.map((r, i) => detailOf(i)?.params ?? r.params), false).length;
  const metrics = compareRows(runs.map((r) => r.metrics), false);
  const metricNames = [...new Set(runs.flatMap((_, i) => Object.keys(detailOf(i)?.metrics ?? {})))].sort((a, b) => a.localeCompare(b));
  const envs = runs.map((_, i) => runEnvironment(detailOf(i)?.environment ?? []));
  // The baseline: the one the link names, else the first run that has an environment to diff against.
  const baselineId = runs.some((r) => r.id === query.get('baseline')) ? query.get('baseline')! : (runs.find((_, i) => envs[i]!.environment) ?? runs[0])?.id;
  const baseIndex = Math.max(0, runs.findIndex((r) => r.id === baselineId));

  const header = (
    <div className="page-header">
      <h2 id="compare-title">Compare runs</h2>
      <a href={runsHref(ws)}>← Runs</a>
    </div>
  );
  if (ids.length < 2 || ids.length > MAX_COMPARE) {
    return (
      <section aria-labelledby="compare-title">
        {header}
        <p className="empty">Compare takes 2 to {MAX_COMPARE} runs; this link names {ids.length}. Tick the runs to compare in the <a href={`#/w/${ws}/runs`}>runs table</a>.</p>
      </section>
    );
  }
  const runHead = runs.map((r, i) => (
    <th key={r.id} scope="col">
      <span className="legend-swatch" style={{ borderTopColor: RUN_COLORS[i], borderTopStyle: RUN_DASHES[i] ? 'dashed' : 'solid' }} aria-hidden="true" />
      <a href={`#/w/${ws}/runs/${encodeURIComponent(r.id)}`}>{r.name}</a>
    </th>
  ));
  return (
    <section aria-labelledby="compare-title" className="compare-page">
      {header}
      {missing.length > 0 && <p role="alert" className="error">{missing.length === 1 ? 'One run' : `${missing.length} runs`} of this link {missing.length === 1 ? 'is' : 'are'} not in this workspace (yet): {missing.join(', ')}.</p>}
      {details.some((d) => d.kind === 'loading') && <p className="muted" role="status">Loading run details…</p>}
      {details.map((d, i) => d.kind === 'error' && <p key={runs[i]!.id} role="alert" className="error">{runs[i]!.name}: could not load its details: {d.message}</p>)}

      <section className="card" aria-labelledby="cmp-params-title">
        <div className="section-tools">
          <h3 id="cmp-params-title">Params</h3>
          <label className="check">
            <input type="checkbox" role="switch" checked={differencesOnly} onChange={(e) => set({ diff: e.target.checked ? '1' : '' })} />
            Differences only
          </label>
        </div>
        <p className="muted small" data-testid="params-summary">{differencesOnly ? `${params.length} of ${allParams} params differ` : `${allParams} params`}</p>
        <div className="scroll-box">
          <table className="compare-table" aria-label="Params side by side">
            <thead><tr><th scope="col">Param</th>{runHead}</tr></thead>
            <tbody>
              {params.map((row) => (
                <tr key={row.key} className={row.differs ? 'differs' : undefined}>
                  <th scope="row" className="mono">{row.key}{row.differs && <span className="sr-only"> (differs)</span>}</th>
                  {row.values.map((v, i) => <td key={runs[i]!.id} className="mono">{v ?? <span className="muted">—</span>}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
          {params.length === 0 && <p className="muted small">{differencesOnly ? 'No param differs between these runs.' : 'These runs logged no params.'}</p>}
        </div>
      </section>

      <section className="card" aria-labelledby="cmp-metrics-title">
        <div className="section-tools">
          <h3 id="cmp-metrics-title">Metrics</h3>
          {metricNames.length > 0 && <AxisSwitch axis={axis} onChange={(a) => set({ axis: a === 'step' ? '' : a })} />}
        </div>
        {metrics.length > 0 && (
          <table className="compare-table" aria-label="Latest metrics">
            <thead><tr><th scope="col">Latest value</th>{runHead}</tr></thead>
            <tbody>{metrics.map((row) => (
              <tr key={row.key}><th scope="row" className="mono">{row.key}</th>{row.values.map((v, i) => <td key={runs[i]!.id} className="num">{v === undefined ? '—' : formatNumber(Number(v))}</td>)}</tr>
            ))}</tbody>
          </table>
        )}
        <div className="chart-grid">
          {metricNames.map((name) => (
            <MetricChart
              key={name}
              title={name}
              axis={axis}
              lines={runs.flatMap((r, i) => {
                const points = detailOf(i)?.metrics[name];
                return points ? [{ id: r.id, label: r.name, color: RUN_COLORS[i]!, dash: RUN_DASHES[i]!, points: metricSeries(points, axis, detailOf(i)!.startTime) }] : [];
              })}
            />
          ))}
        </div>
      </section>

      <section className="card" aria-labelledby="cmp-env-title">
        <div className="section-tools">
          <h3 id="cmp-env-title">Environment</h3>
          <label className="check">
            Baseline
            <select value={baselineId} onChange={(e) => set({ baseline: e.target.value })}>
              {runs.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
            </select>
          </label>
        </div>
        {runs.map((r, i) => {
          if (i === baseIndex) return null;
          const [a, b] = [envs[baseIndex]!, envs[i]!];
          const from = runs[baseIndex]!.name;
          if (a.environment && b.environment) return <EnvDiffView key={r.id} diff={diffEnvironments(a.environment, b.environment)} from={from} to={r.name} />;
          const why = (name: string, e: typeof a) => (e.problems.length > 0 ? `${name}'s environment does not read: ${e.problems.join('; ')}` : `${name} has no captured environment`);
          return <p key={r.id} className="muted small">{from} → {r.name}: {a.environment ? why(r.name, b) : why(from, a)}.</p>;
        })}
      </section>

      <CompareData ws={ws} runs={runs} refs={runs.map((_, i) => detailOf(i)?.dataVersions ?? [])} versions={versions} comparisons={comparisons} />
    </section>
  );
}
