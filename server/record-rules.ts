/**
 * Per registry of the workspace doc: the record's schema, the key it must be stored under, who
 * wrote it (fields that must name the connection's member), whether it may be changed or
 * deleted afterwards, and by which roles. server/write-policy.ts applies these to every record
 * an update adds, changes or deletes.
 *
 * Authorship fields come in pairs (id, name): the id must be the writer's member id and the name
 * the name the server has for that member. "created" fields are fixed once written (a change
 * must keep them); "updated" fields name whoever wrote this version of the record.
 */
import type { z } from 'zod';
import {
  DOC_KEYS,
  aliasEventSchema,
  commentSchema,
  datasetComparisonSchema,
  datasetVersionSchema,
  handoffEventSchema,
  handoffSchema,
  modelSchema,
  modelVersionSchema,
  monitorSchema,
  noteMentionSchema,
  noteSchema,
  notebookSchema,
  notebookVersionSchema,
  reactionKey,
  reactionSchema,
  runAnnotationSchema,
  runSummarySchema,
  teamRoleRecordSchema,
  threadResolutionSchema,
  type Role,
} from '../src/core/workspace/index.ts';

type Rec = Record<string, unknown>;

export interface RecordRule {
  schema: z.ZodType;
  /** The key the record must be stored under. */
  key: (record: Rec) => string;
  /** Fields naming who first wrote the record: must be the writer on creation, unchanged after. */
  created?: readonly [idField: string, nameField?: string];
  /** Fields naming who wrote this version: always the writer. */
  updated?: readonly [idField: string, nameField?: string];
  /** Fields holding when the record was written (checked against the server's clock). */
  dates: readonly string[];
  /** Roles that may add records; editors and owners unless narrowed. */
  add: readonly Role[];
  /** Whether an existing record may be replaced, and by whom. */
  change: readonly Role[];
  /** Who may delete a record (besides the rule's own `mayDelete`). */
  remove: readonly Role[];
  /** A narrower check on deletion by the record's own writer (reactions: only your own). */
  removeOwnOnly?: boolean;
}

const WRITERS = ['owner', 'editor'] as const;
const ALL = ['owner', 'editor', 'commenter'] as const;
const NOBODY = [] as const;
const byId = (r: Rec) => String(r.id);

/** Records are kept small whatever their schema allows (an unknown-typed field could be huge). */
export const MAX_RECORD_BYTES = 256 * 1024;

