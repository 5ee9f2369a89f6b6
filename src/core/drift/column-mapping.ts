/**
 * What each column of a dataset is, as Evidently's `ColumnMapping` and NannyML's column names
 * define it: the timestamp, the row id, the target, the model's prediction and predicted
 * probability (one column for a binary model, or one per class), columns to ignore, and per-column
 * type and test overrides.
 *
 * One home for the drift engine, the CLI (`driftdesk drift --timestamp … --id …`), monitors and
 * the dataset compare page. Rules that follow from it:
 * - the timestamp, id and ignored columns are never tested for drift (a date "drifts" on every
 *   batch by construction, an id is unique per row);
 * - the target, prediction and probability columns are tested like features, as Evidently's data
 *   drift table does (target and prediction drift are what a team most wants to see);
 * - a production batch may lack the target (labels come later); every other column must be there.
 */
import { z } from 'zod';
import { STAT_TEST_NAMES, type ColumnType, type StatTestName } from './types.ts';

/** Longest column name a mapping may hold (longer ones are not column names). */
const MAX_NAME = 300;
/** Most names in one list of a mapping (ignored columns, overrides, classes). */
export const MAX_MAPPED_COLUMNS = 2000;

const columnName = z.string().min(1, 'a column name cannot be empty').max(MAX_NAME);

export const columnOverrideSchema = z.strictObject({
  /** Compare as numbers or as categories, whatever the values look like. */
  type: z.enum(['numerical', 'categorical']).optional(),
  /** Test instead of Evidently's default selection for this column. */
  stattest: z.enum(STAT_TEST_NAMES).optional(),
  /** Threshold instead of the test's default. */
  threshold: z.number().finite().nonnegative().optional(),
});
export type ColumnOverride = z.infer<typeof columnOverrideSchema>;

export const columnMappingSchema = z.strictObject({
  timestamp: columnName.optional(),
  id: columnName.optional(),
  target: columnName.optional(),
  prediction: columnName.optional(),
  /** A binary model's probability of the positive class, or `{class: column}` for a multiclass one. */
  predictionProba: z.union([
    columnName,
    z.record(z.string().min(1).max(MAX_NAME), columnName).refine((m) => Object.keys(m).length >= 2, 'give one probability column per class (at least two)')
      .refine((m) => Object.keys(m).length <= MAX_MAPPED_COLUMNS, `at most ${MAX_MAPPED_COLUMNS} classes`),
  ]).optional(),
  ignored: z.array(columnName).max(MAX_MAPPED_COLUMNS).default([]),
  columns: z.record(columnName, columnOverrideSchema).refine((m) => Object.keys(m).length <= MAX_MAPPED_COLUMNS, `at most ${MAX_MAPPED_COLUMNS} overrides`).default({}),
});
/** A column mapping once checked (lists present, possibly empty). */
export type ColumnMapping = z.output<typeof columnMappingSchema>;
/** A column mapping as written by a person or a client (lists optional). */
export type ColumnMappingInput = z.input<typeof columnMappingSchema>;

/** A problem with a mapping, at a path a client can point to (`predictionProba.yes`). */
export interface MappingIssue {
  path: string;
  message: string;
}

/** Why a column is left out of drift tests. */
export type UntestedRole = 'timestamp' | 'id' | 'ignored';

/** The columns a mapping keeps out of drift tests, with the role that keeps each out. */
export function untestedColumns(mapping: ColumnMapping | undefined): Map<string, UntestedRole> {
  const out = new Map<string, UntestedRole>();
  if (!mapping) return out;
  for (const name of mapping.ignored) out.set(name, 'ignored');
  if (mapping.id !== undefined) out.set(mapping.id, 'id');
  if (mapping.timestamp !== undefined) out.set(mapping.timestamp, 'timestamp');
  return out;
}

/** The probability columns of a mapping, keyed by class ('1' for a binary model's single column). */
export function probaColumns(mapping: ColumnMapping | undefined): Record<string, string> {
  const proba = mapping?.predictionProba;
  if (proba === undefined) return {};
  return typeof proba === 'string' ? { '1': proba } : proba;
}

/** Every column a mapping names, each once, with the first path that names it. */
export function mappedColumns(mapping: ColumnMapping): { name: string; path: string }[] {
  const out = new Map<string, string>();
  const add = (name: string | undefined, path: string) => {
    if (name !== undefined && !out.has(name)) out.set(name, path);
  };
  add(mapping.timestamp, 'timestamp');
  add(mapping.id, 'id');
  add(mapping.target, 'target');
  add(mapping.prediction, 'prediction');
  const proba = mapping.predictionProba;
  if (typeof proba === 'string') add(proba, 'predictionProba');
  else if (proba) for (const [label, name] of Object.entries(proba)) add(name, `predictionProba.${label}`);
  mapping.ignored.forEach((name, i) => add(name, `ignored.${i}`));
  for (const name of Object.keys(mapping.columns)) add(name, `columns.${name}`);
  return [...out].map(([name, path]) => ({ name, path }));
}

/**
 * Checks a mapping against the columns a dataset has: every named column must exist, and no
 * column may hold two roles that contradict each other (the timestamp also the target; an ignored
 * column with a test override). Returns the issues, empty when the mapping fits.
 */
