/**
 * Dataset versions and version comparisons in the workspace doc. A version's profile and a
 * comparison's drift report are JSON blobs (sha256-addressed); the doc holds their hashes and
 * the headline numbers a list needs, so the doc stays small however wide the data.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { type CommandContext, CommandError, parseInput } from './command-context.ts';

export const DATASET_KEYS = { versions: 'datasetVersions', comparisons: 'datasetComparisons' } as const;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest');
const md5 = z.string().regex(/^[0-9a-f]{32}(\.dir)?$/, 'expected an md5 hex digest (DVC style)');

export const datasetVersionSchema = z.object({
  id: z.string().min(1).max(128),
  /** The dataset this is a version of, e.g. "transactions". */
  dataset: z.string().min(1).max(200),
  fileName: z.string().min(1).max(500),
  format: z.string().min(1).max(20),
  md5,
  size: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  columns: z.number().int().nonnegative(),
  profileBlob: sha256,
  /** The file itself in the workspace's blob store (sha256), when its upload finished: any member can then compare it exactly. */
  fileBlob: sha256.optional(),
  addedBy: z.string().min(1),
  addedByName: z.string().max(200),
  addedAt: z.number().int().nonnegative(),
});
export type DatasetVersionRecord = z.infer<typeof datasetVersionSchema>;

export const datasetComparisonSchema = z.object({
  id: z.string().min(1).max(128),
  referenceVersionId: z.string().min(1),
  currentVersionId: z.string().min(1),
  reportBlob: sha256,
  datasetDrift: z.boolean(),
  driftedColumns: z.number().int().nonnegative(),
  testedColumns: z.number().int().nonnegative(),
  createdBy: z.string().min(1),
  createdByName: z.string().max(200),
  createdAt: z.number().int().nonnegative(),
});
export type DatasetComparisonRecord = z.infer<typeof datasetComparisonSchema>;

const addVersionInput = datasetVersionSchema.omit({ id: true, addedBy: true, addedByName: true, addedAt: true }).extend({
  dataset: z.string().trim().min(1, 'dataset name is required').max(200),
});
export type AddDatasetVersionInput = z.input<typeof addVersionInput>;

/** Records a profiled dataset version. */
export function addDatasetVersion(doc: Y.Doc, input: AddDatasetVersionInput, ctx: CommandContext): DatasetVersionRecord {
  const data = parseInput('addDatasetVersion', addVersionInput, input);
  const record: DatasetVersionRecord = { id: ctx.newId(), ...data, addedBy: ctx.actor.id, addedByName: ctx.actor.name, addedAt: ctx.now() };
  doc.getMap<DatasetVersionRecord>(DATASET_KEYS.versions).set(record.id, record);
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
  doc.getMap<DatasetComparisonRecord>(DATASET_KEYS.comparisons).set(record.id, record);
  return record;
}

export function getDatasetVersion(doc: Y.Doc, id: string): DatasetVersionRecord | undefined {
  const parsed = datasetVersionSchema.safeParse(doc.getMap(DATASET_KEYS.versions).get(id));
  return parsed.success ? parsed.data : undefined;
}

/** Versions, newest first. */
export function listDatasetVersions(doc: Y.Doc): DatasetVersionRecord[] {
  return parseValues(doc.getMap(DATASET_KEYS.versions), datasetVersionSchema).sort((a, b) => b.addedAt - a.addedAt || a.id.localeCompare(b.id));
}

/** Comparisons, newest first. */
export function listComparisons(doc: Y.Doc): DatasetComparisonRecord[] {
  return parseValues(doc.getMap(DATASET_KEYS.comparisons), datasetComparisonSchema).sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
}

function parseValues<S extends z.ZodType>(map: Y.Map<unknown>, schema: S): z.infer<S>[] {
  const out: z.infer<S>[] = [];
  for (const value of map.values()) {
    const parsed = schema.safeParse(value);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}
