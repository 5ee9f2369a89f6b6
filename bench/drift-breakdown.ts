/**
 * Where `driftdesk drift` spends its time and memory on the bench:drift data: the steps of
 * `compareFiles` (src/data/datasets/compare.ts) replayed in this process with a timer around
 * each, without changing engine code. Every SQL statement the DatasetReader sends is timed by
 * wrapping its connection's `run`/`runAndReadAll`, so `load` splits into parsing the file,
 * typing the columns and materialising the typed table; value extraction splits into the
 * DuckDB query and the conversion to JS arrays; the drift tests split into the input check,
 * the default-test choice and the score (for wasserstein: sorting and the std).
 *
 * Run: `npx tsx bench/drift-breakdown.ts [--format csv|parquet] [--rows N]` (one run, ~1 min
 * at 1M rows). Not part of `npm run bench:drift`; a profile for whoever optimises the engine.
 */
import type { DuckDBListVector } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { detectColumnDrift, resolveStatTest, STAT_TESTS, type ColumnType } from '../src/core/drift/index.ts';
import { populationStd, sortedCopy } from '../src/core/drift/numeric.ts';
import { countValues, hasMoreDistinctThan } from '../src/core/drift/binning.ts';
import { DatasetReader, NULL_TOKENS, quoteIdent, type LoadedTable } from '../src/data/datasets/dataset-reader.ts';
import { ensureDriftData } from './drift-data.ts';

const { values: opts } = parseArgs({ options: { format: { type: 'string', default: 'csv' }, rows: { type: 'string', default: '1000000' } } });
const format = opts.format === 'parquet' ? 'parquet' : 'csv';
const files = await ensureDriftData(Number(opts.rows), (l) => console.log(l));
const { reference: refPath, current: curPath } = files[format];

const totals = new Map<string, number>();
const add = (key: string, ms: number) => totals.set(key, (totals.get(key) ?? 0) + ms);
async function timed<T>(key: string, work: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  try {
    return await work();
  } finally {
    add(key, performance.now() - t);
  }
}
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const hwm = () => `${(Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024).toFixed(0)} MB`;
const memory: string[][] = [];
const snapshot = (after: string) => {
  const m = process.memoryUsage();
  memory.push([after, mb(m.rss), mb(m.heapUsed), mb(m.arrayBuffers + m.external), hwm()]);
};

// CLI start-up cost (tsx registration + compiling/importing the CLI), paid by every `driftdesk` call.
const root = join(import.meta.dirname, '..');
const cliStart = performance.now();
spawnSync(process.execPath, ['bin/driftdesk', 'help'], { cwd: root, stdio: 'ignore' });
add('0 CLI start-up: `node bin/driftdesk help` (tsx + imports), separate process', performance.now() - cliStart);

snapshot('start');
const reader = await DatasetReader.open();
// Attribute each SQL statement by what it does (the reader's SQL, matched loosely so the
// profile survives small edits to dataset-reader.ts).
let phase = 'load';
const classify = (sql: string): string => {
  if (phase !== 'load') return `${phase}: DuckDB query`;
  if (/CREATE TABLE \w+_raw AS/.test(sql)) return '1s load: parse file into raw table (read_csv/read_parquet)';
  if (/^DESCRIBE/.test(sql)) return '1s load: DESCRIBE';
  if (/TRY_CAST|FILTER/.test(sql)) return '1s load: type detection scans (one per text column)';
  if (/CREATE TABLE \w+ AS SELECT/.test(sql)) return '1s load: typed table (CAST) + DROP raw';
  if (/count\(\*\)/.test(sql)) return '1s load: count rows';
  return '1s load: other SQL';
};
const db = reader.db as unknown as Record<'run' | 'runAndReadAll', (sql: string) => Promise<unknown>>;
// runAndReadAll calls run itself: time the outermost call only.
let depth = 0;
for (const method of ['run', 'runAndReadAll'] as const) {
  const original = db[method].bind(reader.db);
  db[method] = async (sql: string) => {
    if (depth > 0 || phase === 'what-if') return original(sql);
    depth++;
    try {
      return await timed(classify(sql), () => original(sql));
    } finally {
      depth--;
    }
  };
}

const ref = await timed('1 load reference (total)', () => reader.load(refPath));
snapshot('load reference');
const cur = await timed('1 load current (total)', () => reader.load(curPath));
snapshot('load current');

