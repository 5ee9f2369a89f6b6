/**
 * A member's inbox: the comments that @mention them (in the workspace doc, or in a conversation
 * doc by the mention record the server keeps in the workspace doc) and the notes they were
 * @mentioned in, newest first. Comment mentions are recorded by `addComment`; note mentions by
 * `recordNoteMentions`, which the note editor calls as its author types, because an inbox must
 * not have to open every note doc to find them.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import type { CommandContext } from './command-context.ts';
import { parseInput } from './command-context.ts';
import { findMentions } from './mentions.ts';
import { listMembers, listMentionsOf, parseRecord } from './queries.ts';
import { type CommentTarget, DOC_KEYS, commentMentionSchema, type NoteMentionRecord, type NoteRecord, handoffEventSchema, handoffSchema, modelSchema, modelVersionSchema, noteMentionSchema, noteSchema } from './schema.ts';

export type InboxItem =
  /** `commentId` is the comment to scroll to; `targetTitle` names what it is on ("Drift on age"). */
  | { kind: 'comment'; id: string; at: number; byName: string; text: string; target: CommentTarget; commentId: string; targetTitle: string }
  | { kind: 'note'; id: string; at: number; byName: string; text: string; noteId: string; noteTitle: string }
  /** An @mention in a handoff's request message (`decisionId` null) or in a decision's comment. */
  | { kind: 'handoff'; id: string; at: number; byName: string; text: string; handoffId: string; handoffTitle: string; decisionId: string | null };

const recordInput = z.object({ noteId: z.string().min(1).max(128), text: z.string().max(2_000_000) });

/**
 * Records the members @mentioned in a note's text who were not recorded for this note before;
 * returns the new records (empty when nothing changed, so calling it on every edit is cheap in
 * writes). The author is never notified of their own mention.
 */
export function recordNoteMentions(doc: Y.Doc, input: z.input<typeof recordInput>, ctx: CommandContext): NoteMentionRecord[] {
  const { noteId, text } = parseInput('recordNoteMentions', recordInput, input);
  const mentions = doc.getMap<NoteMentionRecord>(DOC_KEYS.noteMentions);
  const members = listMembers(doc);
  const fresh = findMentions(text, members).filter((memberId) => memberId !== ctx.actor.id && !mentions.has(`${noteId}:${memberId}`));
  if (fresh.length === 0) return [];
  const now = ctx.now();
  const records = fresh.map((memberId): NoteMentionRecord => ({
    id: `${noteId}:${memberId}`,
    noteId,
    memberId,
    byId: ctx.actor.id,
    byName: ctx.actor.name,
    excerpt: lineMentioning(text, members.find((m) => m.id === memberId)!.name),
    createdAt: now,
  }));
  doc.transact(() => {
    for (const r of records) mentions.set(r.id, r);
  });
  return records;
}

/** Everything that mentions `memberId`, newest first. */
export function listInbox(doc: Y.Doc, memberId: string): InboxItem[] {
  const notes = new Map<string, NoteRecord>();
  for (const value of doc.getMap(DOC_KEYS.notes).values()) {
    const note = parseRecord(noteSchema, value);
    if (note) notes.set(note.id, note);
  }
  const items: InboxItem[] = listMentionsOf(doc, memberId).map((c) => ({
    kind: 'comment', id: `comment:${c.id}`, at: c.createdAt, byName: c.authorName, text: c.body, target: c.target, commentId: c.id, targetTitle: targetTitle(doc, c.target),
  }));
  // Mentions in conversation docs, from the records the server keeps here (nobody need have the
  // conversation open); one still in this doc's comments (mid-move) is listed once.
  const listed = new Set(items.map((i) => i.id));
  for (const value of doc.getMap(DOC_KEYS.commentMentions).values()) {
    // Cheap test on the raw record first (memberId passes the schema unchanged): a workspace of
    // years holds thousands of these records, nearly all about someone else.
    if (!isFor(value, memberId)) continue;
    const m = parseRecord(commentMentionSchema, value);
    if (!m || m.memberId !== memberId || listed.has(`comment:${m.commentId}`)) continue;
    listed.add(`comment:${m.commentId}`);
    items.push({ kind: 'comment', id: `comment:${m.commentId}`, at: m.at, byName: m.byName, text: m.excerpt, target: m.target, commentId: m.commentId, targetTitle: targetTitle(doc, m.target) });
  }
  items.push(...handoffMentions(doc, memberId));
  for (const value of doc.getMap(DOC_KEYS.noteMentions).values()) {
    if (!isFor(value, memberId)) continue;
    const m = parseRecord(noteMentionSchema, value);
    if (!m || m.memberId !== memberId) continue;
    const note = notes.get(m.noteId);
    if (!note) continue; // the note was deleted
    items.push({ kind: 'note', id: `note:${m.id}`, at: m.createdAt, byName: m.byName, text: m.excerpt, noteId: m.noteId, noteTitle: note.title });
  }
  return items.sort((a, b) => b.at - a.at || a.id.localeCompare(b.id));
}

