/**
 * Writes an MLflow import (run summaries and the model registry) into a workspace doc with the
 * workspace's own commands (upsertRunSummaries, createModel, registerModelVersion, moveAlias …),
 * so every rule holds for imports too — `production` moves only with an owner's override (an
 * editor's import brings everything else and says the production move waits for an owner), and
 * afterwards only by the handoff rule. It returns every change it made, so the same call on a
 * copy of the doc is the dry run.
 *
 * Re-imports update, never duplicate: runs match on `mlflow:<run uuid>`, models on
 * `mlflow:<name>` (else on the name), versions on `mlflow:<name>/versions/<n>`. An alias is moved
 * only when MLflow's state for it differs from what the last MLflow import said (the latest event
 * with `source: 'mlflow'`), so a move made in Driftdesk since is not undone by importing the same
 * MLflow state again, and a stage changed in MLflow shows as one new move.
 *
 * Who acts: the importing member (their id and name are on every record, as the sync server
 * requires of what a connection writes), and alias events carry `source: 'mlflow'`: MLflow does
 * not record who moved a stage, so the audit trail shows such a move as MLflow's, with the
 * member who ran the import.
 *
 * It throws MlflowRegistryError on the first refusal, having possibly written part of the
 * import: callers apply it to a copy of the doc and send the result only when it held.
 */
import type * as Y from 'yjs';
import { type CommandContext, CommandError } from '../workspace/command-context.ts';
import {
  PROTECTED_ALIASES, aliasHistory, createModel, findModelByName, listModelVersions, listModels, memberRole, moveAlias,
  registerModelVersion, updateModelDetails, updateModelVersionDetails,
} from '../workspace/models.ts';
import { type RunSummaryInput, findRunBySource, upsertRunSummaries } from '../workspace/runs.ts';
import { REGISTRY_TAG_LIMIT, type AliasEventRecord, type ModelRecord, type ModelVersionRecord } from '../workspace/schema.ts';
import { type MlflowRegisteredModel, driftdeskModelName, mlflowModelSource, mlflowVersionSource, wantedAliases } from './registry-plan.ts';

/** How the audit trail names the mover of an imported alias (who moved it in MLflow is unknown). */
export const MLFLOW_IMPORT_ACTOR_NAME = 'MLflow import';
/** `source` of every alias event an MLflow import writes. */
export const MLFLOW_ALIAS_SOURCE = 'mlflow';

export interface MlflowImportInput {
  runs: readonly RunSummaryInput[];
  models: readonly MlflowRegisteredModel[];
}

export interface MlflowChange {
  kind: 'run' | 'model' | 'version' | 'alias';
  action: 'create' | 'update' | 'move' | 'remove';
  text: string;
}

export interface Tally { created: number; updated: number; unchanged: number }

export interface MlflowApplyReport {
  runs: Tally;
  models: Tally;
  versions: Tally;
  /** `needOwner`: protected moves (production) left out because the importer is not an owner. */
  aliases: { moved: number; unchanged: number; needOwner: number };
  /** Every create, update and alias move, in the order made. */
  changes: MlflowChange[];
  /** What was left out or adjusted, and why (odd alias names, a run not in the workspace …). */
  notes: string[];
}

