/**
 * `driftdesk drift REF CUR`: load both files, line up their columns, type them (pandas'
 * way, or as the caller says), and run the drift engine on every testable column.
 * Columns that cannot be tested are reported in `skipped_columns`, not crashed on.
 */
import {
  type ColumnReport,
  DEFAULT_DRIFT_SHARE,
  STAT_TESTS,
  defaultStatTestFor,
  detectColumnDrift,
  summarizeDrift,
} from '../../core/drift/index.ts';
import { DatasetError, type DatasetReader, type LoadedTable } from './dataset-reader.ts';
import { overlayHistogram } from './overlay.ts';
import { jensenShannonFromCounts, numericalSummary, valueCounts } from './sql-drift.ts';
import type { DriftComparison, SkippedColumn } from '../../core/profile/index.ts';

export type { DriftComparison, SkippedColumn };

export interface CompareOptions {
  /** Test for every column (`--stattest TEST`). */
  test?: string;
  /** Per-column tests (`--stattest COLUMN=TEST`). */
  columnTests?: Record<string, string>;
  categorical?: string[];
  numerical?: string[];
  driftShare?: number;
  /** Also return reference-vs-current histograms of each tested column (for charts). */
  histograms?: boolean;
  onProgress?: (progress: Progress) => void;
}

/** Where a long job is: `done` of `total` units of `phase`. */
export interface Progress {
  phase: string;
  done: number;
  total: number;
}


export async function compareFiles(reader: DatasetReader, refPath: string, curPath: string, options: CompareOptions = {}): Promise<DriftComparison> {
  const progress = options.onProgress ?? (() => {});
  progress({ phase: 'reading reference', done: 0, total: 2 });
  const ref = await reader.load(refPath);
  progress({ phase: 'reading current data', done: 1, total: 2 });
  const cur = await reader.load(curPath);
  if (ref.rows === 0) throw new DatasetError(`${refPath}: no rows, so there is nothing to compare against`);
  if (cur.rows === 0) throw new DatasetError(`${curPath}: no rows, so there is nothing to compare`);
  const forcedCat = new Set(options.categorical ?? []);
  const forcedNum = new Set(options.numerical ?? []);
  for (const name of [...forcedCat, ...forcedNum, ...Object.keys(options.columnTests ?? {})]) {
    if (!ref.columns.some((c) => c.name === name) && !cur.columns.some((c) => c.name === name)) {
      throw new DatasetError(`column "${name}" (named on the command line) is in neither ${refPath} nor ${curPath}`);
    }
  }
  for (const name of forcedCat) if (forcedNum.has(name)) throw new DatasetError(`column "${name}" cannot be both --categorical and --numerical`);

  const skipped: SkippedColumn[] = [];
  const reports: ColumnReport[] = [];
  const curByName = new Map(cur.columns.map((c) => [c.name, c]));
  const notTestable = (name: string, side: 'reference' | 'current data') =>
    skipped.push({ name, reason: `all values missing in the ${side}: not testable` });
  for (const [i, col] of ref.columns.entries()) {
    progress({ phase: 'testing columns', done: i, total: ref.columns.length });
    const other = curByName.get(col.name);
    if (!other) {
      skipped.push({ name: col.name, reason: 'only in the reference' });
      continue;
    }
    const type = forcedCat.has(col.name) ? 'categorical' : forcedNum.has(col.name) ? 'numerical' : sameKind(col.kind, other.kind);
    if (type === null) {
      const reason = col.kind === other.kind
        ? `${col.kind} columns are not tested for drift`
        : `${col.kind} in the reference but ${other.kind} in the current data; pass --categorical ${col.name} to compare as categories`;
      skipped.push({ name: col.name, reason });
      continue;
    }
    const requested = options.columnTests?.[col.name] ?? options.test;
    try {
      // Large samples with the default test never leave DuckDB (see sql-drift.ts).
      const inDatabase = requested === undefined && (type === 'categorical' || (col.kind === 'numerical' && other.kind === 'numerical'));
      if (inDatabase) {
        const summary = type === 'numerical'
          ? await numericalSummary(reader, ref, cur, col.name)
          : await valueCounts(reader, ref, cur, col.name, type);
        if (summary.reference === 0 || summary.current === 0) {
          notTestable(col.name, summary.reference === 0 ? 'reference' : 'current data');
          continue;
        }
        const test = defaultStatTestFor(summary.reference, (k) => summary.distinct > k, type);
        if (test === 'wasserstein' || test === 'jensenshannon') {
          const score = 'wasserstein' in summary
            ? test === 'wasserstein' ? summary.wasserstein : jensenShannonFromCounts(await valueCounts(reader, ref, cur, col.name, type))
            : jensenShannonFromCounts(summary);
          const spec = STAT_TESTS[test];
          reports.push({ name: col.name, type, test, score, threshold: spec.defaultThreshold, drifted: spec.isDrift(score, spec.defaultThreshold) });
          continue;
        }
      }
      // One column's values at a time, so memory holds two columns at most.
      const [reference, current] = type === 'numerical'
        ? [await numbers(reader, ref, col.name), await numbers(reader, cur, col.name)]
        : [await reader.categoryValues(ref, col.name), await reader.categoryValues(cur, col.name)];
      if (reference.length === 0 || current.length === 0) {
        notTestable(col.name, reference.length === 0 ? 'reference' : 'current data');
        continue;
      }
      const result = detectColumnDrift(reference, current, { type, name: col.name, test: requested });
      reports.push({ name: col.name, type, test: result.test, score: result.score, threshold: result.threshold, drifted: result.drifted });
    } catch (err) {
      if (err instanceof DatasetError) throw err;
      throw new DatasetError((err as Error).message);
    }
  }
  for (const col of cur.columns) if (!ref.columns.some((c) => c.name === col.name)) skipped.push({ name: col.name, reason: 'only in the current data' });
  if (reports.length === 0) {
    throw new DatasetError(`no column can be tested: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ') || 'no columns'}`);
  }
  const driftShare = options.driftShare ?? DEFAULT_DRIFT_SHARE;
  if (!(driftShare >= 0 && driftShare <= 1)) throw new DatasetError(`drift share must be a number between 0 and 1, got ${driftShare}`);
  const result: DriftComparison = {
    reference: { path: refPath, rows: ref.rows },
    current: { path: curPath, rows: cur.rows },
    ...summarizeDrift(reports, driftShare),
    skipped_columns: skipped,
  };
  if (options.histograms) {
    result.histograms = [];
    for (const [i, col] of reports.entries()) {
      progress({ phase: 'histograms', done: i, total: reports.length });
      result.histograms.push(await overlayHistogram(reader, ref, cur, col.name, col.type));
    }
  }
  return result;
}

function sameKind(a: string, b: string): 'numerical' | 'categorical' | null {
  if (a === b && (a === 'numerical' || a === 'categorical')) return a;
  return null;
}

/** Values of a column forced numerical: every non-missing value must be a number. */
async function numbers(reader: DatasetReader, t: LoadedTable, name: string): Promise<number[]> {
  const col = t.columns.find((c) => c.name === name)!;
  if (col.kind === 'numerical') return reader.numericValues(t, name);
  const text = await reader.categoryValues(t, name);
  return text.map((v, i) => {
    const n = Number(v);
    if (v.trim() === '' || Number.isNaN(n)) throw new DatasetError(`${t.path}: column "${name}" is not numerical (value #${i + 1} is "${v}")`);
    return n;
  }).filter(Number.isFinite);
}
