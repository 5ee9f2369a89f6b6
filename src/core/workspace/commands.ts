/**
 * Named commands: the only way UI, server and CLI change a workspace doc. Each validates its
 * input with zod before touching the doc and writes in one transaction, so a refused command
 * leaves nothing half-written and a remote peer sees the whole change at once.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { type CommandContext, CommandError, parseInput } from './command-context.ts';
import {
  type CommentRecord,
  type CommentTarget,
  DOC_KEYS,
  type IncidentRecord,
  type MemberRecord,
  SCHEMA_VERSION,
  commentSchema,
  commentTargetSchema,
  incidentStatusSchema,
  memberSchema,
  severitySchema,
} from './schema.ts';
import { appendTimelineEvent } from './incident-events.ts';
import { findMentions } from './mentions.ts';
import { getIncident, listMembers } from './queries.ts';

const trimmed = (max: number) => z.string().trim().max(max);

const initWorkspaceInput = z.object({ id: z.string().min(1).max(128), name: trimmed(200).min(1, 'name is required') });

/** Writes the workspace's meta record. Idempotent: a doc that already has an id keeps it. */
export function initWorkspace(doc: Y.Doc, input: z.input<typeof initWorkspaceInput>, ctx: Pick<CommandContext, 'now'>): void {
  const { id, name } = parseInput('initWorkspace', initWorkspaceInput, input);
  const meta = doc.getMap(DOC_KEYS.meta);
  if (meta.has('id')) return;
  doc.transact(() => {
    meta.set('id', id);
    meta.set('name', name);
    meta.set('createdAt', ctx.now());
    meta.set('schemaVersion', SCHEMA_VERSION);
  });
}

/** Adds or updates a member's record (name and role). The sync server calls it when a member joins. */
export function upsertMember(doc: Y.Doc, input: MemberRecord): MemberRecord {
  const member = parseInput('upsertMember', memberSchema, input);
  const members = doc.getMap<MemberRecord>(DOC_KEYS.members);
  const existing = members.get(member.id);
  if (existing && existing.name === member.name && existing.role === member.role) return existing;
  const record = { ...member, joinedAt: existing?.joinedAt ?? member.joinedAt };
  members.set(member.id, record);
  return record;
}

const createIncidentInput = z.object({
  title: trimmed(300).min(1, 'title is required'),
  severity: severitySchema,
  description: trimmed(20_000).default(''),
  status: incidentStatusSchema.default('open'),
  /** What it is about, when someone opens it from a drift comparison (shown as links). */
  model: trimmed(300).optional(),
  referenceVersionId: z.string().min(1).max(128).optional(),
  currentVersionId: z.string().min(1).max(128).optional(),
  reportBlob: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest').optional(),
});
export type CreateIncidentInput = z.input<typeof createIncidentInput>;

/** Opens a drift incident. Dataset versions it names must exist. Returns the stored record. */
export function createIncident(doc: Y.Doc, input: CreateIncidentInput, ctx: CommandContext): IncidentRecord {
  const data = parseInput('createIncident', createIncidentInput, input);
  for (const path of ['referenceVersionId', 'currentVersionId'] as const) {
    const versionId = data[path];
    if (versionId !== undefined && !doc.getMap(DOC_KEYS.datasetVersions).has(versionId)) {
      throw new CommandError('createIncident', [{ path, message: `no dataset version ${versionId}` }]);
    }
  }
  const now = ctx.now();
  const record: IncidentRecord = {
    id: ctx.newId(),
    ...data,
    createdAt: now,
    createdBy: ctx.actor.id,
    createdByName: ctx.actor.name,
    updatedAt: now,
  };
  doc.transact(() => {
    const entry = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(record)) entry.set(key, value);
    doc.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).set(record.id, entry);
  });
  return record;
}

const updateIncidentInput = z.object({
  incidentId: z.string().min(1),
  title: trimmed(300).min(1, 'title is required').optional(),
  severity: severitySchema.optional(),
  status: incidentStatusSchema.optional(),
  description: trimmed(20_000).optional(),
});
export type UpdateIncidentInput = z.input<typeof updateIncidentInput>;

/**
 * Changes the given fields of an incident; fields left out keep their value (and a concurrent edit
 * to them). Status and severity changes go on the timeline: into `conversation` (the incident's
 * conversation doc) once timelines are split, else the workspace doc (appendTimelineEvent). The
 * fields themselves stay on the incident in the workspace doc, where lists read them.
 */