export function checkMapping(mapping: ColumnMapping, columns: readonly string[]): MappingIssue[] {
  const have = new Set(columns);
  const issues: MappingIssue[] = [];
  for (const { name, path } of mappedColumns(mapping)) {
    if (!have.has(name)) issues.push({ path, message: `no column "${name}" in the data (it has ${listNames(columns)})` });
  }
  const roles: [string, string | undefined][] = [['timestamp', mapping.timestamp], ['id', mapping.id], ['target', mapping.target], ['prediction', mapping.prediction]];
  const seen = new Map<string, string>();
  for (const [role, name] of roles) {
    if (name === undefined) continue;
    const other = seen.get(name);
    if (other) issues.push({ path: role, message: `"${name}" is already the ${other} column; a column has one role` });
    else seen.set(name, role);
  }
  for (const [label, name] of Object.entries(probaColumns(mapping))) {
    const other = seen.get(name);
    if (other) issues.push({ path: typeof mapping.predictionProba === 'string' ? 'predictionProba' : `predictionProba.${label}`, message: `"${name}" is already the ${other} column; a column has one role` });
  }
  const untested = untestedColumns(mapping);
  for (const name of Object.keys(mapping.columns)) {
    const role = untested.get(name);
    if (role) issues.push({ path: `columns.${name}`, message: `"${name}" is ${role === 'ignored' ? 'an ignored' : `the ${role}`} column, which is never tested for drift; drop the override or the role` });
  }
  return issues;
}

/** Drift options a mapping gives a comparison (`compareFiles` and the monitors read these). */
export interface MappedDriftOptions {
  /** Columns left out of drift tests, with why. */
  exclude: Map<string, UntestedRole>;
  categorical: string[];
  numerical: string[];
  columnTests: Record<string, StatTestName>;
  columnThresholds: Record<string, number>;
}

/** The drift options that follow from a mapping (nothing excluded or overridden without one). */
export function driftOptionsOf(mapping: ColumnMapping | undefined): MappedDriftOptions {
  const out: MappedDriftOptions = { exclude: untestedColumns(mapping), categorical: [], numerical: [], columnTests: {}, columnThresholds: {} };
  for (const [name, o] of Object.entries(mapping?.columns ?? {})) {
    if (o.type === 'categorical') out.categorical.push(name);
    if (o.type === 'numerical') out.numerical.push(name);
    if (o.stattest) out.columnTests[name] = o.stattest;
    if (o.threshold !== undefined) out.columnThresholds[name] = o.threshold;
  }
  return out;
}

/** A column as `proposeMapping` sees it: its name, and its kind when known (from a profile). */
export interface ColumnSketch {
  name: string;
  kind?: ColumnType | 'datetime' | 'other';
}

const TIMESTAMP = /^(timestamp|time|date|datetime|ts|event_?time|created(_at)?|period|day)$|(_at|_time|_date|_ts)$/i;
const ID = /^(id|row_?id|uuid|key|identifier|index)$|(_id|_uuid|_key)$/i;
const TARGET = /^(target|y|label|labels|class|ground_?truth|actual|y_?true|outcome)$/i;
const PREDICTION = /^(prediction|predicted|pred|preds|y_?pred|yhat|y_?hat|predicted_?label|predicted_?class)$/i;
const PROBA = /^(proba|probability|y_?proba|y_?prob|pred_?proba|predicted_?probability|y_?pred_?proba|score|prob)$/i;
/** A per-class probability column: proba_<class>, <class>_proba, probability_<class>, p_<class>. */
const PROBA_OF_CLASS = /^(?:y_?pred_?proba|pred_?proba|proba|probability|prob|p)_(.+)$|^(.+)_(?:proba|probability|prob)$/i;

/**
 * A first guess at a mapping from column names (and kinds, when known), for a person to confirm:
 * a datetime column or a name like `date`/`created_at` is the timestamp; `id`/`row_id`/`*_id` the
 * id; `target`/`y`/`label` the target; `prediction`/`yhat`/`y_pred` the prediction; `proba`/`score`
 * the probability, or `proba_<class>` columns one per class (two or more). Each role goes to the
 * first column that fits and no column gets two roles. Never guesses overrides or ignored columns.
 */
export function proposeMapping(columns: readonly ColumnSketch[]): ColumnMappingInput {
  const taken = new Set<string>();
  const pick = (fits: (c: ColumnSketch) => boolean): string | undefined => {
    const found = columns.find((c) => !taken.has(c.name) && fits(c));
    if (found) taken.add(found.name);
    return found?.name;
  };
  const out: ColumnMappingInput = {};
  const timestamp = pick((c) => c.kind === 'datetime') ?? pick((c) => TIMESTAMP.test(c.name) && (c.kind === undefined || c.kind === 'categorical' || c.kind === 'other'));
  if (timestamp) out.timestamp = timestamp;
  const id = pick((c) => ID.test(c.name));
  if (id) out.id = id;
  const target = pick((c) => TARGET.test(c.name));
  if (target) out.target = target;
  const prediction = pick((c) => PREDICTION.test(c.name));
  if (prediction) out.prediction = prediction;
  const single = pick((c) => PROBA.test(c.name) && c.kind !== 'categorical');
  if (single) {
    out.predictionProba = single;
  } else {
    const perClass: Record<string, string> = {};
    for (const c of columns) {
      if (taken.has(c.name) || c.kind === 'categorical') continue;
      const m = PROBA_OF_CLASS.exec(c.name);
      const label = m?.[1] ?? m?.[2];
      if (label && !(label in perClass)) perClass[label] = c.name;
    }
    if (Object.keys(perClass).length >= 2) out.predictionProba = perClass;
  }
  return out;
}

function listNames(columns: readonly string[]): string {
  if (columns.length === 0) return 'no columns';
  const shown = columns.slice(0, 12).map((c) => JSON.stringify(c)).join(', ');
  return columns.length > 12 ? `${shown} and ${columns.length - 12} more` : shown;
}
