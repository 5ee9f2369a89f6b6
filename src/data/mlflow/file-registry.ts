/**
 * Reads the model registry of an MLflow file store, the layout
 * `mlflow.store.model_registry.file_store` writes under `mlruns/models/`:
 *
 *   models/<name>/meta.yaml                  name, creation_timestamp, description, …
 *   models/<name>/tags/<key>                 the tag's value, whole file
 *   models/<name>/aliases/<alias>            the version number it names (MLflow ≥ 2.3)
 *   models/<name>/version-<n>/meta.yaml      version, current_stage, source, run_id, status, …
 *   models/<name>/version-<n>/tags/<key>
 *
 * Read as untrusted, like the rest of the store (store-files.ts): links refused, a name in
 * meta.yaml must match its folder, any unreadable part stops the import with the file's name.
 */
import { join } from 'node:path';
import { type MlflowRegisteredModel, type MlflowRegistryVersion, runIdFromSource } from '../../core/mlflow/index.ts';
import { MlflowImportError } from './imported-run.ts';
import { DELETED_STAGE } from './sqlite-registry.ts';
import { exists, listDir, lstatChecked, readKeyFiles, readMeta, timeField, toNumber } from './store-files.ts';

/** Every registered model under `dir` (a store's `models/` folder); [] when there is none. */
export function readFileRegistry(dir: string): MlflowRegisteredModel[] {
  if (!exists(dir)) return [];
  const models: MlflowRegisteredModel[] = [];
  for (const folder of listDir(dir, dir)) {
    const modelDir = join(dir, folder);
    if (folder.startsWith('.') || !lstatChecked(modelDir).isDirectory()) continue;
    const metaFile = join(modelDir, 'meta.yaml');
    if (!exists(metaFile)) continue; // MLflow itself skips folders without one
    const meta = readMeta(metaFile);
    const name = text(meta['name']);
    if (name !== folder) throw new MlflowImportError(`${metaFile}: name ${JSON.stringify(name)} does not match its folder ${folder}`);
    const model: MlflowRegisteredModel = {
      name,
      description: text(meta['description']),
      createdAt: timeField(meta, 'creation_timestamp', metaFile) ?? null,
      tags: readKeyFiles(join(modelDir, 'tags')),
      versions: [],
      aliases: {},
    };
    for (const entry of listDir(modelDir, modelDir)) {
      const match = /^version-(\d+)$/.exec(entry);
      if (!match || !lstatChecked(join(modelDir, entry)).isDirectory()) continue;
      const version = readVersion(join(modelDir, entry), Number(match[1]));
      if (version) model.versions.push(version);
    }
    model.versions.sort((a, b) => a.version - b.version);
    const aliasDir = join(modelDir, 'aliases');
    for (const [alias, value] of Object.entries(readKeyFiles(aliasDir))) {
      const n = Number(value.trim());
      if (!Number.isSafeInteger(n) || n < 1) throw new MlflowImportError(`${join(aliasDir, alias)}: expected a version number, found ${JSON.stringify(value.slice(0, 40))}`);
      model.aliases[alias] = n;
    }
    models.push(model);
  }
  return models;
}

function readVersion(dir: string, folderNumber: number): MlflowRegistryVersion | null {
  const metaFile = join(dir, 'meta.yaml');
  if (!exists(metaFile)) throw new MlflowImportError(`${metaFile}: missing; ${dir} is not a complete model version`);
  const meta = readMeta(metaFile);
  const number = toNumber(meta['version']) ?? Number(text(meta['version']));
  if (number !== folderNumber) throw new MlflowImportError(`${metaFile}: version ${JSON.stringify(String(meta['version']))} does not match its folder version-${folderNumber}`);
  const stage = text(meta['current_stage']) || 'None';
  if (stage === DELETED_STAGE) return null;
  const source = text(meta['source']);
  const runId = text(meta['run_id']).trim();
  return {
    version: number,
    description: text(meta['description']),
    createdAt: timeField(meta, 'creation_timestamp', metaFile) ?? null,
    tags: readKeyFiles(join(dir, 'tags')),
    source,
    runId: runId || runIdFromSource(source),
    status: text(meta['status']) || null,
    stage,
  };
}

/** A YAML scalar as MLflow means it: null and absent are empty; numbers (bigint) as written. */
function text(raw: unknown): string {
  if (raw === null || raw === undefined) return '';
  return typeof raw === 'string' || typeof raw === 'bigint' || typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
}
