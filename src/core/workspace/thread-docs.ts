/**
 * Conversation docs: each comment target's conversation in a Yjs doc of its own, so the
 * workspace doc stops growing with every comment ever written (issue 20).
 *
 * Design
 * - One doc per conversation target, named `<workspaceId>:thread:<kind>:<targetId>`
 *   (`threadDocName`): an incident's, a run's, a model version's … comments, reactions and thread
 *   resolutions, under the same top-level keys and record schemas the workspace doc uses
 *   (`comments`, `reactions`, `threadResolutions`), so comment-threads.ts reads and writes a
 *   conversation doc unchanged; an incident's doc also holds its timeline as a top-level Y.Array
 *   `events` (THREAD_EVENTS_KEY). It is loaded when its target is opened, as a note doc is: a
 *   server room of its own, authorised by the workspace id in its name, with its own write policy
 *   (server/write-policy.ts), cached locally and pushed on reconnect.
 * - The workspace doc keeps what lists and the inbox need: per target a ThreadSummaryRecord
 *   (count, last activity; for an incident a digest of its timeline, incident-digest.ts) in `threadSummaries`, and per @mention a CommentMentionRecord in
 *   `commentMentions`. The sync server writes both whenever it accepts a change to a
 *   conversation doc (it has just checked the comment), so no client can forge a count or a
 *   mention, and the inbox and unread counts work for conversations nobody has open.
 * - Existing workspaces are migrated by the server, once per workspace
 *   (server/split-conversations.ts). Not by a client: a moved comment keeps its author, and the
 *   write policy lets no client write a record in another member's name — only the server, the
 *   one trusted writer, can move Ada's comment for her. "A copy kept until the server confirms":
 *   the server first records the whole workspace doc as a history snapshot (restorable, and in
 *   backups), then writes every conversation doc and reads each one back from its store, and only
 *   when every record is there does it delete the moved records from the workspace doc, in one
 *   transaction, marking `meta.conversations = 'threads'` (and `meta.timelines = 'threads'` when
 *   incidents' timelines moved too: the server does both, on a workspace's first load, by default). A record that arrives in the old maps
 *   later (an old client's offline comment) is moved by the next run; nothing that cannot be
 *   placed (a comment whose target does not parse) is deleted.
 *
 * This module is the pure part: grouping a workspace doc's conversations by target, writing a
 * group into a conversation doc (idempotent: a record already there is not written again), and
 * checking that a conversation doc holds a group.
 */
import * as Y from 'yjs';
import { type CommandContext, parseInput } from './command-context.ts';
import { digestFields, timelineDigest } from './incident-digest.ts';
import { foldActionOutcomes } from './incident-events.ts';
import {
  type CommentMentionRecord,
  type CommentRecord,
  DOC_KEYS,
  INCIDENT_EVENTS_KEY,
  THREAD_EVENTS_KEY,
  THREAD_KINDS,
  type ThreadKind,
  type ThreadSummaryRecord,
  type IncidentEvent,
  commentSchema,
  incidentEventSchema,
  threadSummaryKey,
} from './schema.ts';

export interface ThreadTarget {
  kind: ThreadKind;
  id: string;
}

/** One target's conversation as it sits in a workspace doc made before conversation docs. */
export interface ConversationPart {
  target: ThreadTarget;
  /** Raw values, exactly as stored (moved as they are: nothing is re-parsed or rewritten). */
  comments: Map<string, unknown>;
  reactions: Map<string, unknown>;
  resolutions: Map<string, unknown>;
  /** An incident's timeline events, in their array order. */
  events: unknown[];
}

export interface ConversationPlan {
  parts: Map<string, ConversationPart>;
  /** Records that cannot be placed (no parsable target, a reaction on an unknown comment): left where they are. */
  unplaced: { map: string; key: string; why: string }[];
}

const ID_FOR_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** Whether a target can have a conversation doc (its id fits a doc name). */
export function isThreadTarget(target: { kind: string; id: string }): boolean {
  return (THREAD_KINDS as readonly string[]).includes(target.kind) && ID_FOR_NAME.test(target.id);
}

/**
 * Groups the conversations still held in a workspace doc by target: comments by their target,
 * reactions and resolutions by their comment's target, incident events by incident.
 */
