/**
 * The model registry: team roles, models, versions (each from a run) and aliases.
 *
 * Aliases follow MLflow's semantics (one alias names one version of one model; moving it is one
 * step) and take GTO's stages as aliases on import. An alias is never stored as a field to
 * overwrite: every move is an immutable event (`aliasEvents`), and the alias points where its
 * latest event says — ordered by a Lamport `seq`, so two moves in the same millisecond, or after
 * a clock that runs ahead, still land in the order people made them. The log is the audit trail.
 *
 * `production` is protected: moving it needs an accepted handoff to ops of that version
 * (src/core/handoff); an owner may override, and the override and its reason are recorded. An
 * import (GTO's `prod` stage) is an owner's override whose reason names the source.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { type CommandContext, CommandError, parseInput } from './command-context.ts';
import { handoffState } from '../handoff/state-machine.ts';
import { parseRecord } from './queries.ts';
import {
  type AliasEventRecord,
  DOC_KEYS,
  type ModelRecord,
  type ModelVersionRecord,
  type Role,
  type TeamRole,
  type TeamRoleRecord,
  aliasEventSchema,
  aliasNameSchema,
  handoffEventSchema,
  handoffSchema,
  memberSchema,
  modelNameSchema,
  modelSchema,
  modelVersionSchema,
  registryTagsSchema,
  teamRoleRecordSchema,
  teamRoleSchema,
} from './schema.ts';

/** Aliases that only an accepted handoff to ops (or a recorded owner override) may move. */
export const PROTECTED_ALIASES: readonly string[] = ['production'];

/** The member's permission role in this workspace, or undefined when the doc does not list them. */
export function memberRole(doc: Y.Doc, memberId: string): Role | undefined {
  return parseRecord(memberSchema, doc.getMap(DOC_KEYS.members).get(memberId))?.role;
}

/** What the member does on the team, or undefined when nobody has said yet. */
export function teamRoleOf(doc: Y.Doc, memberId: string): TeamRole | undefined {
  return parseRecord(teamRoleRecordSchema, doc.getMap(DOC_KEYS.teamRoles).get(memberId))?.teamRole;
}

export function listTeamRoles(doc: Y.Doc): TeamRoleRecord[] {
  return [...doc.getMap(DOC_KEYS.teamRoles).values()].flatMap((v) => parseRecord(teamRoleRecordSchema, v) ?? []);
}

const setTeamRoleInput = z.object({ memberId: z.string().min(1).max(128), teamRole: teamRoleSchema.nullable() });

/** Sets (or with null clears) a member's team role. Owners only: it decides who may accept handoffs. */
export function setTeamRole(doc: Y.Doc, input: z.input<typeof setTeamRoleInput>, ctx: CommandContext): TeamRoleRecord | null {
  const data = parseInput('setTeamRole', setTeamRoleInput, input);
  if (memberRole(doc, ctx.actor.id) !== 'owner') throw new CommandError('setTeamRole', [{ path: '', message: 'only owners can set team roles' }]);
  if (!doc.getMap(DOC_KEYS.members).has(data.memberId)) throw new CommandError('setTeamRole', [{ path: 'memberId', message: `no member ${data.memberId}` }]);
  const roles = doc.getMap<TeamRoleRecord>(DOC_KEYS.teamRoles);
  if (data.teamRole === null) {
    roles.delete(data.memberId);
    return null;
  }
  const record: TeamRoleRecord = { memberId: data.memberId, teamRole: data.teamRole, setById: ctx.actor.id, setByName: ctx.actor.name, at: ctx.now() };
  roles.set(data.memberId, record);
  return record;
}

const createModelInput = z.object({
  name: modelNameSchema,
  description: z.string().trim().max(5000).default(''),
  source: z.string().max(300).optional(),
  tags: registryTagsSchema.optional(),
});

