/**
 * Run summaries written by importers (MLflow, and later others). A run is known by where it came
 * from (`source`, e.g. `mlflow:<run uuid>`), not by our id: importing the same store twice must
 * update the runs it brought in before, never add them again.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { type CommandContext, parseInput } from './command-context.ts';
import { DOC_KEYS, type RunSummaryRecord, runSummarySchema } from './schema.ts';

const upsertRunSummaryInput = runSummarySchema.omit({ id: true, createdAt: true }).extend({
  source: z.string().min(1, 'source is required').max(300),
});
export type RunSummaryInput = z.input<typeof upsertRunSummaryInput>;

export interface UpsertRunResult {
  /** `inserted`: a new run; `updated`: a run from the same source changed; `unchanged`: same as before. */
  outcome: 'inserted' | 'updated' | 'unchanged';
  record: RunSummaryRecord;
}

/**
 * Inserts a run summary, or updates the one with the same `source` in place (keeping its id and
 * `createdAt`, so comments on the run stay attached). Validates before writing; writes in one
 * transaction (callers importing many runs wrap the calls in their own `doc.transact`, which Yjs
 * merges into one update). A record that is already identical is not rewritten, so a re-import
 * of an unchanged store sends nothing to peers.
 *
 * If several records share the source (two clients imported the same store concurrently while
 * offline), the oldest by `createdAt` (then id) is updated and the others are left for a person
 * to delete: removing a run someone may have commented on is not an importer's call.
 */
export function upsertRunSummary(doc: Y.Doc, input: RunSummaryInput, ctx: Pick<CommandContext, 'now' | 'newId'>): UpsertRunResult {
  const summary = parseInput('upsertRunSummary', upsertRunSummaryInput, input);
  const runs = doc.getMap<unknown>(DOC_KEYS.runs);
  const existing = findRunBySource(doc, summary.source);
  const record: RunSummaryRecord = existing
    ? { ...summary, id: existing.id, createdAt: existing.createdAt }
    : { ...summary, id: ctx.newId(), createdAt: ctx.now() };
  if (existing && sameRecord(existing, record)) return { outcome: 'unchanged', record: existing };
  doc.transact(() => runs.set(record.id, record));
  return { outcome: existing ? 'updated' : 'inserted', record };
}

/** The run imported from `source`, or null (oldest first when several share it). */
export function findRunBySource(doc: Y.Doc, source: string): RunSummaryRecord | null {
  let found: RunSummaryRecord | null = null;
  for (const value of doc.getMap<unknown>(DOC_KEYS.runs).values()) {
    const parsed = runSummarySchema.safeParse(value);
    if (!parsed.success || parsed.data.source !== source) continue;
    const r = parsed.data;
    if (!found || r.createdAt < found.createdAt || (r.createdAt === found.createdAt && r.id < found.id)) found = r;
  }
  return found;
}

function sameRecord(a: RunSummaryRecord, b: RunSummaryRecord): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

/** The run with this id, or undefined (also when what is stored does not parse). */
export function getRunSummary(doc: Y.Doc, id: string): RunSummaryRecord | undefined {
  const parsed = runSummarySchema.safeParse(doc.getMap<unknown>(DOC_KEYS.runs).get(id));
  return parsed.success ? parsed.data : undefined;
}
