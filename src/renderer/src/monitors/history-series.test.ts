import { describe, expect, it } from 'vitest';
import type { MonitorBatch } from '../../../shared/server-api';
import { columnSeries, performanceSeries, ruleSeries } from './history-series';

const batch = (id: number, at: number, fields: Partial<MonitorBatch> = {}): MonitorBatch => ({
  id, monitorId: 'm', kind: 'batch', at, arrivedAt: at, timeFrom: 'timestamp', rows: 10, driftShare: 0.2, driftedColumns: 1, testedColumns: 5,
  columns: [{ name: 'temp', test: 'ks', score: 0.3, threshold: 0.05, drifted: false }, { name: 'kind', test: 'jensenshannon', score: 0.02, threshold: 0.1, drifted: false }],
  metrics: {}, estimated: {}, realized: {}, labelled: 0, outcomes: [], incidents: {}, reportBlob: null, predictionsBlob: null, ...fields,
});

describe('history series', () => {
  it('draws each rule from its outcomes, with its bands, alerts and incidents', () => {
    const batches = [
      batch(1, 100, { outcomes: [{ ruleId: 'share', band: 'ok', summary: '', value: 0.2 }] }),
      batch(2, 200, { driftShare: 0.6, outcomes: [{ ruleId: 'share', band: 'critical', summary: '', value: 0.6 }], incidents: { share: 'inc1' } }),
      batch(3, 300, { kind: 'metrics', driftShare: null, columns: [], metrics: { accuracy: 0.7 } }),
    ];
    const [share, temp, kind, acc] = ruleSeries([
      { kind: 'driftShare', id: 'share', warning: 0.3, critical: 0.5 },
      { kind: 'columnDrift', id: 'temp', column: 'temp' },
      { kind: 'columnDrift', id: 'kind', column: 'kind', warning: 0.05 },
      { kind: 'metric', id: 'acc', metric: 'accuracy', direction: 'below', warning: 0.9, critical: 0.8 },
      { kind: 'batchMissing', id: 'late', criticalAfterMs: 1 },
    ], batches);
    expect(share!.points.map((p) => [p.at, p.value, p.band, p.incidentId])).toEqual([[100, 0.2, 'ok', undefined], [200, 0.6, 'critical', 'inc1']]);
    expect(share!.regions).toEqual([{ band: 'warning', from: 0.3, to: 0.5 }, { band: 'critical', from: 0.5, to: 1 }]);
    expect(share!.incidents).toEqual(['inc1']);
    // A p-value test is bad below its threshold; a distance test above.
    expect(temp!.regions).toEqual([{ band: 'critical', from: 0, to: 0.05 }]);
    expect(kind!.regions).toEqual([{ band: 'warning', from: 0.05, to: 0.1 }, { band: 'critical', from: 0.1, to: 1 }]);
    expect(acc!.points.map((p) => p.value)).toEqual([0.7]);
    expect(acc!.regions).toEqual([{ band: 'warning', from: 0.8, to: 0.9 }, { band: 'critical', from: 0, to: 0.8 }]);
  });

  it('draws columns and estimated beside realized performance', () => {
    const batches = [
      batch(1, 100, { estimated: { accuracy: { value: 0.8, lower: 0.7, upper: 0.9, thresholds: { lower: 0.7, upper: 1 }, alert: false } } }),
      batch(2, 200, { estimated: { accuracy: { value: 0.65, lower: null, upper: null, thresholds: { lower: 0.72, upper: 1 }, alert: true } }, realized: { accuracy: 0.6 } }),
    ];
    expect(columnSeries(batches).map((c) => [c.name, c.points.length])).toEqual([['temp', 2], ['kind', 2]]);
    // A rule with bounds from the reference shades outside the latest thresholds (an upper bound at the limit still counts).
    const [estimated, realized] = ruleSeries([
      { kind: 'metric', id: 'est', metric: 'estimated_accuracy', bounds: 'reference' },
      { kind: 'metric', id: 'real', metric: 'accuracy', bounds: 'reference', direction: 'below' },
    ], batches);
    expect(estimated!.regions).toEqual([{ band: 'critical', from: 0, to: 0.72 }, { band: 'critical', from: 1, to: 1 }]);
    expect(realized!.regions).toEqual([{ band: 'critical', from: 0, to: 0.72 }]);
    expect(performanceSeries(batches)).toEqual([{
      metric: 'accuracy',
      points: [
        { at: 100, batchId: 1, estimated: 0.8, band: [0.7, 0.9], realized: null, alert: false },
        { at: 200, batchId: 2, estimated: 0.65, band: null, realized: 0.6, alert: true },
      ],
      thresholds: { lower: 0.72, upper: 1 },
    }]);
  });
});