/** Registers a model. Names are unique in a workspace, ignoring case (as MLflow's registry). */
export function createModel(doc: Y.Doc, input: z.input<typeof createModelInput>, ctx: CommandContext): ModelRecord {
  const data = parseInput('createModel', createModelInput, input);
  if (findModelByName(doc, data.name)) throw new CommandError('createModel', [{ path: 'name', message: `a model named ${data.name} exists` }]);
  const record: ModelRecord = {
    id: ctx.newId(),
    name: data.name,
    description: data.description,
    createdAt: ctx.now(),
    createdById: ctx.actor.id,
    createdByName: ctx.actor.name,
    ...(data.source ? { source: data.source } : {}),
    ...(data.tags && Object.keys(data.tags).length > 0 ? { tags: data.tags } : {}),
  };
  doc.getMap<ModelRecord>(DOC_KEYS.models).set(record.id, record);
  return record;
}

const updateModelInput = z.object({
  modelId: z.string().min(1).max(128),
  description: z.string().trim().max(5000).optional(),
  /** Replaces all tags; an empty record clears them. */
  tags: registryTagsSchema.optional(),
});

/**
 * Changes a model's description or tags (what an import brings again when the source registry
 * changed them). Name, creator and source stay: they identify the model.
 */
export function updateModelDetails(doc: Y.Doc, input: z.input<typeof updateModelInput>, ctx: CommandContext): ModelRecord {
  const data = parseInput('updateModelDetails', updateModelInput, input);
  const model = getModel(doc, data.modelId);
  if (!model) throw new CommandError('updateModelDetails', [{ path: 'modelId', message: `no model ${data.modelId}` }]);
  void ctx;
  const { tags: _old, ...rest } = model;
  const tags = data.tags ?? model.tags;
  const record: ModelRecord = {
    ...rest,
    ...(data.description !== undefined ? { description: data.description } : {}),
    ...(tags && Object.keys(tags).length > 0 ? { tags } : {}),
  };
  doc.getMap<ModelRecord>(DOC_KEYS.models).set(record.id, record);
  return record;
}

export function listModels(doc: Y.Doc): ModelRecord[] {
  return [...doc.getMap(DOC_KEYS.models).values()].flatMap((v) => parseRecord(modelSchema, v) ?? []).sort((a, b) => a.name.localeCompare(b.name));
}

export function getModel(doc: Y.Doc, id: string): ModelRecord | undefined {
  return parseRecord(modelSchema, doc.getMap(DOC_KEYS.models).get(id));
}

export function findModelByName(doc: Y.Doc, name: string): ModelRecord | undefined {
  const lower = name.toLowerCase();
  return listModels(doc).find((m) => m.name.toLowerCase() === lower);
}

const registerVersionInput = z.object({
  modelId: z.string().min(1).max(128),
  runId: z.string().min(1).max(128).optional(),
  label: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(5000).default(''),
  baselineDatasetVersionId: z.string().min(1).max(128).optional(),
  source: z.string().max(300).optional(),
  /**
   * The number the source registry gave it (an import keeps MLflow's numbers, so "v3" means the
   * same in both). Refused when this model already has that number.
   */
  version: z.number().int().positive().optional(),
  tags: registryTagsSchema.optional(),
  status: z.string().max(50).optional(),
  artifactUri: z.string().max(1000).optional(),
});
export type RegisterVersionInput = z.input<typeof registerVersionInput>;

/**
 * Adds the next version of a model (1 + the highest number this replica has seen). Two people
 * registering offline at once can both get the same number; both versions are kept (distinct
 * ids) and the registry shows them side by side, ordered by time.
 */
