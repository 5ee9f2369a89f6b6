/**
 * Deterministic data for the drift benchmark: a reference and a current table of ROWS rows
 * × 20 columns (15 numerical, 5 categorical), each written as CSV and as Parquet.
 *
 * Values come from DuckDB's `hash(row, column)` turned into uniforms (and normals by
 * Box–Muller), so they are the same on every run and every thread count — no seeded RNG
 * whose stream depends on how DuckDB splits the work. Some columns shift in the current
 * data (those marked `drifts` below), some have a few percent missing values written in the
 * CSV as empty fields and as "NA" (NULL in Parquet), and `cat_3` has a category that only
 * the current data holds. At 1M rows five columns drift: num_01, num_03, num_06, num_10, cat_3.
 *
 * Files go to `os.tmpdir()/driftdesk-bench/drift-ROWS/` and are reused while `params.json`
 * there matches the parameters below (bump GENERATOR_VERSION when the columns change).
 *
 * Run alone: `npx tsx bench/drift-data.ts [--rows N]` prints the folder.
 */
import { DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const GENERATOR_VERSION = 1;

export interface DriftBenchFiles {
  dir: string;
  rows: number;
  csv: { reference: string; current: string };
  parquet: { reference: string; current: string };
}

interface ColumnSpec {
  name: string;
  /** SQL for the value; `i` is the row number, `s` is 0 for the reference and 1 for the current side. */
  sql: string;
  /** Share of missing values (half written as an empty field, half as "NA" in the CSV). */
  missing?: number;
  /** Whether the shift is large enough to be flagged (documentation only; not part of the data). */
  drifts?: boolean;
}

// u(i, k): a uniform in (0, 1) from the top 53 bits of hash(i, k); n(i, k): a standard normal.
const MACROS = `
  CREATE MACRO u(i, k) AS ((hash(i, k) >> 11)::DOUBLE + 0.5) / 9007199254740992.0;
  CREATE MACRO n(i, k) AS sqrt(-2 * ln(u(i, k))) * cos(2 * pi() * u(i, k + 500));
`;

/** The 20 columns; `s` shifts a column's parameters in the current data. */
export const COLUMNS: ColumnSpec[] = [
  { name: 'num_00', sql: 'round(n(i, 0), 4)' },
  { name: 'num_01', sql: 'round(50 + 10 * n(i, 1) + 3 * s, 3)', drifts: true },
  { name: 'num_02', sql: 'round(exp(0.75 * n(i, 2)), 4)', missing: 0.03 },
  { name: 'num_03', sql: 'round(-(2 + 0.6 * s) * ln(u(i, 3)), 4)', drifts: true },
  { name: 'num_04', sql: 'round(100 * u(i, 4), 3)', missing: 0.05 },
  { name: 'num_05', sql: 'least(floor(-4 * ln(u(i, 5))), 15)::BIGINT' },
  { name: 'num_06', sql: 'round(CASE WHEN u(i, 6) < 0.5 + 0.15 * s THEN n(i, 7) - 2 ELSE n(i, 7) + 2 END, 4)', drifts: true },
  { name: 'num_07', sql: 'round(1000 + (200 + 10 * s) * n(i, 8))::BIGINT' },
  { name: 'num_08', sql: 'round(20 * exp(0.5 * n(i, 9)), 2)', missing: 0.02 },
  { name: 'num_09', sql: 'round(n(i, 10) + 0.05 * s, 4)' },
  { name: 'num_10', sql: 'round(-1 + (2 + 0.4 * s) * u(i, 11), 4)', drifts: true },
  { name: 'num_11', sql: 'round(n(i, 12) * exp(0.5 * n(i, 13)), 4)' },
  { name: 'num_12', sql: 'round(u(i, 14) * u(i, 15), 5)', missing: 0.04 },
  // Three distinct values: the default test is jensenshannon on value shares, not wasserstein.
  { name: 'num_13', sql: 'CASE WHEN u(i, 16) < 0.5 THEN 0 WHEN u(i, 16) < 0.8 THEN 1 ELSE 2 END::BIGINT' },
  { name: 'num_14', sql: '(1 + least(floor(-(2.5 + 0.1 * s) * ln(u(i, 17))), 7))::BIGINT' },
  {
    name: 'cat_0',
    // Shifted, but below the 0.1 threshold (jensenshannon ≈ 0.08).
    sql: `CASE WHEN u(i, 20) < 0.2 + 0.1 * s THEN 'low' WHEN u(i, 20) < 0.7 + 0.05 * s THEN 'mid' ELSE 'high' END`,
  },
  { name: 'cat_1', sql: `'c' || lpad(floor(12 * u(i, 21))::BIGINT::VARCHAR, 2, '0')` },
  // Shifted, but below the 0.1 threshold (jensenshannon ≈ 0.08 at 1M rows; noisier at small sizes).
  { name: 'cat_2', sql: `'city_' || lpad(floor(300 * pow(u(i, 22), 2 - 0.4 * s))::BIGINT::VARCHAR, 3, '0')` },
  {
    name: 'cat_3',
    sql: `CASE WHEN s = 1 AND u(i, 23) < 0.15 THEN 'new_value' ELSE 'p' || lpad(floor(50 * u(i, 24))::BIGINT::VARCHAR, 2, '0') END`,
    missing: 0.02,
    drifts: true,
  },
  { name: 'cat_4', sql: `CASE WHEN u(i, 25) < 0.7 THEN 'yes' ELSE 'no' END`, missing: 0.01 },
];

function sideSql(side: 0 | 1, rows: number, format: 'csv' | 'parquet'): string {
  // Row numbers of the two sides never overlap, so their draws are independent.
  const offset = side * 1_000_000_000;
  const cells = COLUMNS.map((c, k) => {
    const value = c.sql.replaceAll(/\bs\b/g, String(side));
    if (!c.missing) return `${value} AS ${c.name}`;
    const m = `u(i, ${900 + k})`;
    if (format === 'parquet') return `CASE WHEN ${m} < ${c.missing} THEN NULL ELSE ${value} END AS ${c.name}`;
    // NULL is written as an empty field; "NA" is one of pandas' (and our reader's) missing tokens.
    return `CASE WHEN ${m} < ${c.missing / 2} THEN NULL WHEN ${m} < ${c.missing} THEN 'NA' ELSE (${value})::VARCHAR END AS ${c.name}`;
  });
  return `SELECT ${cells.join(',\n  ')} FROM (SELECT range + ${offset} AS i FROM range(${rows})) ORDER BY i`;
}

function paramsFor(rows: number): string {
  const columns = COLUMNS.map(({ name, sql, missing }) => ({ name, sql, missing }));
  return JSON.stringify({ generator: GENERATOR_VERSION, rows, duckdb: duckdbVersion(), columns }, null, 2);
}

/** Writes the four files unless they already exist with the same parameters; returns their paths. */
export async function ensureDriftData(rows = 1_000_000, log: (line: string) => void = () => {}): Promise<DriftBenchFiles> {
  const dir = join(tmpdir(), 'driftdesk-bench', `drift-${rows}`);
  const files: DriftBenchFiles = {
    dir,
    rows,
    csv: { reference: join(dir, 'reference.csv'), current: join(dir, 'current.csv') },
    parquet: { reference: join(dir, 'reference.parquet'), current: join(dir, 'current.parquet') },
  };
  const params = paramsFor(rows);
  const existing = await readFile(join(dir, 'params.json'), 'utf8').catch(() => null);
  if (existing === params) {
    log(`data: reusing ${dir}`);
    return files;
  }
  log(`data: generating ${rows} + ${rows} rows × ${COLUMNS.length} columns in ${dir} …`);
  const started = performance.now();
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run(MACROS);
    for (const [side, name] of [[0, 'reference'], [1, 'current']] as const) {
      const csv = join(dir, `${name}.csv`);
      const parquet = join(dir, `${name}.parquet`);
      await db.run(`COPY (${sideSql(side, rows, 'csv')}) TO '${csv}.partial' (FORMAT csv, HEADER true, DELIMITER ',')`);
      await db.run(`COPY (${sideSql(side, rows, 'parquet')}) TO '${parquet}.partial' (FORMAT parquet)`);
      await rename(`${csv}.partial`, csv);
      await rename(`${parquet}.partial`, parquet);
    }
  } finally {
    db.closeSync();
    instance.closeSync();
  }
  // Written last: its presence means the data files are complete.
  await writeFile(join(dir, 'params.json'), params);
  log(`data: generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return files;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--rows');
  const rows = at === -1 ? 1_000_000 : Number(process.argv[at + 1]);
  const files = await ensureDriftData(rows, (line) => console.error(line));
  console.log(files.dir);
}