export const RECORD_RULES: Record<string, RecordRule> = {
  [DOC_KEYS.comments]: { schema: commentSchema, key: byId, created: ['authorId', 'authorName'], dates: ['createdAt'], add: ALL, change: NOBODY, remove: NOBODY },
  [DOC_KEYS.reactions]: {
    schema: reactionSchema, key: (r) => reactionKey(r as Parameters<typeof reactionKey>[0]), created: ['memberId', 'memberName'], dates: ['at'],
    add: ALL, change: NOBODY, remove: ALL, removeOwnOnly: true,
  },
  [DOC_KEYS.threadResolutions]: { schema: threadResolutionSchema, key: byId, created: ['byId', 'byName'], dates: ['at'], add: ALL, change: NOBODY, remove: NOBODY },
  [DOC_KEYS.runs]: { schema: runSummarySchema, key: byId, dates: ['createdAt'], add: WRITERS, change: WRITERS, remove: NOBODY },
  [DOC_KEYS.runAnnotations]: { schema: runAnnotationSchema, key: (r) => String(r.runId), updated: ['updatedById', 'updatedByName'], dates: ['updatedAt'], add: WRITERS, change: WRITERS, remove: WRITERS },
  [DOC_KEYS.notes]: { schema: noteSchema, key: byId, created: ['createdBy', 'createdByName'], dates: ['createdAt', 'updatedAt'], add: WRITERS, change: WRITERS, remove: WRITERS },
  [DOC_KEYS.noteMentions]: { schema: noteMentionSchema, key: byId, created: ['byId', 'byName'], dates: ['createdAt'], add: WRITERS, change: NOBODY, remove: NOBODY },
  [DOC_KEYS.teamRoles]: { schema: teamRoleRecordSchema, key: (r) => String(r.memberId), updated: ['setById', 'setByName'], dates: ['at'], add: ['owner'], change: ['owner'], remove: ['owner'] },
  [DOC_KEYS.models]: { schema: modelSchema, key: byId, created: ['createdById', 'createdByName'], dates: ['createdAt'], add: WRITERS, change: WRITERS, remove: NOBODY },
  [DOC_KEYS.modelVersions]: { schema: modelVersionSchema, key: byId, created: ['createdById', 'createdByName'], dates: ['createdAt'], add: WRITERS, change: WRITERS, remove: NOBODY },
  [DOC_KEYS.aliasEvents]: { schema: aliasEventSchema, key: byId, created: ['byId', 'byName'], dates: ['at'], add: WRITERS, change: NOBODY, remove: NOBODY },
  [DOC_KEYS.handoffs]: { schema: handoffSchema, key: byId, created: ['requestedById', 'requestedByName'], dates: ['at'], add: WRITERS, change: NOBODY, remove: NOBODY },
  [DOC_KEYS.handoffEvents]: { schema: handoffEventSchema, key: byId, created: ['byId', 'byName'], dates: ['at'], add: WRITERS, change: NOBODY, remove: NOBODY },
  // A notebook's title and runs may change; who first pushed it may not. Versions are append-only.
  [DOC_KEYS.notebooks]: { schema: notebookSchema, key: byId, created: ['createdBy', 'createdByName'], dates: ['createdAt'], add: WRITERS, change: WRITERS, remove: NOBODY },
  [DOC_KEYS.notebookVersions]: { schema: notebookVersionSchema, key: byId, created: ['addedBy', 'addedByName'], dates: ['addedAt'], add: WRITERS, change: NOBODY, remove: NOBODY },
  [DOC_KEYS.datasetVersions]: { schema: datasetVersionSchema, key: byId, created: ['addedBy', 'addedByName'], dates: ['addedAt'], add: WRITERS, change: NOBODY, remove: NOBODY },
  [DOC_KEYS.datasetComparisons]: { schema: datasetComparisonSchema, key: byId, created: ['createdBy', 'createdByName'], dates: ['createdAt'], add: WRITERS, change: NOBODY, remove: NOBODY },
  [DOC_KEYS.monitors]: { schema: monitorSchema, key: byId, created: ['createdBy'], dates: ['createdAt'], add: WRITERS, change: WRITERS, remove: NOBODY },
};

/**
 * Whether `raw` is exactly what `schema` accepts: it parses, and parsing dropped nothing (zod
 * strips unknown keys silently, but the raw object is what the doc stores).
 */
export function parsesExactly(schema: z.ZodType, raw: unknown): { ok: true; value: Rec } | { ok: false; why: string } {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, why: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ') };
  const extra = extraKeys(raw, parsed.data, '');
  return extra ? { ok: false, why: `unknown field ${extra}` } : { ok: true, value: raw as Rec };
}

/** The first path in `raw` that `parsed` does not have (a key the schema does not know). */
function extraKeys(raw: unknown, parsed: unknown, path: string): string | null {
  if (Array.isArray(raw)) {
    if (!Array.isArray(parsed)) return null;
    for (let i = 0; i < raw.length; i++) {
      const e = extraKeys(raw[i], parsed[i], `${path}[${i}]`);
      if (e) return e;
    }
    return null;
  }
  if (raw === null || typeof raw !== 'object' || parsed === null || typeof parsed !== 'object') return null;
  for (const [k, v] of Object.entries(raw)) {
    const at = path ? `${path}.${k}` : k;
    if (!Object.prototype.hasOwnProperty.call(parsed, k)) {
      // z.record/z.unknown keep every key; only a key the schema dropped is unknown.
      return at;
    }
    const e = extraKeys(v, (parsed as Rec)[k], at);
    if (e) return e;
  }
  return null;
}
