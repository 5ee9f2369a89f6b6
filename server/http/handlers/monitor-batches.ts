/**
 * What a monitor is sent (member token, owners and editors):
 * `POST …/monitors/:monitor/batches`  a production batch (CSV, TSV, JSONL, JSON or Parquet, by
 *      Content-Type; or a `driftdesk profile --json` profile): drift against the reference under the
 *      monitor's column mapping, the batch's time (its timestamp column) and the model's realized
 *      and estimated (CBPE) performance, the rules judged — kept as one history row in the store,
 *      and fired rules written as findings on at most one incident of the monitor;
 * `POST …/monitors/:monitor/metrics`  `[{"name","value","timestamp"}]`, judged and kept the same way;
 * `POST …/monitors/:monitor/labels`   labels that came later (monitor-labels.ts).
 *
 * A batch's columns are read from its header (or keys, or Parquet metadata) and checked against
 * the reference's before it queues, so a wrong or enormous batch is refused in microseconds. A
 * batch may lack the mapping's target (labels come later) and its ignored columns.
 */
import { createHash } from 'node:crypto';
import { STAT_TESTS, type ColumnReport, summarizeDrift, untestedColumns } from '../../../src/core/drift/index.ts';
import {
  type BatchDrift,
  type Estimate,
  type MonitorRecord,
  type RuleOutcome,
  estimatedPerformance,
  evaluateBatch,
  evaluateMetric,
  evaluateMultivariate,
  reconstructionErrors,
  summariseChunk,
  type FeatureColumn,
  getMonitor,
  performanceMetrics,
  realizedPerformance,
  recordFindings,
} from '../../../src/core/monitor/index.ts';
import type { DriftComparison } from '../../../src/core/profile/index.ts';
import { type ColumnsRead, MAX_HEADER_BYTES, MAX_MONITOR_COLUMNS, columnMismatch, describeMismatch, duplicatesOf, recordColumns } from '../../../src/data/datasets/batch-columns.ts';
import { compareFiles } from '../../../src/data/datasets/compare.ts';
import { DatasetError } from '../../../src/data/datasets/dataset-reader.ts';
import { type ModelOutputs, latestTime, readModelOutputs } from '../../../src/data/datasets/model-outputs.ts';
import { compareWithProfile, isDatasetProfile, parseBatchProfile } from '../../../src/data/datasets/profile-compare.ts';
import { EngineBusy } from '../../monitor-engine.ts';
import type { MonitorBatch } from '../../store-contract.ts';
import type { MemberIdentity } from '../../../src/shared/server-api.ts';
import type { BatchJob, JobControl } from '../../monitor-jobs.ts';
import { type Answer, type ServerHandlers, fail } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';
import { labelHandlers } from './monitor-labels.ts';
import { fitNeeds, referenceFitFor } from './monitor-reference-fit.ts';
import { type ReferenceFit, batchFeatures } from '../../../src/data/datasets/reference-fit.ts';
import {
  FORMAT_OF_TYPE, type KeptPredictions, LISTED, MAX_REFERENCE_HEADER_BYTES, ReferenceUnreadable, activeMonitor, busy, columnsOf, commandContext, notify, parseJson,
  putJson, summarize, worstPerRule,
} from './monitor-shared.ts';

/** Past this many rows a batch's predictions are not kept for labels (the blob would pass 64 MiB). */
const MAX_KEPT_PREDICTIONS = 1_000_000;

/** Columns a batch may leave out: the target (labels come later) and ignored ones. */
function optionalColumns(monitor: MonitorRecord): Set<string> {
  const m = monitor.mapping;
  return new Set([...(m?.target !== undefined ? [m.target] : []), ...(m?.ignored ?? [])]);
}

