import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CommandError, findRunBySource, listRuns, upsertRunSummary } from './index.ts';

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
});
