/**
 * What any training script may send to `POST /api/v1/workspaces/:id/runs` (and
 * `driftdesk push run FILE.json`), checked strictly, and how it becomes the run-detail blob and
 * the run summary every importer writes (src/core/workspace/run-detail.ts, runs.ts).
 *
 * Body (JSON):
 *   name, experiment, status, startTime      required; times are ms since the epoch or ISO 8601
 *   endTime                                   optional, not before startTime
 *   params   { key: string | number | boolean }   stored as text, as MLflow does
 *   metrics  { key: number | [{ step, timestamp, value }] }   a latest value, or the series
 *   tags     { key: string }
 *   code, dataVersions, environment (files as text), seed   as in the run detail
 *   clientRunId   makes the call idempotent: the run's source is `api:<clientRunId>`, and posting
 *                 the same id again updates that run instead of adding one
 * Unknown keys are refused (a typo such as `metric` would otherwise drop data silently). Limits
 * follow MLflow's where it has them (param key 250 chars, value 6000).
 */
import { z } from 'zod';
import { codeVersionSchema, dataVersionRefSchema, environmentFileSchema, metricPointSchema, RUN_DETAIL_KIND, type MetricPointRecord, type RunDetailRecord } from './run-detail.ts';
import { type RunSummaryInput, headlineTags } from './runs.ts';
import { HEADLINE_LIMIT, runStatusSchema } from './schema.ts';

export const MAX_INGEST_POINTS = 1_000_000;
const HEADLINE_PARAMS = 50;
const PARAM_CHARS = 500;

const time = z.union([
  z.number().int().nonnegative(),
  z.string().datetime({ offset: true, message: 'expected milliseconds since the epoch or an ISO 8601 date-time' }).transform((s) => Date.parse(s)),
]);
const key = z.string().min(1, 'an empty key').max(250, 'keys are at most 250 characters');

export const runIngestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(300),
    experiment: z.string().trim().max(300),
    status: runStatusSchema,
    startTime: time,
    endTime: time.optional(),
    params: z.record(key, z.union([z.string().max(6000), z.number(), z.boolean()]).transform(String)).default({}),
    metrics: z.record(key, z.union([z.number(), z.array(metricPointSchema.strict()).min(1, 'a series needs at least one point')])).default({}),
    tags: z.record(key, z.string().max(5000)).default({}),
    code: codeVersionSchema.strict().optional(),
    dataVersions: z.array(dataVersionRefSchema.strict()).max(1000).default([]),
    environment: z.array(environmentFileSchema.strict()).max(20).default([]),
    seed: z.union([z.number(), z.string().max(100)]).optional(),
    clientRunId: z.string().regex(/^[A-Za-z0-9._:-]{1,200}$/, 'use 1–200 letters, digits, dot, underscore, colon or dash').optional(),
  })
  .superRefine((run, ctx) => {
    if (run.endTime !== undefined && run.endTime < run.startTime) ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'is before startTime' });
    let points = 0;
    for (const v of Object.values(run.metrics)) points += Array.isArray(v) ? v.length : 1;
    if (points > MAX_INGEST_POINTS) ctx.addIssue({ code: 'custom', path: ['metrics'], message: `${points} points; at most ${MAX_INGEST_POINTS} per run` });
  });
export type RunIngestInput = z.input<typeof runIngestSchema>;
export type RunIngest = z.output<typeof runIngestSchema>;

/** "field.path: message; …" for a failed parse, as the API answers it. */
export function ingestIssues(error: z.ZodError): string {
  return error.issues.flatMap(specific).slice(0, 10).map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`).join('; ');
}

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

/**
 * A union's "Invalid input" says nothing; the branch that got furthest into the value (the
 * longest issue path: a series, not a number, for an array) says what is wrong in it.
 */
function specific(issue: Issue): { path: PropertyKey[]; message: string }[] {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return [issue];
  const depth = (branch: Issue[]) => Math.max(0, ...branch.map((i) => i.path.length));
  const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
  if (best.length === 0 || depth(best) === 0) return [issue];
  return best.flatMap((i) => specific({ ...i, path: [...issue.path, ...i.path] }));
}

/**
 * The detail blob and summary of an ingested run. `newRunId` is used as the source when the
 * client sent no `clientRunId` (so each such call adds a run). Keys are sorted so the same run
 * gives the same blob bytes, and re-posting an unchanged run changes nothing.
 */
export function ingestedRun(run: RunIngest, newRunId: () => string): { detail: RunDetailRecord; summary: Omit<RunSummaryInput, 'detailBlob'> } {
  const source = `api:${run.clientRunId ?? newRunId()}`;
  const at = run.endTime ?? run.startTime;
  const metrics: Record<string, MetricPointRecord[]> = {};
  for (const k of Object.keys(run.metrics).sort()) {
    const v = run.metrics[k]!;
    metrics[k] = Array.isArray(v) ? v : [{ step: 0, timestamp: at, value: v }];
  }
  const detail: RunDetailRecord = {
    kind: RUN_DETAIL_KIND,
    version: 1,
    source,
    name: run.name,
    experiment: run.experiment,
    status: run.status,
    startTime: run.startTime,
    endTime: run.endTime ?? null,
    params: sorted(run.params),
    tags: sorted(run.tags),
    metrics,
    artifacts: null,
    ...(run.code ? { code: run.code } : {}),
    dataVersions: run.dataVersions,
    environment: run.environment,
    ...(run.seed === undefined ? {} : { seed: run.seed }),
  };
  const paramKeys = Object.keys(detail.params).slice(0, HEADLINE_PARAMS);
  const summary = {
    name: run.name,
    experiment: run.experiment,
    status: run.status,
    startedAt: run.startTime,
    ...(run.endTime === undefined ? {} : { endedAt: run.endTime }),
    source,
    params: Object.fromEntries(paramKeys.map((k) => [k, clip(detail.params[k]!)])),
    metrics: Object.fromEntries(Object.entries(headlineMetrics(metrics)).sort(([a], [b]) => (a < b ? -1 : 1)).slice(0, HEADLINE_LIMIT)),
    ...(Object.keys(headlineTags(detail.tags)).length > 0 ? { tags: headlineTags(detail.tags) } : {}),
  };
  return { detail, summary };
}

/**
 * A metric's latest value as MLflow's `latest_metrics` picks it: the highest step, then the latest
 * timestamp. Non-finite latest values are left out (the summary holds finite numbers).
 */
export function headlineMetrics(metrics: Record<string, MetricPointRecord[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, points] of Object.entries(metrics)) {
    let latest: MetricPointRecord | undefined;
    for (const p of points) if (!latest || p.step > latest.step || (p.step === latest.step && p.timestamp >= latest.timestamp)) latest = p;
    if (latest && typeof latest.value === 'number' && Number.isFinite(latest.value)) out[k] = latest.value;
  }
  return out;
}

const sorted = (r: Record<string, string>) => Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]!]));
const clip = (s: string) => (s.length <= PARAM_CHARS ? s : `${s.slice(0, PARAM_CHARS - 1)}…`);
