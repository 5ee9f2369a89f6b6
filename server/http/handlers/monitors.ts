/**
 * Monitoring over HTTP (member token, owners and editors; bodies checked by the router from
 * server-api.ts):
 * `POST /api/v1/workspaces/:id/monitors`                    create a monitor from a reference
 *      file already in the blob store (the server profiles it and records it as a dataset version);
 * `POST /api/v1/workspaces/:id/monitors/:monitor/batches`   a production batch (CSV, TSV, JSONL,
 *      JSON or Parquet body, by Content-Type; or a profile from `driftdesk profile --json`, see
 *      src/data/datasets/profile-compare.ts): drift against the reference, rules judged, and a
 *      fired rule opens or extends an incident — written into the workspace doc by the server,
 *      so every connected client sees it live;
 * `POST /api/v1/workspaces/:id/monitors/:monitor/metrics`   `[{"name","value","timestamp"}]`.
 * Nothing is written to the workspace unless the whole request is valid.
 *
 * Drift runs in this process on DuckDB (src/data/datasets), one request at a time, so a burst
 * of batches queues instead of multiplying memory (monitor-engine.ts: round-robin over
 * workspaces, tables dropped and temp files removed after each). A batch's columns are read
 * from its header (or keys, or Parquet metadata) and checked against the reference's before
 * it queues, so a wrong or enormous batch is refused in microseconds, not after DuckDB has
 * loaded it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { STAT_TESTS } from '../../../src/core/drift/index.ts';
import {
  type BatchDrift,
  type FindingsApplied,
  type MonitorRecord,
  type RuleOutcome,
  createMonitor,
  evaluateBatch,
  evaluateMetric,
  getMonitor,
  recordFindings,
} from '../../../src/core/monitor/index.ts';
import { type CommandContext, CommandError, addDatasetVersion, getDatasetVersion } from '../../../src/core/workspace/index.ts';
import {
  type ColumnsRead,
  MAX_HEADER_BYTES,
  MAX_MONITOR_COLUMNS,
  columnMismatch,
  delimitedColumns,
  describeMismatch,
  duplicatesOf,
  jsonColumns,
  recordColumns,
} from '../../../src/data/datasets/batch-columns.ts';
import { compareFiles } from '../../../src/data/datasets/compare.ts';
import { DatasetError } from '../../../src/data/datasets/dataset-reader.ts';
import { profileFile } from '../../../src/data/datasets/profile.ts';
import { compareWithProfile, isDatasetProfile, parseBatchProfile } from '../../../src/data/datasets/profile-compare.ts';
import { EngineBusy, type MonitorEngine } from '../../monitor-engine.ts';
import type { WebhookSender } from '../../webhooks.ts';

import type { BATCH_CONTENT_TYPES, MemberIdentity } from '../../../src/shared/server-api.ts';
import { type ErrorAnswer, fail, type ServerHandlers } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';

type Format = 'csv' | 'tsv' | 'parquet' | 'json' | 'jsonl';

/** Content types a batch may come as. */
const FORMAT_OF_TYPE: Record<string, Format> = {
  'text/csv': 'csv',
  'text/tab-separated-values': 'tsv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/json': 'json',
  'application/vnd.apache.parquet': 'parquet',
  'application/x-parquet': 'parquet',
} satisfies Record<(typeof BATCH_CONTENT_TYPES)[number], Format>;

/** The monitor's own reference cannot be read (the server's problem, not the batch's: 409). */
class ReferenceUnreadable extends Error {}

/** A reference written before header checks existed may have a longer header than a new one may. */
const MAX_REFERENCE_HEADER_BYTES = 16 * 1024 * 1024;
/** Names listed in the `missing`/`unexpected`/`duplicated` arrays of a refusal. */
const LISTED = 100;

