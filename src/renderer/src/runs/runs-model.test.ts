import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listRuns, upsertRunSummaries } from '../../../core/workspace';
import { DEFAULT_SORT, defaultColumns, runLabels, runVocabulary, sortRuns } from './run-table';
import { runsModel, warmRunsModel } from './runs-model';

let n = 0;
const ctx = { now: () => Date.UTC(2026, 0, 1) + n * 1000, newId: () => `r${++n}` };
const input = (i: number, name = `run-${i}`) => ({
  name, experiment: i % 2 ? 'a' : 'b', status: 'finished' as const, startedAt: Date.UTC(2026, 0, 1) + i * 60_000,
  source: `mlflow:${(1e6 + i).toString(16)}abcdef`, params: { lr: String(0.01 * (i % 3)), seed: '7' }, metrics: { loss: 1 / (i + 1) }, tags: { team: 'vision' },
});

describe('runsModel', () => {
  it('is what the run table derives from listRuns, the same object until the runs change', () => {
    const doc = new Y.Doc();
    upsertRunSummaries(doc, [input(1), input(2, 'twin'), input(3, 'twin')], ctx);
    const model = runsModel(doc);
    const runs = listRuns(doc);
    expect(model.runs).toEqual(runs);
    expect(model.vocab).toEqual(runVocabulary(runs));
    expect(model.defaults).toEqual(defaultColumns(runs));
    const labels = runLabels(runs);
    for (const r of runs) expect(model.label(r)).toBe(labels.get(r.id));
    expect(runs.filter((r) => model.label(r).startsWith('twin · '))).toHaveLength(2);

    // A change elsewhere in the workspace keeps the model; a change to the runs makes a new one.
    doc.getMap('notes').set('x', { any: 1 });
    expect(runsModel(doc)).toBe(model);
    upsertRunSummaries(doc, [input(4)], ctx);
    const next = runsModel(doc);
    expect(next).not.toBe(model);
    expect(next.runs).toHaveLength(4);
    expect(next.runs[0]!.name).toBe('run-4');
  });

  it('computed ahead in steps, gives the same model, and starts afresh when the runs change half way', () => {
    const doc = new Y.Doc();
    upsertRunSummaries(doc, [input(1), input(2), input(3)], ctx);
    // A clock that runs out of budget at every record: a step per run.
    let t = 0;
    const steps = warmRunsModel(doc, () => (t += 50));
    expect(steps.next().done).toBe(false);
    upsertRunSummaries(doc, [input(4, 'late')], ctx);
    let count = 1;
    for (let s = steps.next(); !s.done; s = steps.next()) count++;
    expect(count).toBeGreaterThan(4);
    const model = runsModel(doc);
    expect(model.runs.map((r) => r.name)).toEqual(['late', 'run-3', 'run-2', 'run-1']);
    expect(model.runs).toEqual(listRuns(doc));
    expect(model.vocab).toEqual(runVocabulary(listRuns(doc)));
    expect(model.defaults).toEqual(defaultColumns(listRuns(doc)));
    expect(model.vocab.experiments).toEqual(['a', 'b']);
    // Warm already: nothing to do.
    expect(warmRunsModel(doc).next().done).toBe(true);
  });

  it('keeps each order the page asks for while the runs stay the same', () => {
    const doc = new Y.Doc();
    upsertRunSummaries(doc, [input(1), input(2, 'b-twin'), input(3, 'a-first'), input(4, 'b-twin')], ctx);
    const model = runsModel(doc);
    const byName = { column: 'name', dir: 'asc' } as const;
    const named = model.sorted({ ...byName });
    expect(named).toEqual(sortRuns(listRuns(doc), byName));
    expect(named.map((r) => r.name)).toEqual(['a-first', 'b-twin', 'b-twin', 'run-1']);
    expect(model.sorted({ ...byName })).toBe(named); // a new spec object, the same order: kept
    expect(model.sorted(DEFAULT_SORT)).toEqual(sortRuns(listRuns(doc), DEFAULT_SORT));
    const byLoss = { column: 'metric:loss', dir: 'asc' } as const;
    expect(model.sorted(byLoss)).toEqual(sortRuns(listRuns(doc), byLoss));
    expect(model.sorted({ column: 'status', dir: 'asc' })).toEqual(sortRuns(listRuns(doc), { column: 'status', dir: 'asc' }));
    expect(model.sorted({ ...byName })).not.toBe(named); // only three kept: the oldest went
    // The runs change: a new model, sorted afresh.
    upsertRunSummaries(doc, [input(5, 'a-zero')], ctx);
    expect(runsModel(doc).sorted({ ...byName }).map((r) => r.name)).toEqual(['a-first', 'a-zero', 'b-twin', 'b-twin', 'run-1']);
  });
});
