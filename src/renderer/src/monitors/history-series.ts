/**
 * A monitor's history as the charts draw it: one series per rule (the value each batch was
 * judged on, its band, the incident its finding went to) with the rule's warning and critical
 * regions, one per column (drift score against its threshold), and one per performance metric
 * (the estimate with its band beside the realized value). Pure, so it is tested without a browser.
 */
import { STAT_TESTS, isStatTestName } from '../../../core/drift';
import type { AlertRule, Band } from '../../../core/monitor';
import type { MonitorBatch } from '../../../shared/server-api';

export interface SeriesPoint {
  at: number;
  value: number | null;
  band: Band | null;
  batchId: number;
  incidentId?: string;
  reportBlob: string | null;
}

/** A shaded region of the value axis: where a value is in the warning or the critical band. */
export interface BandRegion {
  band: 'warning' | 'critical';
  from: number;
  to: number;
}

export interface RuleSeries {
  rule: AlertRule;
  points: SeriesPoint[];
  regions: BandRegion[];
  /** The incidents this rule's findings went to, in the order they first appear. */
  incidents: string[];
}

/** Where a rule's values are read from in a batch: its outcome (when judged), else the batch's own numbers. */
function valueOf(rule: AlertRule, batch: MonitorBatch): number | null {
  const outcome = batch.outcomes.find((o) => o.ruleId === rule.id);
  if (outcome) return outcome.value;
  if (rule.kind === 'driftShare') return batch.driftShare;
  if (rule.kind === 'multivariate') return batch.multivariate?.value ?? null;
  if (rule.kind === 'columnDrift') return batch.columns.find((c) => c.name === rule.column)?.score ?? null;
  if (rule.kind === 'metric') {
    const estimated = rule.metric.startsWith('estimated_') ? batch.estimated[rule.metric.slice('estimated_'.length)]?.value : undefined;
    return batch.metrics[rule.metric] ?? batch.realized[rule.metric] ?? estimated ?? null;
  }
  return null;
}

/**
 * The warning and critical regions of a rule on a value axis from `min` to `max` (a p-value
 * column rule is "below"; a distance one "above"; a column rule without a bound uses the
 * column's threshold, as the server judges it).
 */
export function ruleRegions(rule: AlertRule, batches: readonly MonitorBatch[], min: number, max: number): BandRegion[] {
  let direction: 'above' | 'below';
  let warning: number | undefined;
  let critical: number | undefined;
  if (rule.kind === 'driftShare' && rule.bounds === 'reference') {
    // Only more drift than the reference's own chunks fires.
    const upper = latestOf(batches, (b) => b.driftShareThresholds)?.upper;
    return upper === null || upper === undefined ? [] : [{ band: 'critical', from: upper, to: Math.max(max, upper) }];
  }
  if (rule.kind === 'multivariate') {
    const t = latestOf(batches, (b) => b.multivariate?.thresholds);
    if (!t) return [];
    const out: BandRegion[] = [];
    if (t.lower !== null) out.push({ band: 'critical', from: Math.min(min, t.lower), to: t.lower });
    if (t.upper !== null) out.push({ band: 'critical', from: t.upper, to: Math.max(max, t.upper) });
    return out;
  }
  if (rule.kind === 'driftShare') [direction, warning, critical] = ['above', rule.warning, rule.critical];
  else if (rule.kind === 'metric' && rule.bounds === 'reference') return referenceRegions(rule.metric, rule.direction, batches, min, max);
  else if (rule.kind === 'metric') [direction, warning, critical] = [rule.direction ?? 'below', rule.warning, rule.critical];
  else if (rule.kind === 'columnDrift') {
    const column = batches.map((b) => b.columns.find((c) => c.name === rule.column)).find(Boolean);
    const kind = column && isStatTestName(column.test) ? STAT_TESTS[column.test].kind : 'p_value';
    [direction, warning, critical] = [kind === 'p_value' ? 'below' : 'above', rule.warning, rule.critical ?? column?.threshold];
  } else return [];
  if (critical === undefined) return [];
  const out: BandRegion[] = [];
  if (direction === 'above') {
    if (warning !== undefined && warning < critical) out.push({ band: 'warning', from: warning, to: critical });
    out.push({ band: 'critical', from: critical, to: Math.max(max, critical) });
  } else {
    if (warning !== undefined && warning > critical) out.push({ band: 'warning', from: critical, to: warning });
    out.push({ band: 'critical', from: Math.min(min, critical), to: critical });
  }
  return out;
}

/** The latest batch's value of something only some batches carry (thresholds are the latest fit's). */
function latestOf<T>(batches: readonly MonitorBatch[], read: (b: MonitorBatch) => T | null | undefined): T | undefined {
  for (let i = batches.length - 1; i >= 0; i--) {
    const v = read(batches[i]!);
    if (v !== null && v !== undefined) return v;
  }
  return undefined;
}

/**
 * A reference-bounds metric rule's critical regions: outside the latest batch's thresholds for
 * that metric (estimates and realized values share them), on the side(s) the rule judges.
 */
