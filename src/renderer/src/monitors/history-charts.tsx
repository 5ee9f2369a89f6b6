/**
 * A monitor's history over time (read from the server through the host): each rule and each
 * column as a time series with its warning and critical bands shaded and alerts marked, the
 * incidents they opened linked, and model performance — estimated with its band beside realized.
 * Reloads when a new batch is recorded (`lastBatchAt` changes in the workspace doc). A point
 * opens that batch's drift report (`?batch=<id>` in the route), and a column of a report opens
 * its own history (`?column=<name>`), so both survive a reload and can be linked to.
 */

import { useEffect, useMemo, useRef, useState } from 'react';
import { Area, CartesianGrid, ComposedChart, Legend, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Band, MonitorRecord } from '../../../core/monitor';
import type { DriftComparison } from '../../../core/profile';
import type { MonitorBatch } from '../../../shared/server-api';
import { formatNumber } from '../components/charts';
import { DriftReport } from '../components/drift-report';
import { setHashQuery, useHashQuery } from '../session/hooks';
import { useJsonBlob } from '../session/use-blob';
import type { WorkspaceSession } from '../session/workspace-session';
import { type MultivariateSeries, type RuleSeries, columnSeries, multivariateSeries, performanceSeries, ruleSeries } from './history-series';
import { columnHistoryHref } from './monitor-links';
import { describeRule } from './rule-text';

const BAND_FILL = { warning: '#fdb022', critical: '#f04438' } as const;
const DOT: Record<Band | 'none', string> = { ok: '#12b76a', warning: '#f79009', critical: '#d92d20', none: '#64748b' };
const LINE = '#2563eb';
const REALIZED = '#111827';

function timeLabel(at: number, span: number): string {
  const iso = new Date(at).toISOString();
  return span < 2 * 86_400_000 ? iso.slice(5, 16).replace('T', ' ') : iso.slice(0, 10);
}

type Loaded = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; batches: MonitorBatch[]; truncated: boolean };