export const monitorHandlers = ({ store, withRoom, engine, webhooks }: HandlerDeps) =>
  ({
    'monitors.create': async ({ params, identity, body: input }) => {
      const workspaceId = params.workspaceId!;
      const ctx = commandContext(identity);
      const data = await store.getBlob(workspaceId, input.reference.sha256);
      if (!data) return fail(400, `reference.sha256: no blob ${input.reference.sha256} in this workspace; upload it first with PUT /api/v1/workspaces/${workspaceId}/blobs/${input.reference.sha256}`);
      const files = engine.files();
      let profile;
      try {
        let path: string | null = null;
        const file = () => (path ??= files.write(data, input.reference.format, 'reference'));
        // Every batch is held to the reference's columns, so the reference is held to the limits first.
        const read = await columnsOf(engine, data, input.reference.format, file, MAX_HEADER_BYTES);
        if (read.kind === 'refused') return fail(read.status, `the reference could not be read: ${read.message}`, read.code);
        if (read.names.length > MAX_MONITOR_COLUMNS) {
          return fail(413, `the reference has ${read.names.length} columns; a monitor takes at most ${MAX_MONITOR_COLUMNS}`, 'too_many_columns');
        }
        profile = await engine.run(workspaceId, (reader) => profileFile(reader, file()));
      } catch (err) {
        if (err instanceof EngineBusy) return busy(err);
        if (err instanceof DatasetError) return fail(400, `the reference could not be read: ${files.hidePaths(err.message, input.reference.fileName)}`);
        throw err;
      } finally {
        files.remove();
      }
      const profileBytes = new TextEncoder().encode(JSON.stringify({ ...profile, path: input.reference.fileName }));
      const profileBlob = createHash('sha256').update(profileBytes).digest('hex');
      await store.putBlob(workspaceId, profileBlob, profileBytes);
      try {
        const created = await withRoom(workspaceId, async (room) => {
          let result!: { monitorId: string; referenceVersionId: string };
          // One transaction: a refused monitor leaves no stray dataset version behind.
          const existing = input.reference.versionId ? getDatasetVersion(room.doc, input.reference.versionId) : undefined;
          if (input.reference.versionId && existing?.md5 !== profile.md5) {
            throw new CommandError('createMonitor', [{
              path: 'reference.versionId',
              message: existing ? `dataset version ${existing.id} (${existing.fileName}) has other content than the uploaded file` : `no dataset version ${input.reference.versionId}`,
            }]);
          }
          room.doc.transact(() => {
            const version = existing ?? addDatasetVersion(room.doc, {
              dataset: input.model || input.name, fileName: input.reference.fileName, format: input.reference.format, md5: profile.md5,
              size: profile.size, rows: profile.rows, columns: profile.columns.length, profileBlob,
            }, ctx);
            const monitor = createMonitor(room.doc, {
              name: input.name, model: input.model, referenceVersionId: version.id, referenceBlob: input.reference.sha256,
              referenceFormat: input.reference.format, rules: input.rules, expectBatchEveryMs: input.expectBatchEveryMs,
            }, ctx);
            result = { monitorId: monitor.id, referenceVersionId: version.id };
          });
          await room.flushed();
          return result;
        });
        await store.markMonitored(workspaceId);
        return { status: 201, json: created };
      } catch (err) {
        if (err instanceof CommandError) return fail(400, err.message);
        throw err;
      }
    },
    'monitors.metrics': async ({ params, identity, body }) => {
      const workspaceId = params.workspaceId!;
      const ctx = commandContext(identity);
      const monitor = await withRoom(workspaceId, async (room) => getMonitor(room.doc, params.monitorId!));
      if (!monitor) return fail(404, `no monitor ${params.monitorId} in workspace ${workspaceId}`, 'not_found');
      const outcomes = worstPerRule(body.flatMap((m) => evaluateMetric(monitor.rules, m)));
      const applied = await withRoom(workspaceId, async (room) => {
        const current = getMonitor(room.doc, monitor.id)!;
        const result = recordFindings(room.doc, current, outcomes, {}, ctx);
        await room.flushed();
        return result;
      });
      notify(webhooks, workspaceId, monitor, applied, outcomes);
      return { json: { metrics: body.length, outcomes, ...summarize(applied) } };
    },
    'monitors.batch': async ({ params, identity, body, contentType }) => {
      const workspaceId = params.workspaceId!;
      const ctx = commandContext(identity);
      // The monitor must exist before any work is done on the body.
      const monitor = await withRoom(workspaceId, async (room) => getMonitor(room.doc, params.monitorId!));
      if (!monitor) return fail(404, `no monitor ${params.monitorId} in workspace ${workspaceId}`, 'not_found');
      // The router let only BATCH_CONTENT_TYPES through.
      const format = FORMAT_OF_TYPE[contentType]!;
      // Read from this workspace's blobs on every batch: a monitor record names a hash, and only
      // the workspace's own blob of that hash may be read for it.
      const referenceData = await store.getBlob(workspaceId, monitor.referenceBlob);
      if (!referenceData) return fail(409, `the monitor's reference data (blob ${monitor.referenceBlob}) is missing from this workspace's blob store`);
      const files = engine.files();
      let report;
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
        const mismatch = columnMismatch(referenceColumns, read.names, read.duplicated);
        if (mismatch) {
          const tooMany = read.names.length > MAX_MONITOR_COLUMNS;
          const error = tooMany
            ? `the batch has ${read.names.length} columns, more than the ${MAX_MONITOR_COLUMNS} a monitor takes (the reference has ${referenceColumns.length}): ${describeMismatch(mismatch)}`
            : `batch columns do not match the reference: ${describeMismatch(mismatch)}`;
          return {
            status: tooMany ? 413 : 400, error, code: tooMany ? 'too_many_columns' : 'columns_mismatch',
            details: { missing: mismatch.missing.slice(0, LISTED), unexpected: mismatch.unexpected.slice(0, LISTED), duplicated: mismatch.duplicated.slice(0, LISTED) },
          };
        }
        report = await engine.run(workspaceId, (reader) =>
          profile ? compareWithProfile(reader, reference(), profile) : compareFiles(reader, reference(), batch(), { histograms: true }),
        );
      } catch (err) {
        if (err instanceof EngineBusy) return busy(err);
        if (err instanceof ReferenceUnreadable) return fail(409, `the monitor's reference data cannot be read: ${files.hidePaths(err.message)}`, 'reference_unreadable');
        if (err instanceof DatasetError) return fail(400, `the batch could not be compared: ${files.hidePaths(err.message)}`);
        throw err;
      } finally {
        files.remove();
      }
      // Kept behind the header check: what DuckDB loaded is what counts, should the two ever differ.
      const missing = report.skipped_columns.filter((s) => s.reason === 'only in the reference').map((s) => s.name);
      const unexpected = report.skipped_columns.filter((s) => s.reason === 'only in the current data').map((s) => s.name);
      if (missing.length > 0 || unexpected.length > 0) {
        const loaded = { missing: missing.slice(0, LISTED), unexpected: unexpected.slice(0, LISTED), duplicated: [] };
        return { status: 400, error: `batch columns do not match the reference: ${describeMismatch({ missing, unexpected, duplicated: [] })}`, code: 'columns_mismatch', details: loaded };
      }
      const shared = { ...report, reference: { ...report.reference, path: monitor.name + ' reference' }, current: { ...report.current, path: `batch ${new Date().toISOString()}` } };
      const reportBytes = new TextEncoder().encode(JSON.stringify(shared));
      const reportBlob = createHash('sha256').update(reportBytes).digest('hex');
      await store.putBlob(workspaceId, reportBlob, reportBytes);
      const drift: BatchDrift = {
        testedColumns: report.columns.length,
        driftedColumns: report.drifted_columns,
        columns: report.columns.map((c) => ({ name: c.name, kind: STAT_TESTS[c.test].kind, score: c.score, threshold: c.threshold, drifted: c.drifted })),
      };
      const outcomes = evaluateBatch(monitor.rules, drift);
      const applied = await withRoom(workspaceId, async (room) => {
        const current = getMonitor(room.doc, monitor.id)!;
        const result = recordFindings(room.doc, current, outcomes, { reportBlob }, ctx, Date.now());
        await room.flushed();
        return result;
      });
      notify(webhooks, workspaceId, monitor, applied, outcomes);
      return { json: { rows: report.current.rows, datasetDrift: report.dataset_drift, driftedColumns: report.drifted_columns, testedColumns: report.columns.length, reportBlob, outcomes, ...summarize(applied) } };
    },
  }) satisfies Pick<ServerHandlers, 'monitors.create' | 'monitors.metrics' | 'monitors.batch'>;

