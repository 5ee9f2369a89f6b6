/**
 * What a monitor reads of a loaded table besides drift, per its column mapping: the batch's time
 * (the latest value of the timestamp column) and the model's outputs — id, target, prediction and
 * probabilities — row by row. The outputs are read in one SELECT so their rows line up whatever
 * order DuckDB scans in (the monitor engine does not keep file order).
 */
import { type ColumnMapping, probaColumns } from '../../core/drift/index.ts';
import { DatasetError, quoteIdent, type DatasetReader, type LoadedTable } from './dataset-reader.ts';

/** A model's outputs, one entry per row; missing numbers are NaN, missing labels null. */
export interface ModelOutputs {
  ids: (string | null)[] | null;
  /** Labels as text: numbers as JavaScript prints them (1, not 1.0). */
  target: (string | null)[] | null;
  prediction: (string | null)[] | null;
  /** Probability per class (a binary model: class '1' only). */
  proba: Record<string, number[]>;
  /** Epoch ms per row from the mapping's timestamp (NaN where missing), for period chunking. */
  timestamps: number[] | null;
}

/** The latest time in the timestamp column (epoch ms), or null when it has none or holds no times. */
export async function latestTime(reader: DatasetReader, t: LoadedTable, column: string): Promise<number | null> {
  if (!t.columns.some((c) => c.name === column)) return null;
  try {
    const rows = (await reader.db.runAndReadAll(`SELECT CAST(epoch_ms(max(TRY_CAST(${quoteIdent(column)} AS TIMESTAMP))) AS DOUBLE) AS m FROM ${t.table}`)).getRowObjectsJS();
    const m = rows[0]?.m;
    return m === null || m === undefined ? null : Number(m);
  } catch {
    return null;
  }
}

/**
 * The mapped output columns of `t` that it has (a batch may lack the target). Throws a DatasetError
 * naming the column when a probability is not a number.
 */
export async function readModelOutputs(reader: DatasetReader, t: LoadedTable, mapping: ColumnMapping): Promise<ModelOutputs> {
  const has = (name: string | undefined): name is string => name !== undefined && t.columns.some((c) => c.name === name);
  const select: string[] = [];
  const text = (name: string) => `CAST(${quoteIdent(name)} AS VARCHAR)`;
  if (has(mapping.id)) select.push(`${text(mapping.id)} AS i`);
  if (has(mapping.target)) select.push(`${label(t, mapping.target)} AS y`);
  if (has(mapping.prediction)) select.push(`${label(t, mapping.prediction)} AS p`);
  const proba = Object.entries(probaColumns(mapping)).filter(([, name]) => has(name));
  proba.forEach(([, name], k) => {
    const c = t.columns.find((col) => col.name === name)!;
    if (c.kind !== 'numerical' && c.sqlType !== 'BOOLEAN') throw new DatasetError(`${t.path}: column "${name}" (predicted probability) must hold numbers, found ${c.sqlType}`);
    select.push(`CAST(${quoteIdent(name)} AS DOUBLE) AS s${k}`);
  });
  const out: ModelOutputs = { ids: null, target: null, prediction: null, proba: {}, timestamps: null };
  if (select.length === 0) return out;
  if (has(mapping.timestamp)) select.push(`CAST(epoch_ms(TRY_CAST(${quoteIdent(mapping.timestamp)} AS TIMESTAMP)) AS DOUBLE) AS t`);
  // Rows in time order when the mapping has a timestamp: CBPE cuts the reference into chunks (its
  // thresholds) and 'auto' calibration into folds by row order, as NannyML orders by timestamp.
  const order = has(mapping.timestamp) ? ` ORDER BY TRY_CAST(${quoteIdent(mapping.timestamp)} AS TIMESTAMP) NULLS LAST` : '';
  const columns = (await reader.db.runAndReadAll(`SELECT ${select.join(', ')} FROM ${t.table}${order}`)).getColumnsJS() as unknown[][];
  let at = 0;
  const asText = (values: unknown[]) => values.map((v) => (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : String(v)));
  if (has(mapping.id)) out.ids = asText(columns[at++]!);
  if (has(mapping.target)) out.target = asText(columns[at++]!);
  if (has(mapping.prediction)) out.prediction = asText(columns[at++]!);
  for (const [cls] of proba) out.proba[cls] = columns[at++]!.map((v) => (v === null || v === undefined ? Number.NaN : Number(v)));
  if (has(mapping.timestamp)) out.timestamps = columns[at++]!.map((v) => (v === null || v === undefined ? Number.NaN : Number(v)));
  return out;
}

/** A label column: numbers stay numbers here and become text in JavaScript (1.0 and 1 are both "1"). */
function label(t: LoadedTable, name: string): string {
  const c = t.columns.find((col) => col.name === name)!;
  if (c.kind === 'numerical') return `CAST(${quoteIdent(name)} AS DOUBLE)`;
  if (c.sqlType === 'BOOLEAN') return `CAST(${quoteIdent(name)} AS INTEGER)`;
  return `CAST(${quoteIdent(name)} AS VARCHAR)`;
}