/** The report without the mapping's untested columns (a profile batch is compared without the mapping). */
function withoutUntested(report: DriftComparison, monitor: MonitorRecord): DriftComparison {
  const untested = untestedColumns(monitor.mapping);
  if (!report.columns.some((c) => untested.has(c.name))) return report;
  const kept: ColumnReport[] = report.columns.filter((c) => !untested.has(c.name));
  const skipped = report.columns.filter((c) => untested.has(c.name)).map((c) => ({ name: c.name, reason: `the ${untested.get(c.name)} column (column mapping): not tested for drift` }));
  return { ...report, ...summarizeDrift(kept, report.drift_share), skipped_columns: [...report.skipped_columns, ...skipped], histograms: report.histograms?.filter((h) => !untested.has(h.name)) };
}

export const monitorBatchHandlers = (deps: HandlerDeps) => {
  const { store, withRoom, webhooks } = deps;
  return {
    ...labelHandlers(deps),
    'monitors.metrics': async ({ params, identity, body }) => {
      const workspaceId = params.workspaceId!;
      const monitor = await activeMonitor(deps, workspaceId, params.monitorId!);
      if ('error' in monitor) return monitor;
      const outcomes = worstPerRule(body.flatMap((m) => evaluateMetric(monitor.rules, m)));
      const latest: Record<string, number> = {};
      let at = 0;
      for (const m of body) {
        const t = typeof m.timestamp === 'number' ? m.timestamp : Date.parse(m.timestamp);
        at = Math.max(at, t);
        latest[m.name] = m.value;
      }
      const arrivedAt = Date.now();
      const entry: Omit<MonitorBatch, 'id'> = {
        monitorId: monitor.id, kind: 'metrics', at: Number.isFinite(at) && at > 0 ? at : arrivedAt, arrivedAt, timeFrom: 'metrics', rows: 0,
        driftShare: null, driftedColumns: 0, testedColumns: 0, columns: [], metrics: latest, estimated: {}, realized: {}, labelled: 0,
        outcomes, incidents: {}, reportBlob: null, predictionsBlob: null,
      };
      const batchId = await store.addMonitorBatch(workspaceId, entry);
      const applied = await withRoom(workspaceId, async (room) => {
        // Deleted while this was scored: its findings still belong to it (the incident keeps its name).
        const current = getMonitor(room.doc, monitor.id, { deleted: true }) ?? monitor;
        const result = recordFindings(room.doc, current, outcomes, { batchId }, commandContext(identity));
        await room.flushed();
        return result;
      });
      // Split timelines: the findings go into the incidents' conversation docs (incident-timeline.ts).
      if (applied.timeline.length) await deps.timeline.append(workspaceId, applied.timeline);
      if (Object.keys(applied.incidentOfRule).length) await store.updateMonitorBatch(workspaceId, monitor.id, batchId, { incidents: applied.incidentOfRule });
      notify(webhooks, workspaceId, monitor, applied, outcomes);
      return { json: { metrics: body.length, batchId, outcomes, ...summarize(applied) } };
    },
    'monitors.batch': async ({ params, identity, body, contentType }) => {
      const workspaceId = params.workspaceId!;
      // The monitor must exist (and not be paused) before any work is done on the body.
      const monitor = await activeMonitor(deps, workspaceId, params.monitorId!);
      if ('error' in monitor) return monitor;
      const jobs = deps.jobs?.();
      if (!jobs) return scoreBatch(deps, { workspaceId, monitorId: monitor.id, identity, body, contentType });
      // On PostgreSQL: the batch goes in the blob store and any server process scores it.
      const batchBlob = createHash('sha256').update(body).digest('hex');
      await store.putBlob(workspaceId, batchBlob, body);
      return (await jobs.submit({ workspaceId, monitorId: monitor.id, batchBlob, contentType, identity })) as Answer<'monitors.batch'>;
    },
  } satisfies Pick<ServerHandlers, 'monitors.batch' | 'monitors.metrics' | 'monitors.labels'>;
};

/** A batch to score: from the request, or from a job that names its blob. */
export interface BatchWork {
  workspaceId: string;
  monitorId: string;
  identity: MemberIdentity;
  body: Uint8Array;
  contentType: string;
  /** For a job: whether it is still this process's to record (false once it expired and went to a retry). */
  stillOurs?: () => Promise<boolean>;
}