export function registerModelVersion(doc: Y.Doc, input: RegisterVersionInput, ctx: CommandContext): ModelVersionRecord {
  const data = parseInput('registerModelVersion', registerVersionInput, input);
  const problems: { path: string; message: string }[] = [];
  if (!getModel(doc, data.modelId)) problems.push({ path: 'modelId', message: `no model ${data.modelId}` });
  if (data.runId !== undefined && !doc.getMap(DOC_KEYS.runs).has(data.runId)) problems.push({ path: 'runId', message: `no run ${data.runId}` });
  if (data.baselineDatasetVersionId !== undefined && !datasetVersionExists(doc, data.baselineDatasetVersionId)) {
    problems.push({ path: 'baselineDatasetVersionId', message: `no dataset version ${data.baselineDatasetVersionId}` });
  }
  const versions = listModelVersions(doc, data.modelId);
  if (data.version !== undefined && versions.some((v) => v.version === data.version)) {
    problems.push({ path: 'version', message: `this model already has a version ${data.version}` });
  }
  if (problems.length > 0) throw new CommandError('registerModelVersion', problems);
  const record: ModelVersionRecord = {
    id: ctx.newId(),
    modelId: data.modelId,
    version: data.version ?? Math.max(0, ...versions.map((v) => v.version)) + 1,
    description: data.description,
    createdAt: ctx.now(),
    createdById: ctx.actor.id,
    createdByName: ctx.actor.name,
    ...(data.label ? { label: data.label } : {}),
    ...(data.runId ? { runId: data.runId } : {}),
    ...(data.baselineDatasetVersionId ? { baselineDatasetVersionId: data.baselineDatasetVersionId } : {}),
    ...(data.source ? { source: data.source } : {}),
    ...(data.tags && Object.keys(data.tags).length > 0 ? { tags: data.tags } : {}),
    ...(data.status ? { status: data.status } : {}),
    ...(data.artifactUri ? { artifactUri: data.artifactUri } : {}),
  };
  doc.getMap<ModelVersionRecord>(DOC_KEYS.modelVersions).set(record.id, record);
  return record;
}

const updateVersionInput = z.object({
  versionId: z.string().min(1).max(128),
  description: z.string().trim().max(5000).optional(),
  /** Replaces all tags; an empty record clears them. */
  tags: registryTagsSchema.optional(),
  /** null clears it. */
  status: z.string().max(50).nullable().optional(),
  artifactUri: z.string().max(1000).nullable().optional(),
  /** Links the run it was trained in (e.g. once that run is imported); null unlinks. */
  runId: z.string().min(1).max(128).nullable().optional(),
});

/**
 * Changes what a source registry may change about a version after registering it: description,
 * tags, status, where its files are, the run it came from. Number, model and creator stay.
 */
export function updateModelVersionDetails(doc: Y.Doc, input: z.input<typeof updateVersionInput>, ctx: CommandContext): ModelVersionRecord {
  const data = parseInput('updateModelVersionDetails', updateVersionInput, input);
  const version = getModelVersion(doc, data.versionId);
  if (!version) throw new CommandError('updateModelVersionDetails', [{ path: 'versionId', message: `no model version ${data.versionId}` }]);
  if (data.runId && !doc.getMap(DOC_KEYS.runs).has(data.runId)) throw new CommandError('updateModelVersionDetails', [{ path: 'runId', message: `no run ${data.runId}` }]);
  void ctx;
  const { tags: oldTags, status: oldStatus, artifactUri: oldUri, runId: oldRun, ...rest } = version;
  const tags = data.tags ?? oldTags;
  const status = data.status === undefined ? oldStatus : data.status;
  const artifactUri = data.artifactUri === undefined ? oldUri : data.artifactUri;
  const runId = data.runId === undefined ? oldRun : data.runId;
  const record: ModelVersionRecord = {
    ...rest,
    ...(data.description !== undefined ? { description: data.description } : {}),
    ...(runId ? { runId } : {}),
    ...(tags && Object.keys(tags).length > 0 ? { tags } : {}),
    ...(status ? { status } : {}),
    ...(artifactUri ? { artifactUri } : {}),
  };
  doc.getMap<ModelVersionRecord>(DOC_KEYS.modelVersions).set(record.id, record);
  return record;
}

const setBaselineInput = z.object({ versionId: z.string().min(1).max(128), datasetVersionId: z.string().min(1).max(128).nullable() });