// Extraction, as compareFiles does it: every column of both sides held at once, then the tests.
phase = 'extract';
const columns: { name: string; type: ColumnType; reference: number[] | string[]; current: number[] | string[] }[] = [];
async function extract(t: LoadedTable, name: string, type: ColumnType): Promise<number[] | string[]> {
  return timed<number[] | string[]>(`2 extract ${type} values (total)`, () =>
    type === 'numerical' ? reader.numericValues(t, name) : reader.categoryValues(t, name));
}
for (const col of ref.columns) {
  const type = col.kind as ColumnType;
  columns.push({ name: col.name, type, reference: await extract(ref, col.name, type), current: await extract(cur, col.name, type) });
}
snapshot('extract all columns');

// What-ifs: other ways to do the slow steps, measured on the same DuckDB connection. Not what
// the engine does today; numbers for whoever optimises it. Their results are discarded.
phase = 'what-if';
const whatIf: string[][] = [];
async function alt(label: string, work: () => Promise<unknown>): Promise<void> {
  const t = performance.now();
  await work();
  whatIf.push([label, ((performance.now() - t) / 1000).toFixed(2)]);
}
const conn = reader.db;
const numericCols = ref.columns.filter((c) => c.kind === 'numerical').map((c) => c.name);
const categoricalCols = ref.columns.filter((c) => c.kind === 'categorical').map((c) => c.name);
await alt(`numerical values via SELECT list(col): one chunk, the list's child Float64Array, no per-value conversion (${numericCols.length} columns × 2)`, async () => {
  for (const t of [ref, cur]) {
    for (const name of numericCols) {
      const q = quoteIdent(name);
      const result = await conn.run(`SELECT list(${q}) FROM ${t.table} WHERE ${q} IS NOT NULL AND isfinite(${q})`);
      const chunk = await result.fetchChunk();
      const child = (chunk!.getColumnVector(0) as DuckDBListVector).childVector;
      // `items` is the vector's backing Float64Array (not public API); toArray() is the public, slower way.
      const values = (child as unknown as { items?: Float64Array }).items ?? Float64Array.from(child.toArray() as number[]);
      const expected = columns.find((c) => c.name === name)![t === ref ? 'reference' : 'current'].length;
      if (values.length !== expected) console.log(`what-if: ${name} gave ${values.length} values, expected ${expected}`);
    }
  }
});
await alt(`categorical value counts by GROUP BY in DuckDB (${categoricalCols.length} columns × 2)`, async () => {
  for (const t of [ref, cur]) {
    for (const name of categoricalCols) {
      const q = quoteIdent(name);
      (await conn.runAndReadAll(`SELECT CAST(${q} AS VARCHAR) AS v, count(*) AS n FROM ${t.table} WHERE ${q} IS NOT NULL GROUP BY 1`)).getColumnsJS();
    }
  }
});
if (format === 'csv') {
  const nulls = `[${NULL_TOKENS.map((t) => `'${t.replace(/'/g, "''")}'`).join(', ')}]`;
  const path = `'${refPath.replace(/'/g, "''")}'`;
  const header = ref.columns.map((c) => `'${c.name.replace(/'/g, "''")}': 'VARCHAR'`).join(', ');
  await alt('reference: (setup) parse CSV as all-VARCHAR, as load does', () =>
    conn.run(`CREATE TABLE w_raw AS SELECT * FROM read_csv(${path}, header=true, auto_detect=false, columns={${header}}, nullstr=${nulls})`));
  const cols = ref.columns.map((c) => quoteIdent(c.name));
  await alt(`reference: type detection of all ${cols.length} columns in ONE scan`, async () => {
    const aggs = cols.map((q, i) => `count(*) FILTER (WHERE ${q} IS NOT NULL AND TRY_CAST(${q} AS DOUBLE) IS NULL) AS c${i}`);
    (await conn.runAndReadAll(`SELECT ${aggs.join(', ')} FROM w_raw`)).getRowObjectsJS();
  });
  await alt(`reference: type detection, ${cols.length} scans (one per column, as load does)`, async () => {
    for (const q of cols) {
      (await conn.runAndReadAll(`SELECT count(*) FILTER (WHERE ${q} IS NOT NULL AND TRY_CAST(${q} AS DOUBLE) IS NULL) AS bad FROM w_raw`)).getRowObjectsJS();
    }
  });
  await alt('reference: DuckDB typed read in one pass (sniffs types from a sample: may type differently from pandas)', () =>
    conn.run(`CREATE TABLE w_typed AS SELECT * FROM read_csv(${path}, header=true, nullstr=${nulls})`));
  await conn.run('DROP TABLE w_raw; DROP TABLE w_typed');
}
snapshot('what-ifs (not part of drift)');
reader.close();
snapshot('close DuckDB');