export function planConversations(doc: Y.Doc): ConversationPlan {
  const parts = new Map<string, ConversationPart>();
  const unplaced: ConversationPlan['unplaced'] = [];
  const part = (target: ThreadTarget) => {
    const key = threadSummaryKey(target);
    let p = parts.get(key);
    if (!p) parts.set(key, (p = { target: { kind: target.kind, id: target.id }, comments: new Map(), reactions: new Map(), resolutions: new Map(), events: [] }));
    return p;
  };
  const targetOf = new Map<string, ThreadTarget>();
  for (const [key, value] of doc.getMap(DOC_KEYS.comments).entries()) {
    const parsed = commentSchema.safeParse(value);
    if (!parsed.success) {
      unplaced.push({ map: DOC_KEYS.comments, key, why: 'not a valid comment' });
      continue;
    }
    if (!isThreadTarget(parsed.data.target)) {
      unplaced.push({ map: DOC_KEYS.comments, key, why: `its target id ${parsed.data.target.id} cannot name a doc` });
      continue;
    }
    targetOf.set(key, parsed.data.target);
    part(parsed.data.target).comments.set(key, value);
  }
  for (const [map, field] of [[DOC_KEYS.reactions, 'reactions'], [DOC_KEYS.threadResolutions, 'resolutions']] as const) {
    for (const [key, value] of doc.getMap(map).entries()) {
      const commentId = value && typeof value === 'object' ? (value as { commentId?: unknown }).commentId : undefined;
      const target = typeof commentId === 'string' ? targetOf.get(commentId) : undefined;
      if (!target) {
        unplaced.push({ map, key, why: 'its comment is not here' });
        continue;
      }
      part(target)[field].set(key, value);
    }
  }
  for (const [incidentId, entry] of doc.getMap(DOC_KEYS.incidents).entries()) {
    const events = entry instanceof Y.Map ? entry.get(INCIDENT_EVENTS_KEY) : undefined;
    if (!(events instanceof Y.Array) || events.length === 0) continue;
    const target = { kind: 'incident' as const, id: incidentId };
    if (!isThreadTarget(target)) {
      unplaced.push({ map: DOC_KEYS.incidents, key: incidentId, why: 'its id cannot name a doc' });
      continue;
    }
    part(target).events.push(...events.toArray());
  }
  return { parts, unplaced };
}

const eventId = (event: unknown): string | undefined => {
  const value = event && typeof event === 'object' ? (event as { id?: unknown }).id : undefined;
  return typeof value === 'string' ? value : undefined;
};

/**
 * Writes a part into its conversation doc, in one transaction: records under keys the doc does
 * not have yet, and events whose id it does not have yet (so running it twice adds nothing).
 * Returns how many records it wrote.
 */
export function writeConversationPart(doc: Y.Doc, part: ConversationPart): number {
  let written = 0;
  doc.transact(() => {
    for (const [map, records] of [[DOC_KEYS.comments, part.comments], [DOC_KEYS.reactions, part.reactions], [DOC_KEYS.threadResolutions, part.resolutions]] as const) {
      const into = doc.getMap(map);
      for (const [key, value] of records) {
        if (into.has(key)) continue;
        into.set(key, value);
        written++;
      }
    }
    if (part.events.length > 0) {
      const events = doc.getArray(THREAD_EVENTS_KEY);
      const have = new Set(events.toArray().map(eventId));
      const fresh = part.events.filter((e) => !have.has(eventId(e)));
      if (fresh.length > 0) events.push(fresh);
      written += fresh.length;
    }
  });
  return written;
}

/** What of `part` a conversation doc lacks (empty: it holds all of it, as stored). */
export function missingFromConversation(doc: Y.Doc, part: ConversationPart): string[] {
  const missing: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const [map, records] of [[DOC_KEYS.comments, part.comments], [DOC_KEYS.reactions, part.reactions], [DOC_KEYS.threadResolutions, part.resolutions]] as const) {
    const into = doc.getMap(map);
    for (const [key, value] of records) if (!into.has(key) || !same(into.get(key), value)) missing.push(`${map}/${key}`);
  }
  const have = new Set(doc.getArray(THREAD_EVENTS_KEY).toArray().map(eventId));
  for (const e of part.events) if (!have.has(eventId(e))) missing.push(`${THREAD_EVENTS_KEY}/${eventId(e) ?? '?'}`);
  return missing;
}

/** A conversation doc's summary for lists: how many comments, and the latest one's time and author. */
export function summarizeConversation(doc: Y.Doc, target: ThreadTarget): ThreadSummaryRecord {
  let count = 0;
  let last: CommentRecord | undefined;
  for (const value of doc.getMap(DOC_KEYS.comments).values()) {
    const parsed = commentSchema.safeParse(value);
    if (!parsed.success || parsed.data.target.kind !== target.kind || parsed.data.target.id !== target.id) continue;
    count++;
    if (!last || parsed.data.createdAt > last.createdAt) last = parsed.data;
  }
  return {
    kind: target.kind, id: target.id, count, lastActivityAt: last?.createdAt ?? 0, ...(last ? { lastById: last.authorId, lastByName: last.authorName } : {}),
    // An incident's timeline, digested for lists and pages that do not open this doc (incident-digest.ts).
    ...(target.kind === 'incident' ? digestFields(timelineDigest(rawConversationEvents(doc))) : {}),
  };
}

