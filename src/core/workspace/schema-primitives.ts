/**
 * The atoms every record schema of the workspace (schema.ts and its schema-*.ts modules) is made
 * of. Not part of schema.ts's exports: importers name records, not these.
 */
import { z } from 'zod';

export const id = z.string().min(1).max(128);
/** Milliseconds since the Unix epoch. */
export const timestamp = z.number().int().nonnegative();
