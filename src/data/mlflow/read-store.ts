/**
 * Reads a whole MLflow store from disk (file store or SQLite) and builds every run's summary and
 * detail blob. Nothing here talks to a server: the import that sends the result lives in the
 * host (src/node/mlflow/import-mlflow.ts).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { type ImportedStore, MlflowImportError } from './imported-run.ts';
import { readFileStore } from './file-store.ts';
import { type RunDetail, runDetail } from './run-detail.ts';
import { type SqliteStoreOptions, readSqliteStore } from './sqlite-store.ts';

/**
 * Reads `path`: a folder is a file store (`mlruns/` itself, or a folder holding `mlruns/`), a file
 * is an SQLite database (whose artifacts are read under `options.artifactRoot`, see sqlite-store.ts).
 */
export function readMlflowStore(path: string, options: SqliteStoreOptions = {}): ImportedStore {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) throw new MlflowImportError(`${path}: no such file or folder`);
  if (info.isFile()) return readSqliteStore(path, options);
  const nested = join(path, 'mlruns');
  return readFileStore(statSync(nested, { throwIfNoEntry: false })?.isDirectory() ? nested : path);
}

/** Reads, checks and builds every run's summary and blob; nothing is sent. */
export function prepareImport(path: string, options: SqliteStoreOptions = {}): { store: ImportedStore; details: RunDetail[] } {
  const store = readMlflowStore(path, options);
  return { store, details: store.runs.map(runDetail) };
}
