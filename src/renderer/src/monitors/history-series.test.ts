import { describe, expect, it } from 'vitest';
import type { MonitorBatch } from '../../../shared/server-api';
import { columnSeries, multivariateSeries, performanceSeries, ruleSeries } from './history-series';
import { chunkingDraft, chunkingFromDraft } from './chunking-editor';

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

  it('draws multivariate drift with its band and the latest thresholds, and the rules with reference bounds', () => {
    const mv = (value: number, alert: boolean) => ({ value, samplingError: 0.03, lower: value - 0.09, upper: value + 0.09, thresholds: { lower: 0.4, upper: 1.9 }, alert, components: 2, columns: 5 });
    const batches = [
      batch(1, 100, { multivariate: mv(1, false), driftShareThresholds: { lower: 0, upper: 0.25 } }),
      batch(2, 200),
      batch(3, 300, { multivariate: mv(2.9, true), outcomes: [{ ruleId: 'mv', band: 'critical', summary: '', value: 2.9 }], incidents: { mv: 'inc' } }),
    ];
    const series = multivariateSeries(batches)!;
    expect(series.points.map((p) => [p.batchId, p.value, p.alert])).toEqual([[1, 1, false], [3, 2.9, true]]);
    expect(series.points[1]!.band![0]).toBeCloseTo(2.81, 12);
    expect(series.thresholds).toEqual({ lower: 0.4, upper: 1.9 });
    expect(series.domain[1]).toBeCloseTo(2.99 * 1.1, 12);
    expect(multivariateSeries([batch(1, 100)])).toBeNull();
    const [rule, share] = ruleSeries([{ kind: 'multivariate', id: 'mv' }, { kind: 'driftShare', id: 'share', bounds: 'reference' }], batches);
    expect(rule!.points.map((p) => [p.value, p.band, p.incidentId])).toEqual([[1, null, undefined], [2.9, 'critical', 'inc']]);
    expect(rule!.regions).toEqual([{ band: 'critical', from: 0, to: 0.4 }, { band: 'critical', from: 1.9, to: series.domain[1] }]);
    expect(share!.regions).toEqual([{ band: 'critical', from: 0.25, to: 1 }]);
  });

  it('turns the chunking a person picks into the monitor\'s, refusing periods without a timestamp', () => {
    expect(chunkingFromDraft(chunkingDraft(undefined), false)).toEqual({ chunking: undefined });
    expect(chunkingFromDraft({ kind: 'size', amount: ' 40 ', period: 'week' }, false)).toEqual({ chunking: { kind: 'size', size: 40 } });
    expect(chunkingFromDraft({ kind: 'number', amount: '2.5', period: 'week' }, false)).toEqual({ error: 'number of chunks: a whole number above 0' });
    expect(chunkingFromDraft({ kind: 'period', amount: '', period: 'month' }, false)).toEqual({ error: 'chunks by period need a timestamp column in the mapping' });
    expect(chunkingFromDraft(chunkingDraft({ kind: 'period', period: 'month' }), true)).toEqual({ chunking: { kind: 'period', period: 'month' } });
  });
});
