/**
 * Dataset versions, drift comparisons between them, and monitors with their alert rules and
 * chunking. Part of the workspace schema; import it from schema.ts.
 */
import { z } from 'zod';
// A monitor record holds its column mapping; the mapping needs nothing of the workspace.
import { columnMappingSchema } from '../drift/column-mapping.ts';
import { id } from './schema-primitives.ts';

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

const share = z.number().min(0).max(1);

/** `ownIncident`: this rule's findings go to an incident of its own, not the monitor's shared one. */
const ownIncident = z.boolean().optional();

/** Bounds from the reference take no constant of their own; constant bounds need a critical one. */
function referenceOrConstant(rule: { bounds?: 'reference'; warning?: number; critical?: number }, ctx: z.RefinementCtx): 'reference' | 'constant' {
  if (rule.bounds === 'reference') {
    for (const field of ['warning', 'critical'] as const) {
      if (rule[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `bounds from the reference take no ${field} bound of their own` });
    }
    return 'reference';
  }
  if (rule.critical === undefined) ctx.addIssue({ code: 'custom', path: ['critical'], message: "a critical bound is required (or bounds: 'reference')" });
  return 'constant';
}

/**
 * How a monitor cuts its reference into chunks for every threshold derived from the reference
 * (src/core/monitor/chunking.ts, NannyML's chunkers): rows per chunk, a number of chunks, or one
 * chunk per calendar period of the mapping's timestamp; 'default' is NannyML's DefaultChunker.
 */
export const chunkingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('default') }),
  z.strictObject({ kind: z.literal('size'), size: z.number().int().positive().max(1_000_000_000) }),
  z.strictObject({ kind: z.literal('number'), count: z.number().int().positive().max(100_000) }),
  z.strictObject({ kind: z.literal('period'), period: z.enum(['day', 'week', 'month']) }),
]);
export type Chunking = z.infer<typeof chunkingSchema>;

/** A monitor's alert rule; how each kind is judged is src/core/monitor/rules.ts. */
export const alertRuleSchema = z.discriminatedUnion('kind', [
  // Constant bounds, or `bounds: 'reference'`: critical above the mean + 3 std of the drift share
  // of each reference chunk against the whole reference (clipped to [0, 1]).
  z.object({ kind: z.literal('driftShare'), id, ownIncident, bounds: z.literal('reference').optional(), warning: share.optional(), critical: share.optional() })
    .superRefine((rule, ctx) => {
      referenceOrConstant(rule, ctx);
    }),
  z.object({ kind: z.literal('columnDrift'), id, ownIncident, column: z.string().min(1).max(300), warning: z.number().optional(), critical: z.number().optional() }),
  // Constant bounds (`direction` and `critical`), or `bounds: 'reference'`: NannyML's thresholds
  // from the reference's chunks (mean ± 3 std, clipped to the metric's range), critical outside
  // them — on both sides, or only the side `direction` names.
  z.object({
    kind: z.literal('metric'), id, ownIncident, metric: z.string().min(1).max(200), direction: z.enum(['below', 'above']).optional(),
    bounds: z.literal('reference').optional(), warning: z.number().optional(), critical: z.number().optional(),
  }).superRefine((rule, ctx) => {
    if (referenceOrConstant(rule, ctx) === 'constant' && rule.direction === undefined) {
      ctx.addIssue({ code: 'custom', path: ['direction'], message: "a direction ('below' or 'above') is required with constant bounds" });
    }
  }),
  // Multivariate drift (NannyML's data reconstruction): critical when a batch's PCA reconstruction
  // error is outside the thresholds from the reference's chunks (mean ± 3 std, no lower bound at 0).
  z.object({ kind: z.literal('multivariate'), id, ownIncident }),
  z.object({ kind: z.literal('batchMissing'), id, ownIncident, warningAfterMs: z.number().int().positive().optional(), criticalAfterMs: z.number().int().positive() }),
]);
export type AlertRule = z.infer<typeof alertRuleSchema>;

export const monitorSchema = z.object({
  id,
  name: z.string().min(1).max(200),
  /** The model (or dataset) watched, as people name it. */
  model: z.string().max(300),
  /** The dataset version batches are compared against. */
  referenceVersionId: id,
  /** The reference data itself, in the server's blob store (sha256), and its file format. */
  referenceBlob: z.string().regex(/^[0-9a-f]{64}$/),
  referenceFormat: z.enum(['csv', 'tsv', 'parquet', 'json', 'jsonl']),
  /** Batches are expected this often (ms); a `batchMissing` rule judges lateness. */
  expectBatchEveryMs: z.number().int().positive().optional(),
  rules: z.array(alertRuleSchema).max(100),
  createdAt: z.number().int().nonnegative(),
  createdBy: id,
  lastBatchAt: z.number().int().nonnegative().optional(),
  /** What each column of the reference and the batches is (timestamp, id, target, …). */
  mapping: columnMappingSchema.optional(),
  /** CBPE's calibration of probabilities on the reference: 'auto' (NannyML's decision, the default) or forced on/off. */
  calibration: z.enum(['auto', 'on', 'off']).optional(),
  /** How the reference is cut into chunks for thresholds derived from it (absent: NannyML's default chunker). */
  chunking: chunkingSchema.optional(),
  /**
   * What the server fitted on the reference (drift share per reference chunk, the PCA of the
   * multivariate rule), kept as a blob: `key` hashes what the fit depends on (reference, mapping,
   * chunking, rules' needs), so a change of any of them refits.
   */
  referenceFit: z.object({ key: z.string().regex(/^[0-9a-f]{64}$/), blob: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  /** A paused monitor refuses batches and metrics and is not checked for missing batches. */
  paused: z.boolean().optional(),
  updatedAt: z.number().int().nonnegative().optional(),
  updatedBy: id.optional(),
  /** Set when deleted: gone from lists, its incidents and history kept. */
  deletedAt: z.number().int().nonnegative().optional(),
});
export type MonitorRecord = z.infer<typeof monitorSchema>;