const commandContext = (identity: MemberIdentity): CommandContext => ({ actor: { id: identity.memberId, name: identity.name }, now: () => Date.now(), newId: () => randomUUID() });

/**
 * The columns of a batch or reference, read before DuckDB loads it: CSV/TSV from the header
 * bytes, JSON from its keys, Parquet from its metadata (which needs the file: `file()` writes it).
 */
async function columnsOf(engine: MonitorEngine, data: Uint8Array, format: Format, file: () => string, maxHeaderBytes: number): Promise<ColumnsRead> {
  if (format === 'csv' || format === 'tsv') return delimitedColumns(data, format === 'csv' ? ',' : '\t', maxHeaderBytes);
  if (format === 'json' || format === 'jsonl') return jsonColumns(new TextDecoder().decode(data), format);
  const names = await engine.describe(file(), format);
  return { kind: 'columns', names, duplicated: duplicatesOf(names) };
}

/** The engine has enough of this workspace's work waiting: come back shortly. */
function busy(err: EngineBusy): ErrorAnswer {
  return { status: 503, error: `${err.message}; try again in a few seconds`, code: 'engine_busy', headers: { 'retry-after': '5' } };
}

/** Tells the workspace's incident webhooks (in the background: the caller is not kept waiting). */
export function notify(webhooks: WebhookSender, workspaceId: string, monitor: MonitorRecord, applied: FindingsApplied, outcomes: RuleOutcome[]): void {
  for (const [kind, incidents] of [['opened', applied.opened], ['updated', applied.updated]] as const) {
    for (const incident of incidents) {
      const outcome = outcomes.find((o) => o.ruleId === incident.ruleId);
      void webhooks.send(workspaceId, 'incidents', {
        event: `incident.${kind}`,
        text: `${kind === 'opened' ? 'New' : 'Again'}: ${incident.title} (${incident.severity}) — ${outcome?.summary ?? ''}`,
        data: {
          incident: { id: incident.id, title: incident.title, severity: incident.severity, status: incident.status },
          monitor: { id: monitor.id, name: monitor.name, model: monitor.model },
          outcome: outcome ?? null,
          reportBlob: incident.reportBlob ?? null,
        },
      }).catch(() => {});
    }
  }
}

/** Several values of one metric in a request: the worst band speaks for the rule (one event, not fifty). */
function worstPerRule(outcomes: RuleOutcome[]): RuleOutcome[] {
  const rank = { ok: 0, warning: 1, critical: 2 } as const;
  const byRule = new Map<string, RuleOutcome>();
  for (const o of outcomes) {
    const seen = byRule.get(o.ruleId);
    if (!seen || rank[o.band] > rank[seen.band]) byRule.set(o.ruleId, o);
  }
  return [...byRule.values()];
}

function summarize(applied: { opened: { id: string; title: string }[]; updated: { id: string; title: string }[] }) {
  return { opened: applied.opened.map(({ id, title }) => ({ id, title })), updated: applied.updated.map(({ id, title }) => ({ id, title })) };
}

function parseJson(body: Uint8Array): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(body)) };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}