/** Whether a raw mention record names `memberId` (the parse after it decides whether it counts). */
const isFor = (value: unknown, memberId: string): boolean =>
  typeof value === 'object' && value !== null && (value as { memberId?: unknown }).memberId === memberId;

/** What a comment is on, as a person names it: the incident's title, the run's name … ('' when it is gone). */
export function targetTitle(doc: Y.Doc, target: CommentTarget): string {
  /** A field of the record under the target's id (an incident is a Y.Map of fields; the rest plain records). */
  const field = (key: string, name: string): string => {
    const value: unknown = doc.getMap(key).get(target.id);
    const got: unknown = value instanceof Y.Map ? value.get(name) : value && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
    return typeof got === 'string' ? got : '';
  };
  switch (target.kind) {
    case 'incident': return field(DOC_KEYS.incidents, 'title');
    case 'run': return field(DOC_KEYS.runs, 'name');
    case 'note': return field(DOC_KEYS.notes, 'title');
    case 'notebook': return field(DOC_KEYS.notebooks, 'title');
    case 'datasetVersion': return field(DOC_KEYS.datasetVersions, 'fileName');
    case 'modelVersion': return versionTitle(doc, target.id);
    case 'handoff': {
      const handoff = parseRecord(handoffSchema, doc.getMap(DOC_KEYS.handoffs).get(target.id));
      return handoff ? versionTitle(doc, handoff.versionId) : '';
    }
  }
}

/** "churn v3" (or "churn 1.2.0"): the model's name and the version's label or number. */
function versionTitle(doc: Y.Doc, versionId: string): string {
  const version = parseRecord(modelVersionSchema, doc.getMap(DOC_KEYS.modelVersions).get(versionId));
  if (!version) return '';
  const model = parseRecord(modelSchema, doc.getMap(DOC_KEYS.models).get(version.modelId));
  return `${model ? model.name : 'a model'} ${version.label ?? `v${version.version}`}`;
}

/**
 * Handoff requests and decisions whose text @mentions the member (read from their text when the
 * inbox is listed, as a handoff's message cannot change), except the writer's own.
 */
function handoffMentions(doc: Y.Doc, memberId: string): InboxItem[] {
  const members = listMembers(doc);
  const out: InboxItem[] = [];
  const mentions = (text: string) => text.includes('@') && findMentions(text, members).includes(memberId);
  for (const value of doc.getMap(DOC_KEYS.handoffs).values()) {
    const h = parseRecord(handoffSchema, value);
    if (!h || h.requestedById === memberId || !mentions(h.message)) continue;
    out.push({ kind: 'handoff', id: `handoff:${h.id}`, at: h.at, byName: h.requestedByName, text: h.message, handoffId: h.id, handoffTitle: versionTitle(doc, h.versionId), decisionId: null });
  }
  for (const value of doc.getMap(DOC_KEYS.handoffEvents).values()) {
    const e = parseRecord(handoffEventSchema, value);
    if (!e || e.kind !== 'decision' || e.byId === memberId || !mentions(e.comment)) continue;
    const h = parseRecord(handoffSchema, doc.getMap(DOC_KEYS.handoffs).get(e.handoffId));
    if (!h) continue;
    out.push({ kind: 'handoff', id: `handoff-event:${e.id}`, at: e.at, byName: e.byName, text: e.comment, handoffId: h.id, handoffTitle: versionTitle(doc, h.versionId), decisionId: e.id });
  }
  return out;
}

function lineMentioning(text: string, name: string): string {
  const lower = text.toLowerCase();
  const at = lower.indexOf(`@${name.toLowerCase()}`);
  const start = text.lastIndexOf('\n', at) + 1;
  const end = text.indexOf('\n', at);
  return text.slice(start, end === -1 ? undefined : end).trim().slice(0, 500);
}
