/**
 * Reads an MLflow file store (`mlruns/`), the layout `mlflow.store.tracking.file_store` writes:
 *
 *   mlruns/<experiment id>/meta.yaml                 experiment_id, name, lifecycle_stage
 *   mlruns/<experiment id>/tags/<key>                an experiment tag, the value is the whole file
 *   mlruns/<experiment id>/<run id>/meta.yaml        run_id, run_name, status (1..5), start_time, …
 *   mlruns/<experiment id>/<run id>/params/<key>     the value, whole file (keys may contain `/`)
 *   mlruns/<experiment id>/<run id>/tags/<key>       likewise
 *   mlruns/<experiment id>/<run id>/metrics/<key>    one line per point: `timestamp value step`
 *   mlruns/<experiment id>/<run id>/artifacts/…      listed (names and sizes); only the
 *        environment files MLflow logs with a model (MLmodel, conda.yaml, python_env.yaml,
 *        requirements.txt) are read, as text, up to ENV_FILE_MAX_BYTES each; notebooks
 *        (`*.ipynb`) are read later, one at a time, by run-notebooks.ts
 *
 *   mlruns/models/…                                  the model registry (file-registry.ts)
 *
 * The store is often copied from someone else's machine, so it is read as untrusted: symbolic
 * links are refused rather than followed, ids in meta.yaml must match their folder (an id like
 * `../x` cannot point elsewhere), and any unreadable part stops the whole import with the file's
 * name — a person fixes it and runs the import again.
 */
import { join, resolve } from 'node:path';
import type { EnvironmentFile } from '../../core/workspace/index.ts';
import {
  type ArtifactEntry, type ImportedRun, type ImportedStore, type MetricPoint,
  MlflowImportError, displayName, parseMetricValue, runStatusOf,
} from './imported-run.ts';
import { readFileRegistry } from './file-registry.ts';
import { exists, idField, listDir, lstatChecked, readChecked, readKeyFiles, readMeta, timeField, toNumber, walkFiles } from './store-files.ts';

/** Folders beside experiments, and beside runs, that MLflow uses for other things. */
const NOT_EXPERIMENTS = new Set(['models', '.trash']);
const NOT_RUNS = new Set(['tags', 'datasets', 'traces', 'models']);

/** Reads every experiment and run under `root` (an `mlruns/` folder as the person named it). */
export function readFileStore(root: string): ImportedStore {
  const runs: ImportedRun[] = [];
  let skippedDeleted = 0;
  for (const expId of listDir(root, root)) {
    if (NOT_EXPERIMENTS.has(expId) || expId.startsWith('.')) continue;
    const expDir = join(root, expId);
    if (!lstatChecked(expDir).isDirectory()) continue;
    const metaFile = join(expDir, 'meta.yaml');
    if (!exists(metaFile)) continue; // not an experiment (MLflow itself skips these)
    const meta = readMeta(metaFile);
    const id = idField(meta, 'experiment_id', metaFile);
    if (id !== expId) throw new MlflowImportError(`${metaFile}: experiment_id ${JSON.stringify(id)} does not match its folder ${expId}`);
    const experiment = typeof meta['name'] === 'string' ? meta['name'] : expId;
    const experimentDeleted = meta['lifecycle_stage'] === 'deleted';
    const experimentTags = readKeyFiles(join(expDir, 'tags'));
    for (const runId of listDir(expDir, expDir)) {
      if (NOT_RUNS.has(runId) || runId === 'meta.yaml' || runId.startsWith('.')) continue;
      const runDir = join(expDir, runId);
      if (!lstatChecked(runDir).isDirectory()) continue;
      const run = readRun(runDir, runId, expId, experiment, experimentTags);
      if (experimentDeleted || run.deleted) skippedDeleted += 1;
      else runs.push(run.run);
    }
  }
  return { kind: 'file-store', runs, skippedDeleted, models: readFileRegistry(join(root, 'models')) };
}
function readRun(runDir: string, runId: string, experimentId: string, experiment: string, experimentTags: Record<string, string>): { run: ImportedRun; deleted: boolean } {
  const metaFile = join(runDir, 'meta.yaml');
  if (!exists(metaFile)) throw new MlflowImportError(`${metaFile}: missing; ${runDir} is not a complete MLflow run`);
  const meta = readMeta(metaFile);
  const id = idField(meta, 'run_id', metaFile, 'run_uuid');
  if (id !== runId) throw new MlflowImportError(`${metaFile}: run_id ${JSON.stringify(id)} does not match its folder ${runId}`);
  const status = runStatusOf(toNumber(meta['status']) ?? meta['status']);
  if (!status) throw new MlflowImportError(`${metaFile}: status ${JSON.stringify(String(meta['status']))} is not an MLflow run status (1..5)`);
  const startTime = timeField(meta, 'start_time', metaFile) ?? 0;
  const endTime = timeField(meta, 'end_time', metaFile);
  const tags = readKeyFiles(join(runDir, 'tags'));
  const run: ImportedRun = {
    runId, name: displayName(meta['run_name'], tags, runId), experimentId, experiment, status, startTime,
    ...(endTime === undefined ? {} : { endTime }),
    params: readKeyFiles(join(runDir, 'params')),
    tags,
    experimentTags,
    metrics: readMetrics(join(runDir, 'metrics')),
    artifacts: exists(join(runDir, 'artifacts')) ? listArtifacts(join(runDir, 'artifacts')) : [],
    // Where run-notebooks.ts reads the run's notebooks from; never part of the detail blob.
    artifactDir: resolve(runDir, 'artifacts'),
  };
  const environment = readEnvironmentFiles(join(runDir, 'artifacts'), run.artifacts ?? []);
  if (environment.length > 0) run.environment = environment;
  return { run, deleted: meta['lifecycle_stage'] === 'deleted' };
}

