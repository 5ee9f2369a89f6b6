/**
 * Conversation records: what a comment can hang off (and where in a note or notebook), comments,
 * reactions, thread resolutions, and the server-written summaries and mentions of the
 * conversations kept in conversation docs. Part of the workspace schema; import it from schema.ts.
 */
import { z } from 'zod';
import { id, timestamp } from './schema-primitives.ts';

/** What a conversation can be about: the kinds of comment target. */
export const THREAD_KINDS = ['incident', 'run', 'datasetVersion', 'modelVersion', 'handoff', 'note', 'notebook'] as const;
export type ThreadKind = (typeof THREAD_KINDS)[number];

/**
 * Where a note comment hangs: a range of the note's Y.Text as two Y.RelativePositions (JSON, as
 * `Y.relativePositionToJSON` writes them), so the range follows the same words under concurrent
 * edits; `quote` is the text when the comment was made (shown if the words are deleted).
 */
export const noteAnchorSchema = z.object({
  start: z.record(z.string(), z.unknown()),
  end: z.record(z.string(), z.unknown()),
  quote: z.string().max(2000),
});
export type NoteAnchor = z.infer<typeof noteAnchorSchema>;

/**
 * Where a notebook comment hangs: a cell of the version it was made on (by index, with its
 * nbformat 4.5 id when it has one), and optionally the words of its source (`quote`, by
 * character offsets) or one of its outputs. When later versions arrive the thread follows its
 * cell (src/core/notebook/follow.ts), so the anchor stays as written.
 */
export const notebookAnchorSchema = z.object({
  versionId: id,
  version: z.number().int().positive(),
  cellIndex: z.number().int().nonnegative().max(100_000),
  cellId: z.string().min(1).max(64).nullable(),
  part: z.enum(['cell', 'source', 'output']),
  outputIndex: z.number().int().nonnegative().max(10_000).optional(),
  quote: z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative(), text: z.string().max(2000) }).optional(),
});
export type NotebookAnchor = z.infer<typeof notebookAnchorSchema>;

/** What a comment can hang off. */
export const commentTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('incident'), id }),
  z.object({ kind: z.literal('run'), id }),
  z.object({ kind: z.literal('datasetVersion'), id }),
  z.object({ kind: z.literal('modelVersion'), id }),
  z.object({ kind: z.literal('handoff'), id }),
  z.object({ kind: z.literal('note'), id, anchor: noteAnchorSchema.optional() }),
  z.object({ kind: z.literal('notebook'), id, anchor: notebookAnchorSchema.optional() }),
]);
export type CommentTarget = z.infer<typeof commentTargetSchema>;

export const commentSchema = z.object({
  id,
  target: commentTargetSchema,
  body: z.string().min(1).max(20_000),
  authorId: id,
  authorName: z.string().max(200),
  createdAt: timestamp,
  /** Member ids @mentioned in the body (they get it in their inbox). */
  mentions: z.array(id).max(100).optional(),
  /** A reply: the id of the thread's first comment (threads are one level deep). */
  parentId: id.optional(),
});
export type CommentRecord = z.infer<typeof commentSchema>;

/** The reactions a comment can get, by name (GitHub's set); the UI draws the emoji. */
export const REACTIONS = ['+1', '-1', 'laugh', 'hooray', 'confused', 'heart', 'rocket', 'eyes'] as const;
export const reactionNameSchema = z.enum(REACTIONS);
export type ReactionName = z.infer<typeof reactionNameSchema>;

export const reactionSchema = z.object({
  commentId: id,
  memberId: id,
  memberName: z.string().max(200),
  emoji: reactionNameSchema,
  at: timestamp,
});
export type ReactionRecord = z.infer<typeof reactionSchema>;

/** Where a reaction lives in `reactions`: one key per comment, member and emoji. */
export function reactionKey(r: Pick<ReactionRecord, 'commentId' | 'memberId' | 'emoji'>): string {
  return `${r.commentId}:${r.memberId}:${r.emoji}`;
}

/** One "resolved" or "reopened" of a thread (`commentId` is its first comment). */
export const threadResolutionSchema = z.object({
  id,
  commentId: id,
  resolved: z.boolean(),
  byId: id,
  byName: z.string().max(200),
  at: timestamp,
  /**
   * One more than the resolution its writer last saw for this thread (a Lamport clock): a
   * resolve, reopen and resolve in the same millisecond, or after someone whose clock runs
   * ahead, still order as they happened. Absent in records written before it existed (0).
   */
  seq: z.number().int().nonnegative().optional(),
});
export type ThreadResolutionRecord = z.infer<typeof threadResolutionSchema>;

/**
 * What a list needs of one conversation doc, so it shows counts and activity without opening
 * it: kept up to date by the sync server whenever the conversation doc changes.
 */
export const threadSummarySchema = z.object({
  kind: z.enum(THREAD_KINDS),
  id,
  /** Comments in the conversation, replies included. */
  count: z.number().int().nonnegative(),
  /** The latest comment's time (0: none yet). */
  lastActivityAt: timestamp,
  lastById: id.optional(),
  lastByName: z.string().max(200).optional(),
  /**
   * An incident's timeline, as far as lists and pages need it without its conversation doc
   * (thread-docs.ts `incidentDigest`): how many findings, the latest finding per rule (`ruleId`
   * absent: a finding that names no rule, its incident's), the latest assignment. Written by
   * the server from the conversation doc's `events`, like the rest of the summary.
   */
  findings: z.number().int().nonnegative().optional(),
  latestFindings: z.array(z.object({ ruleId: id.optional(), band: z.enum(['warning', 'critical']), summary: z.string().max(2000), at: timestamp })).max(200).optional(),
  assigned: z.object({ id, assigneeId: id.nullable(), byId: id, byName: z.string().max(200), at: timestamp }).optional(),
});
export type ThreadSummaryRecord = z.infer<typeof threadSummarySchema>;

/** Where a conversation's summary lives in `threadSummaries`. */
export function threadSummaryKey(target: { kind: ThreadKind; id: string }): string {
  return `${target.kind}:${target.id}`;
}

/**
 * A member @mentioned in a comment of a conversation doc: enough for an inbox entry (who, when,
 * the start of the comment, what it is on) without opening the doc. Written by the sync server
 * from the comment it accepted, so nobody can forge one.
 */
export const commentMentionSchema = z.object({
  id,
  commentId: id,
  target: z.object({ kind: z.enum(THREAD_KINDS), id }),
  memberId: id,
  byId: id,
  byName: z.string().max(200),
  excerpt: z.string().max(500),
  at: timestamp,
});
export type CommentMentionRecord = z.infer<typeof commentMentionSchema>;
