/**
 * The runs table's columns, sort and rows, as plain data: which value a column shows for a run,
 * how runs sort by it, and the row list (with experiment group headers) the windowed table draws.
 */
import type { RunSummaryRecord } from '../../../core/workspace';
import { isNumber } from './run-filter';

/** Fixed columns, then `param:<key>` and `metric:<key>` columns the person picks. */
export const FIXED_COLUMNS = ['name', 'status', 'experiment', 'started', 'duration'] as const;
export type FixedColumn = (typeof FIXED_COLUMNS)[number];
export type ColumnId = FixedColumn | `param:${string}` | `metric:${string}`;

export type SortDir = 'asc' | 'desc';
export interface SortSpec {
  column: ColumnId;
  dir: SortDir;
}

/** Newest first: what a person opening the runs list looks for. */
export const DEFAULT_SORT: SortSpec = { column: 'started', dir: 'desc' };

export function columnLabel(column: ColumnId): string {
  if (column.startsWith('param:')) return column.slice('param:'.length);
  if (column.startsWith('metric:')) return column.slice('metric:'.length);
  return { name: 'Run', status: 'Status', experiment: 'Experiment', started: 'Started', duration: 'Duration' }[column as FixedColumn];
}

/** Reads a column id from a URL or storage; null when it is not one. */
export function parseColumnId(text: string | null | undefined): ColumnId | null {
  if (!text) return null;
  if ((FIXED_COLUMNS as readonly string[]).includes(text)) return text as FixedColumn;
  if (/^(param|metric):.+/s.test(text)) return text as ColumnId;
  return null;
}

export function parseSort(column: string | null, dir: string | null): SortSpec {
  const c = parseColumnId(column);
  if (!c) return DEFAULT_SORT;
  return { column: c, dir: dir === 'asc' || dir === 'desc' ? dir : defaultDir(c) };
}

/** Numbers and times sort high-first on the first click; words A→Z. */
export function defaultDir(column: ColumnId): SortDir {
  return column === 'name' || column === 'status' || column === 'experiment' || column.startsWith('param:') ? 'asc' : 'desc';
}

/** The value a cell holds (undefined: the run does not have it). */
export function cellValue(run: RunSummaryRecord, column: ColumnId): string | number | undefined {
  switch (column) {
    case 'name': return run.name;
    case 'status': return run.status;
    case 'experiment': return run.experiment;
    case 'started': return run.startedAt;
    case 'duration': return run.endedAt === undefined ? undefined : run.endedAt - run.startedAt;
  }
  if (column.startsWith('param:')) return run.params[column.slice(6)];
  return run.metrics[column.slice(7)];
}

/**
 * Sorts a copy of `runs` by `sort`. Params that are all numbers compare as numbers (`lr`
 * 0.001 < 0.01), other text naturally (`run-2` before `run-10`). Runs without the value go last
 * in both directions, so sorting by a metric never starts with a screen of blanks. Ties keep
 * newest first, then id, so the order is the same on every machine.
 */
export function sortRuns(runs: readonly RunSummaryRecord[], sort: SortSpec): RunSummaryRecord[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const keyed = runs.map((run) => ({ run, value: cellValue(run, sort.column) }));
  keyed.sort((a, b) => {
    if (a.value === undefined || b.value === undefined) {
      if (a.value === undefined && b.value !== undefined) return 1;
      if (b.value === undefined && a.value !== undefined) return -1;
    } else {
      const order = compareValues(a.value, b.value);
      if (order !== 0) return order * sign;
      // Runs that share a name are shown with a short run id (runLabels): order by it too.
      if (sort.column === 'name' && a.run.name === b.run.name) {
        const [x, y] = [shortRunId(a.run), shortRunId(b.run)];
        if (x !== y) return (x < y ? -1 : 1) * sign;
      }
    }
    return b.run.startedAt - a.run.startedAt || (a.run.id < b.run.id ? -1 : a.run.id > b.run.id ? 1 : 0);
  });
  return keyed.map((k) => k.run);
}

