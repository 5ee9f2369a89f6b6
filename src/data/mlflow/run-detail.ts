/**
 * Turns an imported MLflow run into what a workspace holds: a small summary (CRDT) and a detail
 * blob (content-addressed JSON with everything: all params, every metric point with its timestamp
 * and step, tags, the artifact listing). The blob's bytes depend only on the run, so importing an
 * unchanged run again yields the same hash and the summary is left as it was.
 */
import { createHash } from 'node:crypto';
import { HEADLINE_LIMIT, RUN_DETAIL_KIND, type RunDetailRecord, type RunSummaryInput, headlineTags, mlflowCode, parseRunDetail } from '../../core/workspace/index.ts';
import type { ImportedRun, MetricPoint } from './imported-run.ts';

/** Headline params shown in a runs list; the full set is in the blob. Keeps the doc small. */
export const HEADLINE_PARAMS = 50;
const PARAM_CHARS = 500;

export interface RunDetail {
  summary: RunSummaryInput;
  blob: Uint8Array<ArrayBuffer>;
  sha256: string;
}

/** `source` is `mlflow:<run uuid>`: MLflow run ids are uuids, unique across its stores. */
export function runDetail(run: ImportedRun): RunDetail {
  const tags = sortedRecord(run.tags);
  const code = mlflowCode(tags);
  const detail: RunDetailRecord = {
    kind: RUN_DETAIL_KIND,
    version: 1,
    source: `mlflow:${run.runId}`,
    name: run.name,
    experiment: run.experiment,
    status: run.status,
    startTime: run.startTime,
    endTime: run.endTime ?? null,
    params: sortedRecord(run.params),
    tags,
    // Only when there are any, so blobs of runs whose experiment has no tags keep their hash.
    ...(Object.keys(run.experimentTags).length > 0 ? { experimentTags: sortedRecord(run.experimentTags) } : {}),
    // JSON has no NaN or Infinity; MLflow's own REST API writes them as these strings too.
    metrics: Object.fromEntries(Object.keys(run.metrics).sort().map((k) => [k, run.metrics[k]!.map((p) => ({ ...p, value: Number.isFinite(p.value) ? p.value : (String(p.value) as 'NaN' | 'Infinity' | '-Infinity') }))])),
    artifacts: run.artifacts,
    ...(code ? { code } : {}),
    dataVersions: [],
    environment: run.environment ?? [],
  };
  // Checked as every reader will check it: a blob the run page cannot read must not be stored.
  parseRunDetail(detail);
  const json = JSON.stringify(detail);
  const blob = new TextEncoder().encode(json);
  const sha256 = createHash('sha256').update(blob).digest('hex');
  const params = Object.keys(run.params).sort().slice(0, HEADLINE_PARAMS);
  const summary: RunSummaryInput = {
    name: run.name,
    experiment: run.experiment.slice(0, 300),
    status: run.status,
    startedAt: run.startTime,
    ...(run.endTime === undefined ? {} : { endedAt: run.endTime }),
    source: `mlflow:${run.runId}`,
    params: Object.fromEntries(params.map((k) => [k, truncate(run.params[k]!, PARAM_CHARS)])),
    metrics: Object.fromEntries(Object.entries(headlineMetrics(run.metrics)).sort(([a], [b]) => (a < b ? -1 : 1)).slice(0, HEADLINE_LIMIT)),
    ...(Object.keys(headlineTags(tags)).length > 0 ? { tags: headlineTags(tags) } : {}),
    detailBlob: sha256,
  };
  return { summary, blob, sha256 };
}

/**
 * The value MLflow shows as a metric's latest (its `latest_metrics` table): the point with the
 * highest step, then the latest timestamp. Metrics whose latest value is NaN/±Infinity are left
 * out of the headline (the schema holds finite numbers); the series in the blob keeps them.
 */
export function headlineMetrics(metrics: Record<string, MetricPoint[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, points] of Object.entries(metrics)) {
    let latest: MetricPoint | undefined;
    for (const p of points) if (!latest || p.step > latest.step || (p.step === latest.step && p.timestamp >= latest.timestamp)) latest = p;
    if (latest && Number.isFinite(latest.value)) out[key] = latest.value;
  }
  return out;
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]!]));
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