/**
 * The doc's events, each id once: two server processes splitting the same workspace at once
 * (scale-out, each on its first load) may both copy an event before either sees the other's.
 */
function rawConversationEvents(conversation: Y.Doc): IncidentEvent[] {
  const byId = new Map<string, IncidentEvent>();
  for (const value of conversation.getArray(THREAD_EVENTS_KEY).toArray()) {
    const parsed = incidentEventSchema.safeParse(value);
    if (parsed.success && !byId.has(parsed.data.id)) byId.set(parsed.data.id, parsed.data);
  }
  return [...byId.values()];
}

/** The mention records a comment gives (one per member it @mentions), for the workspace doc's `commentMentions`. */
export function mentionRecordsOf(comment: CommentRecord): CommentMentionRecord[] {
  if (!isThreadTarget(comment.target)) return [];
  const target = { kind: comment.target.kind, id: comment.target.id };
  return (comment.mentions ?? []).map((memberId) => ({
    id: `${comment.id}:${memberId}`,
    commentId: comment.id,
    target,
    memberId,
    byId: comment.authorId,
    byName: comment.authorName,
    excerpt: comment.body.slice(0, 500),
    at: comment.createdAt,
  }));
}

/** What the workspace doc keeps of one conversation: its summary and its mention records. */
export interface ConversationRecords {
  summary: ThreadSummaryRecord;
  mentions: CommentMentionRecord[];
}

/** Reads a conversation doc's summary and mention records (a plain copy: the doc may go away after). */
export function conversationRecords(conversation: Y.Doc, target: ThreadTarget): ConversationRecords {
  const mentions: CommentMentionRecord[] = [];
  for (const value of conversation.getMap(DOC_KEYS.comments).values()) {
    const parsed = commentSchema.safeParse(value);
    if (parsed.success && parsed.data.target.kind === target.kind && parsed.data.target.id === target.id) mentions.push(...mentionRecordsOf(parsed.data));
  }
  return { summary: summarizeConversation(conversation, target), mentions };
}

/**
 * Brings the workspace doc's summary and mention records for one conversation up to date (the
 * sync server calls it after each accepted change; inside the caller's transaction if there is
 * one). Writes only what differs, so an unchanged conversation writes nothing.
 */
export function applyConversationRecords(workspace: Y.Doc, records: ConversationRecords): void {
  const summaries = workspace.getMap(DOC_KEYS.threadSummaries);
  const key = threadSummaryKey(records.summary);
  const mentions = workspace.getMap(DOC_KEYS.commentMentions);
  const members = workspace.getMap(DOC_KEYS.members);
  workspace.transact(() => {
    if (JSON.stringify(summaries.get(key)) !== JSON.stringify(records.summary)) summaries.set(key, records.summary);
    // Only members of the workspace get a mention record: a comment's `mentions` is its writer's word.
    for (const m of records.mentions) if (!mentions.has(m.id) && members.has(m.memberId)) mentions.set(m.id, m);
  });
}

/** conversationRecords then applyConversationRecords. */
export function recordConversationSummary(workspace: Y.Doc, conversation: Y.Doc, target: ThreadTarget): void {
  applyConversationRecords(workspace, conversationRecords(conversation, target));
}

type NewEvent = IncidentEvent extends infer E ? (E extends IncidentEvent ? Omit<E, 'id' | 'at' | 'byId' | 'byName'> : never) : never;

/** Appends an event to the timeline of an incident's conversation doc (its top-level `events`). */
export function appendConversationEvent(conversation: Y.Doc, event: NewEvent, ctx: CommandContext): IncidentEvent {
  const record = parseInput('appendConversationEvent', incidentEventSchema, { ...event, id: ctx.newId(), at: ctx.now(), byId: ctx.actor.id, byName: ctx.actor.name });
  conversation.getArray<IncidentEvent>(THREAD_EVENTS_KEY).push([record]);
  return record;
}

/** An incident conversation doc's timeline, oldest first, actions folded with their outcomes (as listIncidentEvents). */
export function listConversationEvents(conversation: Y.Doc): IncidentEvent[] {
  return foldActionOutcomes(rawConversationEvents(conversation).sort((a, b) => a.at - b.at || a.id.localeCompare(b.id)));
}
