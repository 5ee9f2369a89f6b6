/**
 * A run's detail blob: everything about a run that is too big or too immutable for the CRDT —
 * all params and tags, every metric point, the artifact listing, the code version, the dataset
 * versions it read (lineage) and the environment files it was captured with. Content-addressed
 * (the summary in the doc holds its sha256), written by every importer (MLflow, the HTTP ingest
 * endpoint) in this one format, read by the run page, compare and the reproducibility checklist.
 *
 * Environment files are kept as the text the tool wrote (pip freeze, environment.yml, MLmodel …)
 * and parsed when read (src/core/repro): a parser that improves improves every stored run.
 */
import { z } from 'zod';
import { runStatusSchema } from './schema.ts';

export const RUN_DETAIL_KIND = 'driftdesk-run';

/** JSON has no NaN or ±Infinity; MLflow's REST API writes them as these strings, and so do we. */
const metricValue = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
export const metricPointSchema = z.object({
  /** Milliseconds since the Unix epoch. */
  timestamp: z.number(),
  step: z.number().int(),
  value: metricValue,
});
export type MetricPointRecord = z.infer<typeof metricPointSchema>;

/** A dataset version a run read. `hash` is the content hash its tool gives (sha256 or DVC's md5). */
export const dataVersionRefSchema = z.object({
  /** What the run calls it (`train`, `data/MNIST/raw`). */
  name: z.string().min(1).max(300),
  hash: z.string().min(1).max(200),
  /** Where the bytes come from: a Driftdesk dataset version, a DVC-tracked path, or a URL. */
  kind: z.enum(['driftdesk', 'dvc', 'url']),
  /** Path in the repository (DVC) or the file name it was read from. */
  path: z.string().max(1000).optional(),
  /** The workspace's dataset version id, when the hash matches one. */
  datasetVersionId: z.string().max(128).optional(),
  url: z.string().max(2000).optional(),
  /** DVC remote name (`dvc pull -r NAME`), when the run names one. */
  remote: z.string().max(200).optional(),
});
export type DataVersionRef = z.infer<typeof dataVersionRefSchema>;

export const ENVIRONMENT_FILE_KINDS = ['pip', 'conda', 'python_env', 'mlmodel'] as const;
/** One environment file as the tool wrote it; `path` is where it was found (e.g. `model/MLmodel`). */
export const environmentFileSchema = z.object({
  kind: z.enum(ENVIRONMENT_FILE_KINDS),
  path: z.string().min(1).max(1000),
  text: z.string().max(2_000_000),
});
export type EnvironmentFile = z.infer<typeof environmentFileSchema>;

export const codeVersionSchema = z.object({
  repo: z.string().max(2000).optional(),
  commit: z.string().max(100).optional(),
  branch: z.string().max(300).optional(),
  /** True when the working tree had uncommitted changes (the commit alone does not rebuild it). */
  dirty: z.boolean().optional(),
  entryPoint: z.string().max(1000).optional(),
});
export type CodeVersion = z.infer<typeof codeVersionSchema>;

export const runDetailSchema = z.object({
  kind: z.literal(RUN_DETAIL_KIND),
  version: z.literal(1),
  /** Same as the summary's `source` (`mlflow:<uuid>`, `api:<client id>`). */
  source: z.string().min(1).max(300),
  name: z.string().min(1).max(300),
  experiment: z.string().max(300),
  status: runStatusSchema,
  startTime: z.number(),
  endTime: z.number().nullable(),
  params: z.record(z.string(), z.string()),
  tags: z.record(z.string(), z.string()),
  /** The tags of the run's experiment (MLflow keeps them apart from run tags); absent when it has none. */
  experimentTags: z.record(z.string(), z.string()).optional(),
  metrics: z.record(z.string(), z.array(metricPointSchema)),
  /** Null when the source does not list artifacts (MLflow's SQLite backend). */
  artifacts: z.array(z.object({ path: z.string(), bytes: z.number().nonnegative() })).nullable(),
  code: codeVersionSchema.optional(),
  dataVersions: z.array(dataVersionRefSchema).default([]),
  environment: z.array(environmentFileSchema).default([]),
  /** The random seed, when the run recorded one (a `seed`/`random_state` param or the ingest field). */
  seed: z.union([z.number(), z.string().max(100)]).optional(),
});
export type RunDetailRecord = z.infer<typeof runDetailSchema>;
export type RunDetailInput = z.input<typeof runDetailSchema>;

/** The blob is not a run detail; `issues` name each field that is wrong. */
export class RunDetailError extends Error {
  override readonly name = 'RunDetailError';
}

/**
 * Reads a detail blob's JSON. Also reads the first MLflow import format (`kind: 'mlflow-run'`,
 * written before this one existed), so workspaces imported then still open.
 */
export function parseRunDetail(json: unknown): RunDetailRecord {
  const value = isLegacyMlflowRun(json) ? fromLegacyMlflowRun(json) : json;
  const parsed = runDetailSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new RunDetailError(`not a run detail: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
}

/** A metric point's value as a number (NaN/±Infinity restored from their JSON strings). */
export function metricPointValue(point: MetricPointRecord): number {
  return typeof point.value === 'number' ? point.value : Number(point.value);
}

/** The seed a run recorded: the detail's own field, else a param MLflow users conventionally log. */
export function runSeed(detail: RunDetailRecord): string | undefined {
  if (detail.seed !== undefined) return String(detail.seed);
  for (const key of ['seed', 'random_seed', 'random_state', 'rng_seed', 'torch_seed']) {
    const value = detail.params[key];
    if (value !== undefined && value.trim() !== '' && value !== 'None') return value;
  }
  return undefined;
}

function isLegacyMlflowRun(json: unknown): json is Record<string, unknown> {
  return typeof json === 'object' && json !== null && (json as { kind?: unknown }).kind === 'mlflow-run';
}

function fromLegacyMlflowRun(old: Record<string, unknown>): unknown {
  const tags = (old.tags ?? {}) as Record<string, string>;
  return {
    kind: RUN_DETAIL_KIND,
    version: 1,
    source: `mlflow:${String(old.runId)}`,
    name: old.name,
    experiment: old.experiment,
    status: old.status,
    startTime: old.startTime,
    endTime: old.endTime ?? null,
    params: old.params,
    tags,
    metrics: old.metrics,
    artifacts: old.artifacts ?? null,
    ...(mlflowCode(tags) ? { code: mlflowCode(tags) } : {}),
    dataVersions: [],
    environment: [],
  };
}

/** The code version MLflow records in its system tags (`mlflow.source.*`). */
export function mlflowCode(tags: Record<string, string>): CodeVersion | undefined {
  // MLflow tags hold up to 5,000 characters; a value too long for its field is left out rather
  // than cut (a cut commit or URL would name something else).
  const field = (tag: string, max: number) => {
    const value = tags[tag];
    return value && value.length <= max ? value : undefined;
  };
  const [repo, commit, branch, entryPoint] = [field('mlflow.source.git.repoURL', 2000), field('mlflow.source.git.commit', 100), field('mlflow.source.git.branch', 300), field('mlflow.source.name', 1000)];
  const code: CodeVersion = {
    ...(repo ? { repo } : {}),
    ...(commit ? { commit } : {}),
    ...(branch ? { branch } : {}),
    ...(entryPoint ? { entryPoint } : {}),
  };
  return Object.keys(code).length > 0 ? code : undefined;
}
