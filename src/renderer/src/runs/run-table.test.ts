import { describe, expect, it } from 'vitest';
import type { RunSummaryRecord } from '../../../core/workspace';
import { defaultColumns, formatDuration, insertColumn, parseSort, runLabels, runVocabulary, sortRuns, tableRows } from './run-table';

const run = (id: string, over: Partial<RunSummaryRecord> = {}): RunSummaryRecord => ({
  id, name: id, experiment: 'Default', status: 'finished', startedAt: 100, source: `mlflow:${id}`, params: {}, metrics: {}, createdAt: 1, ...over,
});
const ids = (runs: RunSummaryRecord[]) => runs.map((r) => r.id);

describe('sortRuns', () => {
  const runs = [
    run('a', { params: { lr: '0.01' }, metrics: { loss: 0.5 }, startedAt: 300 }),
    run('b', { params: { lr: '0.001' }, metrics: { loss: 0.2 }, startedAt: 200 }),
    run('c', { params: { lr: '0.1' }, startedAt: 100 }),
    run('d', { params: {}, metrics: { loss: 0.9 }, startedAt: 50, endedAt: 5000 }),
  ];

  it('sorts numeric params as numbers, both ways, with missing values last', () => {
    expect(ids(sortRuns(runs, { column: 'param:lr', dir: 'asc' }))).toEqual(['b', 'a', 'c', 'd']);
    expect(ids(sortRuns(runs, { column: 'param:lr', dir: 'desc' }))).toEqual(['c', 'a', 'b', 'd']);
    expect(ids(sortRuns(runs, { column: 'metric:loss', dir: 'asc' }))).toEqual(['b', 'a', 'd', 'c']);
    expect(ids(sortRuns(runs, { column: 'metric:loss', dir: 'desc' }))).toEqual(['d', 'a', 'b', 'c']);
  });

  it('sorts names naturally and breaks ties newest first', () => {
    const named = [run('x1', { name: 'run-10' }), run('x2', { name: 'run-2' }), run('x3', { name: 'Run-2', startedAt: 500 })];
    expect(ids(sortRuns(named, { column: 'name', dir: 'asc' }))).toEqual(['x3', 'x2', 'x1']);
    expect(ids(sortRuns(runs, { column: 'duration', dir: 'desc' }))).toEqual(['d', 'a', 'b', 'c']);
  });

  it('does not change its input', () => {
    const copy = [...runs];
    sortRuns(runs, { column: 'param:lr', dir: 'asc' });
    expect(runs).toEqual(copy);
  });
});

describe('parseSort', () => {
  it('reads a URL sort, falling back to newest first', () => {
    expect(parseSort('metric:val loss', 'asc')).toEqual({ column: 'metric:val loss', dir: 'asc' });
    expect(parseSort('metric:loss', null)).toEqual({ column: 'metric:loss', dir: 'desc' });
    expect(parseSort('bogus', 'asc')).toEqual({ column: 'started', dir: 'desc' });
    expect(parseSort(null, null)).toEqual({ column: 'started', dir: 'desc' });
  });
});

describe('tableRows', () => {
  const runs = [run('a', { experiment: 'triplet' }), run('b'), run('c', { experiment: 'triplet' })];
  it('groups by experiment A→Z, keeping the sort inside a group, and folds collapsed groups', () => {
    expect(tableRows(runs, true, new Set()).map((r) => (r.kind === 'group' ? `[${r.experiment} ${r.count}]` : r.run.id))).toEqual(['[Default 1]', 'b', '[triplet 2]', 'a', 'c']);
    expect(tableRows(runs, true, new Set(['triplet'])).map((r) => (r.kind === 'group' ? `[${r.experiment}]` : r.run.id))).toEqual(['[Default]', 'b', '[triplet]']);
    expect(tableRows(runs, false, new Set()).map((r) => r.kind)).toEqual(['run', 'run', 'run']);
  });
});

describe('runVocabulary and formatDuration', () => {
  it('collects names across runs', () => {
    const v = runVocabulary([run('a', { params: { lr: '1' }, tags: { team: 'x' } }), run('b', { metrics: { loss: 1 }, experiment: 'E' })]);
    expect(v).toMatchObject({ params: ['lr'], metrics: ['loss'], tags: ['team'], experiments: ['Default', 'E'] });
  });
  it('defaults to the metrics and params that tell the runs apart, constants last', () => {
    const runs = [
      run('a', { metrics: { rare: 1, loss: 1 }, params: { lr: '0.1', amsgrad: 'False', betas: '(0.9, 0.999)', maximize: 'False', depth: '3' } }),
      run('b', { metrics: { loss: 2, acc: 1 }, params: { lr: '0.01', amsgrad: 'False', betas: '(0.9, 0.999)', maximize: 'False' } }),
      run('c', { metrics: { loss: 3, acc: 2 }, params: { lr: '0.001', amsgrad: 'False', betas: '(0.9, 0.999)', maximize: 'False', depth: '5' } }),
    ];
    expect(defaultColumns(runs)).toEqual(['metric:loss', 'metric:acc', 'metric:rare', 'param:lr', 'param:depth', 'param:amsgrad', 'param:betas']);
  });
  it('puts a newly chosen column next to its kind', () => {
    const chosen = ['metric:loss', 'metric:acc', 'param:lr'] as const;
    expect(insertColumn([...chosen], 'metric:f1')).toEqual(['metric:loss', 'metric:acc', 'metric:f1', 'param:lr']);
    expect(insertColumn([...chosen], 'param:depth')).toEqual(['metric:loss', 'metric:acc', 'param:lr', 'param:depth']);
    expect(insertColumn(['param:lr'], 'metric:f1')).toEqual(['metric:f1', 'param:lr']);
    expect(insertColumn(['metric:loss'], 'param:lr')).toEqual(['metric:loss', 'param:lr']);
  });
  it('tells runs with the same name apart by a short run id', () => {
    const labels = runLabels([
      { id: 'r1', name: 'chapter02', source: 'mlflow:3f9c2a1b7e4d' },
      { id: 'r2', name: 'chapter02', source: 'mlflow:8e7d6c5b4a39' },
      { id: 'r3', name: 'baseline', source: 'api:baseline' },
    ]);
    expect([...labels.values()]).toEqual(['chapter02 · 3f9c2a', 'chapter02 · 8e7d6c', 'baseline']);
  });
  it('formats durations', () => {
    expect([formatDuration(undefined), formatDuration(850), formatDuration(262_012), formatDuration(3_840_000)]).toEqual(['—', '850 ms', '4 min 22 s', '1 h 4 min']);
  });
});
