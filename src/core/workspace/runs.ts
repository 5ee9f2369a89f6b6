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
  return upsertRunSummaries(doc, [input], ctx)[0]!;
}

/**
 * upsertRunSummary for many runs in one transaction: every input is validated before anything
 * is written (one bad summary writes none), and the doc's runs are indexed by source once —
 * looking each run up anew made an import of 5,000 runs take seconds of map scans.
 */
export function upsertRunSummaries(doc: Y.Doc, inputs: readonly RunSummaryInput[], ctx: Pick<CommandContext, 'now' | 'newId'>): UpsertRunResult[] {
  const summaries = inputs.map((input, i) => parseInput(inputs.length === 1 ? 'upsertRunSummary' : `upsertRunSummaries[${i}]`, upsertRunSummaryInput, input));
  const runs = doc.getMap<unknown>(DOC_KEYS.runs);
  const wanted = new Set(summaries.map((s) => s.source));
  const bySource = new Map<string, RunSummaryRecord>();
  for (const value of runs.values()) {
    const source = (value as { source?: unknown } | null)?.source;
    if (typeof source !== 'string' || !wanted.has(source)) continue;
    const parsed = runSummarySchema.safeParse(value);
    if (parsed.success && isOlder(parsed.data, bySource.get(source))) bySource.set(source, parsed.data);
  }
  const results: UpsertRunResult[] = [];
  doc.transact(() => {
    for (const summary of summaries) {
      const existing = bySource.get(summary.source);
      const record: RunSummaryRecord = existing
        ? { ...summary, id: existing.id, createdAt: existing.createdAt }
        : { ...summary, id: ctx.newId(), createdAt: ctx.now() };
      if (existing && sameRecord(existing, record)) {
        results.push({ outcome: 'unchanged', record: existing });
        continue;
      }
      runs.set(record.id, record);
      bySource.set(summary.source, record);
      results.push({ outcome: existing ? 'updated' : 'inserted', record });
    }
  });
  return results;
}

const isOlder = (r: RunSummaryRecord, than: RunSummaryRecord | undefined) => !than || r.createdAt < than.createdAt || (r.createdAt === than.createdAt && r.id < than.id);

/** The run imported from `source`, or null (oldest first when several share it). */
export function findRunBySource(doc: Y.Doc, source: string): RunSummaryRecord | null {
  let found: RunSummaryRecord | null = null;
  for (const value of doc.getMap<unknown>(DOC_KEYS.runs).values()) {
    // A raw look first: only a record with this source is worth a parse.
    if ((value as { source?: unknown } | null)?.source !== source) continue;
    const parsed = runSummarySchema.safeParse(value);
    if (parsed.success && isOlder(parsed.data, found ?? undefined)) found = parsed.data;
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

/** System tags a runs list filters by; the other `mlflow.*` tags are bookkeeping (in the blob). */
const LISTED_SYSTEM_TAGS = ['mlflow.user', 'mlflow.parentRunId', 'mlflow.source.git.commit'];
const HEADLINE_TAGS = 30;
const TAG_CHARS = 300;

/**
 * The tags a run summary keeps for filtering the runs list: people's own (not `mlflow.*`, A→Z, at
 * most 30, values cut to 300 characters) and a few system ones; every tag stays in the blob.
 */
export function headlineTags(tags: Record<string, string>): Record<string, string> {
  const keys = Object.keys(tags).filter((k) => !k.startsWith('mlflow.') || LISTED_SYSTEM_TAGS.includes(k)).sort().slice(0, HEADLINE_TAGS);
  return Object.fromEntries(keys.map((k) => [k, tags[k]!.length <= TAG_CHARS ? tags[k]! : `${tags[k]!.slice(0, TAG_CHARS - 1)}…`]));
}
