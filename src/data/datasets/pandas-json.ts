/**
 * Types the columns of a JSON or JSON Lines file as pandas' `read_json` does with its defaults
 * (pandas 1.5, `pandas/io/json/_json.py`: `dtype=True`, `convert_dates=True`,
 * `keep_default_dates=True`), so Evidently sees the same DataFrame:
 *
 * 1. Dates (`FrameParser._try_convert_dates`): only a column whose *name* passes `is_ok` —
 *    lower-cased, it ends with `_at` or `_time`, starts with `timestamp`, or is `modified`,
 *    `date` or `datetime` — is tried as a date (`Parser._try_convert_to_date`): numbers become
 *    epoch dates when every one is above 31536000 (one year of seconds, `_MIN_STAMPS['s']`),
 *    strings when `to_datetime` parses all of them. Any other column stays what JSON made it, so
 *    date-looking strings elsewhere are text — and tested, where DuckDB alone would type them DATE.
 * 2. Everything else (`Parser._try_convert_data`): an object column is cast to float64 when
 *    every value converts (strings like "5" or "1e3" included, null becoming NaN), and a float
 *    column to int64 when that changes no value (so no NaN, and 1.0, 2.0 become int64). Thus a
 *    boolean column with a null becomes float64 (True → 1.0).
 *
 * Approximations, both narrower than pandas: `to_datetime` is DuckDB's timestamp cast (ISO 8601
 * forms; pandas also reads e.g. "Jan 5 2021"), and Python's `float()` is DuckDB's double cast
 * (the same grammar for ASCII text: blanks, sign, "1_000", "1e3", "nan", "inf").
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { PandasDtype } from '../../core/drift/index.ts';

/** pandas' `_MIN_STAMPS['s']`: an epoch number at or below it is not taken for a date. */
export const MIN_EPOCH_SECONDS = 31536000;

/** pandas' `is_ok`: whether `read_json` tries a column with this name as dates by default. */
export function pandasTriesDates(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith('_at') || lower.endsWith('_time') || lower === 'modified' || lower === 'date' ||
    lower === 'datetime' || lower.startsWith('timestamp');
}

/** How one column is stored and typed. */
export interface JsonColumnType {
  kind: 'numerical' | 'categorical' | 'datetime' | 'other';
  sqlType: string;
  dtype: PandasDtype;
  /** SQL producing the typed column from the raw one. */
  select: string;
}

const TEMPORAL = /^(DATE|TIME|TIMESTAMP)/;
const INTEGER = /^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/;
const FLOAT = /^(FLOAT|DOUBLE|DECIMAL.*)$/;

/**
 * DuckDB types a column of date-looking strings DATE or TIMESTAMP, and a column mixing
 * numbers and strings JSON; pandas keeps the strings as they are. Such columns must be
 * read as text unless pandas itself would try them as dates (`is_ok`).
 */
export function needsText(name: string, duckType: string): boolean {
  return duckType === 'JSON' || (TEMPORAL.test(duckType) && !pandasTriesDates(name));
}

/** The pandas `read_json` type of column `name` (DuckDB type `duckType`) of table `table`. */
export async function pandasJsonType(db: DuckDBConnection, table: string, name: string, duckType: string): Promise<JsonColumnType> {
  const c = `"${name.replace(/"/g, '""')}"`;
  const exists = async (where: string) =>
    (await db.runAndReadAll(`SELECT 1 FROM ${table} WHERE ${where} LIMIT 1`)).getRows().length > 0;
  const hasNull = () => exists(`${c} IS NULL`);
  const datetime = (select: string, sqlType = 'TIMESTAMP'): JsonColumnType => ({ kind: 'datetime', sqlType, dtype: 'datetime64', select });
  const numbers = (integer: boolean, select: string): JsonColumnType =>
    ({ kind: 'numerical', sqlType: 'DOUBLE', dtype: integer ? 'int64' : 'float64', select: `${select} AS ${c}` });

  if (pandasTriesDates(name)) {
    if (TEMPORAL.test(duckType)) return datetime(c, duckType);
    const epoch = `TRY_CAST(${c} AS DOUBLE)`;
    const epochs = async () => !(await exists(`${c} IS NOT NULL AND (${epoch} IS NULL OR ${epoch} <= ${MIN_EPOCH_SECONDS})`));
    if (INTEGER.test(duckType) || FLOAT.test(duckType) || duckType === 'VARCHAR') {
      // Numbers (and strings of numbers) above one year of seconds are epoch times to pandas.
      if (await epochs()) return datetime(`to_timestamp(${epoch}) AS ${c}`);
    }
    if (duckType === 'VARCHAR' && (await exists(`${c} IS NOT NULL`)) && !(await exists(`${c} IS NOT NULL AND TRY_CAST(${c} AS TIMESTAMP) IS NULL`))) {
      return datetime(`CAST(${c} AS TIMESTAMP) AS ${c}`);
    }
  }
  if (INTEGER.test(duckType)) return numbers(!(await hasNull()), `CAST(${c} AS DOUBLE)`);
  if (FLOAT.test(duckType)) {
    const integral = !(await hasNull()) && !(await exists(`${c} <> trunc(${c}) OR abs(${c}) >= 9.2e18`));
    return numbers(integral, `CAST(${c} AS DOUBLE)`);
  }
  if (duckType === 'BOOLEAN') {
    return (await hasNull()) ? numbers(false, `CAST(${c} AS DOUBLE)`) : { kind: 'categorical', sqlType: 'BOOLEAN', dtype: 'bool', select: c };
  }
  if (duckType === 'VARCHAR') {
    const number = `TRY_CAST(${c} AS DOUBLE)`;
    if (await exists(`${c} IS NOT NULL AND ${number} IS NULL`)) return { kind: 'categorical', sqlType: 'VARCHAR', dtype: 'object', select: c };
    const integral = !(await hasNull()) && !(await exists(`NOT isfinite(${number}) OR ${number} <> trunc(${number}) OR abs(${number}) >= 9.2e18`));
    return numbers(integral, number);
  }
  return { kind: 'other', sqlType: duckType, dtype: 'other', select: c };
}