/** The import cannot be applied; `problems` says what and where, and nothing is sent. */
export class MlflowRegistryError extends Error {
  override readonly name = 'MlflowRegistryError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

/**
 * Applies runs, then the registry, to `doc` in one transaction. `ctx.actor.id` must be the
 * importing member (a member's connection may write only records under its own id and name).
 */
export function applyMlflowImport(doc: Y.Doc, input: MlflowImportInput, ctx: CommandContext): MlflowApplyReport {
  const report: MlflowApplyReport = {
    runs: tally(), models: tally(), versions: tally(), aliases: { moved: 0, unchanged: 0, needOwner: 0 }, changes: [], notes: [],
  };
  // Records name the member who ran the import, as the server knows them (it refuses any other
  // name); alias events say they were imported (`source`), and the audit trail shows them as
  // MLflow's, run by that member.
  const importCtx: CommandContext = ctx;
  doc.transact(() => {
    for (const { outcome, record } of upsertRunSummaries(doc, input.runs, ctx)) {
      const key = outcome === 'inserted' ? 'created' : outcome;
      report.runs[key] += 1;
      if (outcome !== 'unchanged') report.changes.push({ kind: 'run', action: outcome === 'inserted' ? 'create' : 'update', text: `${record.source}  ${record.experiment} / ${record.name}` });
    }
    for (const model of input.models) applyModel(doc, model, importCtx, report);
  });
  return report;
}

function applyModel(doc: Y.Doc, mlflow: MlflowRegisteredModel, ctx: CommandContext, report: MlflowApplyReport): void {
  const at = (time: number | null): CommandContext => (time === null ? ctx : { ...ctx, now: () => time });
  const name = driftdeskModelName(mlflow.name);
  if (name === null) {
    report.notes.push(`model ${JSON.stringify(mlflow.name)} has no letters or digits to name a Driftdesk model with; left out`);
    return;
  }
  if (name !== mlflow.name) report.notes.push(`model ${JSON.stringify(mlflow.name)} is named ${name} in Driftdesk (letters, digits, ".", "_", "-", "/")`);
  const source = mlflowModelSource(mlflow.name);
  const tags = cappedTags(mlflow.tags, `model ${mlflow.name}`, report);
  const description = mlflow.description.trim().slice(0, 5000);
  let model: ModelRecord | undefined = listModels(doc).find((m) => m.source === source) ?? findModelByName(doc, name);
  if (!model) {
    model = command(() => createModel(doc, { name, description, source, tags }, at(mlflow.createdAt)), `model ${mlflow.name}`);
    report.models.created += 1;
    report.changes.push({ kind: 'model', action: 'create', text: name });
  } else if (model.source === source && (model.description !== description || !sameTags(model.tags, tags))) {
    // Only a model this import made follows MLflow's description; one a person made keeps theirs.
    const fields = [model.description !== description ? 'description' : '', !sameTags(model.tags, tags) ? 'tags' : ''].filter(Boolean).join(', ');
    const modelId = model.id;
    model = command(() => updateModelDetails(doc, { modelId, description, tags }, ctx), `model ${mlflow.name}`);
    report.models.updated += 1;
    report.changes.push({ kind: 'model', action: 'update', text: `${name}: ${fields}` });
  } else report.models.unchanged += 1;

  const modelId = model.id;
  const existing = new Map(listModelVersions(doc, modelId).flatMap((v) => (v.source ? [[v.source, v] as const] : [])));
  const idByNumber = new Map<number, ModelVersionRecord>();
  for (const v of [...mlflow.versions].sort((a, b) => a.version - b.version)) {
    const where = `${mlflow.name} v${v.version}`;
    const versionSource = mlflowVersionSource(mlflow.name, v.version);
    const run = v.runId ? findRunBySource(doc, `mlflow:${v.runId}`) : null;
    if (v.runId && !run) report.notes.push(`${where}: its run ${v.runId} is not in the workspace (deleted in MLflow, or in another store); imported without a run link`);
    const fields = {
      description: v.description.trim().slice(0, 5000),
      tags: cappedTags(v.tags, where, report),
      status: v.status ? v.status.slice(0, 50) : null,
      artifactUri: v.source ? v.source.slice(0, 1000) : null,
    };
    const found = existing.get(versionSource);
    let record: ModelVersionRecord;
    if (!found) {
      record = command(() => registerModelVersion(doc, {
        modelId, version: v.version, description: fields.description, source: versionSource, tags: fields.tags,
        ...(fields.status ? { status: fields.status } : {}), ...(fields.artifactUri ? { artifactUri: fields.artifactUri } : {}), ...(run ? { runId: run.id } : {}),
      }, at(v.createdAt)), where);
      report.versions.created += 1;
      report.changes.push({ kind: 'version', action: 'create', text: `${name} v${v.version}${run ? `  from run ${run.name} (${run.source})` : ''}` });
    } else {
      // A run link stays once made: imports never remove runs, and a run deleted in MLflow later keeps its Driftdesk record.
      const runId = run?.id ?? found.runId ?? null;
      const changed = [
        found.description !== fields.description ? 'description' : '',
        !sameTags(found.tags, fields.tags) ? 'tags' : '',
        (found.status ?? null) !== fields.status ? 'status' : '',
        (found.artifactUri ?? null) !== fields.artifactUri ? 'source' : '',
        (found.runId ?? null) !== runId ? 'run' : '',
      ].filter(Boolean);
      if (changed.length > 0) {
        record = command(() => updateModelVersionDetails(doc, { versionId: found.id, ...fields, runId }, ctx), where);
        report.versions.updated += 1;
        report.changes.push({ kind: 'version', action: 'update', text: `${name} v${v.version}: ${changed.join(', ')}` });
      } else {
        record = found;
        report.versions.unchanged += 1;
      }
    }
    idByNumber.set(v.version, record);
  }

  const { aliases: wanted, notes } = wantedAliases(mlflow);
  report.notes.push(...notes);
  const lastImported = new Map<string, AliasEventRecord>();
  for (const e of aliasHistory(doc, modelId)) {
    if (e.source !== MLFLOW_ALIAS_SOURCE) continue;
    const seen = lastImported.get(e.alias);
    if (!seen || e.seq > seen.seq || (e.seq === seen.seq && (e.at > seen.at || (e.at === seen.at && e.id > seen.id)))) lastImported.set(e.alias, e);
  }
  for (const alias of [...new Set([...wanted.keys(), ...lastImported.keys()])].sort()) {
    const want = wanted.get(alias);
    const versionId = want ? idByNumber.get(want.version)!.id : null;
    if ((lastImported.get(alias)?.versionId ?? null) === versionId) {
      if (want) report.aliases.unchanged += 1;
      continue;
    }
    const isProtected = PROTECTED_ALIASES.includes(alias);
    if (isProtected && memberRole(doc, ctx.actor.id) !== 'owner') {
      // An editor's import still brings runs, models and the other aliases (as imports of runs
      // always have); the protected move waits for an owner's import, which will make it.
      report.aliases.needOwner += 1;
      report.notes.push(`${name}: MLflow has ${want ? `v${want.version} as ${want.origin}` : `no version as ${alias}`}, but ${alias} was not moved: only an owner's token imports moves of ${alias} (run the import again with one), or hand the version off to ops in Driftdesk`);
      continue;
    }
    const reason = want
      ? `imported from MLflow (${want.origin} there; MLflow does not record who moved it)`
      : `imported from MLflow (no version has it there any more)`;
    command(() => moveAlias(doc, { modelId, alias, versionId, source: MLFLOW_ALIAS_SOURCE, ...(isProtected ? { overrideReason: reason } : {}) }, ctx), `${mlflow.name}: ${alias}`);
    report.aliases.moved += 1;
    report.changes.push({ kind: 'alias', action: want ? 'move' : 'remove', text: want ? `${name}: ${alias} → v${want.version}  (MLflow ${want.origin})` : `${name}: ${alias} removed  (MLflow has no version there any more)` });
  }
}

function command<T>(run: () => T, where: string): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof CommandError) throw new MlflowRegistryError([`${where}: ${err.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`]);
    throw err;
  }
}

function cappedTags(tags: Record<string, string>, where: string, report: MlflowApplyReport): Record<string, string> {
  const keys = Object.keys(tags).filter((k) => k.length > 0 && k.length <= 250).sort();
  if (keys.length > REGISTRY_TAG_LIMIT) report.notes.push(`${where}: ${keys.length} tags, the first ${REGISTRY_TAG_LIMIT} by name are kept`);
  return Object.fromEntries(keys.slice(0, REGISTRY_TAG_LIMIT).map((k) => [k, tags[k]!.slice(0, 5000)]));
}

function sameTags(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b).length && ak.every((k) => a![k] === b[k]);
}

const tally = (): Tally => ({ created: 0, updated: 0, unchanged: 0 });
