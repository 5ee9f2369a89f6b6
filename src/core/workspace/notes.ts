/**
 * Commands over the notes registry (`DOC_KEYS.notes` in the workspace doc). The registry holds
 * only what a list needs (title, who made it, when it last changed); a note's text is a Y.Text
 * in the note's own doc (`noteDocName`), so listing 200 notes never loads 200 bodies.
 *
 * Registry entries are plain records, so a write replaces the whole record: of two concurrent
 * writes to one note (a rename here, a touch there) one wins whole. `touchNote` is therefore
 * cheap to lose and callers should send it rarely (see its comment).
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { type CommandContext, CommandError, parseInput } from './command-context.ts';
import { DOC_KEYS, type NoteRecord, noteSchema } from './schema.ts';

const title = z.string().trim().max(300, 'title is at most 300 characters').min(1, 'title is required');
const noteId = z.string().min(1).max(128);

const createNoteInput = z.object({ title });
export type CreateNoteInput = z.input<typeof createNoteInput>;

/**
 * Adds a note to the registry and returns its record. The note's text doc is not created
 * here: it comes into being when someone first opens `noteDocName(workspaceId, record.id)`.
 */
export function createNote(doc: Y.Doc, input: CreateNoteInput, ctx: CommandContext): NoteRecord {
  const data = parseInput('createNote', createNoteInput, input);
  const now = ctx.now();
  const record: NoteRecord = {
    id: ctx.newId(),
    title: data.title,
    createdAt: now,
    createdBy: ctx.actor.id,
    createdByName: ctx.actor.name,
    updatedAt: now,
  };
  parseInput('createNote', noteSchema, record); // a bad id from ctx.newId must not reach the doc
  notes(doc).set(record.id, record);
  return record;
}

const renameNoteInput = z.object({ noteId, title });
export type RenameNoteInput = z.input<typeof renameNoteInput>;

/** Gives a note a new title (trimmed, 1–300 characters) and bumps its `updatedAt` (ms since epoch). */
export function renameNote(doc: Y.Doc, input: RenameNoteInput, ctx: CommandContext): NoteRecord {
  const data = parseInput('renameNote', renameNoteInput, input);
  const existing = requireNote('renameNote', doc, data.noteId);
  if (existing.title === data.title) return existing;
  const record: NoteRecord = { ...existing, title: data.title, updatedAt: Math.max(existing.updatedAt, ctx.now()) };
  notes(doc).set(record.id, record);
  return record;
}

const touchNoteInput = z.object({ noteId });

/**
 * Records that a note's text changed now, so "most recently changed first" lists stay true.
 * The text itself lives in another doc; this only moves `updatedAt` forward, never back.
 * Each call writes the whole registry record, so editors call it at most every few seconds
 * while typing, not per keystroke.
 */
export function touchNote(doc: Y.Doc, input: z.input<typeof touchNoteInput>, ctx: CommandContext): NoteRecord {
  const data = parseInput('touchNote', touchNoteInput, input);
  const existing = requireNote('touchNote', doc, data.noteId);
  const now = ctx.now();
  if (now <= existing.updatedAt) return existing;
  const record: NoteRecord = { ...existing, updatedAt: now };
  notes(doc).set(record.id, record);
  return record;
}

const deleteNoteInput = z.object({ noteId });

/**
 * Removes a note from the registry, so it leaves every list and its page says it is gone.
 * The note's text doc and its comments are left as they are: a history restore that brings
 * the registry entry back finds them intact.
 */
export function deleteNote(doc: Y.Doc, input: z.input<typeof deleteNoteInput>, _ctx: CommandContext): void {
  const data = parseInput('deleteNote', deleteNoteInput, input);
  requireNote('deleteNote', doc, data.noteId);
  notes(doc).delete(data.noteId);
}

/** One note's registry record, or undefined when there is none or it does not parse. */
export function getNote(doc: Y.Doc, id: string): NoteRecord | undefined {
  const parsed = noteSchema.safeParse(notes(doc).get(id));
  return parsed.success ? parsed.data : undefined;
}

function notes(doc: Y.Doc): Y.Map<NoteRecord> {
  return doc.getMap<NoteRecord>(DOC_KEYS.notes);
}

function requireNote(command: string, doc: Y.Doc, id: string): NoteRecord {
  const note = getNote(doc, id);
  if (!note) throw new CommandError(command, [{ path: 'noteId', message: `no note ${id}` }]);
  return note;
}