/** Sets the dataset version that monitors of this model version compare against (its drift baseline). */
export function setDriftBaseline(doc: Y.Doc, input: z.input<typeof setBaselineInput>, ctx: CommandContext): ModelVersionRecord {
  const data = parseInput('setDriftBaseline', setBaselineInput, input);
  const version = getModelVersion(doc, data.versionId);
  if (!version) throw new CommandError('setDriftBaseline', [{ path: 'versionId', message: `no model version ${data.versionId}` }]);
  if (data.datasetVersionId !== null && !datasetVersionExists(doc, data.datasetVersionId)) {
    throw new CommandError('setDriftBaseline', [{ path: 'datasetVersionId', message: `no dataset version ${data.datasetVersionId}` }]);
  }
  void ctx;
  const { baselineDatasetVersionId: _old, ...rest } = version;
  const record: ModelVersionRecord = data.datasetVersionId === null ? rest : { ...rest, baselineDatasetVersionId: data.datasetVersionId };
  doc.getMap<ModelVersionRecord>(DOC_KEYS.modelVersions).set(record.id, record);
  return record;
}

/** A model's versions, highest number first (ties: newest first). */
export function listModelVersions(doc: Y.Doc, modelId: string): ModelVersionRecord[] {
  return [...doc.getMap(DOC_KEYS.modelVersions).values()]
    .flatMap((v) => parseRecord(modelVersionSchema, v) ?? [])
    .filter((v) => v.modelId === modelId)
    .sort((a, b) => b.version - a.version || b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
}

export function getModelVersion(doc: Y.Doc, id: string): ModelVersionRecord | undefined {
  return parseRecord(modelVersionSchema, doc.getMap(DOC_KEYS.modelVersions).get(id));
}

/** Orders two events of one alias: causal (seq) first, then clock, then id — the same on every replica. */
function aliasEventOrder(a: AliasEventRecord, b: AliasEventRecord): number {
  return a.seq - b.seq || a.at - b.at || (a.id > b.id ? 1 : a.id < b.id ? -1 : 0);
}

/** Every alias move of a model, oldest first. */
export function aliasHistory(doc: Y.Doc, modelId: string): AliasEventRecord[] {
  return [...doc.getMap(DOC_KEYS.aliasEvents).values()]
    .flatMap((v) => parseRecord(aliasEventSchema, v) ?? [])
    .filter((e) => e.modelId === modelId)
    // One total order (a comparator mixing per-alias seq with cross-alias clocks could cycle, and
    // the trail would then depend on map iteration order): clock, then alias, then causal order.
    .sort((a, b) => a.at - b.at || (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : aliasEventOrder(a, b)));
}

/**
 * Where each alias of a model points now (removed aliases are absent), by the latest event per
 * alias. A move of a protected alias counts only if it carries what `moveAlias` asks for — an
 * accepted handoff to ops of that version, or an override by a member who is an owner — so a
 * client that skips the command's check cannot move `production` for everyone else. (The
 * server does not check who wrote an event, so the owner's id could still be claimed falsely;
 * the audit trail shows every such move.)
 */
export function currentAliases(doc: Y.Doc, modelId: string): Map<string, AliasEventRecord> {
  const latest = new Map<string, AliasEventRecord>();
  for (const event of aliasHistory(doc, modelId)) {
    if (PROTECTED_ALIASES.includes(event.alias) && !protectedMoveAllowed(doc, event)) continue;
    const seen = latest.get(event.alias);
    if (!seen || aliasEventOrder(event, seen) > 0) latest.set(event.alias, event);
  }
  for (const [alias, event] of latest) if (event.versionId === null) latest.delete(alias);
  return latest;
}

/** The aliases that point at a version now. */
export function aliasesOfVersion(doc: Y.Doc, version: ModelVersionRecord): string[] {
  return [...currentAliases(doc, version.modelId)].filter(([, e]) => e.versionId === version.id).map(([alias]) => alias).sort();
}

const moveAliasInput = z.object({
  modelId: z.string().min(1).max(128),
  alias: aliasNameSchema,
  /** null removes the alias. */
  versionId: z.string().min(1).max(128).nullable(),
  /** For a protected alias: the accepted handoff to ops of this version. */
  handoffId: z.string().min(1).max(128).optional(),
  /** For a protected alias without a handoff: an owner's reason, recorded. */
  overrideReason: z.string().trim().min(1).max(2000).optional(),
  source: z.string().max(300).optional(),
});
export type MoveAliasInput = z.input<typeof moveAliasInput>;

/**
 * Points an alias at a version (or removes it). A protected alias (`production`) moves only with
 * `handoffId` naming an accepted handoff to ops of that very version, or, for an owner, with an
 * `overrideReason` — recorded on the event. `acceptedHandoffTo` tells whether a handoff qualifies
 * (src/core/workspace/handoffs.ts provides it; passed in so this file does not depend on that one).
 */
export function moveAlias(
  doc: Y.Doc,
  input: MoveAliasInput,
  ctx: CommandContext & { acceptedHandoffTo?: (handoffId: string, versionId: string) => boolean },
): AliasEventRecord {
  const data = parseInput('moveAlias', moveAliasInput, input);
  if (!getModel(doc, data.modelId)) throw new CommandError('moveAlias', [{ path: 'modelId', message: `no model ${data.modelId}` }]);
  if (data.versionId !== null) {
    const version = getModelVersion(doc, data.versionId);
    if (!version || version.modelId !== data.modelId) throw new CommandError('moveAlias', [{ path: 'versionId', message: `no version ${data.versionId} of this model` }]);
  }
  let override: AliasEventRecord['override'];
  let handoffId: string | undefined;
  if (PROTECTED_ALIASES.includes(data.alias)) {
    const target = data.versionId;
    const viaHandoff = target !== null && data.handoffId !== undefined && (ctx.acceptedHandoffTo?.(data.handoffId, target) ?? false);
    const owner = memberRole(doc, ctx.actor.id) === 'owner';
    if (viaHandoff) handoffId = data.handoffId;
    else if (data.overrideReason !== undefined && owner) override = { reason: data.overrideReason };
    // An import mirrors a decision made in another registry (a GTO stage in git): owners only, and it says so.
    else if (data.source !== undefined && data.overrideReason === undefined && owner) override = { reason: `imported from ${data.source}` };
    else {
      const message = data.overrideReason !== undefined || data.source !== undefined
        ? `only owners can ${data.source !== undefined ? 'import' : 'override'} ${data.alias}: ask an owner, or hand the version off to ops first`
        : `moving ${data.alias} needs an accepted handoff to ops of this version (owners may override with a reason)`;
      throw new CommandError('moveAlias', [{ path: data.overrideReason !== undefined ? 'overrideReason' : 'handoffId', message }]);
    }
  }
  const previous = [...doc.getMap(DOC_KEYS.aliasEvents).values()]
    .flatMap((v) => parseRecord(aliasEventSchema, v) ?? [])
    .filter((e) => e.modelId === data.modelId && e.alias === data.alias);
  const record: AliasEventRecord = {
    id: ctx.newId(),
    modelId: data.modelId,
    alias: data.alias,
    versionId: data.versionId,
    byId: ctx.actor.id,
    byName: ctx.actor.name,
    at: ctx.now(),
    seq: Math.max(0, ...previous.map((e) => e.seq)) + 1,
    ...(handoffId ? { handoffId } : {}),
    ...(override ? { override } : {}),
    ...(data.source ? { source: data.source } : {}),
  };
  doc.getMap<AliasEventRecord>(DOC_KEYS.aliasEvents).set(record.id, record);
  return record;
}

/** Whether a protected alias's event carries an accepted to-ops handoff of its version, or an owner's override. */
export function protectedMoveAllowed(doc: Y.Doc, event: AliasEventRecord): boolean {
  if (event.override !== undefined) return memberRole(doc, event.byId) === 'owner';
  if (event.handoffId === undefined || event.versionId === null) return false;
  const handoff = parseRecord(handoffSchema, doc.getMap(DOC_KEYS.handoffs).get(event.handoffId));
  if (!handoff || handoff.stage !== 'to-ops' || handoff.versionId !== event.versionId) return false;
  const events = [...doc.getMap(DOC_KEYS.handoffEvents).values()].flatMap((v) => parseRecord(handoffEventSchema, v) ?? []);
  return handoffState(handoff, events).status === 'accepted';
}

function datasetVersionExists(doc: Y.Doc, id: string): boolean {
  return doc.getMap(DOC_KEYS.datasetVersions).has(id);
}
