/**
 * `driftdesk drift REF CUR`: load both files, line up their columns, type them (pandas'
 * way, or as the caller says), and run the drift engine on every testable column.
 * Columns that cannot be tested are reported in `skipped_columns`, not crashed on.
 */
import { type DatasetColumn, type DatasetDriftReport, detectDatasetDrift } from '../../core/drift/index.ts';
import { DatasetError, type DatasetReader, type LoadedTable } from './dataset-reader.ts';
import { overlayHistogram } from './overlay.ts';
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
  const columns: DatasetColumn[] = [];
  const curByName = new Map(cur.columns.map((c) => [c.name, c]));
  for (const [i, col] of ref.columns.entries()) {
    progress({ phase: 'extracting columns', done: i, total: ref.columns.length });
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
    const test = options.columnTests?.[col.name];
    if (type === 'numerical') {
      const [reference, current] = [await numbers(reader, ref, col.name), await numbers(reader, cur, col.name)];
      if (reference.length === 0 || current.length === 0) {
        skipped.push({ name: col.name, reason: `all values missing in the ${reference.length === 0 ? 'reference' : 'current data'}: not testable` });
        continue;
      }
      columns.push({ name: col.name, type, reference, current, test });
    } else {
      const [reference, current] = [await reader.categoryValues(ref, col.name), await reader.categoryValues(cur, col.name)];
      if (reference.length === 0 || current.length === 0) {
        skipped.push({ name: col.name, reason: `all values missing in the ${reference.length === 0 ? 'reference' : 'current data'}: not testable` });
        continue;
      }
      columns.push({ name: col.name, type, reference, current, test });
    }
  }
  for (const col of cur.columns) if (!ref.columns.some((c) => c.name === col.name)) skipped.push({ name: col.name, reason: 'only in the current data' });
  if (columns.length === 0) {
    throw new DatasetError(`no column can be tested: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ') || 'no columns'}`);
  }
  let report: DatasetDriftReport;
  progress({ phase: 'testing for drift', done: 0, total: 1 });
  try {
    report = detectDatasetDrift(columns, { test: options.test, driftShare: options.driftShare });
  } catch (err) {
    throw new DatasetError((err as Error).message);
  }
  const result: DriftComparison = {
    reference: { path: refPath, rows: ref.rows },
    current: { path: curPath, rows: cur.rows },
    ...report,
    skipped_columns: skipped,
  };
  if (options.histograms) {
    result.histograms = [];
    for (const [i, col] of columns.entries()) {
      progress({ phase: 'histograms', done: i, total: columns.length });
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
