/**
 * The model registry and hand-offs between roles: team roles, models, model versions, alias
 * moves, handoff requests with their checklists, and the decisions and checks on them. Part of
 * the workspace schema; import it from schema.ts.
 */
import { z } from 'zod';
import { id, timestamp } from './schema-primitives.ts';

/** What a member does on the team; a handoff goes from one of these to the next. */
export const TEAM_ROLES = ['data-scientist', 'ml-engineer', 'ops'] as const;
export const teamRoleSchema = z.enum(TEAM_ROLES);
export type TeamRole = z.infer<typeof teamRoleSchema>;

export const teamRoleRecordSchema = z.object({
  memberId: id,
  teamRole: teamRoleSchema,
  setById: id,
  setByName: z.string().max(200),
  at: timestamp,
});
export type TeamRoleRecord = z.infer<typeof teamRoleRecordSchema>;

/** Model names as MLflow and GTO accept them: letters, digits, `-`, `_`, `.`, `/`. */
export const modelNameSchema = z.string().min(1).max(200).regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'use letters, digits, ".", "_", "-" or "/", starting with a letter or digit');

/** At most this many tags per model or version: the doc holds them all. */
export const REGISTRY_TAG_LIMIT = 100;
/** Tag keys and values as long as MLflow's registry columns allow (250 and 5000 characters). */
export const registryTagsSchema = z.record(z.string().min(1).max(250), z.string().max(5000))
  .refine((r) => Object.keys(r).length <= REGISTRY_TAG_LIMIT, `at most ${REGISTRY_TAG_LIMIT} tags`);

export const modelSchema = z.object({
  id,
  name: modelNameSchema,
  description: z.string().max(5000),
  createdAt: timestamp,
  createdById: id,
  createdByName: z.string().max(200),
  /** Where it came from when imported (`gto:<repo>`, `mlflow:<name>`). */
  source: z.string().max(300).optional(),
  /** Key/value tags, as MLflow's registry keeps them (absent on models made before they existed). */
  tags: registryTagsSchema.optional(),
});
export type ModelRecord = z.infer<typeof modelSchema>;

export const modelVersionSchema = z.object({
  id,
  modelId: id,
  /** 1, 2, 3 … per model, as MLflow numbers versions. */
  version: z.number().int().positive(),
  /** A name people use besides the number (GTO's `v1.2.0`). */
  label: z.string().max(100).optional(),
  /** The run it was trained in (its params, data versions and environment). */
  runId: id.optional(),
  description: z.string().max(5000),
  /** The dataset version monitors compare production data against for this model version. */
  baselineDatasetVersionId: id.optional(),
  createdAt: timestamp,
  createdById: id,
  createdByName: z.string().max(200),
  source: z.string().max(300).optional(),
  tags: registryTagsSchema.optional(),
  /** The source registry's registration status (MLflow: READY, PENDING_REGISTRATION, FAILED_REGISTRATION). */
  status: z.string().max(50).optional(),
  /** Where the model's files are, as the source registry says (MLflow's `source`, e.g. `runs:/…/model`). */
  artifactUri: z.string().max(1000).optional(),
});
export type ModelVersionRecord = z.infer<typeof modelVersionSchema>;

/** Alias names as MLflow allows them (`champion`, `production`); GTO stages import as aliases. */
export const aliasNameSchema = z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" or "-"');

export const aliasEventSchema = z.object({
  id,
  modelId: id,
  alias: aliasNameSchema,
  /** The version it now points to; null: the alias was removed. */
  versionId: id.nullable(),
  byId: id,
  byName: z.string().max(200),
  at: timestamp,
  /** Lamport clock per alias (see threadResolutionSchema.seq). */
  seq: z.number().int().nonnegative(),
  /** The accepted handoff that allowed the move, for protected aliases. */
  handoffId: id.optional(),
  /** An owner moved a protected alias without an accepted handoff: why. */
  override: z.object({ reason: z.string().min(1).max(2000) }).optional(),
  source: z.string().max(300).optional(),
});
export type AliasEventRecord = z.infer<typeof aliasEventSchema>;

export const HANDOFF_STAGES = ['to-ml-engineering', 'to-ops'] as const;
export const handoffStageSchema = z.enum(HANDOFF_STAGES);
export type HandoffStage = z.infer<typeof handoffStageSchema>;

/** One checklist line. Automatic items are evaluated when the request is made; manual ones are ticked. */
export const handoffChecklistItemSchema = z.object({
  id: z.string().min(1).max(100),
  label: z.string().min(1).max(300),
  kind: z.enum(['automatic', 'manual']),
  /** Automatic items: whether it held at request time, and what was seen. */
  passed: z.boolean().optional(),
  detail: z.string().max(1000).optional(),
});
export type HandoffChecklistItem = z.infer<typeof handoffChecklistItemSchema>;

export const handoffSchema = z.object({
  id,
  modelId: id,
  versionId: id,
  stage: handoffStageSchema,
  fromRole: teamRoleSchema,
  toRole: teamRoleSchema,
  message: z.string().max(20_000),
  checklist: z.array(handoffChecklistItemSchema).max(50),
  requestedById: id,
  requestedByName: z.string().max(200),
  at: timestamp,
});
export type HandoffRecord = z.infer<typeof handoffSchema>;

export const HANDOFF_DECISIONS = ['accepted', 'rejected', 'changes-requested', 'resubmitted', 'withdrawn'] as const;
export type HandoffDecision = (typeof HANDOFF_DECISIONS)[number];

export const handoffEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('decision'), id, handoffId: id, decision: z.enum(HANDOFF_DECISIONS),
    comment: z.string().max(20_000), byId: id, byName: z.string().max(200), byTeamRole: teamRoleSchema.optional(),
    at: timestamp, seq: z.number().int().nonnegative(),
    /** The checklist as re-evaluated at a resubmission (the request's own is from the first ask). */
    checklist: z.array(handoffChecklistItemSchema).max(50).optional(),
  }),
  z.object({
    kind: z.literal('check'), id, handoffId: id, itemId: z.string().min(1).max(100), checked: z.boolean(),
    byId: id, byName: z.string().max(200), at: timestamp, seq: z.number().int().nonnegative(),
  }),
]);
export type HandoffEvent = z.infer<typeof handoffEventSchema>;
