/**
 * Comment threads: replies, reactions and resolving. A thread is a first comment and the
 * replies that name it as `parentId` (one level deep, as chat and code review tools do it).
 *
 * Everything here is written as new, immutable records — a reply is a comment, a reaction is a
 * record under `<commentId>:<memberId>:<emoji>` that taking it back deletes, and resolving or
 * reopening appends to a log whose latest entry wins — so the sync server can let a commenter
 * do these things by checking whose record each one is, without letting them change anything
 * that someone else wrote (server/write-policy.ts).
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { type CommandContext, CommandError, parseInput } from './command-context.ts';
import { addComment } from './commands.ts';
import { listIncidentEvents } from './incident-events.ts';
import { listConversationEvents } from './thread-docs.ts';
import { listCommentsOn } from './queries.ts';
import {
  type CommentRecord,
  DOC_KEYS,
  type IncidentEvent,
  REACTIONS,
  type ReactionName,
  type ReactionRecord,
  type ThreadResolutionRecord,
  commentSchema,
  reactionKey,
  reactionNameSchema,
  reactionSchema,
  threadResolutionSchema,
} from './schema.ts';

const replyInput = z.object({ commentId: z.string().min(1).max(128), body: z.string() });

/**
 * Replies to a comment. Replying to a reply adds to the same thread (its first comment is the
 * parent), so threads stay one level deep. @mentions are recorded as in `addComment`, and
 * `conversation` is as there (the comments are read from and written to it).
 */
export function replyToComment(doc: Y.Doc, input: z.input<typeof replyInput>, ctx: CommandContext, conversation: Y.Doc = doc): CommentRecord {
  const { commentId, body } = parseInput('replyToComment', replyInput, input);
  const parent = getComment(conversation, commentId);
  if (!parent) throw new CommandError('replyToComment', [{ path: 'commentId', message: `no comment ${commentId}` }]);
  const root = parent.parentId !== undefined ? getComment(conversation, parent.parentId) ?? parent : parent;
  return addComment(doc, { target: root.target, body, ...(root.parentId === undefined ? { parentId: root.id } : {}) }, ctx, conversation);
}

const reactionInput = z.object({ commentId: z.string().min(1).max(128), emoji: reactionNameSchema });

/** Adds the actor's reaction to a comment, or takes it back when they already gave it. */
export function toggleReaction(doc: Y.Doc, input: z.input<typeof reactionInput>, ctx: CommandContext): { added: boolean } {
  const { commentId, emoji } = parseInput('toggleReaction', reactionInput, input);
  if (!getComment(doc, commentId)) throw new CommandError('toggleReaction', [{ path: 'commentId', message: `no comment ${commentId}` }]);
  const reactions = doc.getMap<ReactionRecord>(DOC_KEYS.reactions);
  const key = reactionKey({ commentId, memberId: ctx.actor.id, emoji });
  if (reactions.has(key)) {
    reactions.delete(key);
    return { added: false };
  }
  reactions.set(key, { commentId, memberId: ctx.actor.id, memberName: ctx.actor.name, emoji, at: ctx.now() });
  return { added: true };
}

const threadInput = z.object({ commentId: z.string().min(1).max(128) });

/** Marks a thread resolved (recorded with who and when). Resolving a resolved thread changes nothing. */
export function resolveThread(doc: Y.Doc, input: z.input<typeof threadInput>, ctx: CommandContext): ThreadResolutionRecord {
  return setResolved('resolveThread', doc, input, true, ctx)!; // resolved: never the null of "never resolved"
}

/** Reopens a resolved thread. Reopening an open thread changes nothing. */
export function reopenThread(doc: Y.Doc, input: z.input<typeof threadInput>, ctx: CommandContext): ThreadResolutionRecord | null {
  return setResolved('reopenThread', doc, input, false, ctx);
}

function setResolved(command: string, doc: Y.Doc, input: unknown, resolved: boolean, ctx: CommandContext): ThreadResolutionRecord | null {
  const { commentId } = parseInput(command, threadInput, input);
  const root = getComment(doc, commentId);
  if (!root) throw new CommandError(command, [{ path: 'commentId', message: `no comment ${commentId}` }]);
  if (root.parentId !== undefined) throw new CommandError(command, [{ path: 'commentId', message: 'a reply is not a thread: use its first comment' }]);
  const current = threadResolution(doc, commentId);
  if ((current?.resolved ?? false) === resolved) return current;
  const record: ThreadResolutionRecord = { id: ctx.newId(), commentId, resolved, byId: ctx.actor.id, byName: ctx.actor.name, at: ctx.now(), seq: (current?.seq ?? 0) + 1 };
  doc.getMap<ThreadResolutionRecord>(DOC_KEYS.threadResolutions).set(record.id, record);
  return record;
}

/** The latest "resolved"/"reopened" of a thread, or null when nobody has resolved it yet. */
export function threadResolution(doc: Y.Doc, commentId: string): ThreadResolutionRecord | null {
  return latestResolutions(doc).get(commentId) ?? null;
}

export interface ReactionSummary {
  emoji: ReactionName;
  /** Who gave it, in the order they did. */
  members: { id: string; name: string }[];
}

export interface CommentThread {
  root: CommentRecord;
  replies: CommentRecord[];
  resolution: ThreadResolutionRecord | null;
  /** Reactions per comment id of the thread, in REACTIONS order; comments without any are absent. */
  reactions: Map<string, ReactionSummary[]>;
}

