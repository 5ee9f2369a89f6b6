/**
 * Reads MLflow's SQLite tracking backend (`mlflow.db`, `--backend-store-uri sqlite:///…`), with
 * the tables of MLflow's schema (tests/resources/db/latest_schema.sql): `experiments`, `runs`,
 * `params`, `metrics` (every point), `latest_metrics`, `tags`. Opened read-only, so importing
 * never changes a tracking server's database, even one in use.
 *
 * Columns added by later MLflow versions (`runs.name`, `metrics.step`, `metrics.is_nan`) are read
 * when present, so databases from MLflow 1.x still import. The model registry and experiment tags
 * are read by sqlite-registry.ts, in the same read-only connection.
 *
 * Artifacts live apart from the database, where each run's `artifact_uri` says: when that is a
 * folder on this machine inside the artifact root (artifact-location.ts), it is listed and read
 * as the file store's `artifacts/` is (environment files now, notebooks by run-notebooks.ts);
 * anywhere else (S3, another machine, outside the root) the run imports without them, with a note.
 */
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { resolveArtifactDir } from './artifact-location.ts';
import { listArtifacts, readEnvironmentFiles } from './file-store.ts';
import {
  type ArtifactEntry, type ImportedRun, type ImportedStore, type MetricPoint, MlflowImportError, displayName, runStatusOf,
} from './imported-run.ts';
import { readExperimentTags, readSqliteRegistry } from './sqlite-registry.ts';

const REQUIRED_TABLES = ['experiments', 'runs', 'params', 'metrics', 'tags'];

interface RunRow {
  run_uuid: string; name: string | null; status: string; start_time: number | bigint | null;
  end_time: number | bigint | null; lifecycle_stage: string; experiment_id: number | string; experiment: string | null;
  artifact_uri: string | null;
}

export interface SqliteStoreOptions {
  /**
   * The folder no artifact is read outside of (default: the database's folder). Relative
   * artifact locations resolve against the database's folder whatever the root.
   */
  artifactRoot?: string;
}

/** Reads every run not marked deleted; `file` is named in every error. */
export function readSqliteStore(file: string, options: SqliteStoreOptions = {}): ImportedStore {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new MlflowImportError(`${file}: cannot open as SQLite (${(err as Error).message})`);
  }
  try {
    const base = dirname(resolve(file));
    return readOpen(db, file, base, resolve(options.artifactRoot ?? base));
  } catch (err) {
    if (err instanceof MlflowImportError) throw err;
    // A file that is not SQLite opens fine and fails at the first query ("file is not a database").
    throw new MlflowImportError(`${file}: cannot read as an MLflow database (${(err as Error).message})`);
  } finally {
    db.close();
  }
}

function readOpen(db: Database.Database, file: string, base: string, root: string): ImportedStore {
  const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
  const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
  if (missing.length) throw new MlflowImportError(`${file}: not an MLflow tracking database (no ${missing.join(', ')} table${missing.length > 1 ? 's' : ''})`);
  const has = (table: string, column: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);
  const nameCol = has('runs', 'name') ? 'r.name' : 'NULL';
  const stepCol = has('metrics', 'step') ? 'step' : '0';
  const nanCol = has('metrics', 'is_nan') ? 'is_nan' : '0';
  const uriCol = has('runs', 'artifact_uri') ? 'r.artifact_uri' : 'NULL';

  const rows = db.prepare(
    `SELECT r.run_uuid, ${nameCol} AS name, r.status, r.start_time, r.end_time, r.lifecycle_stage, r.experiment_id, ${uriCol} AS artifact_uri,
            e.name AS experiment, e.lifecycle_stage AS experiment_stage
       FROM runs r LEFT JOIN experiments e ON e.experiment_id = r.experiment_id
      ORDER BY r.start_time, r.run_uuid`,
  ).all() as (RunRow & { experiment_stage: string | null })[];
  const params = db.prepare('SELECT key, value FROM params WHERE run_uuid = ? ORDER BY key');
  const tags = db.prepare('SELECT key, value FROM tags WHERE run_uuid = ? ORDER BY key');
  // rowid order is logging order within a key; MLflow's own history query orders by timestamp, step.
  const metrics = db.prepare(`SELECT key, value, timestamp, ${stepCol} AS step, ${nanCol} AS is_nan FROM metrics WHERE run_uuid = ? ORDER BY key, timestamp, step, rowid`);

  const experimentTags = readExperimentTags(db);
  const runs: ImportedRun[] = [];
  let skippedDeleted = 0;
  for (const row of rows) {
    if (row.lifecycle_stage === 'deleted' || row.experiment_stage === 'deleted') {
      skippedDeleted += 1;
      continue;
    }
    const where = `${file}: run ${row.run_uuid}`;
    const status = runStatusOf(row.status);
    if (!status) throw new MlflowImportError(`${where}: status ${JSON.stringify(row.status)} is not an MLflow run status`);
    const runTags = toRecord(tags.all(row.run_uuid) as { key: string; value: string | null }[]);
    const series: Record<string, MetricPoint[]> = {};
    for (const m of metrics.all(row.run_uuid) as { key: string; value: number; timestamp: number; step: number; is_nan: number }[]) {
      (series[m.key] ??= []).push({ timestamp: Number(m.timestamp), value: m.is_nan ? Number.NaN : Number(m.value), step: Number(m.step) });
    }
    const startTime = row.start_time === null ? 0 : Number(row.start_time);
    runs.push({
      runId: row.run_uuid,
      name: displayName(row.name, runTags, row.run_uuid),
      experimentId: String(row.experiment_id),
      experiment: row.experiment ?? String(row.experiment_id),
      status,
      startTime,
      ...(row.end_time === null ? {} : { endTime: Number(row.end_time) }),
      params: toRecord(params.all(row.run_uuid) as { key: string; value: string | null }[]),
      tags: runTags,
      experimentTags: experimentTags.get(String(row.experiment_id)) ?? {},
      metrics: series,
      ...runArtifacts(row.artifact_uri, base, root),
    });
  }
  return { kind: 'sqlite', runs, skippedDeleted, models: readSqliteRegistry(db, file) };
}

/** The run's artifacts when they are a folder here inside `root`; else why not, as a note. */
function runArtifacts(uri: string | null, base: string, root: string): Pick<ImportedRun, 'artifacts' | 'artifactDir' | 'artifactNote' | 'environment'> {
  const place = resolveArtifactDir(uri ?? '', base, root);
  if (place.kind !== 'local') return { artifacts: null, artifactNote: place.why };
  let artifacts: ArtifactEntry[];
  let environment: ReturnType<typeof readEnvironmentFiles>;
  try {
    artifacts = listArtifacts(place.dir);
    environment = readEnvironmentFiles(place.dir, artifacts);
  } catch (err) {
    // One run's bad folder (a link inside it) is that run's loss, not the whole import's.
    if (err instanceof MlflowImportError) return { artifacts: null, artifactNote: `its artifacts are not read: ${err.message}` };
    throw err;
  }
  return { artifacts, artifactDir: place.dir, ...(environment.length > 0 ? { environment } : {}) };
}

function toRecord(rows: { key: string; value: string | null }[]): Record<string, string> {
  return Object.fromEntries(rows.map((r) => [r.key, r.value ?? '']));
}
