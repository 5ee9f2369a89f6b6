/**
 * Note records: the notes registry (each note's text is a Y.Text in its own doc) and the
 * @mentions in notes. Part of the workspace schema; import it from schema.ts.
 */
import { z } from 'zod';
import { id, timestamp } from './schema-primitives.ts';

export const noteSchema = z.object({
  id,
  title: z.string().min(1).max(300),
  createdAt: timestamp,
  createdBy: id,
  createdByName: z.string().max(200),
  updatedAt: timestamp,
});
export type NoteRecord = z.infer<typeof noteSchema>;

/** A member @mentioned in a note (the first time in that note; later mentions do not repeat it). */
export const noteMentionSchema = z.object({
  id,
  noteId: id,
  memberId: id,
  byId: id,
  byName: z.string().max(200),
  /** The line the mention is on, as it read then. */
  excerpt: z.string().max(500),
  createdAt: timestamp,
});
export type NoteMentionRecord = z.infer<typeof noteMentionSchema>;
