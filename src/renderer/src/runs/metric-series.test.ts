import { describe, expect, it } from 'vitest';
import { MAX_CHART_POINTS, formatAxisTick, metricSeries, parseAxis } from './metric-series';

const points = [
  { step: 2, timestamp: 1_000_120_000, value: 0.3 },
  { step: 0, timestamp: 1_000_000_000, value: 0.9 },
  { step: 1, timestamp: 1_000_060_000, value: 'NaN' as const },
];

describe('metricSeries', () => {
  it('puts points on the step, wall-time or relative-time axis, sorted, without NaN', () => {
    expect(metricSeries(points, 'step')).toEqual([{ x: 0, y: 0.9 }, { x: 2, y: 0.3 }]);
    expect(metricSeries(points, 'wall')).toEqual([{ x: 1_000_000_000, y: 0.9 }, { x: 1_000_120_000, y: 0.3 }]);
    expect(metricSeries(points, 'relative', 999_990_000)).toEqual([{ x: 10, y: 0.9 }, { x: 130, y: 0.3 }]);
    expect(metricSeries(points, 'relative')).toEqual([{ x: 0, y: 0.9 }, { x: 120, y: 0.3 }]);
  });

  it('thins long series to MAX_CHART_POINTS, keeping the first and last points and the spikes', () => {
    // A smooth loss curve with two one-step spikes that stride thinning (every 7th point) would miss.
    const long = Array.from({ length: 10_001 }, (_, i) => ({ step: i, timestamp: i, value: i === 4_003 ? 9 : i === 8_641 ? -3 : 1 / (1 + i / 1000) }));
    const series = metricSeries(long, 'step');
    expect(series.length).toBe(MAX_CHART_POINTS);
    expect(series[0]).toEqual({ x: 0, y: 1 });
    expect(series.at(-1)).toEqual({ x: 10_000, y: 1 / 11 });
    expect(series).toContainEqual({ x: 4_003, y: 9 });
    expect(series).toContainEqual({ x: 8_641, y: -3 });
    expect(series.map((p) => p.x)).toEqual([...series.map((p) => p.x)].sort((a, b) => a - b));
  });

  it('reads an axis from the URL and formats ticks', () => {
    expect([parseAxis('wall'), parseAxis('nope'), parseAxis(null)]).toEqual(['wall', 'step', 'step']);
    expect([formatAxisTick('step', 12), formatAxisTick('relative', 90), formatAxisTick('relative', 7260)]).toEqual(['12', '1m 30s', '2h 1m']);
  });
});