export function MonitorHistory({ session, monitor }: { session: WorkspaceSession; monitor: MonitorRecord }) {
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const workspaceId = session.connection.workspaceId;
  useEffect(() => {
    let live = true;
    session.host.call('monitors.history', { workspaceId, monitorId: monitor.id }).then(
      (r) => live && setLoaded({ kind: 'ready', batches: r.batches, truncated: r.truncated }),
      (e: Error) => live && setLoaded({ kind: 'error', message: e.message }),
    );
    return () => {
      live = false;
    };
    // A new batch moves lastBatchAt; the rules' edits change what is drawn from the same rows.
  }, [session, workspaceId, monitor.id, monitor.lastBatchAt]);

  const batches = loaded.kind === 'ready' ? loaded.batches : [];
  const query = useHashQuery();
  const picked = Number(query.get('batch') ?? NaN);
  const column = query.get('column');
  const rules = useMemo(() => ruleSeries(monitor.rules, batches), [monitor.rules, batches]);
  const performance = useMemo(() => performanceSeries(batches), [batches]);
  const multivariate = useMemo(() => multivariateSeries(batches), [batches]);
  const span = batches.length ? batches[batches.length - 1]!.at - batches[0]!.at : 0;

  if (loaded.kind === 'loading') return <p className="muted" role="status">Loading the monitor’s history…</p>;
  if (loaded.kind === 'error') return <p role="alert" className="error">The history could not be loaded: {loaded.message}</p>;
  if (batches.length === 0) return <p className="empty">No batches yet. Each batch sent to this monitor is drawn here over time.</p>;
  return (
    <section aria-label="History" className="monitor-history">
      <p className="muted small">
        {batches.length.toLocaleString()} {batches.length === 1 ? 'entry' : 'entries'} from {timeLabel(batches[0]!.at, span)} to {timeLabel(batches[batches.length - 1]!.at, span)}
        {loaded.truncated && ' (the oldest shown; more are on the server)'}.
      </p>
      <h3>Rules over time</h3>
      <div className="history-grid">
        {rules.map((s) => <RuleChart key={s.rule.id} series={s} span={span} workspaceId={workspaceId} />)}
      </div>
      {multivariate && (
        <>
          <h3>Multivariate drift</h3>
          <div className="history-grid">
            <MultivariateChart series={multivariate} span={span} />
          </div>
        </>
      )}
      <BatchReport session={session} monitor={monitor} batches={batches} picked={Number.isFinite(picked) ? picked : null} span={span} />
      {performance.length > 0 && (
        <>
          <h3>Performance</h3>
          <div className="history-grid">
            {performance.map((p) => (
              <figure key={p.metric} className="chart history-chart" aria-label={`${p.metric} over time`}>
                <figcaption>
                  {p.metric}: estimated (band ± 3 sampling errors; red outside the reference’s thresholds) and realized{' '}
                  <span className="muted small" data-testid="realized-count">realized on {p.points.filter((x) => x.realized !== null).length} of {p.points.length} batches</span>
                </figcaption>
                <ResponsiveContainer width="100%" height={180}>
                  <ComposedChart data={p.points} margin={{ top: 4, right: 8, bottom: 4, left: 0 }}>
                    <CartesianGrid strokeDasharray="3 3" vertical={false} />
                    <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={(v: number) => timeLabel(v, span)} tick={{ fontSize: 10 }} />
                    <YAxis domain={[0, 1]} tick={{ fontSize: 10 }} width={36} />
                    <Tooltip labelFormatter={(v) => timeLabel(Number(v), span)} formatter={(v) => (Array.isArray(v) ? v.map((x) => formatNumber(Number(x))).join('–') : formatNumber(Number(v)))} />
                    <Legend wrapperStyle={{ fontSize: 11 }} />
                    {/* NannyML's thresholds from the reference's chunks: outside them an estimate alerts. */}
                    {p.thresholds?.lower != null && p.thresholds.lower > 0 && <ReferenceArea y1={0} y2={p.thresholds.lower} fill={BAND_FILL.critical} fillOpacity={0.12} stroke="none" className="band-region band-region-critical" />}
                    {p.thresholds?.upper != null && p.thresholds.upper < 1 && <ReferenceArea y1={p.thresholds.upper} y2={1} fill={BAND_FILL.critical} fillOpacity={0.12} stroke="none" className="band-region band-region-critical" />}
                    <Area dataKey="band" name="estimate band" stroke="none" fill={LINE} fillOpacity={0.15} isAnimationActive={false} connectNulls />
                    <Line dataKey="estimated" name="estimated" stroke={LINE} strokeDasharray="4 3" isAnimationActive={false} connectNulls
                      dot={(props: { cx?: number; cy?: number; payload?: { alert: boolean; batchId: number; estimated: number | null } }) => (props.payload?.estimated == null ? <g key={props.payload?.batchId} /> : (
                        <circle key={props.payload.batchId} cx={props.cx} cy={props.cy} r={props.payload.alert ? 4.5 : 2} fill={props.payload.alert ? DOT.critical : LINE} className={props.payload.alert ? 'alert-dot alert-critical' : 'dot'} />
                      ))}
                    />
                    <Line dataKey="realized" name="realized" stroke={REALIZED} dot={{ r: 3 }} isAnimationActive={false} connectNulls className="realized-line" />
                  </ComposedChart>
                </ResponsiveContainer>
              </figure>
            ))}
          </div>
        </>
      )}
      <ColumnsOverTime session={session} monitor={monitor} span={span} column={column} />
    </section>
  );
}

/**
 * Each tested column's drift score over time, read (the full history, with per-column results)
 * only when a person opens it: most of a history's bytes are these.
 */