// Tests: the whole detectColumnDrift per column, then its parts timed separately.
const perColumn: string[][] = [];
for (const c of columns) {
  const whole = performance.now();
  const result = detectColumnDrift(c.reference, c.current, { type: c.type, name: c.name });
  const wholeMs = performance.now() - whole;
  add(`3 drift tests: detectColumnDrift (total)`, wholeMs);
  let t = performance.now();
  const test = resolveStatTest(undefined, c.reference, c.current, c.type);
  const chooseMs = performance.now() - t;
  t = performance.now();
  STAT_TESTS[test].score(c.reference, c.current, c.type);
  const scoreMs = performance.now() - t;
  add('3a   default-test choice (hasMoreDistinctThan)', chooseMs);
  add(`3b   score: ${test} (${c.type})`, scoreMs);
  add('3c   input check (checkValues; whole − choice − score)', Math.max(0, wholeMs - chooseMs - scoreMs));
  const parts: string[] = [];
  if (test === 'wasserstein') {
    t = performance.now();
    sortedCopy(c.reference as number[]);
    sortedCopy(c.current as number[]);
    const sortMs = performance.now() - t;
    t = performance.now();
    populationStd(c.reference as number[]);
    const stdMs = performance.now() - t;
    add('3b1 wasserstein, of which: sortedCopy ×2 (Float64Array.from + sort)', sortMs);
    add('3b2 wasserstein, of which: populationStd', stdMs);
    parts.push(`sort ${sortMs.toFixed(0)}`, `std ${stdMs.toFixed(0)}`);
  } else if (test === 'jensenshannon') {
    t = performance.now();
    hasMoreDistinctThan(c.reference, 20);
    countValues(c.reference);
    countValues(c.current);
    const countMs = performance.now() - t;
    add('3b3 jensenshannon, of which: hasMoreDistinctThan + countValues ×2 (Map)', countMs);
    parts.push(`count ${countMs.toFixed(0)}`);
  }
  perColumn.push([c.name, c.type, test, String(c.reference.length), wholeMs.toFixed(0), chooseMs.toFixed(0), scoreMs.toFixed(0), parts.join(', '), result.drifted ? 'DRIFT' : 'ok']);
}
snapshot('tests');

function table(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

// Extraction's JS conversion = extraction total − its DuckDB queries.
const extractQueryMs = totals.get('extract: DuckDB query') ?? 0;
const extractTotal = [...totals].filter(([k]) => k.startsWith('2 extract')).reduce((s, [, v]) => s + v, 0);
totals.set('2a of which: DuckDB query (runAndReadAll)', extractQueryMs);
totals.set('2b of which: getColumnsJS → JS arrays', extractTotal - extractQueryMs);
totals.delete('extract: DuckDB query');
// Keys are "SORTKEY label"; a sort key longer than one character marks a sub-step (indented).
const rows = [...totals]
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([k, v]) => {
    const [, sortKey, label] = /^(\S+)\s+(.*)$/.exec(k)!;
    return [`${'  '.repeat(Math.min(2, sortKey!.length - 1))}${label!.trim()}`, (v / 1000).toFixed(2)];
  });
console.log(`\ndriftdesk drift breakdown, ${format}, ${files.rows.toLocaleString('en')} + ${files.rows.toLocaleString('en')} rows (${new Date().toISOString()})\n`);
console.log(table(['step', 'seconds'], rows));
console.log('\nper column (ms)\n');
console.log(table(['column', 'type', 'test', 'rows', 'detectColumnDrift', 'choice', 'score', 'parts', 'verdict'], perColumn));
console.log('\nwhat-ifs (alternatives measured on the same data; not what the engine does)\n');
console.log(table(['alternative', 'seconds'], whatIf));
console.log('\nmemory after each step (this process)\n');
console.log(table(['after', 'rss', 'JS heap used', 'array buffers + external', 'peak rss (VmHWM)'], memory));
