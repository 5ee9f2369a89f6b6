import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CommandError, findRunBySource, listRuns, upsertRunSummaries, upsertRunSummary } from './index.ts';

let n = 0;
const ctx = { now: () => 1000 + n, newId: () => `run${++n}` };
const summary = (over: Record<string, unknown> = {}) => ({
  name: 'entertaining-owl-269', experiment: 'Default', status: 'finished' as const,
  startedAt: 1745052528171, endedAt: 1745052790183, source: 'mlflow:73a1c9a8038c4ad8bb32cf6ddfa937e7',
  params: { learning_rate: '0.001' }, metrics: { loss: 0.02 }, ...over,
});

describe('upsertRunSummary', () => {
  it('inserts a run, then updates it in place when the same source comes again', () => {
    const doc = new Y.Doc();
    const first = upsertRunSummary(doc, summary(), ctx);
    expect(first.outcome).toBe('inserted');
    const again = upsertRunSummary(doc, summary({ status: 'failed', metrics: { loss: 0.5 } }), ctx);
    expect(again.outcome).toBe('updated');
    expect(again.record.id).toBe(first.record.id);
    expect(again.record.createdAt).toBe(first.record.createdAt);
    expect(listRuns(doc)).toHaveLength(1);
    expect(listRuns(doc)[0]).toMatchObject({ status: 'failed', metrics: { loss: 0.5 } });
  });

  it('does not rewrite an identical record, so a re-import of an unchanged store sends nothing', () => {
    const doc = new Y.Doc();
    upsertRunSummary(doc, summary(), ctx);
    const before = Y.encodeStateVector(doc);
    expect(upsertRunSummary(doc, summary(), ctx).outcome).toBe('unchanged');
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('keeps runs from different sources apart', () => {
    const doc = new Y.Doc();
    upsertRunSummary(doc, summary(), ctx);
    upsertRunSummary(doc, summary({ source: 'mlflow:other' }), ctx);
    expect(listRuns(doc)).toHaveLength(2);
    expect(findRunBySource(doc, 'mlflow:other')?.source).toBe('mlflow:other');
    expect(findRunBySource(doc, 'mlflow:nope')).toBeNull();
  });

  it('refuses a bad summary and writes nothing', () => {
    const doc = new Y.Doc();
    expect(() => upsertRunSummary(doc, summary({ status: 'done', source: '' }), ctx)).toThrow(CommandError);
    expect(() => upsertRunSummary(doc, summary({ params: { long: 'x'.repeat(501) } }), ctx)).toThrow(/params\.long/);
    expect(doc.getMap('runs').size).toBe(0);
  });

  it('updates the oldest of two records that share a source (two offline imports merged)', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    upsertRunSummary(a, summary(), { now: () => 5, newId: () => 'a1' });
    upsertRunSummary(b, summary(), { now: () => 9, newId: () => 'b1' });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    expect(upsertRunSummary(a, summary({ name: 'renamed' }), ctx).record.id).toBe('a1');
    expect(listRuns(a).map((r) => [r.id, r.name]).sort()).toEqual([['a1', 'renamed'], ['b1', 'entertaining-owl-269']]);
  });

  it('upserts 5,000 runs at once, indexing the doc once; one bad summary writes none', () => {
    const doc = new Y.Doc();
    const started = performance.now();
    const inputs = Array.from({ length: 5000 }, (_, i) => summary({ source: `api:sweep-${i}`, name: `sweep-${i}` }));
    expect(upsertRunSummaries(doc, inputs, ctx).every((r) => r.outcome === 'inserted')).toBe(true);
    expect(listRuns(doc)).toHaveLength(5000);
    const again = upsertRunSummaries(doc, [...inputs.slice(0, 2), summary({ source: 'api:sweep-2', name: 'renamed' })], ctx);
    expect(again.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'updated']);
    expect(listRuns(doc)).toHaveLength(5000);
    expect(findRunBySource(doc, 'api:sweep-4321')?.name).toBe('sweep-4321');
    // Looking each run up anew took 11 s here (a map scan per run); one index takes well under this.
    expect(performance.now() - started).toBeLessThan(5_000);
    const fresh = new Y.Doc();
    expect(() => upsertRunSummaries(fresh, [summary({ source: 'api:ok' }), summary({ source: 'api:bad', status: 'done' })], ctx)).toThrow(/upsertRunSummaries\[1\]/);
    expect(fresh.getMap('runs').size).toBe(0);
  });
});
