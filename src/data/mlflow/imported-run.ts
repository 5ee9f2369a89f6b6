/**
 * What both MLflow readers (the `mlruns/` file store and the `mlflow.db` SQLite backend) produce:
 * plain runs, fully read and checked before anything is sent, so a bad store imports nothing.
 */
import type { MlflowRegisteredModel } from '../../core/mlflow/index.ts';
import type { EnvironmentFile, RunStatus } from '../../core/workspace/index.ts';

export interface MetricPoint {
  /** Milliseconds since the Unix epoch, as MLflow logs them. */
  timestamp: number;
  /** NaN and ±Infinity are real MLflow values (a diverged loss); the blob writes them as strings. */
  value: number;
  step: number;
}

export interface ArtifactEntry {
  /** Path under the run's artifact root, `/`-separated. */
  path: string;
  bytes: number;
}

export interface ImportedRun {
  runId: string;
  name: string;
  experimentId: string;
  experiment: string;
  status: RunStatus;
  startTime: number;
  endTime?: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** The tags of its experiment (MLflow keeps them on the experiment, not the run). */
  experimentTags: Record<string, string>;
  /** Every logged point per metric, in logging order. */
  metrics: Record<string, MetricPoint[]>;
  /** Null when the backend does not hold artifacts (the SQLite store keeps them elsewhere). */
  artifacts: ArtifactEntry[] | null;
  /** The folder `artifacts` lists (absolute): beside the run (file store), or its `artifact_uri` when local (SQLite store). */
  artifactDir?: string;
  /** Why the run's artifacts were not read (SQLite store: kept in S3, outside the artifact root, not copied here). */
  artifactNote?: string;
  /** Environment files found among the artifacts (MLmodel, conda.yaml, python_env.yaml, requirements.txt), as text. */
  environment?: EnvironmentFile[];
}

export interface ImportedStore {
  kind: 'file-store' | 'sqlite';
  runs: ImportedRun[];
  /** Runs MLflow marks deleted (`lifecycle_stage: deleted`), left out of the import. */
  skippedDeleted: number;
  /** The model registry (empty when the store has none, e.g. an mlflow.db from before MLflow 1.4). */
  models: MlflowRegisteredModel[];
}

/** The store cannot be imported; the message names the file (and line) and what is wrong. */
export class MlflowImportError extends Error {
  override readonly name: string = 'MlflowImportError';
}

/** The import was refused (the token's role or workspace), not malformed: the CLI exits 1, not 2. */
export class MlflowImportRefused extends MlflowImportError {
  override readonly name = 'MlflowImportRefused';
}

/** MLflow's RunStatus enum (mlflow/protos/service.proto): RUNNING=1 … KILLED=5. */
const STATUS_BY_NUMBER: Record<number, RunStatus> = { 1: 'running', 2: 'scheduled', 3: 'finished', 4: 'failed', 5: 'killed' };
const STATUS_BY_NAME: Record<string, RunStatus> = { RUNNING: 'running', SCHEDULED: 'scheduled', FINISHED: 'finished', FAILED: 'failed', KILLED: 'killed' };

/** MLflow's status as the file store (number) or the SQLite store (name) writes it; null if unknown. */
export function runStatusOf(raw: unknown): RunStatus | null {
  if (typeof raw === 'number') return STATUS_BY_NUMBER[raw] ?? null;
  if (typeof raw === 'string') return STATUS_BY_NAME[raw.toUpperCase()] ?? (/^[1-5]$/.test(raw) ? STATUS_BY_NUMBER[Number(raw)]! : null);
  return null;
}

/** MLflow writes metric values with Python's repr: `nan`, `inf`, `-inf` besides ordinary numbers. */
export function parseMetricValue(text: string): number | null {
  const lower = text.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (lower === 'inf' || lower === 'infinity' || lower === '+inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return null;
  return Number(text);
}

/** A run's display name: MLflow's run name, else the `mlflow.runName` tag, else the short run id. */
export function displayName(runName: unknown, tags: Record<string, string>, runId: string): string {
  const name = (typeof runName === 'string' && runName.trim()) || tags['mlflow.runName']?.trim() || runId.slice(0, 8);
  return name.slice(0, 300);
}