/**
 * The threads on a target, oldest first, replies oldest first. A reply whose parent is not a
 * first comment on the same target (another client wrote it) is shown as a thread of its own
 * rather than lost.
 *
 * With `conversation` (the target's conversation doc, thread-docs.ts) the records of both docs
 * are read: a workspace split into conversation docs may still hold a late record in its own
 * maps until the server moves it, and a record in both (mid-move) is shown once.
 */
export function listThreads(doc: Y.Doc, kind: CommentRecord['target']['kind'], targetId: string, conversation?: Y.Doc | null): CommentThread[] {
  const docs = conversation && conversation !== doc ? [doc, conversation] : [doc];
  const byId = new Map<string, CommentRecord>();
  for (const d of docs) for (const c of listCommentsOn(d, kind, targetId)) byId.set(c.id, c);
  const comments = [...byId.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const roots = new Map(comments.filter((c) => c.parentId === undefined).map((c) => [c.id, c]));
  const replies = new Map<string, CommentRecord[]>();
  const threads: CommentRecord[] = [];
  for (const c of comments) {
    if (c.parentId !== undefined && roots.has(c.parentId)) replies.set(c.parentId, [...(replies.get(c.parentId) ?? []), c]);
    else threads.push(c);
  }
  const resolutions = latestResolutions(docs);
  const reactions = reactionsByComment(docs, new Set(comments.map((c) => c.id)));
  return threads.map((root) => {
    const own = replies.get(root.id) ?? [];
    const mine = new Map([root, ...own].flatMap((c) => (reactions.has(c.id) ? [[c.id, reactions.get(c.id)!] as const] : [])));
    return { root, replies: own, resolution: resolutions.get(root.id) ?? null, reactions: mine };
  });
}

/**
 * Where a comment's reactions and resolutions go: the doc that holds the comment — its
 * conversation doc, or the workspace doc for a record the server has not moved yet.
 */
export function docOfComment(doc: Y.Doc, conversation: Y.Doc | null | undefined, commentId: string): Y.Doc {
  return conversation && conversation.getMap(DOC_KEYS.comments).has(commentId) ? conversation : doc;
}

export type ThreadedTimelineEntry = { kind: 'event'; at: number; event: IncidentEvent } | { kind: 'thread'; at: number; thread: CommentThread };

/**
 * An incident's events and comment threads in one list, oldest first (a thread at its first
 * comment). With `conversation`, its timeline and threads are read too (see listThreads).
 */
export function incidentThreadedTimeline(doc: Y.Doc, incidentId: string, conversation?: Y.Doc | null): ThreadedTimelineEntry[] {
  const events = new Map<string, IncidentEvent>();
  for (const e of listIncidentEvents(doc, incidentId)) events.set(e.id, e);
  if (conversation && conversation !== doc) for (const e of listConversationEvents(conversation)) events.set(e.id, e);
  const entries: ThreadedTimelineEntry[] = [
    ...[...events.values()].map((event): ThreadedTimelineEntry => ({ kind: 'event', at: event.at, event })),
    ...listThreads(doc, 'incident', incidentId, conversation).map((thread): ThreadedTimelineEntry => ({ kind: 'thread', at: thread.root.createdAt, thread })),
  ];
  return entries.sort((a, b) => a.at - b.at);
}

function getComment(doc: Y.Doc, id: string): CommentRecord | undefined {
  const parsed = commentSchema.safeParse(doc.getMap(DOC_KEYS.comments).get(id));
  return parsed.success ? parsed.data : undefined;
}

/**
 * Which of two resolutions of a thread came last: the one written after seeing the other (higher
 * seq); two written concurrently (same seq), the later clock, then the id, so every replica picks
 * the same one.
 */
function resolutionOrder(a: ThreadResolutionRecord, b: ThreadResolutionRecord): number {
  return (a.seq ?? 0) - (b.seq ?? 0) || a.at - b.at || (a.id > b.id ? 1 : a.id < b.id ? -1 : 0);
}

function latestResolutions(docs: Y.Doc | Y.Doc[]): Map<string, ThreadResolutionRecord> {
  const latest = new Map<string, ThreadResolutionRecord>();
  for (const value of (Array.isArray(docs) ? docs : [docs]).flatMap((d) => [...d.getMap(DOC_KEYS.threadResolutions).values()])) {
    const parsed = threadResolutionSchema.safeParse(value);
    if (!parsed.success) continue;
    const seen = latest.get(parsed.data.commentId);
    if (!seen || resolutionOrder(parsed.data, seen) > 0) latest.set(parsed.data.commentId, parsed.data);
  }
  return latest;
}

function reactionsByComment(docs: Y.Doc[], commentIds: Set<string>): Map<string, ReactionSummary[]> {
  const byKey = new Map<string, ReactionRecord>();
  for (const doc of docs) {
    for (const [key, value] of doc.getMap(DOC_KEYS.reactions).entries()) {
      const parsed = reactionSchema.safeParse(value);
      // A record filed under someone else's key is not trusted (the server refuses those anyway).
      if (parsed.success && commentIds.has(parsed.data.commentId) && key === reactionKey(parsed.data)) byKey.set(key, parsed.data);
    }
  }
  const records = [...byKey.values()];
  records.sort((a, b) => a.at - b.at || a.memberId.localeCompare(b.memberId));
  const out = new Map<string, ReactionSummary[]>();
  for (const r of records) {
    const list = out.get(r.commentId) ?? [];
    let summary = list.find((s) => s.emoji === r.emoji);
    if (!summary) list.push((summary = { emoji: r.emoji, members: [] }));
    summary.members.push({ id: r.memberId, name: r.memberName });
    out.set(r.commentId, list);
  }
  for (const list of out.values()) list.sort((a, b) => REACTIONS.indexOf(a.emoji) - REACTIONS.indexOf(b.emoji));
  return out;
}
