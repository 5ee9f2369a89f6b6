/**
 * The note people keep on a run ("diverged after epoch 3, lr too high"): one short text per run,
 * kept in its own map so an importer rewriting the run's summary never touches it. Concurrent
 * saves resolve as Yjs resolves one map key: one of them wins whole, never a mix of both.
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { type CommandContext, CommandError, parseInput } from './command-context.ts';
import { DOC_KEYS, type RunAnnotationRecord, runAnnotationSchema, runSummarySchema } from './schema.ts';

/** Longest run note, in characters (a run note is a few lines; longer writing belongs in a note). */
export const RUN_NOTE_MAX = 4000;

const annotateRunInput = z.object({
  runId: z.string().min(1, 'runId is required').max(128),
  text: z.string().max(RUN_NOTE_MAX, `a run note holds at most ${RUN_NOTE_MAX} characters`),
});
export type AnnotateRunInput = z.input<typeof annotateRunInput>;

/**
 * Sets the run's note to `text` (trailing whitespace trimmed; an empty text clears it). The run
 * must exist in the doc. Saving the same text again writes nothing.
 */
export function annotateRun(doc: Y.Doc, input: AnnotateRunInput, ctx: CommandContext): RunAnnotationRecord | null {
  const { runId, text: raw } = parseInput('annotateRun', annotateRunInput, input);
  if (!runSummarySchema.safeParse(doc.getMap<unknown>(DOC_KEYS.runs).get(runId)).success) {
    throw new CommandError('annotateRun', [{ path: 'runId', message: `no run ${runId} in this workspace` }]);
  }
  const text = raw.trimEnd();
  const notes = doc.getMap<unknown>(DOC_KEYS.runAnnotations);
  const before = getRunAnnotation(doc, runId);
  if (text === '') {
    if (notes.has(runId)) doc.transact(() => notes.delete(runId));
    return null;
  }
  if (before?.text === text) return before;
  const record: RunAnnotationRecord = { runId, text, updatedAt: ctx.now(), updatedById: ctx.actor.id, updatedByName: ctx.actor.name };
  doc.transact(() => notes.set(runId, record));
  return record;
}

/** The run's note, or null when it has none (or what is stored does not parse). */
export function getRunAnnotation(doc: Y.Doc, runId: string): RunAnnotationRecord | null {
  const parsed = runAnnotationSchema.safeParse(doc.getMap<unknown>(DOC_KEYS.runAnnotations).get(runId));
  return parsed.success && parsed.data.runId === runId ? parsed.data : null;
}
