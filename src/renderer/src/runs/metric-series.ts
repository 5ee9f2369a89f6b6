/**
 * A metric's points as chart coordinates on the axis a person picked: the step, the wall-clock
 * time, or the time since the run started (which lines up runs started on different days).
 */
// LTTB (Largest-Triangle-Three-Buckets, Steinarsson 2013) from `downsample`: the method chart
// libraries use to thin a series while keeping what the eye would see — a loss spike at one
// step survives, where keeping every k-th point drops it.
import { LTTB } from 'downsample/methods/LTTB';
import { type MetricPointRecord, metricPointValue } from '../../../core/workspace';

export const METRIC_AXES = ['step', 'wall', 'relative'] as const;
export type MetricAxis = (typeof METRIC_AXES)[number];

export const AXIS_LABELS: Record<MetricAxis, string> = { step: 'Step', wall: 'Wall time', relative: 'Relative time' };

export function parseAxis(text: string | null): MetricAxis {
  return (METRIC_AXES as readonly string[]).includes(text ?? '') ? (text as MetricAxis) : 'step';
}

export interface ChartPoint {
  x: number;
  y: number;
}

/** More points than a chart's width can show: beyond this, a series is thinned (LTTB) to this many. */
export const MAX_CHART_POINTS = 1500;

/**
 * Points sorted by x. Relative time is seconds since `startTime` (the run's start; the first point
 * when the run has none). NaN and ±Infinity values are left out (a chart cannot draw them); long
 * series are thinned to MAX_CHART_POINTS with LTTB, which keeps the first and last points and
 * each bucket's most prominent one (spikes and dips stay).
 */
export function metricSeries(points: readonly MetricPointRecord[], axis: MetricAxis, startTime?: number): ChartPoint[] {
  const origin = startTime ?? Math.min(...points.map((p) => p.timestamp));
  const out: ChartPoint[] = [];
  for (const p of points) {
    const y = metricPointValue(p);
    if (!Number.isFinite(y)) continue;
    const x = axis === 'step' ? p.step : axis === 'wall' ? p.timestamp : (p.timestamp - origin) / 1000;
    out.push({ x, y });
  }
  out.sort((a, b) => a.x - b.x);
  if (out.length <= MAX_CHART_POINTS) return out;
  // It hands back the input's own point objects, in x order.
  return Array.from(LTTB(out, MAX_CHART_POINTS) as ArrayLike<ChartPoint>);
}

const wallFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** How an axis tick reads: a step number, a date and time, or `1m 30s`. */
export function formatAxisTick(axis: MetricAxis, x: number): string {
  if (axis === 'step') return String(x);
  if (axis === 'wall') return wallFormat.format(x);
  if (x < 60) return `${Math.round(x * 10) / 10}s`;
  if (x < 3600) return `${Math.floor(x / 60)}m ${Math.round(x % 60)}s`;
  return `${Math.floor(x / 3600)}h ${Math.round((x % 3600) / 60)}m`;
}
