/**
 * `driftdesk drift REF CUR`: load both files, line up their columns, type them (pandas'
 * way, or as the caller says), and run the drift engine on every testable column.
 * Columns that cannot be tested are reported in `skipped_columns`, not crashed on.
 */
import {
  type ColumnMapping,
  type ColumnReport,
  driftOptionsOf,
  DEFAULT_DRIFT_SHARE,
  STAT_TESTS,
  defaultStatTestFor,
  detectColumnDrift,
  evidentlyColumnType,
  summarizeDrift,
} from '../../core/drift/index.ts';
import { DatasetError, type DatasetReader, type LoadedTable, type TableColumn } from './dataset-reader.ts';
import { overlayHistogram } from './overlay.ts';
import { jensenShannonFromCounts, numericalSummary, valueCounts } from './sql-drift.ts';
import type { DriftComparison, Overlay, SkippedColumn } from '../../core/profile/index.ts';

export type { DriftComparison, SkippedColumn };

export interface CompareOptions {
  /** Test for every column (`--stattest TEST`). */
  test?: string;
  /** Per-column tests (`--stattest COLUMN=TEST`). */
  columnTests?: Record<string, string>;
  categorical?: string[];
  numerical?: string[];
  /** Per-column thresholds (a mapping's overrides). */
  columnThresholds?: Record<string, number>;
  /**
   * What each column is (core/drift/column-mapping.ts): its timestamp, id and ignored columns are
   * not tested, its overrides apply (the options above win over them where both speak).
   */
  mapping?: ColumnMapping;
  /**
   * Called with both tables once they are loaded, before any test: the caller may read them (a
   * monitor reads the batch's time and predictions) without loading the files twice.
   */
  onLoaded?: (reader: DatasetReader, reference: LoadedTable, current: LoadedTable) => Promise<void>;
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
  // A second connection to the same database: both files load at once, then two columns are
  // tested at a time (a window over one column's values runs mostly on one core).
  const second = await reader.fork();
  try {
    return await compareWith(reader, second, refPath, curPath, options);
  } finally {
    second.close();
  }
}

