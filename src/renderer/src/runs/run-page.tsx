/**
 * One run: what it is (header), what people say about it (note, comments), and everything its
 * detail blob holds — params, metric charts on a step / wall-time / relative-time axis, tags,
 * code version, the data it read, its environment and artifacts.
 */
import { useCallback, useMemo } from 'react';
import type * as Y from 'yjs';
import { runEnvironment } from '../../../core/repro';
import { getRunSummary, listDatasetVersions, listNotebooks, runSeed } from '../../../core/workspace';
import { setHashQuery, useDocValue, useHashQuery } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { EnvironmentSection } from './environment-section';
import { AxisSwitch, MetricChart, RUN_COLORS } from './metric-chart';
import { metricSeries, parseAxis } from './metric-series';
import { RunComments, RunNote } from './run-discussion';
import { ArtifactsSection, CodeSection, LineageSection, ParamsSection, TagsSection } from './run-sections';
import { formatDuration } from './run-table';
import { RunStatusBadge } from './runs-page';
import { RunRepro } from '../repro/run-repro';
import { useRunDetails } from './use-run-detail';
import { runsHref } from './runs-link';
import './runs.css';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function RunPage({ session, runId }: { session: WorkspaceSession; runId: string }) {
  const ws = session.connection.workspaceId;
  const run = useDocValue(session.doc, useCallback((doc: Y.Doc) => getRunSummary(doc, runId), [runId]));
  const versions = useDocValue(session.doc, listDatasetVersions);
  const notebooks = useDocValue(session.doc, useCallback((doc: Y.Doc) => listNotebooks(doc).filter((n) => n.runIds?.includes(runId)), [runId]));
  const [state] = useRunDetails(session, [run?.detailBlob]);
  const detail = state?.kind === 'ready' ? state.detail : undefined;
  const environment = useMemo(() => runEnvironment(detail?.environment ?? []), [detail]);
  const axis = parseAxis(useHashQuery().get('axis'));

  if (!run) return <p className="empty">This run is not here (yet): it may not have synced, or it was removed. <a href={`#/w/${ws}/runs`}>Back to runs</a></p>;
  const ended = run.endedAt;
  return (
    <article aria-labelledby="run-title" className="run-page">
      <a href={runsHref(ws)} className="muted small">← Runs</a>
      <header className="run-header">
        <h2 id="run-title">{run.name} <RunStatusBadge status={run.status} /></h2>
        <p className="meta">
          <span>Experiment <strong>{run.experiment || '(none)'}</strong></span>
          <span>Started <time dateTime={new Date(run.startedAt).toISOString()}>{dateTime.format(run.startedAt)}</time></span>
          <span>{ended === undefined ? (run.status === 'running' ? 'Still running' : 'No end time') : `Took ${formatDuration(ended - run.startedAt)}`}</span>
          <span className="mono" title="Where it came from">{run.source}</span>
          {notebooks.length > 0 && (
            <span>Notebooks {notebooks.map((n, i) => <span key={n.id}>{i > 0 && ', '}<a href={`#/w/${ws}/notebooks/${encodeURIComponent(n.id)}`}>{n.title}</a></span>)}</span>
          )}
        </p>
      </header>
      {detail && <RunRepro session={session} detail={detail} />}
      {state?.kind === 'missing' && <p className="empty">Only the summary of this run is here (no detail blob): params and metrics below are the headline ones.</p>}
      {state?.kind === 'loading' && <p className="muted" role="status">Loading the run’s details…</p>}
      {state?.kind === 'error' && <p role="alert" className="error">Could not load this run’s details: {state.message}</p>}
      <div className="run-grid">
        <RunNote session={session} runId={run.id} />
        <RunComments session={session} runId={run.id} />
        <section className="card run-section wide" aria-labelledby="metrics-title">
          <div className="section-tools">
            <h3 id="metrics-title">Metrics</h3>
            {detail && Object.keys(detail.metrics).length > 0 && <AxisSwitch axis={axis} onChange={(a) => setHashQuery([['axis', a === 'step' ? '' : a]], { replace: true })} />}
          </div>
          {detail ? (
            Object.keys(detail.metrics).length === 0 ? <p className="muted small">This run logged no metrics.</p> : (
              <div className="chart-grid">
                {Object.entries(detail.metrics).map(([name, points]) => (
                  <MetricChart key={name} title={name} axis={axis} lines={[{ id: run.id, label: run.name, color: RUN_COLORS[0]!, dash: '', points: metricSeries(points, axis, detail.startTime) }]} />
                ))}
              </div>
            )
          ) : (
            <dl className="stats">{Object.entries(run.metrics).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
          )}
        </section>
        <ParamsSection params={detail?.params ?? run.params} />
        <div className="run-column">
          {detail && <CodeSection code={detail.code} seed={runSeed(detail)} />}
          {detail && <LineageSection refs={detail.dataVersions} versions={versions} ws={ws} />}
        </div>
        {detail && <EnvironmentSection environment={environment} />}
        {detail && <TagsSection tags={detail.tags} experimentTags={detail.experimentTags} />}
        {detail && <div className="wide"><ArtifactsSection artifacts={detail.artifacts} /></div>}
      </div>
    </article>
  );
}
