/**
 * Run records: the run summary a runs list needs, the note people keep on a run, and the Jupyter
 * notebooks (and their versions) pushed for runs. Part of the workspace schema; import it from
 * schema.ts.
 */
import { z } from 'zod';
import { id, timestamp } from './schema-primitives.ts';

/** Headline params or metrics a run summary may carry: the doc holds every run's, so they are capped; all are in the detail blob. */
export const HEADLINE_LIMIT = 100;

export const RUN_STATUSES = ['running', 'finished', 'failed', 'killed', 'scheduled'] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;

/**
 * A run as the runs list shows it. Only headline numbers live here (the doc must stay small);
 * the full params, metric series, tags and environment are a blob (`detailBlob`).
 */
export const runSummarySchema = z.object({
  id,
  name: z.string().min(1).max(300),
  experiment: z.string().max(300),
  status: runStatusSchema,
  startedAt: timestamp,
  endedAt: timestamp.optional(),
  /** Where it came from, e.g. `mlflow:<run uuid>` (re-imports update instead of duplicating). */
  source: z.string().max(300),
  params: z.record(z.string().max(250), z.string().max(500)).refine((r) => Object.keys(r).length <= HEADLINE_LIMIT, `at most ${HEADLINE_LIMIT} headline params (the rest belong in the detail blob)`),
  metrics: z.record(z.string().max(250), z.number()).refine((r) => Object.keys(r).length <= HEADLINE_LIMIT, `at most ${HEADLINE_LIMIT} headline metrics (the rest belong in the detail blob)`),
  /**
   * Headline tags a runs list filters by (people's own tags and a few system ones such as
   * `mlflow.user`); every tag is in the blob. Absent in summaries written before it existed.
   */
  tags: z.record(z.string(), z.string().max(300)).optional(),
  detailBlob: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  createdAt: timestamp,
});
export type RunSummaryRecord = z.infer<typeof runSummarySchema>;

/** The run note: one per run, the latest save wins (it is a short note, not a document). */
export const runAnnotationSchema = z.object({
  runId: id,
  text: z.string().max(4000),
  updatedAt: timestamp,
  updatedById: id,
  updatedByName: z.string().max(200),
});
export type RunAnnotationRecord = z.infer<typeof runAnnotationSchema>;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest');

/** Longest excerpt of a notebook's text a version record carries for search (the doc holds every version's). */
export const NOTEBOOK_EXCERPT_MAX = 8000;

/** A notebook: the same path pushed again is a new version of it. */
export const notebookSchema = z.object({
  id,
  title: z.string().min(1).max(300),
  /** Where it came from, as pushed (`notebooks/churn.ipynb`); the identity of its versions. */
  path: z.string().min(1).max(1000),
  createdAt: timestamp,
  createdBy: id,
  createdByName: z.string().max(200),
  /** Runs it belongs to (`--run`), newest link last. */
  runIds: z.array(id).max(100).optional(),
});
export type NotebookRecord = z.infer<typeof notebookSchema>;

export const notebookVersionSchema = z.object({
  id,
  notebookId: id,
  /** 1, 2, 3 … per notebook. */
  version: z.number().int().positive(),
  /** sha256 of the .ipynb bytes, stored as a blob. */
  blob: sha256Hex,
  size: z.number().int().nonnegative(),
  /** `4.5`, `3.0` … as the file says. */
  nbformat: z.string().max(20),
  cellCount: z.number().int().nonnegative(),
  /** How it was read (an nbformat 3 conversion, cells without ids). */
  notes: z.array(z.string().max(500)).max(10).optional(),
  /** The start of its searchable text (src/core/notebook/text.ts), for the search index. */
  excerpt: z.string().max(NOTEBOOK_EXCERPT_MAX).optional(),
  runId: id.optional(),
  addedAt: timestamp,
  addedBy: id,
  addedByName: z.string().max(200),
});
export type NotebookVersionRecord = z.infer<typeof notebookVersionSchema>;
