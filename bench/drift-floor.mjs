/**
 * The floor of bench:drift (issue 17): DuckDB alone reading both files into tables, as any
 * engine that reads these files must at least do, in plain Node (no tsx, none of our code):
 *   node bench/drift-floor.mjs REF CUR
 * Both files load into in-memory tables with DuckDB's own detection (`read_csv` / `read_parquet`,
 * every column typed as DuckDB sees fit), one after the other on one connection, so DuckDB uses
 * every core for each. Row order is not kept (`preserve_insertion_order = false`), as our
 * reader does not keep it either. Prints JSON: the seconds spent reading, and the row counts.
 */
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';

const [ref, cur] = process.argv.slice(2);
if (!ref || !cur) {
  console.error('usage: node bench/drift-floor.mjs REF CUR');
  process.exit(2);
}
const quote = (path) => `'${path.replaceAll("'", "''")}'`;
const reader = (path) => (/\.parquet$/i.test(path) ? `read_parquet(${quote(path)})` : `read_csv(${quote(path)})`);
const instance = await DuckDBInstance.create(':memory:', { preserve_insertion_order: 'false' });
const db = await instance.connect();
const started = performance.now();
await db.run(`CREATE TABLE ref AS SELECT * FROM ${reader(ref)}`);
await db.run(`CREATE TABLE cur AS SELECT * FROM ${reader(cur)}`);
const read_s = (performance.now() - started) / 1000;
const counts = (await db.runAndReadAll('SELECT (SELECT count(*) FROM ref) AS ref, (SELECT count(*) FROM cur) AS cur')).getRowObjectsJS()[0];
db.closeSync();
console.log(JSON.stringify({ read_s, rows: { reference: Number(counts.ref), current: Number(counts.cur) } }));