function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  if (isNumber(x) && isNumber(y)) return Number(x) - Number(y);
  return x.localeCompare(y, undefined, { numeric: true, sensitivity: 'base' });
}

export type TableRow =
  | { kind: 'group'; experiment: string; count: number; collapsed: boolean }
  | { kind: 'run'; run: RunSummaryRecord };

/**
 * The rows to draw: runs in order, or with `groupByExperiment` a header per experiment (A→Z)
 * followed by its runs in the sort order, unless the group is collapsed.
 */
export function tableRows(runs: readonly RunSummaryRecord[], groupByExperiment: boolean, collapsed: ReadonlySet<string>): TableRow[] {
  if (!groupByExperiment) return runs.map((run) => ({ kind: 'run', run }));
  const groups = new Map<string, RunSummaryRecord[]>();
  for (const run of runs) {
    const list = groups.get(run.experiment);
    if (list) list.push(run);
    else groups.set(run.experiment, [run]);
  }
  const rows: TableRow[] = [];
  for (const experiment of [...groups.keys()].sort((a, b) => a.localeCompare(b))) {
    const list = groups.get(experiment)!;
    const isCollapsed = collapsed.has(experiment);
    rows.push({ kind: 'group', experiment, count: list.length, collapsed: isCollapsed });
    if (!isCollapsed) for (const run of list) rows.push({ kind: 'run', run });
  }
  return rows;
}

/** Per param or metric name: how many runs have it, and whether its value varies among them. */
interface KeyStat {
  runs: number;
  first: unknown;
  varies: boolean;
}

/**
 * One pass over the runs for what the vocabulary and the default columns both need. Counted per
 * kind under the bare name, prefixed once at the end (a prefixed string per sighting cost most of
 * a long task on a workspace of years); whether a value varies needs its first value and one
 * that differs, not a set of every value, and compares values as they are (`Object.is`: a
 * metric's number is not turned into text to be compared, which was half the pass).
 */
export function runStats(runs: readonly RunSummaryRecord[]): RunStats {
  const stats = emptyRunStats();
  for (const r of runs) addRunToStats(stats, r);
  return stats;
}

/** runStats, pausing whenever `budgetMs` has passed by `now()`; returns the same stats. */
export function* runStatsInSteps(runs: readonly RunSummaryRecord[], now: () => number, budgetMs: number): Generator<void, RunStats, void> {
  const stats = emptyRunStats();
  let start = now();
  for (let i = 0; i < runs.length; i++) {
    addRunToStats(stats, runs[i]!);
    if ((i & 255) === 255 && now() - start > budgetMs) {
      yield;
      start = now();
    }
  }
  return stats;
}

function emptyRunStats(): RunStats {
  return { params: new Map(), metrics: new Map(), tags: new Set(), experiments: new Set(), names: new Map() };
}

function see(stats: Map<string, KeyStat>, key: string, value: unknown): void {
  const s = stats.get(key);
  if (!s) stats.set(key, { runs: 1, first: value, varies: false });
  else {
    s.runs++;
    if (!s.varies && !Object.is(value, s.first)) s.varies = true;
  }
}

function addRunToStats({ params, metrics, tags, experiments, names }: RunStats, r: RunSummaryRecord): void {
  names.set(r.name, (names.get(r.name) ?? 0) + 1);
  for (const k in r.params) see(params, k, r.params[k]);
  for (const k in r.metrics) see(metrics, k, r.metrics[k]);
  if (r.tags) for (const k in r.tags) tags.add(k);
  experiments.add(r.experiment);
}

export interface RunStats {
  params: Map<string, KeyStat>;
  metrics: Map<string, KeyStat>;
  tags: Set<string>;
  experiments: Set<string>;
  /** How many runs have each name (runLabel). */
  names: Map<string, number>;
}

export type RunVocabulary = { params: string[]; metrics: string[]; tags: string[]; experiments: string[]; counts: Map<string, number> };

/**
 * Every param, metric and tag name some run has, sorted A→Z, and how many runs have each (the
 * column chooser's and the filter's vocabulary).
 */
