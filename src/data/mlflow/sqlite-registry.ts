/**
 * Reads the model registry of MLflow's SQLite backend: `registered_models`, `model_versions`,
 * `registered_model_tags`, `model_version_tags` and (MLflow ≥ 2.3) `registered_model_aliases`,
 * and the `experiment_tags` of the tracking side.
 *
 * MLflow's alembic migrations added these one by one (the registry in 1.4, its tag tables soon
 * after, `run_link` and `storage_location` columns later, aliases in 2.3), so every table and
 * optional column is looked up first (`PRAGMA table_info`) and read only when present: a database
 * from any MLflow version imports what it holds.
 */
import type Database from 'better-sqlite3';
import { type MlflowRegisteredModel, type MlflowRegistryVersion, runIdFromSource } from '../../core/mlflow/index.ts';
import { MlflowImportError } from './imported-run.ts';

/** MLflow's SQL and file stores mark a deleted version with this stage and keep the row. */
export const DELETED_STAGE = 'Deleted_Internal';

interface ModelRow { name: string; creation_time: number | bigint | null; description: string | null }
interface VersionRow {
  name: string; version: number | bigint; creation_time: number | bigint | null; description: string | null;
  current_stage: string | null; source: string | null; run_id: string | null; status: string | null;
}

/** Columns of `table`, or null when the table does not exist. */
function columnsOf(db: Database.Database, table: string): Set<string> | null {
  const rows = db.prepare(`PRAGMA table_info(${JSON.stringify(table)})`).all() as { name: string }[];
  return rows.length === 0 ? null : new Set(rows.map((r) => r.name));
}

/** `column` when the table has it, else a NULL under that name (older schemas). */
const col = (columns: Set<string>, column: string, fallback = 'NULL') => (columns.has(column) ? column : `${fallback} AS ${column}`);

/** Every registered model with its live versions, tags and aliases; [] when the database has no registry. */
export function readSqliteRegistry(db: Database.Database, file: string): MlflowRegisteredModel[] {
  const modelCols = columnsOf(db, 'registered_models');
  const versionCols = columnsOf(db, 'model_versions');
  if (!modelCols || !versionCols) return [];
  for (const [table, cols, need] of [['registered_models', modelCols, ['name']], ['model_versions', versionCols, ['name', 'version']]] as const) {
    const missing = need.filter((c) => !cols.has(c));
    if (missing.length) throw new MlflowImportError(`${file}: table ${table} has no ${missing.join(', ')} column; not a registry MLflow wrote`);
  }
  const models = db.prepare(
    `SELECT name, ${col(modelCols, 'creation_time')}, ${col(modelCols, 'description')} FROM registered_models ORDER BY name`,
  ).all() as ModelRow[];
  const versions = db.prepare(
    `SELECT name, version, ${col(versionCols, 'creation_time')}, ${col(versionCols, 'description')}, ${col(versionCols, 'current_stage')},
            ${col(versionCols, 'source')}, ${col(versionCols, 'run_id')}, ${col(versionCols, 'status')}
       FROM model_versions ORDER BY name, version`,
  ).all() as VersionRow[];
  const modelTags = tagsBy(db, 'registered_model_tags', ['name']);
  const versionTags = tagsBy(db, 'model_version_tags', ['name', 'version']);
  const aliasCols = columnsOf(db, 'registered_model_aliases');
  const aliases = aliasCols && ['alias', 'version', 'name'].every((c) => aliasCols.has(c))
    ? db.prepare('SELECT name, alias, version FROM registered_model_aliases ORDER BY name, alias').all() as { name: string; alias: string; version: number | bigint }[]
    : [];

  const byName = new Map<string, MlflowRegisteredModel>();
  for (const m of models) {
    byName.set(m.name, { name: m.name, description: m.description ?? '', createdAt: time(m.creation_time), tags: modelTags.get(key(m.name)) ?? {}, versions: [], aliases: {} });
  }
  for (const v of versions) {
    const model = byName.get(v.name);
    const stage = v.current_stage ?? 'None';
    if (!model || stage === DELETED_STAGE) continue;
    const number = Number(v.version);
    if (!Number.isSafeInteger(number) || number < 1) throw new MlflowImportError(`${file}: model ${v.name} has version ${String(v.version)}, not a positive whole number`);
    const source = v.source ?? '';
    const version: MlflowRegistryVersion = {
      version: number,
      description: v.description ?? '',
      createdAt: time(v.creation_time),
      tags: versionTags.get(key(v.name, number)) ?? {},
      source,
      runId: v.run_id?.trim() ? v.run_id.trim() : runIdFromSource(source),
      status: v.status,
      stage,
    };
    model.versions.push(version);
  }
  for (const a of aliases) {
    const model = byName.get(a.name);
    if (model) model.aliases[a.alias] = Number(a.version);
  }
  return [...byName.values()];
}

/** experiment id → its tags; empty when the table does not exist (MLflow before 1.0). */
export function readExperimentTags(db: Database.Database): Map<string, Record<string, string>> {
  const cols = columnsOf(db, 'experiment_tags');
  const out = new Map<string, Record<string, string>>();
  if (!cols || !['key', 'value', 'experiment_id'].every((c) => cols.has(c))) return out;
  for (const r of db.prepare('SELECT experiment_id, key, value FROM experiment_tags ORDER BY experiment_id, key').all() as { experiment_id: number | string; key: string; value: string | null }[]) {
    const tags = out.get(String(r.experiment_id)) ?? {};
    tags[r.key] = r.value ?? '';
    out.set(String(r.experiment_id), tags);
  }
  return out;
}

const key = (name: string, version?: number) => (version === undefined ? name : `${name}\u0000${version}`);

function tagsBy(db: Database.Database, table: string, keyColumns: readonly ('name' | 'version')[]): Map<string, Record<string, string>> {
  const cols = columnsOf(db, table);
  const out = new Map<string, Record<string, string>>();
  if (!cols || ![...keyColumns, 'key', 'value'].every((c) => cols.has(c))) return out;
  const rows = db.prepare(`SELECT ${keyColumns.join(', ')}, key, value FROM ${table} ORDER BY key`).all() as { name: string; version?: number | bigint; key: string; value: string | null }[];
  for (const r of rows) {
    const k = key(r.name, r.version === undefined ? undefined : Number(r.version));
    const tags = out.get(k) ?? {};
    tags[r.key] = r.value ?? '';
    out.set(k, tags);
  }
  return out;
}

function time(raw: number | bigint | null): number | null {
  if (raw === null) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}