function readMetrics(dir: string): Record<string, MetricPoint[]> {
  const out: Record<string, MetricPoint[]> = {};
  for (const key of walkFiles(dir)) {
    const file = join(dir, key);
    const lines = readChecked(file).split('\n');
    out[key] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      // Old stores (MLflow < 1.0) wrote `timestamp value` with no step; MLflow reads those as step 0.
      const fields = line.trim().split(/\s+/);
      const timestamp = Number(fields[0]);
      const value = fields[1] === undefined ? null : parseMetricValue(fields[1]);
      const step = fields.length === 3 ? Number(fields[2]) : 0;
      if ((fields.length !== 2 && fields.length !== 3) || !Number.isSafeInteger(timestamp) || value === null || !Number.isSafeInteger(step)) {
        throw new MlflowImportError(`${file}, line ${i + 1}: expected "timestamp value step", found ${JSON.stringify(line.slice(0, 80))}`);
      }
      out[key]!.push({ timestamp, value, step });
    });
  }
  return out;
}

/** The file names MLflow gives a logged model's environment, and what each is. */
const ENV_FILE_KIND: Readonly<Record<string, EnvironmentFile['kind']>> = { MLmodel: 'mlmodel', 'conda.yaml': 'conda', 'python_env.yaml': 'python_env', 'requirements.txt': 'pip' };
/** Environment files are a few KB; a bigger one is not what MLflow wrote, and is left out. */
export const ENV_FILE_MAX_BYTES = 1024 * 1024;
const ENV_FILES_PER_RUN = 40;

/**
 * The environment files among a run's artifacts (already listed, so inside the artifacts folder
 * and free of symlinks), read as text. A file over the cap or holding NUL bytes is skipped:
 * it is not an environment file MLflow wrote, and the run still imports.
 */
export function readEnvironmentFiles(dir: string, artifacts: ArtifactEntry[]): EnvironmentFile[] {
  const out: EnvironmentFile[] = [];
  for (const a of artifacts) {
    const kind = ENV_FILE_KIND[a.path.slice(a.path.lastIndexOf('/') + 1)];
    if (!kind || a.bytes > ENV_FILE_MAX_BYTES || out.length >= ENV_FILES_PER_RUN) continue;
    const text = readChecked(join(dir, a.path));
    if (!text.includes('\0')) out.push({ kind, path: a.path, text });
  }
  return out;
}

/** Every file under a run's artifact folder with its size; a symbolic link anywhere stops with its name. */
export function listArtifacts(dir: string): ArtifactEntry[] {
  return walkFiles(dir).map((path) => ({ path, bytes: lstatChecked(join(dir, path)).size }));
}
