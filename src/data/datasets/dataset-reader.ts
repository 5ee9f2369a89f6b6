/**
 * Reads tabular files with DuckDB: CSV, TSV, Parquet, JSON and JSON Lines (and Arrow IPC,
 * decoded by apache-arrow and appended to DuckDB: see arrow-import.ts).
 *
 * Missing values are read as pandas reads them: empty fields and pandas' default NA tokens
 * are NULL. Delimited text is loaded as text and typed afterwards the way pandas types it: a
 * column is numeric when every non-missing value parses as a number, else it is text (so a
 * number column with "NA" in it stays numeric, and a date column stays text).
 */
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { PandasDtype } from '../../core/drift/index.ts';
import { describeBinary, findBinary, printable } from './binary-text.ts';
import { readCsvHeader } from './csv-header.ts';
import { needsText, pandasJsonType } from './pandas-json.ts';

/** pandas' default `na_values` (pandas 2.x), plus the empty field. */
export const NULL_TOKENS = [
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
  '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
];

/**
 * pandas' default `true_values` and `false_values`: a text column of only these (and missing
 * values) is boolean, so "True", "TRUE" and "true" are one category, as they are in pandas.
 */
const PANDAS_BOOLEANS = ['True', 'TRUE', 'true', 'False', 'FALSE', 'false'];

export type FileFormat = 'csv' | 'tsv' | 'parquet' | 'json' | 'jsonl' | 'arrow';
/** `numerical` and `categorical` are tested for drift; `datetime` and `other` are reported, not tested. */
export type ColumnKind = 'numerical' | 'categorical' | 'datetime' | 'other';

export interface TableColumn {
  name: string;
  kind: ColumnKind;
  /** The DuckDB type after typing (DOUBLE, VARCHAR, BOOLEAN, …). */
  sqlType: string;
  /**
   * The dtype pandas would give the column (`read_csv`, `read_json`, `read_parquet`): numbers
   * are stored as DOUBLE either way, but Evidently types an int64 column with few values as
   * categorical (see core/drift/column-type.ts).
   */
  dtype: PandasDtype;
}

export interface LoadedTable {
  path: string;
  format: FileFormat;
  /** DuckDB table name holding the typed data. */
  table: string;
  rows: number;
  columns: TableColumn[];
}

/** Bad input: the message names the file and, where known, the line. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

const FORMATS: Record<string, FileFormat> = {
  '.csv': 'csv', '.tsv': 'tsv', '.tab': 'tsv', '.parquet': 'parquet', '.pq': 'parquet',
  '.json': 'json', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.arrow': 'arrow', '.feather': 'arrow', '.ipc': 'arrow',
};

export function detectFormat(path: string): FileFormat {
  const format = FORMATS[extname(path).toLowerCase()];
  if (!format) {
    throw new DatasetError(`${path}: unsupported file type "${extname(path) || '(none)'}"; use .csv, .tsv, .parquet, .json, .jsonl or .arrow`);
  }
  return format;
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Table names are unique per process: forks of one reader share a database. */
let tableCounter = 0;

/** DuckDB's memory limit for a reader unless its caller sets one (see `DatasetReader.open`). */
export const DEFAULT_MEMORY_LIMIT = '1.5GB';

