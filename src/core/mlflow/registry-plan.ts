/**
 * MLflow's model registry as plain data (what both readers of src/data/mlflow produce), and what
 * its stages and aliases mean as Driftdesk aliases.
 *
 * MLflow has two ways to name a version: stages (MLflow ≤ 2: None, Staging, Production,
 * Archived; several versions may share one) and aliases (MLflow ≥ 2.3: one alias names one
 * version). A Driftdesk alias names one version, so a stage becomes the alias `staging`,
 * `production` or `archived` pointing at the highest-numbered version in that stage — the version
 * MLflow's own `get_latest_versions(name, stages=[…])` returns for it. An MLflow alias keeps its
 * name; where one is named like a stage's alias, the MLflow alias wins (it is the newer, explicit
 * mechanism) and a note says so.
 */
import { aliasNameSchema, modelNameSchema } from '../workspace/schema.ts';

export interface MlflowRegistryVersion {
  version: number;
  description: string;
  /** Milliseconds since the epoch; null when MLflow did not record it. */
  createdAt: number | null;
  tags: Record<string, string>;
  /** MLflow's `source`: where the model's files are (`runs:/<run>/model`, `…/<run>/artifacts/model`). */
  source: string;
  /** The run that produced it: MLflow's `run_id`, or the run named in `source` when that is empty. */
  runId: string | null;
  /** READY, PENDING_REGISTRATION or FAILED_REGISTRATION; null in stores that lack the column. */
  status: string | null;
  /** MLflow's `current_stage` (None, Staging, Production, Archived). */
  stage: string;
}

export interface MlflowRegisteredModel {
  name: string;
  description: string;
  createdAt: number | null;
  tags: Record<string, string>;
  /** Deleted versions (MLflow's `Deleted_Internal` stage) are left out by the readers. */
  versions: MlflowRegistryVersion[];
  /** MLflow ≥ 2.3 aliases: alias → version number. */
  aliases: Record<string, number>;
}

/** MLflow's stages that become aliases ("None" means no stage). */
export const STAGE_ALIASES: Readonly<Record<string, string>> = { staging: 'staging', production: 'production', archived: 'archived' };

/** Where a wanted alias comes from, for the audit trail and the report. */
export interface WantedAlias {
  version: number;
  origin: string;
}

/**
 * The aliases MLflow's state asks for, by Driftdesk alias name, and notes on what was left out.
 * Pure: the same registry gives the same answer, so a re-import compares like with like.
 */
export function wantedAliases(model: MlflowRegisteredModel): { aliases: Map<string, WantedAlias>; notes: string[] } {
  const aliases = new Map<string, WantedAlias>();
  const notes: string[] = [];
  const numbers = new Set(model.versions.map((v) => v.version));
  for (const v of [...model.versions].sort((a, b) => a.version - b.version)) {
    const alias = STAGE_ALIASES[v.stage.toLowerCase()];
    if (alias) aliases.set(alias, { version: v.version, origin: `stage ${v.stage}` });
    else if (v.stage.toLowerCase() !== 'none' && v.stage !== '') notes.push(`${model.name} v${v.version}: stage ${JSON.stringify(v.stage)} is not one of MLflow's stages; no alias for it`);
  }
  for (const [alias, version] of Object.entries(model.aliases).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!aliasNameSchema.safeParse(alias).success) {
      notes.push(`${model.name}: alias ${JSON.stringify(alias)} cannot be a Driftdesk alias (letters, digits, "_" or "-", up to 100); left out`);
      continue;
    }
    if (!numbers.has(version)) {
      notes.push(`${model.name}: alias ${alias} names version ${version}, which is not in the store (deleted?); left out`);
      continue;
    }
    const stage = aliases.get(alias);
    if (stage && stage.version !== version) notes.push(`${model.name}: MLflow alias ${alias} (v${version}) and ${stage.origin} (v${stage.version}) both map to ${alias}; the alias wins`);
    aliases.set(alias, { version, origin: `alias ${alias}` });
  }
  return { aliases, notes };
}

/**
 * A Driftdesk model name for an MLflow one. MLflow allows spaces and most punctuation; Driftdesk
 * (like GTO) allows letters, digits, `.`, `_`, `-`, `/`. Other characters become `-`; the MLflow
 * name stays in the model's `source` (`mlflow:<name>`), which is what re-imports match on.
 */
export function driftdeskModelName(name: string): string | null {
  if (modelNameSchema.safeParse(name).success) return name;
  const mapped = name.replace(/[^A-Za-z0-9._/-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 200);
  return modelNameSchema.safeParse(mapped).success ? mapped : null;
}

/** The `source` of an imported model and of its versions: what re-imports match on. */
export const mlflowModelSource = (name: string): string => `mlflow:${name}`.slice(0, 300);
export const mlflowVersionSource = (name: string, version: number): string => `mlflow:${name}/versions/${version}`.slice(0, 300);

/**
 * The run a version's `source` names, for versions registered with an empty `run_id` (MLflow
 * leaves it empty when a model is registered from a path, e.g. `mlflow.register_model(
 * "/tmp/0/<run>/artifacts/model", …)`): `runs:/<run>/…`, or a path with `<run>/artifacts` in it,
 * where `<run>` is MLflow's 32-hex run id. Null when it names no run.
 */
export function runIdFromSource(source: string): string | null {
  const m = /^runs:\/([0-9a-f]{32})(?:\/|$)/i.exec(source) ?? /(?:^|\/)([0-9a-f]{32})\/artifacts(?:\/|$)/i.exec(source);
  return m ? m[1]!.toLowerCase() : null;
}
