/**
 * A production batch's columns, read from its first bytes (or its keys) before DuckDB reads
 * the body, and checked against the monitor's reference. DuckDB types every column it loads,
 * so a batch with 10k columns costs a minute and a gigabyte before anything could say it is
 * wrong; a header costs microseconds. The names come out the way DatasetReader names them (an
 * empty CSV header field is `column_<i>`), so what passes here is what the reader will load.
 */
import { scanFirstRecord } from './csv-header.ts';

/** Longest header line of a batch or a new reference, in bytes (1000 names of ~250 bytes). */
export const MAX_HEADER_BYTES = 256 * 1024;
/** Most columns a monitor's reference (and so a batch) may have. */
export const MAX_MONITOR_COLUMNS = 1000;
/** How many names a refusal lists before "and N more". */
const NAMES_SHOWN = 5;

export type ColumnsRead =
  | { kind: 'columns'; names: string[]; duplicated: string[] }
  | { kind: 'refused'; status: 400 | 413; code: string; message: string };

const refused = (status: 400 | 413, code: string, message: string): ColumnsRead => ({ kind: 'refused', status, code, message });

/**
 * The header row of CSV or TSV bytes (RFC 4180 quoting, a UTF-8 BOM skipped). Only the first
 * `maxBytes` are looked at: a header that goes on past them is refused (413), not read.
 */
export function delimitedColumns(bytes: Uint8Array, delimiter: ',' | '\t', maxBytes = MAX_HEADER_BYTES): ColumnsRead {
  let text = new TextDecoder().decode(bytes.subarray(0, maxBytes));
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const { fields, ended } = scanFirstRecord(text, delimiter);
  if (!ended && bytes.length > maxBytes) {
    return refused(413, 'header_too_long', `the header line is longer than ${maxBytes} bytes; a batch's header must name the reference's columns`);
  }
  if (fields.length === 0 || fields.every((f) => f === '')) return refused(400, 'no_header', 'empty file, no header row');
  return { kind: 'columns', names: fields.map((f, i) => (f === '' ? `column_${i}` : f)), duplicated: duplicatesOf(fields) };
}

/**
 * The keys of JSON records — an array of objects, one object, or JSON Lines — the columns
 * DuckDB's read_json makes of them (the union over all records). Refuses a record that is not
 * an object. Yields to the event loop now and then, so a large body does not stall other
 * requests while it is checked.
 */
export async function jsonColumns(text: string, format: 'json' | 'jsonl'): Promise<ColumnsRead> {
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // read_json(format='auto') also reads newline-delimited records sent as application/json.
      return jsonColumns(text, 'jsonl');
    }
    return recordColumns(value);
  }
  const keys = new Set<string>();
  let line = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    line++;
    if (raw === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (err) {
      return refused(400, 'bad_json', `line ${line} is not JSON: ${(err as Error).message}`);
    }
    if (!isRecord(record)) return refused(400, 'not_records', `line ${line} is not a JSON object; a JSON Lines batch has one object per row`);
    for (const key of Object.keys(record)) keys.add(key);
    if (line % 5000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return { kind: 'columns', names: [...keys], duplicated: [] };
}

/** The keys of parsed JSON rows: an array of objects, or one object (one row). */
export function recordColumns(value: unknown): ColumnsRead {
  const keys = new Set<string>();
  const records = Array.isArray(value) ? value : [value];
  for (const [i, record] of records.entries()) {
    if (!isRecord(record)) return refused(400, 'not_records', `record ${i + 1} is not a JSON object; a JSON batch is an array of objects, one per row`);
    for (const key of Object.keys(record)) keys.add(key);
  }
  return { kind: 'columns', names: [...keys], duplicated: [] };
}

export interface ColumnMismatch {
  /** In the reference, not in the batch (reference order). */
  missing: string[];
  /** In the batch, not in the reference (batch order). */
  unexpected: string[];
  /** Named more than once in the batch. */
  duplicated: string[];
}

/** Null when the batch has exactly the reference's columns, each once (order is free). */
export function columnMismatch(reference: readonly string[], batch: readonly string[], duplicated: readonly string[] = []): ColumnMismatch | null {
  const inBatch = new Set(batch);
  const inReference = new Set(reference);
  const missing = reference.filter((name) => !inBatch.has(name));
  const unexpected = [...inBatch].filter((name) => !inReference.has(name));
  if (missing.length === 0 && unexpected.length === 0 && duplicated.length === 0) return null;
  return { missing, unexpected, duplicated: [...duplicated] };
}

/** "missing a, b; unexpected c, d, e, f, g and 9995 more" */
export function describeMismatch(m: ColumnMismatch): string {
  return [
    m.missing.length ? `missing ${someNames(m.missing)}` : '',
    m.unexpected.length ? `unexpected ${someNames(m.unexpected)}` : '',
    m.duplicated.length ? `duplicated ${someNames(m.duplicated)}` : '',
  ].filter(Boolean).join('; ');
}

/** The first few names, then how many more: an error message stays short whatever the batch. */
export function someNames(names: readonly string[], shown = NAMES_SHOWN): string {
  const listed = names.slice(0, shown).map((n) => (n === '' ? '(empty name)' : n.length > 80 ? `${n.slice(0, 77)}...` : n)).join(', ');
  return names.length > shown ? `${listed} and ${names.length - shown} more` : listed;
}

/** Names that occur more than once, each listed once. */
export function duplicatesOf(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const name of names) (seen.has(name) ? twice : seen).add(name);
  return [...twice];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