export function updateIncident(doc: Y.Doc, input: UpdateIncidentInput, ctx: CommandContext, conversation?: Y.Doc | null): IncidentRecord {
  const { incidentId, ...fields } = parseInput('updateIncident', updateIncidentInput, input);
  const entry = doc.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incidentId);
  if (!(entry instanceof Y.Map) || !getIncident(doc, incidentId)) {
    throw new CommandError('updateIncident', [{ path: 'incidentId', message: `no incident ${incidentId}` }]);
  }
  const { status: before, severity: severityBefore } = getIncident(doc, incidentId)!;
  doc.transact(() => {
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) entry.set(key, value);
    entry.set('updatedAt', ctx.now());
    // Who moved it and when: the timeline shows every status change, reopening included, and
    // every severity change.
    if (fields.status !== undefined && fields.status !== before) {
      appendTimelineEvent(doc, incidentId, { kind: 'status', from: before, to: fields.status }, ctx, conversation);
    }
    if (fields.severity !== undefined && fields.severity !== severityBefore) {
      appendTimelineEvent(doc, incidentId, { kind: 'severity', from: severityBefore, to: fields.severity }, ctx, conversation);
    }
  });
  return getIncident(doc, incidentId)!;
}

const addCommentInput = z.object({
  target: commentTargetSchema,
  body: trimmed(20_000).min(1, 'comment is empty'),
  /** Makes it a reply in the thread that this comment starts. */
  parentId: z.string().min(1).max(128).optional(),
});
export type AddCommentInput = z.input<typeof addCommentInput>;

/**
 * Adds a comment to an incident, run, dataset version, note, model version or handoff (a note comment may anchor to a
 * range). The target must exist. Members @mentioned by name in the body are recorded in
 * `mentions`, which is what fills their inbox. With `parentId` it is a reply: the parent must be
 * the first comment of a thread on the same target (threads are one level deep).
 *
 * With `conversation` (the target's conversation doc, thread-docs.ts) the record is written
 * there and the parent looked up there; the target and the members are still the workspace
 * doc's (`doc`).
 */
export function addComment(doc: Y.Doc, input: AddCommentInput, ctx: CommandContext, conversation: Y.Doc = doc): CommentRecord {
  const data = parseInput('addComment', addCommentInput, input);
  if (!targetExists(doc, data.target)) {
    const what = { incident: 'incident', run: 'run', datasetVersion: 'dataset version', note: 'note', modelVersion: 'model version', handoff: 'handoff', notebook: 'notebook' }[data.target.kind];
    throw new CommandError('addComment', [{ path: 'target.id', message: `no ${what} ${data.target.id}` }]);
  }
  if (data.parentId !== undefined) {
    const parent = commentSchema.safeParse(conversation.getMap(DOC_KEYS.comments).get(data.parentId));
    const problem = !parent.success ? `no comment ${data.parentId}`
      : parent.data.parentId !== undefined ? 'reply to the first comment of the thread'
      : parent.data.target.kind !== data.target.kind || parent.data.target.id !== data.target.id ? 'the comment is on something else'
      : null;
    if (problem) throw new CommandError('addComment', [{ path: 'parentId', message: problem }]);
  }
  const mentions = findMentions(data.body, listMembers(doc)).filter((id) => id !== ctx.actor.id);
  const record: CommentRecord = {
    id: ctx.newId(),
    target: data.target,
    body: data.body,
    authorId: ctx.actor.id,
    authorName: ctx.actor.name,
    createdAt: ctx.now(),
    ...(mentions.length > 0 ? { mentions } : {}),
    ...(data.parentId !== undefined ? { parentId: data.parentId } : {}),
  };
  conversation.getMap<CommentRecord>(DOC_KEYS.comments).set(record.id, record);
  return record;
}

/** Whether the workspace doc has what a comment or a conversation doc is on (a note or notebook anchor aside). */
export function commentTargetExists(doc: Y.Doc, target: Pick<CommentTarget, 'kind' | 'id'>): boolean {
  return targetExists(doc, target as CommentTarget);
}

function targetExists(doc: Y.Doc, target: CommentTarget): boolean {
  switch (target.kind) {
    case 'incident':
      return getIncident(doc, target.id) !== undefined;
    case 'run':
      return doc.getMap(DOC_KEYS.runs).has(target.id);
    case 'datasetVersion':
      return doc.getMap(DOC_KEYS.datasetVersions).has(target.id);
    case 'note':
      return doc.getMap(DOC_KEYS.notes).has(target.id);
    case 'modelVersion':
      return doc.getMap(DOC_KEYS.modelVersions).has(target.id);
    case 'handoff':
      return doc.getMap(DOC_KEYS.handoffs).has(target.id);
    case 'notebook':
      return doc.getMap(DOC_KEYS.notebooks).has(target.id) && (target.anchor === undefined || doc.getMap(DOC_KEYS.notebookVersions).has(target.anchor.versionId));
  }
}
