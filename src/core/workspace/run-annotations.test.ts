import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CommandError, annotateRun, getRunAnnotation, upsertRunSummary } from './index.ts';

let n = 0;
const ctx = { actor: { id: 'ada', name: 'Ada' }, now: () => 5000 + n, newId: () => `run${++n}` };

function docWithRun(): { doc: Y.Doc; runId: string } {
  const doc = new Y.Doc();
  const { record } = upsertRunSummary(doc, {
    name: 'entertaining-owl-269', experiment: 'Default', status: 'finished', startedAt: 1745052528171,
    source: 'mlflow:73a1c9a8038c4ad8bb32cf6ddfa937e7', params: {}, metrics: {},
  }, ctx);
  return { doc, runId: record.id };
}

describe('annotateRun', () => {
  it('saves, replaces and clears a run note, recording who wrote it', () => {
    const { doc, runId } = docWithRun();
    expect(getRunAnnotation(doc, runId)).toBeNull();
    annotateRun(doc, { runId, text: 'diverged after epoch 3\n\n' }, ctx);
    expect(getRunAnnotation(doc, runId)).toMatchObject({ text: 'diverged after epoch 3', updatedByName: 'Ada' });
    annotateRun(doc, { runId, text: 'lr too high' }, { ...ctx, actor: { id: 'bob', name: 'Bob' } });
    expect(getRunAnnotation(doc, runId)).toMatchObject({ text: 'lr too high', updatedById: 'bob' });
    expect(annotateRun(doc, { runId, text: '   ' }, ctx)).toBeNull();
    expect(getRunAnnotation(doc, runId)).toBeNull();
  });

  it('survives a re-import that rewrites the run summary', () => {
    const { doc, runId } = docWithRun();
    annotateRun(doc, { runId, text: 'baseline for the Q3 report' }, ctx);
    upsertRunSummary(doc, {
      name: 'entertaining-owl-269', experiment: 'Default', status: 'failed', startedAt: 1745052528171,
      source: 'mlflow:73a1c9a8038c4ad8bb32cf6ddfa937e7', params: {}, metrics: { loss: 1 },
    }, ctx);
    expect(getRunAnnotation(doc, runId)?.text).toBe('baseline for the Q3 report');
  });

  it('refuses an unknown run and an over-long note, writing nothing', () => {
    const { doc, runId } = docWithRun();
    const before = Y.encodeStateVector(doc);
    expect(() => annotateRun(doc, { runId: 'nope', text: 'x' }, ctx)).toThrow(/runId: no run nope/);
    const long = () => annotateRun(doc, { runId, text: 'x'.repeat(4001) }, ctx);
    expect(long).toThrow(CommandError);
    expect(long).toThrow(/text: a run note holds at most 4000 characters/);
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('does not write when the same text is saved again', () => {
    const { doc, runId } = docWithRun();
    annotateRun(doc, { runId, text: 'same' }, ctx);
    const before = Y.encodeStateVector(doc);
    annotateRun(doc, { runId, text: 'same' }, ctx);
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });
});
