/**
 * Column profiles computed inside DuckDB (one aggregate query per column, one for its
 * histogram), so a million-row file never crosses into JavaScript to be profiled.
 */
import {
  type CategoricalProfile,
  type ColumnProfile,
  type DatasetProfile,
  MAX_HISTOGRAM_BINS,
  type NumericalProfile,
  TOP_CATEGORIES,
} from '../../core/profile/index.ts';
import { stat } from 'node:fs/promises';
import { md5File } from './content-hash.ts';
import type { Progress } from './compare.ts';
import { type DatasetReader, type LoadedTable, type TableColumn, quoteIdent } from './dataset-reader.ts';

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

async function one(reader: DatasetReader, sql: string): Promise<Row> {
  return (await reader.db.runAndReadAll(sql)).getRowObjectsJS()[0] as Row;
}

export async function profileTable(reader: DatasetReader, t: LoadedTable, onProgress?: (p: Progress) => void): Promise<ColumnProfile[]> {
  const out: ColumnProfile[] = [];
  for (const [i, column] of t.columns.entries()) {
    onProgress?.({ phase: 'profiling columns', done: i, total: t.columns.length });
    out.push(await profileColumn(reader, t, column));
  }
  return out;
}

/** Hashes (DVC md5) and profiles a file; `onProgress` hears about bytes hashed and columns profiled. */
export async function profileFile(reader: DatasetReader, path: string, onProgress?: (p: Progress) => void): Promise<DatasetProfile> {
  onProgress?.({ phase: 'reading', done: 0, total: 1 });
  const table = await reader.load(path);
  const { size } = await stat(path);
  let hashed = 0;
  const md5 = await md5File(path, (n) => {
    hashed += n;
    onProgress?.({ phase: 'hashing', done: hashed, total: size });
  });
  const columns = await profileTable(reader, table, onProgress);
  return { path, format: table.format, md5, size, rows: table.rows, columns };
}

async function profileColumn(reader: DatasetReader, t: LoadedTable, column: TableColumn): Promise<ColumnProfile> {
  const c = quoteIdent(column.name);
  const base = await one(reader, `SELECT count(*) AS n, count(${c}) AS present, count(DISTINCT ${c}) AS distinct FROM ${t.table}`);
  const count = Number(base.n);
  const missing = count - Number(base.present);
  const common = { name: column.name, count, missing, missingShare: count === 0 ? 0 : missing / count, distinct: Number(base.distinct) };
  if (column.kind === 'numerical') return { kind: 'numerical', ...common, ...(await numericStats(reader, t, c)) };
  if (column.kind === 'categorical') {
    const top = (
      await reader.db.runAndReadAll(
        `SELECT CAST(${c} AS VARCHAR) AS value, count(*) AS count FROM ${t.table} WHERE ${c} IS NOT NULL
         GROUP BY 1 ORDER BY count DESC, value LIMIT ${TOP_CATEGORIES}`,
      )
    ).getRowObjectsJS() as Row[];
    return { kind: 'categorical', ...common, top: top.map((r) => ({ value: String(r.value), count: Number(r.count) })) } satisfies CategoricalProfile;
  }
  return { kind: column.kind, ...common, type: column.sqlType };
}

async function numericStats(reader: DatasetReader, t: LoadedTable, c: string): Promise<Omit<NumericalProfile, 'kind' | 'name' | 'count' | 'missing' | 'missingShare' | 'distinct'>> {
  const finite = `${c} IS NOT NULL AND isfinite(${c})`;
  const s = await one(
    reader,
    `SELECT count(${c}) FILTER (WHERE ${finite}) AS n, min(${c}) FILTER (WHERE ${finite}) AS min, max(${c}) FILTER (WHERE ${finite}) AS max,
       avg(${c}) FILTER (WHERE ${finite}) AS mean, stddev_samp(${c}) FILTER (WHERE ${finite}) AS std,
       quantile_cont(${c}, [0.05, 0.25, 0.5, 0.75, 0.95]) FILTER (WHERE ${finite}) AS q
     FROM ${t.table}`,
  );
  const n = Number(s.n);
  if (n === 0) return { min: null, max: null, mean: null, std: null, quantiles: null, histogram: null };
  const q = (s.q as number[]).map(Number);
  const min = Number(s.min);
  const max = Number(s.max);
  // Sturges' rule, as numpy's 'sturges' bins: ceil(log2(n)) + 1, capped for display.
  const bins = min === max ? 1 : Math.min(MAX_HISTOGRAM_BINS, Math.ceil(Math.log2(n)) + 1);
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width));
  const counts = new Array<number>(bins).fill(0);
  const rows = (
    await reader.db.runAndReadAll(
      bins === 1
        ? `SELECT 0 AS b, count(*) AS n FROM ${t.table} WHERE ${finite}`
        : `SELECT least(CAST(floor((${c} - ${min}) / ${width}) AS BIGINT), ${bins - 1}) AS b, count(*) AS n
           FROM ${t.table} WHERE ${finite} GROUP BY 1`,
    )
  ).getRowObjectsJS() as Row[];
  for (const r of rows) counts[Number(r.b)] = Number(r.n);
  return {
    min,
    max,
    mean: num(s.mean),
    std: num(s.std),
    quantiles: { p05: q[0]!, p25: q[1]!, p50: q[2]!, p75: q[3]!, p95: q[4]! },
    histogram: { edges, counts },
  };
}