export class DatasetReader {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly db: DuckDBConnection,
    /** A fork shares its parent's database and closes only its own connection. */
    private readonly ownsInstance = true,
    /** Where DuckDB spills past its memory limit; removed on close. */
    private readonly spillDir: string | null = null,
  ) {}

  /** A second connection to the same database (its tables included), for concurrent queries. */
  async fork(): Promise<DatasetReader> {
    return new DatasetReader(this.instance, await this.instance.connect(), false);
  }

  /**
   * `keepRowOrder`: rows stay in file order (chunking in `driftdesk estimate` needs it); off by
   * default because row order never matters to a profile or a drift test, and not keeping it
   * lets DuckDB load a file on every core (and with less memory).
   *
   * `memoryLimit` (DuckDB's `memory_limit`, default {@link DEFAULT_MEMORY_LIMIT}): past it,
   * DuckDB spills the loaded tables and a query's intermediates to a private temporary folder,
   * so two 10M-row CSV files compare in under 2 GB instead of holding 4 GB of tables
   * (bench/README.md, issue 17). DuckDB's own default, 80 % of the machine's memory, is too
   * much for a desktop app that shares the machine with a browser and the user's notebook.
   */
  static async open(options: { keepRowOrder?: boolean; memoryLimit?: string } = {}): Promise<DatasetReader> {
    const spillDir = mkdtempSync(join(tmpdir(), 'driftdesk-duckdb-'));
    try {
      const instance = await DuckDBInstance.create(':memory:', {
        preserve_insertion_order: options.keepRowOrder ? 'true' : 'false',
        memory_limit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
        temp_directory: spillDir,
      });
      return new DatasetReader(instance, await instance.connect(), true, spillDir);
    } catch (err) {
      rmSync(spillDir, { recursive: true, force: true });
      throw err;
    }
  }

  async load(path: string): Promise<LoadedTable> {
    const format = detectFormat(path);
    try {
      await access(path);
      if (!(await stat(path)).isFile()) throw new DatasetError(`${path}: not a file`);
    } catch (err) {
      if (err instanceof DatasetError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? String(err));
      throw new DatasetError(`${path}: cannot read the file (${why})`);
    }
    if (TEXT_FORMATS.has(format)) {
      // Binary content is named here, before DuckDB's parser quotes it back raw.
      const binary = await findBinary(path, BINARY_SNIFF_BYTES);
      if (binary) throw new DatasetError(describeBinary(path, binary));
    }
    const table = `t${++tableCounter}`;
    if (format === 'arrow') {
      let columns;
      try {
        // apache-arrow is loaded only for Arrow files: it costs most of a second at start-up.
        const { importArrowFile } = await import('./arrow-import.ts');
        columns = await importArrowFile(this.db, path, table);
      } catch (err) {
        throw new DatasetError(`${path}: ${printable((err as Error).message)}`);
      }
      const rows = Number((await this.db.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjectsJS()[0]!.n);
      return { path, format, table, rows, columns };
    }
    if (format === 'csv' || format === 'tsv') {
      const typed = await this.loadCsvTyped(path, format, table);
      if (typed) {
        const rows = Number((await this.db.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjectsJS()[0]!.n);
        return { path, format, table, rows, columns: typed };
      }
    }
    if (format === 'parquet') {
      const columns = await this.viewParquet(path, table);
      const rows = Number((await this.db.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjectsJS()[0]!.n);
      return { path, format, table, rows, columns };
    }
    const raw = `${table}_raw`;
    await this.run(path, `CREATE TABLE ${raw} AS SELECT * FROM ${await this.source(path, format)}`);
    let described = (await this.db.runAndReadAll(`DESCRIBE ${raw}`)).getRowObjectsJS() as { column_name: string; column_type: string }[];
    if (described.length === 0) throw new DatasetError(`${path}: no columns`);
    if ((format === 'json' || format === 'jsonl') && described.some((d) => needsText(d.column_name, d.column_type))) {
      // Read again with those columns as text, as pandas keeps them (see pandas-json.ts).
      const columns = described.map((d) => `${quoteLiteral(d.column_name)}: ${quoteLiteral(needsText(d.column_name, d.column_type) ? 'VARCHAR' : d.column_type)}`);
      await this.db.run(`DROP TABLE ${raw}`);
      await this.run(path, `CREATE TABLE ${raw} AS SELECT * FROM ${await this.source(path, format, `, columns={${columns.join(', ')}}`)}`);
      described = (await this.db.runAndReadAll(`DESCRIBE ${raw}`)).getRowObjectsJS() as { column_name: string; column_type: string }[];
    }
    const columns: TableColumn[] = [];
    const select: string[] = [];
    for (const { column_name: name, column_type: type } of described) {
      const ident = quoteIdent(name);
      if (format === 'json' || format === 'jsonl') {
        const typed = await pandasJsonType(this.db, raw, name, type);
        columns.push({ name, kind: typed.kind, sqlType: typed.sqlType, dtype: typed.dtype });
        select.push(typed.select);
      } else if (type === 'VARCHAR' && (format === 'csv' || format === 'tsv')) {
        const { dtype, sqlType } = await this.pandasType(raw, ident);
        columns.push({ name, kind: sqlType === 'DOUBLE' ? 'numerical' : 'categorical', sqlType, dtype });
        select.push(sqlType === 'VARCHAR' ? ident : `CAST(${ident} AS ${sqlType}) AS ${ident}`);
      } else {
        const kind = classify(type);
        columns.push({ name, kind, sqlType: kind === 'numerical' ? 'DOUBLE' : type, dtype: binaryDtype(type, false) });
        select.push(kind === 'numerical' ? `CAST(${ident} AS DOUBLE) AS ${ident}` : ident);
      }
    }
    await this.db.run(`CREATE TABLE ${table} AS SELECT ${select.join(', ')} FROM ${raw}; DROP TABLE ${raw}`);
    const rows = Number((await this.db.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjectsJS()[0]!.n);
    return { path, format, table, rows, columns };
  }

  /** Non-missing, finite values of a numerical column (inf dropped, as Evidently does). */
  async numericValues(t: LoadedTable, column: string): Promise<number[]> {
    const c = quoteIdent(column);
    const reader = await this.db.runAndReadAll(`SELECT ${c} FROM ${t.table} WHERE ${c} IS NOT NULL AND isfinite(${c})`);
    return reader.getColumnsJS()[0] as number[] ?? [];
  }

  /** Distinct non-missing values of a column (pandas `nunique()`). */
  async distinctCount(t: LoadedTable, column: string): Promise<number> {
    const c = quoteIdent(column);
    return Number((await this.db.runAndReadAll(`SELECT count(DISTINCT ${c}) AS n FROM ${t.table}`)).getRowObjectsJS()[0]!.n);
  }

  /** Non-missing values of a categorical column, as text. */
  async categoryValues(t: LoadedTable, column: string): Promise<string[]> {
    const c = quoteIdent(column);
    const reader = await this.db.runAndReadAll(`SELECT CAST(${c} AS VARCHAR) FROM ${t.table} WHERE ${c} IS NOT NULL`);
    return reader.getColumnsJS()[0] as string[] ?? [];
  }

  close(): void {
    this.db.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
    if (this.spillDir) rmSync(this.spillDir, { recursive: true, force: true });
  }

  /**
   * A Parquet file is columnar and typed, so it is not copied into a table: `table` becomes a
   * view over `read_parquet` with the casts pandas' dtypes need, and each query reads only the
   * columns it names from the file (a drift test reads one column; copying all of them first
   * took as long as every test together — bench/README.md, issue 17). The file must stay in
   * place while the table is used, as it does for every caller (a comparison, a profile, a
   * monitor batch removed after its report). The footer is read here, so a file that is not
   * Parquet, or is truncated, is refused by `load`; a corrupt page is reported by the query
   * that reads it.
   */
  private async viewParquet(path: string, table: string): Promise<TableColumn[]> {
    const source = await this.source(path, 'parquet');
    let described: { column_name: string; column_type: string }[];
    try {
      described = (await this.db.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowObjectsJS() as typeof described;
    } catch (err) {
      throw new DatasetError(explainDuckDbError(path, (err as Error).message));
    }
    if (described.length === 0) throw new DatasetError(`${path}: no columns`);
    // Integers and booleans with a missing value change pandas' dtype: one scan of those columns.
    const nulls = await this.nullColumns(source, described.filter((d) => /INT|BOOLEAN/.test(d.column_type)).map((d) => d.column_name))
      .catch((err: unknown) => { throw new DatasetError(explainDuckDbError(path, (err as Error).message)); });
    const columns: TableColumn[] = [];
    const select: string[] = [];
    for (const { column_name: name, column_type: type } of described) {
      const ident = quoteIdent(name);
      const kind = classify(type);
      columns.push({ name, kind, sqlType: kind === 'numerical' ? 'DOUBLE' : type, dtype: binaryDtype(type, nulls.has(name)) });
      select.push(kind === 'numerical' ? `CAST(${ident} AS DOUBLE) AS ${ident}` : ident);
    }
    await this.db.run(`CREATE VIEW ${table} AS SELECT ${select.join(', ')} FROM ${source}`);
    return columns;
  }

  /** The DuckDB table function reading `path`; `jsonOptions` are appended to read_json's. */
  private async source(path: string, format: FileFormat, jsonOptions = ''): Promise<string> {
    const p = quoteLiteral(path);
    switch (format) {
      case 'csv':
      case 'tsv': {
        const delim = format === 'csv' ? ',' : '\t';
        const header = await this.csvHeader(path, format);
        const columns = `{${header.map((h) => `${quoteLiteral(h)}: 'VARCHAR'`).join(', ')}}`;
        const nulls = `[${NULL_TOKENS.map(quoteLiteral).join(', ')}]`;
        return `read_csv(${p}, delim=${quoteLiteral(delim)}, quote='"', escape='"', header=true, skip=0, auto_detect=false,
          strict_mode=true, null_padding=false, columns=${columns}, nullstr=${nulls})`;
      }
      case 'parquet':
        return `read_parquet(${p})`;
      case 'json':
        return `read_json(${p}, format='auto'${jsonOptions})`;
      case 'jsonl':
        return `read_json(${p}, format='newline_delimited'${jsonOptions})`;
      case 'arrow':
        throw new Error('Arrow files are imported, not read by DuckDB');
    }
  }

  /** The header row's names (an empty one becomes column_<i>); refuses an empty file and duplicate names. */
  private async csvHeader(path: string, format: 'csv' | 'tsv'): Promise<string[]> {
    const header = await readCsvHeader(path, format === 'csv' ? ',' : '\t');
    if (header.length === 0 || header.every((h) => h === '')) throw new DatasetError(`${path}: empty file, no header row`);
    const seen = new Set<string>();
    for (const [i, name] of header.entries()) {
      if (seen.has(name)) throw new DatasetError(`${path}, line 1: column name "${printable(name, 80)}" appears twice (column ${i + 1})`);
      seen.add(name);
    }
    return header.map((h, i) => (h === '' ? `column_${i}` : h));
  }

  /**
   * The fast path for delimited text: DuckDB types the columns while it reads (numbers only:
   * BIGINT, DOUBLE, else VARCHAR — its booleans and dates are wider than pandas'), and text
   * columns then get the pandas check. Anything unusual — a ragged row, a value past the
   * sniffer's sample that does not fit its type, a NaN spelling pandas reads as text — and
   * this returns null so the strict all-text path reads the file and explains the problem.
   * Known gap: DuckDB also reads hexadecimal literals ("0x10") as integers, where pandas
   * reads text; such a column is typed numerical here.
   */
  private async loadCsvTyped(path: string, format: 'csv' | 'tsv', table: string): Promise<TableColumn[] | null> {
    let sniffed = new Map<string, string>();
    const header = await this.csvHeader(path, format);
    const nulls = `[${NULL_TOKENS.map(quoteLiteral).join(', ')}]`;
    const source = `read_csv(${quoteLiteral(path)}, delim=${quoteLiteral(format === 'csv' ? ',' : '\t')}, quote='"', escape='"',
      header=true, skip=0, strict_mode=true, null_padding=false, nullstr=${nulls}, names=[${header.map(quoteLiteral).join(', ')}],
      auto_type_candidates=['BIGINT', 'DOUBLE', 'VARCHAR'])`;
    try {
      const described = (await this.db.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowObjectsJS() as { column_name: string; column_type: string }[];
      if (described.length !== header.length || described.some((d, i) => d.column_name !== header[i])) return null;
      const numeric = described.map((d) => d.column_type === 'BIGINT' || d.column_type === 'DOUBLE');
      sniffed = new Map(described.map((d) => [d.column_name, d.column_type]));
      const select = described.map((d, i) => (numeric[i] ? `CAST(${quoteIdent(d.column_name)} AS DOUBLE) AS ${quoteIdent(d.column_name)}` : quoteIdent(d.column_name)));
      await this.db.run(`CREATE TABLE ${table} AS SELECT ${select.join(', ')} FROM ${source}`);
    } catch {
      await this.db.run(`DROP TABLE IF EXISTS ${table}`);
      return null;
    }
    const columns: TableColumn[] = [];
    const nanChecks: string[] = [];
    const described = (await this.db.runAndReadAll(`DESCRIBE ${table}`)).getRowObjectsJS() as { column_name: string; column_type: string }[];
    // pandas reads a column of integers as int64 only when none is missing (else float64):
    // integer columns are counted for missing values in the same scan as the NaN check.
    const integerColumns: TableColumn[] = [];
    for (const { column_name: name, column_type: type } of described) {
      const ident = quoteIdent(name);
      if (type === 'DOUBLE') {
        const column: TableColumn = { name, kind: 'numerical', sqlType: 'DOUBLE', dtype: 'float64' };
        columns.push(column);
        nanChecks.push(`count(*) FILTER (WHERE isnan(${ident}))`);
        if (sniffed.get(name) === 'BIGINT') integerColumns.push(column);
        continue;
      }
      const { dtype, sqlType } = await this.pandasType(table, ident);
      if (sqlType !== 'VARCHAR') {
        await this.db.run(`ALTER TABLE ${table} ALTER COLUMN ${ident} SET DATA TYPE ${sqlType} USING CAST(${ident} AS ${sqlType})`);
      }
      columns.push({ name, kind: sqlType === 'DOUBLE' ? 'numerical' : 'categorical', sqlType, dtype });
    }
    if (nanChecks.length > 0) {
      const nullChecks = integerColumns.map((c) => `count(*) FILTER (WHERE ${quoteIdent(c.name)} IS NULL)`);
      const counts = (await this.db.runAndReadAll(`SELECT ${[...nanChecks, ...nullChecks].join(', ')} FROM ${table}`)).getRows()[0]!.map(Number);
      if (counts.slice(0, nanChecks.length).some((n) => n > 0)) {
        await this.db.run(`DROP TABLE ${table}`);
        return null;
      }
      integerColumns.forEach((c, i) => (c.dtype = counts[nanChecks.length + i] === 0 ? 'int64' : 'float64'));
    }
    return columns;
  }

  /**
   * How pandas' `read_csv` types a text column: numbers when every non-missing value parses
   * as a number (an all-missing column too: pandas reads float64 NaN), booleans when every
   * value is one of pandas' true/false spellings, else text. DuckDB's cast accepts two things
   * pandas reads as text, so they are excluded: digit separators ("1_000") and NaN spellings
   * that are not NA tokens ("NAN", "+nan", "NaN "). Each query looks for one counter-example
   * and stops there, so a text column costs a chunk, not a scan.
   *
   * The dtype follows pandas' C parser: int64 when every value is an integer literal
   * (optional blanks and sign, digits only: "007", " 7", "+3"; not "1.0" or "1e2") and none is
   * missing; float64 for other numbers; bool for booleans with none missing, object (of
   * booleans) with one missing.
   */
  private async pandasType(table: string, ident: string): Promise<{ dtype: PandasDtype; sqlType: 'DOUBLE' | 'BOOLEAN' | 'VARCHAR' }> {
    const any = async (condition: string) =>
      (await this.db.runAndReadAll(`SELECT 1 FROM ${table} WHERE ${ident} IS NOT NULL AND (${condition}) LIMIT 1`)).getRows().length > 0;
    const hasNull = async () => (await this.db.runAndReadAll(`SELECT 1 FROM ${table} WHERE ${ident} IS NULL LIMIT 1`)).getRows().length > 0;
    const number = `TRY_CAST(${ident} AS DOUBLE)`;
    if (!(await any(`${number} IS NULL OR isnan(${number}) OR contains(${ident}, '_')`))) {
      const integers = !(await hasNull()) && !(await any(`NOT regexp_full_match(${ident}, '[ \t]*[+-]?[0-9]+[ \t]*')`));
      return { dtype: integers ? 'int64' : 'float64', sqlType: 'DOUBLE' };
    }
    if (await any(`${ident} NOT IN (${PANDAS_BOOLEANS.map(quoteLiteral).join(', ')})`)) return { dtype: 'object', sqlType: 'VARCHAR' };
    return { dtype: (await hasNull()) ? 'object' : 'bool', sqlType: 'BOOLEAN' };
  }

  /** Which of `names` hold a missing value, in one scan of `table`. */
  private async nullColumns(table: string, names: readonly string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const counts = (await this.db.runAndReadAll(
      `SELECT ${names.map((n) => `count(*) FILTER (WHERE ${quoteIdent(n)} IS NULL)`).join(', ')} FROM ${table}`,
    )).getRows()[0]!;
    return new Set(names.filter((_, i) => Number(counts[i]) > 0));
  }

  private async run(path: string, sql: string): Promise<void> {
    try {
      await this.db.run(sql);
    } catch (err) {
      // Binary data past the first bytes checked in load() is the likeliest cause; name it.
      const binary = TEXT_FORMATS.has(detectFormat(path)) ? await findBinary(path, BINARY_SCAN_BYTES).catch(() => null) : null;
      throw new DatasetError(binary ? describeBinary(path, binary) : explainDuckDbError(path, (err as Error).message));
    }
  }
}

/** The dtype pandas gives a typed column (Parquet via pyarrow): no int or bool dtype with missing values. */
function binaryDtype(duckType: string, hasNull: boolean): PandasDtype {
  if (/^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/.test(duckType)) return hasNull ? 'float64' : 'int64';
  if (duckType === 'BOOLEAN') return hasNull ? 'object' : 'bool';
  const kind = classify(duckType);
  return kind === 'numerical' ? 'float64' : kind === 'categorical' ? 'object' : kind === 'datetime' ? 'datetime64' : 'other';
}

function classify(duckType: string): ColumnKind {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/.test(duckType)) return 'numerical';
  if (duckType === 'VARCHAR' || duckType === 'BOOLEAN' || duckType.startsWith('ENUM')) return 'categorical';
  if (/^(DATE|TIME|TIMESTAMP)/.test(duckType)) return 'datetime';
  return 'other';
}

const TEXT_FORMATS: ReadonlySet<FileFormat> = new Set(['csv', 'tsv', 'json', 'jsonl']);
/** Bytes checked for binary content before every text file is read. */
const BINARY_SNIFF_BYTES = 1 << 20;
/** Bytes searched for binary content when DuckDB could not read a text file. */
const BINARY_SCAN_BYTES = 1 << 30;

/** Turns DuckDB's reader errors into "FILE, line N: what is wrong", never quoting raw bytes. */
export function explainDuckDbError(path: string, raw: string): string {
  const message = raw.split('\n').map((line) => printable(line, 300)).join('\n');
  const name = basename(path);
  const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
  const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (line && columns) return `${path}, line ${line}: expected ${columns[1]} fields, found ${columns[2]}`;
  if (line) return `${path}, line ${line}: ${message.split('\n')[0]?.replace(/^.*Error: /, '')}`;
  if (/No files found/.test(message)) return `${path}: no such file`;
  const first = message.split('\n')[0] ?? message;
  return `${path}: could not read ${name}: ${first.replace(/^[A-Za-z ]*Error: /, '')}`;
}