/**
 * Scores one batch and records it (history row, findings, webhooks); the answer is the HTTP
 * answer, whichever process computes it.
 */
export async function scoreBatch(deps: HandlerDeps, { workspaceId, monitorId, identity, body, contentType, stillOurs }: BatchWork): Promise<Answer<'monitors.batch'>> {
  const { store, withRoom, engine, webhooks } = deps;
  const monitor = await activeMonitor(deps, workspaceId, monitorId);
  if ('error' in monitor) return monitor;
  const mapping = monitor.mapping;
  // The router let only BATCH_CONTENT_TYPES through.
  const format = FORMAT_OF_TYPE[contentType]!;
  // Read from this workspace's blobs on every batch: a monitor record names a hash, and only
  // the workspace's own blob of that hash may be read for it.
  const referenceData = await store.getBlob(workspaceId, monitor.referenceBlob);
  if (!referenceData) return fail(409, `the monitor's reference data (blob ${monitor.referenceBlob}) is missing from this workspace's blob store`);
  const files = engine.files();
  let report: DriftComparison;
  let batchTime: number | null = null;
  let outputs: { reference: ModelOutputs; batch: ModelOutputs } | null = null;
  let fit: ReferenceFit | null = null;
  let features: FeatureColumn[] | null = null;
  try {
    let referencePath: string | null = null;
    const reference = () => (referencePath ??= files.write(referenceData, monitor.referenceFormat, 'reference'));
    const referenceColumns = await engine.referenceColumns(workspaceId, monitor.referenceBlob, monitor.referenceFormat, async () => {
      const read = await columnsOf(engine, referenceData, monitor.referenceFormat, reference, MAX_REFERENCE_HEADER_BYTES);
      if (read.kind === 'refused') throw new ReferenceUnreadable(read.message);
      return read.names;
    });
    // Parsed once: a JSON object with columns and rows is a profile (`driftdesk profile --json`), not rows.
    const json = format === 'json' ? parseJson(body) : null;
    const asProfile = json?.ok && isDatasetProfile(json.value) ? parseBatchProfile(json.value) : null;
    if (asProfile && !asProfile.ok) return fail(400, `the batch profile is not valid: ${asProfile.why}`, 'bad_profile');
    const profile = asProfile?.ok ? asProfile.profile : null;
    let batchPath: string | null = null;
    const batch = () => (batchPath ??= files.write(body, format));
    const read: ColumnsRead = profile
      ? { kind: 'columns', names: profile.columns.map((c) => c.name), duplicated: duplicatesOf(profile.columns.map((c) => c.name)) }
      : json?.ok ? recordColumns(json.value) : await columnsOf(engine, body, json ? 'jsonl' : format, batch, MAX_HEADER_BYTES);
    if (read.kind === 'refused') return fail(read.status, `the batch could not be read: ${read.message}`, read.code);
    const optional = optionalColumns(monitor);
    const found = columnMismatch(referenceColumns, read.names, read.duplicated);
    const mismatch = found && { ...found, missing: found.missing.filter((n) => !optional.has(n)) };
    if (mismatch && (mismatch.missing.length || mismatch.unexpected.length || mismatch.duplicated.length)) {
      const tooMany = read.names.length > MAX_MONITOR_COLUMNS;
      const error = tooMany
        ? `the batch has ${read.names.length} columns, more than the ${MAX_MONITOR_COLUMNS} a monitor takes (the reference has ${referenceColumns.length}): ${describeMismatch(mismatch)}`
        : `batch columns do not match the reference: ${describeMismatch(mismatch)}`;
      return {
        status: tooMany ? 413 : 400, error, code: tooMany ? 'too_many_columns' : 'columns_mismatch',
        details: { missing: mismatch.missing.slice(0, LISTED), unexpected: mismatch.unexpected.slice(0, LISTED), duplicated: mismatch.duplicated.slice(0, LISTED) },
      };
    }
    const wantsOutputs = mapping !== undefined && (mapping.prediction !== undefined || mapping.predictionProba !== undefined || mapping.target !== undefined);
    // Bounds from the reference's chunks (drift share, multivariate drift): fitted once, kept.
    const needs = fitNeeds(monitor.rules);
    if (needs.driftShare || needs.multivariate) fit = await referenceFitFor(deps, workspaceId, monitor, needs, reference);
    const pca = fit?.multivariate ?? null;
    report = await engine.run(workspaceId, (reader) =>
      profile
        ? compareWithProfile(reader, reference(), profile)
        : compareFiles(reader, reference(), batch(), {
          histograms: true, mapping,
          onLoaded: async (r, ref, cur) => {
            if (mapping?.timestamp) batchTime = await latestTime(r, cur, mapping.timestamp);
            if (wantsOutputs) outputs = { reference: await readModelOutputs(r, ref, mapping), batch: await readModelOutputs(r, cur, mapping) };
            if (pca) features = await batchFeatures(r, cur, pca);
          },
        }),
    );
  } catch (err) {
    if (err instanceof EngineBusy) return busy(err);
    if (err instanceof ReferenceUnreadable) return fail(409, `the monitor's reference data cannot be read: ${files.hidePaths(err.message)}`, 'reference_unreadable');
    if (err instanceof DatasetError) return fail(400, `the batch could not be compared: ${files.hidePaths(err.message)}`);
    throw err;
  } finally {
    files.remove();
  }
  report = withoutUntested(report, monitor);
  // Kept behind the header check: what DuckDB loaded is what counts, should the two ever differ.
  const optional = optionalColumns(monitor);
  const missing = report.skipped_columns.filter((s) => s.reason === 'only in the reference' && !optional.has(s.name)).map((s) => s.name);
  const unexpected = report.skipped_columns.filter((s) => s.reason === 'only in the current data').map((s) => s.name);
  if (missing.length > 0 || unexpected.length > 0) {
    const loaded = { missing: missing.slice(0, LISTED), unexpected: unexpected.slice(0, LISTED), duplicated: [] };
    return { status: 400, error: `batch columns do not match the reference: ${describeMismatch({ missing, unexpected, duplicated: [] })}`, code: 'columns_mismatch', details: loaded };
  }
  const arrivedAt = Date.now();
  const at = batchTime ?? arrivedAt;
  const shared = { ...report, reference: { ...report.reference, path: monitor.name + ' reference' }, current: { ...report.current, path: `batch ${new Date(at).toISOString()}` } };
  const reportBlob = await putJson(store, workspaceId, shared);

  // Performance: realized where the batch has its target, estimated (CBPE) where it has predictions.
  let realized: Record<string, number> = {};
  let labelled = 0;
  let estimated: Record<string, Estimate> = {};
  let predictionsBlob: string | null = null;
  const out = outputs as { reference: ModelOutputs; batch: ModelOutputs } | null;
  if (out) {
    ({ metrics: realized, labelled } = realizedPerformance(out.batch));
    estimated = estimatedPerformance(out.reference, out.batch, monitor.calibration ?? 'auto', monitor.chunking ?? { kind: 'default' });
    // Kept for labels that come later, joined by the mapping's id.
    if (out.batch.ids && labelled < report.current.rows && report.current.rows <= MAX_KEPT_PREDICTIONS && (out.batch.prediction || Object.keys(out.batch.proba).length)) {
      const kept: KeptPredictions = { ids: out.batch.ids, prediction: out.batch.prediction, proba: out.batch.proba, ...(out.batch.target ? { target: out.batch.target } : {}) };
      predictionsBlob = await putJson(store, workspaceId, kept);
    }
  }
  // Multivariate drift: the batch is one chunk of the reference's PCA.
  let multivariate: MonitorBatch['multivariate'] = null;
  const pca = fit?.multivariate;
  const rowsOf = features as FeatureColumn[] | null;
  if (pca && rowsOf && (rowsOf[0]?.values.length ?? 0) > 0) {
    const s = summariseChunk(pca, reconstructionErrors(pca, rowsOf));
    const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
    multivariate = {
      value: s.reconstruction_error, samplingError: finite(s.sampling_error), lower: finite(s.lower), upper: finite(s.upper),
      thresholds: { lower: finite(pca.thresholds.lower), upper: finite(pca.thresholds.upper) }, alert: s.alert, components: pca.basis.length, columns: pca.columns.length,
    };
  }
  const drift: BatchDrift = {
    shareThresholds: fit?.driftShare?.thresholds ?? null,
    testedColumns: report.columns.length,
    driftedColumns: report.drifted_columns,
    columns: report.columns.map((c) => ({ name: c.name, kind: STAT_TESTS[c.test].kind, score: c.score, threshold: c.threshold, drifted: c.drifted })),
  };
  const outcomes: RuleOutcome[] = [
    ...evaluateBatch(monitor.rules, drift),
    ...(multivariate ? evaluateMultivariate(monitor.rules, { value: multivariate.value, thresholds: multivariate.thresholds }) : []),
    ...worstPerRule(performanceMetrics(realized, estimated).flatMap((m) => evaluateMetric(monitor.rules, m))),
  ];
  const entry: Omit<MonitorBatch, 'id'> = {
    monitorId: monitor.id, kind: 'batch', at, arrivedAt, timeFrom: batchTime === null ? 'arrival' : 'timestamp', rows: report.current.rows,
    driftShare: report.share_drifted, driftedColumns: report.drifted_columns, testedColumns: report.columns.length,
    columns: report.columns.map((c) => ({ name: c.name, test: c.test, score: c.score, threshold: c.threshold, drifted: c.drifted })),
    metrics: {}, estimated, realized, labelled, outcomes, incidents: {}, reportBlob, predictionsBlob,
    ...(fit?.driftShare ? { driftShareThresholds: fit.driftShare.thresholds } : {}),
    ...(multivariate ? { multivariate } : {}),
  };
  // A job that expired while this process scored it has been handed to a retry, which records it.
  if (stillOurs && !(await stillOurs())) throw new JobLost();
  // The summary view keeps the columns that rules name, for their charts.
  const batchId = await store.addMonitorBatch(workspaceId, entry, monitor.rules.flatMap((r) => (r.kind === 'columnDrift' ? [r.column] : [])));
  const applied = await withRoom(workspaceId, async (room) => {
    // Deleted while this was scored: its findings still belong to it (the incident keeps its name).
    const current = getMonitor(room.doc, monitor.id, { deleted: true }) ?? monitor;
    const result = recordFindings(room.doc, current, outcomes, { reportBlob, batchId }, commandContext(identity), arrivedAt);
    await room.flushed();
    return result;
  });
  if (applied.timeline.length) await deps.timeline.append(workspaceId, applied.timeline);
  if (Object.keys(applied.incidentOfRule).length) await store.updateMonitorBatch(workspaceId, monitor.id, batchId, { incidents: applied.incidentOfRule });
  notify(webhooks, workspaceId, monitor, applied, outcomes);
  return {
    json: {
      rows: report.current.rows, datasetDrift: report.dataset_drift, driftedColumns: report.drifted_columns, testedColumns: report.columns.length, reportBlob,
      batchId, at, estimated, realized, outcomes, ...summarize(applied),
      ...(multivariate ? { multivariate } : {}),
      ...(fit && fit.problems.length ? { notes: fit.problems } : {}),
    },
  };
}

/** Works a batch job: reads the batch from the blob store and scores it. */
export async function runBatchJob(deps: HandlerDeps, job: BatchJob, control?: JobControl): Promise<Answer<'monitors.batch'>> {
  const body = await deps.store.getBlob(job.workspaceId, job.batchBlob);
  if (!body) return fail(409, `the batch (blob ${job.batchBlob}) is no longer in the blob store`, 'batch_missing');
  return scoreBatch(deps, { ...job, body, stillOurs: control?.stillOurs });
}

/** Thrown when a job's batch is not recorded here because the job expired and went to a retry. */
export class JobLost extends Error {
  override readonly name = 'JobLost';
  constructor() {
    super('the batch job expired while it was scored here; its retry records it');
  }
}
