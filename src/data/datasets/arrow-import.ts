/**
 * Arrow IPC files (.arrow, .feather v2, .ipc). DuckDB's built-in extensions do not read Arrow
 * files, so apache-arrow (the Arrow project's own JS library) decodes them and DuckDB's
 * appender loads the columns: numbers as DOUBLE, text, booleans and dictionaries as VARCHAR,
 * dates and timestamps as ISO text marked datetime.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataType, type Field, tableFromIPC } from 'apache-arrow';
import { readFile } from 'node:fs/promises';
import type { PandasDtype } from '../../core/drift/index.ts';

export type ArrowColumnKind = 'numerical' | 'categorical' | 'datetime' | 'other';

export interface ImportedArrowColumn {
  name: string;
  kind: ArrowColumnKind;
  sqlType: string;
  dtype: PandasDtype;
}

function kindOf(field: Field): { kind: ArrowColumnKind; sql: 'DOUBLE' | 'VARCHAR' } {
  const t = field.type;
  if (DataType.isInt(t) || DataType.isFloat(t) || DataType.isDecimal(t)) return { kind: 'numerical', sql: 'DOUBLE' };
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isBool(t) || DataType.isDictionary(t)) return { kind: 'categorical', sql: 'VARCHAR' };
  if (DataType.isDate(t) || DataType.isTimestamp(t)) return { kind: 'datetime', sql: 'VARCHAR' };
  return { kind: 'other', sql: 'VARCHAR' };
}

/**
 * The dtype pyarrow's `to_pandas()` gives a field: integers with a null become float64 and
 * booleans with a null become object (pandas has neither with missing values).
 */
function dtypeOf(field: Field, nullCount: number): PandasDtype {
  const t = field.type;
  if (DataType.isInt(t)) return nullCount === 0 ? 'int64' : 'float64';
  if (DataType.isFloat(t) || DataType.isDecimal(t)) return 'float64';
  if (DataType.isBool(t)) return nullCount === 0 ? 'bool' : 'object';
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isDictionary(t)) return 'object';
  if (DataType.isDate(t) || DataType.isTimestamp(t)) return 'datetime64';
  return 'other';
}

function toText(value: unknown, kind: ArrowColumnKind): string {
  if (kind === 'datetime') {
    const d = value instanceof Date ? value : new Date(Number(value));
    return Number.isNaN(d.getTime()) ? String(value) : d.toISOString();
  }
  return typeof value === 'object' ? JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) : String(value);
}

/** Decodes `path` and creates `table` in DuckDB with one column per Arrow field. */
export async function importArrowFile(db: DuckDBConnection, path: string, table: string): Promise<ImportedArrowColumn[]> {
  let arrow;
  try {
    arrow = tableFromIPC(await readFile(path));
  } catch (err) {
    throw new Error(`not a readable Arrow IPC file (${(err as Error).message})`);
  }
  const fields = arrow.schema.fields;
  const kinds = fields.map(kindOf);
  const quote = (n: string) => `"${n.replace(/"/g, '""')}"`;
  await db.run(`CREATE TABLE ${table} (${fields.map((f, i) => `${quote(f.name)} ${kinds[i]!.sql}`).join(', ')})`);
  const appender = await db.createAppender(table);
  const vectors = fields.map((_, i) => arrow.getChildAt(i)!);
  for (let row = 0; row < arrow.numRows; row++) {
    for (let c = 0; c < vectors.length; c++) {
      const value: unknown = vectors[c]!.get(row);
      const { kind, sql } = kinds[c]!;
      if (value === null || value === undefined) appender.appendNull();
      else if (sql === 'DOUBLE') appender.appendDouble(Number(value));
      else appender.appendVarchar(toText(value, kind));
    }
    appender.endRow();
  }
  appender.closeSync();
  return fields.map((f, i) => ({
    name: f.name,
    kind: kinds[i]!.kind,
    sqlType: kinds[i]!.kind === 'datetime' ? 'TIMESTAMP' : kinds[i]!.sql,
    dtype: dtypeOf(f, vectors[i]!.nullCount),
  }));
}