function referenceRegions(metric: string, direction: 'below' | 'above' | undefined, batches: readonly MonitorBatch[], min: number, max: number): BandRegion[] {
  const name = metric.startsWith('estimated_') ? metric.slice('estimated_'.length) : metric;
  const latest = [...batches].reverse().find((b) => b.estimated[name]?.thresholds)?.estimated[name]?.thresholds;
  if (!latest) return [];
  const out: BandRegion[] = [];
  if (direction !== 'above' && latest.lower !== null) out.push({ band: 'critical', from: Math.min(min, latest.lower), to: latest.lower });
  if (direction !== 'below' && latest.upper !== null) out.push({ band: 'critical', from: latest.upper, to: Math.max(max, latest.upper) });
  return out;
}

/** One series per rule that batches judge (a missing-batch rule has no value per batch). */
export function ruleSeries(rules: readonly AlertRule[], batches: readonly MonitorBatch[]): RuleSeries[] {
  return rules.filter((r) => r.kind !== 'batchMissing').map((rule) => {
    const points = batches.map((b): SeriesPoint => ({
      at: b.at,
      value: valueOf(rule, b),
      band: b.outcomes.find((o) => o.ruleId === rule.id)?.band ?? null,
      batchId: b.id,
      incidentId: b.incidents[rule.id],
      reportBlob: b.reportBlob,
    })).filter((p) => p.value !== null);
    const values = points.map((p) => p.value!);
    // A reconstruction error is not a share: its axis is its own values' and its thresholds'.
    const [min, max] = rule.kind === 'multivariate'
      ? multivariateDomain(batches)
      : values.length ? [Math.min(0, ...values), Math.max(1, ...values)] : [0, 1];
    return { rule, points, regions: ruleRegions(rule, batches, min, max), incidents: [...new Set(points.flatMap((p) => (p.incidentId ? [p.incidentId] : [])))] };
  });
}

export interface ColumnSeries {
  name: string;
  test: string;
  threshold: number;
  points: { at: number; score: number; drifted: boolean; batchId: number }[];
}

/** Each tested column's score per batch, in the order columns first appear. */
export function columnSeries(batches: readonly MonitorBatch[]): ColumnSeries[] {
  const byName = new Map<string, ColumnSeries>();
  for (const b of batches) {
    for (const c of b.columns) {
      const series = byName.get(c.name) ?? { name: c.name, test: c.test, threshold: c.threshold, points: [] };
      series.points.push({ at: b.at, score: c.score, drifted: c.drifted, batchId: b.id });
      byName.set(c.name, series);
    }
  }
  return [...byName.values()];
}

export interface PerformanceSeries {
  metric: string;
  points: { at: number; estimated: number | null; band: [number, number] | null; realized: number | null; batchId: number; alert: boolean }[];
  /** NannyML's thresholds from the reference's chunks (the latest batch's): outside them, an estimate alerts. */
  thresholds: { lower: number | null; upper: number | null } | null;
}

/** Estimated (with its sampling-error band) and realized values of each metric, per batch. */
export function performanceSeries(batches: readonly MonitorBatch[]): PerformanceSeries[] {
  const metrics = [...new Set(batches.flatMap((b) => [...Object.keys(b.estimated), ...Object.keys(b.realized)]))].sort();
  return metrics.map((metric) => {
    const withEstimate = batches.filter((b) => b.estimated[metric]?.thresholds);
    return {
      metric,
      points: batches.filter((b) => b.kind === 'batch').map((b) => {
        const e = b.estimated[metric];
        return {
          at: b.at, batchId: b.id, estimated: e?.value ?? null, realized: b.realized[metric] ?? null, alert: e?.alert ?? false,
          band: e && e.lower !== null && e.upper !== null ? [e.lower, e.upper] as [number, number] : null,
        };
      }),
      thresholds: withEstimate.length ? withEstimate[withEstimate.length - 1]!.estimated[metric]!.thresholds! : null,
    };
  });
}

export interface MultivariateSeries {
  points: { at: number; value: number; band: [number, number] | null; alert: boolean; batchId: number }[];
  /** The latest fit's thresholds from the reference's chunks (a null side has no bound). */
  thresholds: { lower: number | null; upper: number | null } | null;
  components: number;
  columns: number;
  domain: [number, number];
}

/** The value axis of multivariate drift: 0 up to past the highest error, band or threshold. */
function multivariateDomain(batches: readonly MonitorBatch[]): [number, number] {
  const tops = batches.flatMap((b) => (b.multivariate ? [b.multivariate.value, b.multivariate.upper ?? 0, b.multivariate.thresholds.upper ?? 0] : []));
  return [0, tops.length ? Math.max(...tops) * 1.1 : 1];
}

/** Each batch's reconstruction error with its sampling-error band, or null when no batch has one. */
export function multivariateSeries(batches: readonly MonitorBatch[]): MultivariateSeries | null {
  const withValue = batches.filter((b) => b.multivariate);
  if (withValue.length === 0) return null;
  const last = withValue[withValue.length - 1]!.multivariate!;
  return {
    points: withValue.map((b) => {
      const m = b.multivariate!;
      return { at: b.at, value: m.value, band: m.lower !== null && m.upper !== null ? [m.lower, m.upper] as [number, number] : null, alert: m.alert, batchId: b.id };
    }),
    thresholds: last.thresholds,
    components: last.components,
    columns: last.columns,
    domain: multivariateDomain(batches),
  };
}
