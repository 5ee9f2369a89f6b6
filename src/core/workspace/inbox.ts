/**
 * A member's inbox: the comments that @mention them and the notes they were @mentioned in,
 * newest first. Comment mentions are recorded by `addComment`; note mentions by
 * `recordNoteMentions`, which the note editor calls as its author types, because an inbox must
 * not have to open every note doc to find them.
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import type { CommandContext } from './command-context.ts';
import { parseInput } from './command-context.ts';
import { findMentions } from './mentions.ts';
import { listMembers, listMentionsOf } from './queries.ts';
import { type CommentTarget, DOC_KEYS, type NoteMentionRecord, type NoteRecord, noteMentionSchema, noteSchema } from './schema.ts';

export type InboxItem =
  | { kind: 'comment'; id: string; at: number; byName: string; text: string; target: CommentTarget }
  | { kind: 'note'; id: string; at: number; byName: string; text: string; noteId: string; noteTitle: string };

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
    const parsed = noteSchema.safeParse(value);
    if (parsed.success) notes.set(parsed.data.id, parsed.data);
  }
  const items: InboxItem[] = listMentionsOf(doc, memberId).map((c) => ({
    kind: 'comment', id: `comment:${c.id}`, at: c.createdAt, byName: c.authorName, text: c.body, target: c.target,
  }));
  for (const value of doc.getMap(DOC_KEYS.noteMentions).values()) {
    const parsed = noteMentionSchema.safeParse(value);
    if (!parsed.success || parsed.data.memberId !== memberId) continue;
    const m = parsed.data;
    const note = notes.get(m.noteId);
    if (!note) continue; // the note was deleted
    items.push({ kind: 'note', id: `note:${m.id}`, at: m.createdAt, byName: m.byName, text: m.excerpt, noteId: m.noteId, noteTitle: note.title });
  }
  return items.sort((a, b) => b.at - a.at || a.id.localeCompare(b.id));
}

function lineMentioning(text: string, name: string): string {
  const lower = text.toLowerCase();
  const at = lower.indexOf(`@${name.toLowerCase()}`);
  const start = text.lastIndexOf('\n', at) + 1;
  const end = text.indexOf('\n', at);
  return text.slice(start, end === -1 ? undefined : end).trim().slice(0, 500);
}