export function runVocabulary(runs: readonly RunSummaryRecord[], stats: RunStats = runStats(runs)): RunVocabulary {
  const { params, metrics, tags, experiments } = stats;
  const counts = new Map<string, number>([...[...params].map(([k, s]) => [`param:${k}`, s.runs] as const), ...[...metrics].map(([k, s]) => [`metric:${k}`, s.runs] as const)]);
  const sorted = (s: Iterable<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { params: sorted(params.keys()), metrics: sorted(metrics.keys()), tags: sorted(tags), experiments: sorted(experiments), counts };
}

/**
 * Columns shown before a person chooses: four metrics and four params, picked by what tells the
 * runs apart. A param with one value in every run that has it (an optimizer's `amsgrad`,
 * `betas`) says nothing in a table, so params are ranked by how many runs have them times
 * whether their value varies, and constant ones come last; metrics by how many runs have them,
 * those that vary first. Ties go A→Z, so the choice is stable.
 */
export function defaultColumns(runs: readonly RunSummaryRecord[], stats: RunStats = runStats(runs)): ColumnId[] {
  const pick = (prefix: 'metric:' | 'param:', keyed: Map<string, KeyStat>, n: number) =>
    [...keyed.entries()]
      .map(([k, s]) => ({ id: `${prefix}${k}` as ColumnId, varies: s.varies ? 1 : 0, runs: s.runs }))
      .sort((a, b) => b.varies - a.varies || b.runs - a.runs || a.id.localeCompare(b.id))
      .slice(0, n)
      .map((c) => c.id);
  return [...pick('metric:', stats.metrics, 4), ...pick('param:', stats.params, 4)];
}

/**
 * How a run is named wherever runs are listed together: its name, and when another run shares
 * the name, a short run id after it ("chapter02 · 3f9c2a") so the two can be told apart.
 */
export function runLabels(runs: readonly Pick<RunSummaryRecord, 'id' | 'name' | 'source'>[]): Map<string, string> {
  const byName = new Map<string, number>();
  for (const r of runs) byName.set(r.name, (byName.get(r.name) ?? 0) + 1);
  return new Map(runs.map((r) => [r.id, runLabel(byName, r)]));
}

/** One run's label (runLabels), given how many runs have each name: for the rows on screen only. */
export function runLabel(names: ReadonlyMap<string, number>, run: Pick<RunSummaryRecord, 'id' | 'name' | 'source'>): string {
  return (names.get(run.name) ?? 0) > 1 ? `${run.name} · ${shortRunId(run)}` : run.name;
}

/** Six characters that tell runs apart: of the source's run id when imported (MLflow's uuid), else of ours. */
export function shortRunId(run: Pick<RunSummaryRecord, 'id' | 'source'>): string {
  const fromSource = /([0-9a-f]{6,})$/i.exec(run.source)?.[1];
  return (fromSource ?? run.id.replace(/[^A-Za-z0-9]/g, '')).slice(0, 6);
}

/**
 * The columns after a person ticks `column` in the chooser: next to the columns of its kind
 * (after the last metric, or the last param), not at the far end behind the others; a kind not
 * shown yet goes after the run's own columns, metrics before params.
 */
export function insertColumn(chosen: readonly ColumnId[], column: ColumnId): ColumnId[] {
  if (chosen.includes(column)) return [...chosen];
  const kindOf = (c: ColumnId) => (c.startsWith('metric:') ? 'metric' : c.startsWith('param:') ? 'param' : 'run');
  const kind = kindOf(column);
  const lastOfKind = chosen.map(kindOf).lastIndexOf(kind);
  if (lastOfKind >= 0) return [...chosen.slice(0, lastOfKind + 1), column, ...chosen.slice(lastOfKind + 1)];
  // No column of this kind yet: metrics go before the first param, params after everything else.
  const firstParam = chosen.findIndex((c) => kindOf(c) === 'param');
  const at = kind === 'metric' && firstParam >= 0 ? firstParam : chosen.length;
  return [...chosen.slice(0, at), column, ...chosen.slice(at)];
}

/** `1 h 4 min`, `3 min 12 s`, `850 ms`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}