async function compareWith(
  reader: DatasetReader,
  second: DatasetReader,
  refPath: string,
  curPath: string,
  options: CompareOptions,
): Promise<DriftComparison> {
  const progress = options.onProgress ?? (() => {});
  progress({ phase: 'reading both files', done: 0, total: 1 });
  const [refLoad, curLoad] = await Promise.allSettled([reader.load(refPath), second.load(curPath)]);
  // The reference's problem is reported first, whichever load failed first.
  if (refLoad.status === 'rejected') throw refLoad.reason;
  if (curLoad.status === 'rejected') throw curLoad.reason;
  const [ref, cur] = [refLoad.value, curLoad.value];
  if (ref.rows === 0) throw new DatasetError(`${refPath}: no rows, so there is nothing to compare against`);
  if (cur.rows === 0) throw new DatasetError(`${curPath}: no rows, so there is nothing to compare`);
  const mapped = driftOptionsOf(options.mapping);
  const forcedNum = new Set(options.numerical ?? []);
  const forcedCat = new Set(options.categorical ?? []);
  // The command line's flags win over the mapping's overrides for the same column.
  for (const name of mapped.categorical) if (!forcedNum.has(name)) forcedCat.add(name);
  for (const name of mapped.numerical) if (!forcedCat.has(name)) forcedNum.add(name);
  const columnTests: Record<string, string> = { ...mapped.columnTests, ...options.columnTests };
  const columnThresholds: Record<string, number> = { ...mapped.columnThresholds, ...options.columnThresholds };
  for (const name of [...forcedCat, ...forcedNum, ...Object.keys(columnTests), ...Object.keys(columnThresholds), ...mapped.exclude.keys()]) {
    if (!ref.columns.some((c) => c.name === name) && !cur.columns.some((c) => c.name === name)) {
      throw new DatasetError(`column "${name}" (named on the command line or in the column mapping) is in neither ${refPath} nor ${curPath}`);
    }
  }
  for (const name of forcedCat) if (forcedNum.has(name)) throw new DatasetError(`column "${name}" cannot be both --categorical and --numerical`);
  await options.onLoaded?.(reader, ref, cur);

  type Outcome = { kind: 'report'; report: ColumnReport } | { kind: 'skipped'; skip: SkippedColumn };
  const skip = (name: string, reason: string): Outcome => ({ kind: 'skipped', skip: { name, reason } });
  const notTestable = (name: string, side: 'reference' | 'current data') => skip(name, `all values missing in the ${side}: not testable`);
  const curByName = new Map(cur.columns.map((c) => [c.name, c]));

  async function testColumn(r: DatasetReader, col: TableColumn): Promise<Outcome> {
    const other = curByName.get(col.name);
    const role = mapped.exclude.get(col.name);
    if (role) return skip(col.name, `the ${role === 'ignored' ? 'column is ignored' : `${role} column`} (column mapping): not tested for drift`);
    if (!other) return skip(col.name, 'only in the reference');
    // Both sides hold numbers (DOUBLE): a numeric column compared as categories keeps its
    // values as numbers, as pandas does (inf dropped, z orders them numerically).
    const numericBoth = col.kind === 'numerical' && other.kind === 'numerical';
    const type = forcedCat.has(col.name) ? 'categorical' : forcedNum.has(col.name) ? 'numerical'
      : numericBoth ? await evidentlyNumericType(r, ref, cur, col, other) : sameKind(col.kind, other.kind);
    if (type === null) {
      return skip(col.name, col.kind === other.kind
        ? `${col.kind} columns are not tested for drift`
        : `${col.kind} in the reference but ${other.kind} in the current data; pass --categorical ${col.name} to compare as categories`);
    }
    const requested = columnTests[col.name] ?? options.test;
    const threshold = columnThresholds[col.name];
    // Large samples with the default test never leave DuckDB (see sql-drift.ts).
    const inDatabase = requested === undefined && (type === 'categorical' || numericBoth);
    const storage = numericBoth ? 'numerical' : 'categorical';
    if (inDatabase) {
      const summary = type === 'numerical' ? await numericalSummary(r, ref, cur, col.name) : await valueCounts(r, ref, cur, col.name, storage);
      if (summary.reference === 0 || summary.current === 0) return notTestable(col.name, summary.reference === 0 ? 'reference' : 'current data');
      const test = defaultStatTestFor(summary.reference, (k) => summary.distinct > k, type);
      if (test === 'wasserstein' || test === 'jensenshannon') {
        const score = 'wasserstein' in summary
          ? test === 'wasserstein' ? summary.wasserstein : jensenShannonFromCounts(await valueCounts(r, ref, cur, col.name, storage))
          : jensenShannonFromCounts(summary);
        const spec = STAT_TESTS[test];
        const bound = threshold ?? spec.defaultThreshold;
        return { kind: 'report', report: { name: col.name, type, test, score, threshold: bound, drifted: spec.isDrift(score, bound) } };
      }
    }
    // Values leave DuckDB one column at a time (per worker), so memory holds few at once.
    const [reference, current] = type === 'numerical'
      ? [await numbers(r, ref, col.name), await numbers(r, cur, col.name)]
      : numericBoth
        ? [await r.numericValues(ref, col.name), await r.numericValues(cur, col.name)]
        : [await r.categoryValues(ref, col.name), await r.categoryValues(cur, col.name)];
    if (reference.length === 0 || current.length === 0) return notTestable(col.name, reference.length === 0 ? 'reference' : 'current data');
    const result = detectColumnDrift(reference, current, { type, name: col.name, test: requested, threshold });
    return { kind: 'report', report: { name: col.name, type, test: result.test, score: result.score, threshold: result.threshold, drifted: result.drifted } };
  }

  const outcomes: Outcome[] = new Array(ref.columns.length);
  let next = 0;
  let done = 0;
  // The first column error stops both workers: the other one's query is interrupted and
  // awaited before this returns, because the caller closes the connections next, and closing
  // one under a running query left the process hanging (issue 17). An interrupt only stops a
  // running query, and the other worker may be between two, so it repeats until that settles.
  let failure: DatasetError | undefined;
  let interrupting: ReturnType<typeof setInterval> | undefined;
  const worker = async (r: DatasetReader) => {
    while (failure === undefined && next < ref.columns.length) {
      const i = next++;
      try {
        outcomes[i] = await testColumn(r, ref.columns[i]!);
      } catch (err) {
        if (failure === undefined) {
          failure = err instanceof DatasetError ? err : new DatasetError((err as Error).message);
          const other = r === reader ? second : reader;
          other.db.interrupt();
          interrupting = setInterval(() => other.db.interrupt(), 10);
        }
        return;
      }
      progress({ phase: 'testing columns', done: ++done, total: ref.columns.length });
    }
  };
  try {
    await Promise.all([worker(reader), worker(second)]);
  } finally {
    clearInterval(interrupting);
  }
  if (failure !== undefined) throw failure;
  const reports = outcomes.flatMap((o) => (o.kind === 'report' ? [o.report] : []));
  const skipped = outcomes.flatMap((o) => (o.kind === 'skipped' ? [o.skip] : []));
  for (const col of cur.columns) {
    if (ref.columns.some((c) => c.name === col.name)) continue;
    const role = mapped.exclude.get(col.name);
    skipped.push({ name: col.name, reason: role ? `the ${role === 'ignored' ? 'column is ignored' : `${role} column`} (column mapping): not tested for drift` : 'only in the current data' });
  }
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
    // On both connections, two columns at a time, as the tests ran.
    const histograms: Overlay[] = new Array(reports.length);
    let nextHistogram = 0;
    let drawn = 0;
    progress({ phase: 'histograms', done: 0, total: reports.length });
    const draw = async (r: DatasetReader) => {
      while (nextHistogram < reports.length) {
        const i = nextHistogram++;
        try {
          histograms[i] = await overlayHistogram(r, ref, cur, reports[i]!.name, reports[i]!.type);
        } catch (err) {
          nextHistogram = reports.length; // the other connection stops after its current column
          throw err;
        }
        progress({ phase: 'histograms', done: ++drawn, total: reports.length });
      }
    };
    // Both settle before this returns: the caller closes the second connection next.
    const settled = await Promise.allSettled([draw(reader), draw(second)]);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    result.histograms = histograms;
  }
  return result;
}

/**
 * Evidently's type for a column that holds numbers on both sides (core/drift/column-type.ts):
 * categorical when its dtype is int64 with at most 5 distinct values, else numerical. The
 * distinct count is pandas' `nunique()` of the reference, or of the current data when the
 * reference has none; it is only counted when the dtype makes it matter.
 */
async function evidentlyNumericType(
  reader: DatasetReader,
  ref: LoadedTable,
  cur: LoadedTable,
  refCol: TableColumn,
  curCol: TableColumn,
): Promise<'numerical' | 'categorical'> {
  if (refCol.dtype !== 'int64' && curCol.dtype !== 'int64') return 'numerical';
  const refUnique = await reader.distinctCount(ref, refCol.name);
  const curUnique = refUnique === 0 ? await reader.distinctCount(cur, curCol.name) : 0;
  const type = evidentlyColumnType({ dtype: refCol.dtype, unique: refUnique }, { dtype: curCol.dtype, unique: curUnique });
  return type === 'categorical' ? 'categorical' : 'numerical';
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
