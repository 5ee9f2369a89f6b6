/**
 * Whole columns in file order, for the chunked monitors (`driftdesk estimate`, `driftdesk
 * multivariate`): the table must come from a reader opened with `keepRowOrder`. Missing values
 * are NaN (numbers, times) or null (text), so the core can tell them apart from zeros.
 */
import { DatasetError, quoteIdent, type DatasetReader, type LoadedTable } from './dataset-reader.ts';

function column(t: LoadedTable, name: string, role: string) {
  const c = t.columns.find((col) => col.name === name);
  if (!c) throw new DatasetError(`${t.path}: no column "${name}" (${role}); columns are ${t.columns.map((x) => x.name).join(', ')}`);
  return c;
}

async function values(reader: DatasetReader, t: LoadedTable, expr: string): Promise<unknown[]> {
  return ((await reader.db.runAndReadAll(`SELECT ${expr} FROM ${t.table}`)).getColumnsJS()[0] as unknown[] | undefined) ?? [];
}

/** A numerical or boolean column as numbers (true 1, false 0). */
export async function numberColumn(reader: DatasetReader, t: LoadedTable, name: string, role: string): Promise<number[]> {
  const c = column(t, name, role);
  if (c.sqlType !== 'DOUBLE' && c.sqlType !== 'BOOLEAN' && !/INT|DECIMAL|FLOAT|REAL/.test(c.sqlType)) {
    throw new DatasetError(`${t.path}: column "${name}" (${role}) must hold numbers, found ${c.sqlType}`);
  }
  const raw = await values(reader, t, `CAST(${quoteIdent(name)} AS DOUBLE)`);
  return raw.map((v) => (v === null || v === undefined ? Number.NaN : Number(v)));
}

/** Any column as text (null where missing). */
export async function textColumn(reader: DatasetReader, t: LoadedTable, name: string, role: string): Promise<(string | null)[]> {
  column(t, name, role);
  const raw = await values(reader, t, `CAST(${quoteIdent(name)} AS VARCHAR)`);
  return raw.map((v) => (v === null || v === undefined ? null : String(v)));
}

/** A date or time column as epoch milliseconds (naive times read as UTC); every row must have one. */
export async function timeColumn(reader: DatasetReader, t: LoadedTable, name: string): Promise<number[]> {
  column(t, name, 'timestamp');
  let raw: unknown[];
  try {
    raw = await values(reader, t, `CAST(epoch_ms(CAST(${quoteIdent(name)} AS TIMESTAMP)) AS DOUBLE)`);
  } catch {
    throw new DatasetError(`${t.path}: column "${name}" (timestamp) holds values that are not dates or times`);
  }
  const out = raw.map((v) => (v === null || v === undefined ? Number.NaN : Number(v)));
  const missing = out.findIndex((v) => !Number.isFinite(v));
  if (missing !== -1) throw new DatasetError(`${t.path}: row ${missing + 1}: column "${name}" (timestamp) is missing`);
  return out;
}