function ColumnsOverTime({ session, monitor, span, column }: { session: WorkspaceSession; monitor: MonitorRecord; span: number; column: string | null }) {
  const [open, setOpen] = useState(column !== null);
  const shown = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (column !== null) setOpen(true);
  }, [column]);
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const workspaceId = session.connection.workspaceId;
  useEffect(() => {
    if (!open) return;
    let live = true;
    session.host.call('monitors.history', { workspaceId, monitorId: monitor.id, view: 'full' }).then(
      (r) => live && setLoaded({ kind: 'ready', batches: r.batches, truncated: r.truncated }),
      (e: Error) => live && setLoaded({ kind: 'error', message: e.message }),
    );
    return () => {
      live = false;
    };
  }, [open, session, workspaceId, monitor.id, monitor.lastBatchAt]);
  const columns = useMemo(() => columnSeries(loaded.kind === 'ready' ? loaded.batches : []), [loaded]);
  // The column a report linked to is brought into view once it is drawn.
  useEffect(() => {
    if (column !== null && columns.some((c) => c.name === column)) shown.current?.scrollIntoView({ block: 'center' });
  }, [column, columns]);
  return (
    <details className="history-columns" open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>Columns over time</summary>
      {loaded.kind === 'loading' && open && <p className="muted" role="status">Loading each column’s scores…</p>}
      {loaded.kind === 'error' && <p role="alert" className="error">The column history could not be loaded: {loaded.message}</p>}
      <div className="history-grid">
        {columns.map((c) => (
          <figure key={c.name} className={`chart history-chart${c.name === column ? ' picked' : ''}`} aria-label={`${c.name} drift over time`} ref={c.name === column ? (el) => { shown.current = el; } : undefined}>
            <figcaption>{c.name} · {c.test} score (threshold {formatNumber(c.threshold)})</figcaption>
            <ResponsiveContainer width="100%" height={140}>
              <ComposedChart data={c.points} margin={{ top: 4, right: 8, bottom: 4, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={(v: number) => timeLabel(v, span)} tick={{ fontSize: 10 }} />
                <YAxis tick={{ fontSize: 10 }} width={44} tickFormatter={(v: number) => formatNumber(v)} />
                <Tooltip labelFormatter={(v) => timeLabel(Number(v), span)} formatter={(v) => formatNumber(Number(v))} />
                <ReferenceLine y={c.threshold} stroke={BAND_FILL.critical} strokeDasharray="4 3" />
                <Line dataKey="score" stroke={LINE} isAnimationActive={false}
                  dot={(props: { cx?: number; cy?: number; payload?: { drifted: boolean; batchId: number } }) => (
                    <circle key={props.payload?.batchId} cx={props.cx} cy={props.cy} r={props.payload?.drifted ? 4 : 2.5} fill={props.payload?.drifted ? DOT.critical : DOT.ok} />
                  )}
                />
              </ComposedChart>
            </ResponsiveContainer>
          </figure>
        ))}
      </div>
    </details>
  );
}

/** The drift report of the batch a person picked (a point, or the list), with its columns linked to their history. */
function BatchReport({ session, monitor, batches, picked, span }: { session: WorkspaceSession; monitor: MonitorRecord; batches: MonitorBatch[]; picked: number | null; span: number }) {
  const withReports = batches.filter((b) => b.reportBlob);
  const batch = withReports.find((b) => b.id === picked);
  const report = useJsonBlob<DriftComparison>(session, batch?.reportBlob ?? undefined);
  const workspaceId = session.connection.workspaceId;
  if (withReports.length === 0) return null;
  return (
    <section aria-label="Batch report" className="batch-report">
      <label htmlFor="batch-report-pick">Drift report of the batch of</label>{' '}
      <select id="batch-report-pick" value={batch ? String(batch.id) : ''} onChange={(e) => setHashQuery([['batch', e.target.value]])}>
        <option value="">(pick a batch, or a point of a chart)</option>
        {[...withReports].reverse().map((b) => (
          <option key={b.id} value={b.id}>{timeLabel(b.at, span)} · {b.rows.toLocaleString()} rows · {b.driftedColumns} of {b.testedColumns} drifted</option>
        ))}
      </select>
      {batch && report.kind === 'ready' && <DriftReport report={report.value} columnHref={columnHistoryHref(workspaceId, monitor.id)} />}
      {batch && report.kind === 'error' && <p role="alert" className="error">The report could not be loaded: {report.message}</p>}
    </section>
  );
}

/**
 * The batches' reconstruction error (NannyML's data reconstruction) with its sampling-error band;
 * red outside the thresholds from the reference's chunks, alerts marked. A point opens its batch.
 */
function MultivariateChart({ series, span }: { series: MultivariateSeries; span: number }) {
  const { thresholds: t, domain } = series;
  const alerts = series.points.filter((p) => p.alert).length;
  return (
    <figure className="chart history-chart multivariate-chart" aria-label="Multivariate reconstruction error over time" data-alerts={alerts}>
      <figcaption>
        Reconstruction error of a PCA fitted on the reference{' '}
        <span className="muted small">({series.components} of {series.columns} components; band ± 3 sampling errors; red outside the reference chunks’ mean ± 3σ)</span>
      </figcaption>
      <ResponsiveContainer width="100%" height={180}>
        <ComposedChart data={series.points} margin={{ top: 4, right: 8, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={(v: number) => timeLabel(v, span)} tick={{ fontSize: 10 }} />
          <YAxis domain={domain} tick={{ fontSize: 10 }} width={44} tickFormatter={(v: number) => formatNumber(v)} />
          <Tooltip labelFormatter={(v) => timeLabel(Number(v), span)} formatter={(v) => (Array.isArray(v) ? v.map((x) => formatNumber(Number(x))).join('–') : formatNumber(Number(v)))} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {t?.lower != null && <ReferenceArea y1={domain[0]} y2={t.lower} fill={BAND_FILL.critical} fillOpacity={0.12} stroke="none" className="band-region band-region-critical" ifOverflow="extendDomain" />}
          {t?.upper != null && <ReferenceArea y1={t.upper} y2={Math.max(domain[1], t.upper)} fill={BAND_FILL.critical} fillOpacity={0.12} stroke="none" className="band-region band-region-critical" ifOverflow="extendDomain" />}
          <Area dataKey="band" name="sampling band" stroke="none" fill={LINE} fillOpacity={0.15} isAnimationActive={false} connectNulls />
          <Line dataKey="value" name="reconstruction error" stroke={LINE} isAnimationActive={false}
            dot={(props: { cx?: number; cy?: number; payload?: { alert: boolean; batchId: number } }) => {
              const id = props.payload?.batchId;
              const alert = props.payload?.alert === true;
              return <circle key={id} cx={props.cx} cy={props.cy} r={alert ? 5 : 3} fill={alert ? DOT.critical : DOT.ok} className={alert ? 'alert-dot alert-critical' : 'dot'} style={{ cursor: 'pointer' }}
                onClick={() => id !== undefined && setHashQuery([['batch', String(id)]])} />;
            }}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** One rule over time: its bands shaded, each batch a dot coloured by its band, incidents linked below. */
function RuleChart({ series, span, workspaceId }: { series: RuleSeries; span: number; workspaceId: string }) {
  const text = describeRule(series.rule);
  const alerts = series.points.filter((p) => p.band === 'warning' || p.band === 'critical').length;
  return (
    <figure className="chart history-chart" aria-label={`${text.title} over time`} data-rule={series.rule.id} data-alerts={alerts}>
      <figcaption>{text.title} <span className="muted small">({text.bounds})</span></figcaption>
      {series.points.length === 0 ? (
        <p className="empty small">No value yet.</p>
      ) : (
        <ResponsiveContainer width="100%" height={170}>
          <ComposedChart data={series.points} margin={{ top: 4, right: 8, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={(v: number) => timeLabel(v, span)} tick={{ fontSize: 10 }} />
            <YAxis tick={{ fontSize: 10 }} width={44} tickFormatter={(v: number) => formatNumber(v)} />
            {series.regions.map((r) => (
              <ReferenceArea key={r.band} y1={r.from} y2={r.to} fill={BAND_FILL[r.band]} fillOpacity={0.15} stroke="none" className={`band-region band-region-${r.band}`} ifOverflow="extendDomain" />
            ))}
            <Tooltip labelFormatter={(v) => timeLabel(Number(v), span)} formatter={(v) => formatNumber(Number(v))} />
            <Line dataKey="value" stroke={LINE} isAnimationActive={false}
              dot={(props: { cx?: number; cy?: number; payload?: { band: Band | null; batchId: number } }) => {
                const band = props.payload?.band ?? 'none';
                const alert = band === 'warning' || band === 'critical';
                const id = props.payload?.batchId;
                // A point opens its batch's drift report (the list under the charts does the same by keyboard).
                return <circle key={id} cx={props.cx} cy={props.cy} r={alert ? 5 : 3} fill={DOT[band]} className={alert ? `alert-dot alert-${band}` : 'dot'} style={{ cursor: 'pointer' }}
                  onClick={() => id !== undefined && setHashQuery([['batch', String(id)]])} />;
              }}
            />
          </ComposedChart>
        </ResponsiveContainer>
      )}
      {series.incidents.length > 0 && (
        <p className="small">
          {alerts} {alerts === 1 ? 'alert' : 'alerts'} · incidents:{' '}
          {series.incidents.map((id, i) => (
            <span key={id}>{i > 0 && ', '}<a href={`#/w/${workspaceId}/incidents/${encodeURIComponent(id)}`}>incident {i + 1}</a></span>
          ))}
        </p>
      )}
    </figure>
  );
}
