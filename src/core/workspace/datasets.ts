/**
 * Dataset versions and version comparisons in the workspace doc. A version's profile and a
 * comparison's drift report are JSON blobs (sha256-addressed); the doc holds their hashes and
 * the headline numbers a list needs, so the doc stays small however wide the data.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { type CommandContext, CommandError, parseInput } from './command-context.ts';
import { DOC_KEYS, type DatasetComparisonRecord, type DatasetVersionRecord, datasetComparisonSchema, datasetVersionSchema } from './schema.ts';

const addVersionInput = datasetVersionSchema.omit({ id: true, addedBy: true, addedByName: true, addedAt: true }).extend({
  dataset: z.string().trim().min(1, 'dataset name is required').max(200),
});
export type AddDatasetVersionInput = z.input<typeof addVersionInput>;

/** Records a profiled dataset version. */
export function addDatasetVersion(doc: Y.Doc, input: AddDatasetVersionInput, ctx: CommandContext): DatasetVersionRecord {
  const data = parseInput('addDatasetVersion', addVersionInput, input);
  const record: DatasetVersionRecord = { id: ctx.newId(), ...data, addedBy: ctx.actor.id, addedByName: ctx.actor.name, addedAt: ctx.now() };
  doc.getMap<DatasetVersionRecord>(DOC_KEYS.datasetVersions).set(record.id, record);
  return record;
}

const recordComparisonInput = datasetComparisonSchema.omit({ id: true, createdBy: true, createdByName: true, createdAt: true });
export type RecordComparisonInput = z.input<typeof recordComparisonInput>;

/** Records a drift comparison between two versions of the workspace. */
export function recordComparison(doc: Y.Doc, input: RecordComparisonInput, ctx: CommandContext): DatasetComparisonRecord {
  const data = parseInput('recordComparison', recordComparisonInput, input);
  for (const [path, id] of [['referenceVersionId', data.referenceVersionId], ['currentVersionId', data.currentVersionId]] as const) {
    if (!getDatasetVersion(doc, id)) throw new CommandError('recordComparison', [{ path, message: `no dataset version ${id}` }]);
  }
  const record: DatasetComparisonRecord = { id: ctx.newId(), ...data, createdBy: ctx.actor.id, createdByName: ctx.actor.name, createdAt: ctx.now() };
  doc.getMap<DatasetComparisonRecord>(DOC_KEYS.datasetComparisons).set(record.id, record);
  return record;
}

export function getDatasetVersion(doc: Y.Doc, id: string): DatasetVersionRecord | undefined {
  const parsed = datasetVersionSchema.safeParse(doc.getMap(DOC_KEYS.datasetVersions).get(id));
  return parsed.success ? parsed.data : undefined;
}

/** Versions, newest first. */
export function listDatasetVersions(doc: Y.Doc): DatasetVersionRecord[] {
  return parseValues(doc.getMap(DOC_KEYS.datasetVersions), datasetVersionSchema).sort((a, b) => b.addedAt - a.addedAt || a.id.localeCompare(b.id));
}

/** Comparisons, newest first. */
export function listComparisons(doc: Y.Doc): DatasetComparisonRecord[] {
  return parseValues(doc.getMap(DOC_KEYS.datasetComparisons), datasetComparisonSchema).sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
}

function parseValues<S extends z.ZodType>(map: Y.Map<unknown>, schema: S): z.infer<S>[] {
  const out: z.infer<S>[] = [];
  for (const value of map.values()) {
    const parsed = schema.safeParse(value);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}
