/**
 * What the monitor handlers (monitors.ts, monitor-batches.ts) share: reading a file's columns
 * before DuckDB loads it, the reference's columns once per workspace and hash, holding rules and a
 * column mapping to the reference's columns, and telling webhooks about incidents.
 */
import { createHash, randomUUID } from 'node:crypto';
import { type ColumnMapping, checkMapping, untestedColumns } from '../../../src/core/drift/index.ts';
import { type AlertRule, type FindingsApplied, type MonitorRecord, type RuleOutcome, getMonitor } from '../../../src/core/monitor/index.ts';
import type { Chunking, CommandContext } from '../../../src/core/workspace/index.ts';
import { type ColumnsRead, delimitedColumns, duplicatesOf, jsonColumns } from '../../../src/data/datasets/batch-columns.ts';
import { deepLinkFromHash } from '../../../src/shared/deep-link.ts';
import type { BATCH_CONTENT_TYPES, MemberIdentity } from '../../../src/shared/server-api.ts';
import type { EngineBusy, MonitorEngine } from '../../monitor-engine.ts';
import type { WebhookSender } from '../../webhooks.ts';
import { type ErrorAnswer, fail } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';

export type Format = 'csv' | 'tsv' | 'parquet' | 'json' | 'jsonl';

/** Content types a batch may come as. */
export const FORMAT_OF_TYPE: Record<string, Format> = {
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
export class ReferenceUnreadable extends Error {}

/** A reference written before header checks existed may have a longer header than a new one may. */
export const MAX_REFERENCE_HEADER_BYTES = 16 * 1024 * 1024;
/** Names listed in the `missing`/`unexpected`/`duplicated` arrays of a refusal. */
export const LISTED = 100;

export const commandContext = (identity: MemberIdentity): CommandContext => ({ actor: { id: identity.memberId, name: identity.name }, now: () => Date.now(), newId: () => randomUUID() });

/**
 * The columns of a batch or reference, read before DuckDB loads it: CSV/TSV from the header
 * bytes, JSON from its keys, Parquet from its metadata (which needs the file: `file()` writes it).
 */
export async function columnsOf(engine: MonitorEngine, data: Uint8Array, format: Format, file: () => string, maxHeaderBytes: number): Promise<ColumnsRead> {
  if (format === 'csv' || format === 'tsv') return delimitedColumns(data, format === 'csv' ? ',' : '\t', maxHeaderBytes);
  if (format === 'json' || format === 'jsonl') return jsonColumns(new TextDecoder().decode(data), format);
  const names = await engine.describe(file(), format);
  return { kind: 'columns', names, duplicated: duplicatesOf(names) };
}

/** The engine has enough of this workspace's work waiting: come back shortly. */
export function busy(err: EngineBusy): ErrorAnswer {
  return { status: 503, error: `${err.message}; try again in a few seconds`, code: 'engine_busy', headers: { 'retry-after': '5' } };
}

/**
 * Holds a monitor's rules and mapping to its reference's columns: a `columnDrift` rule on a column
 * the reference lacks would never fire, and one on a timestamp, id or ignored column is never
 * tested; period chunking needs the mapping's timestamp. Answers a 400 naming each bad field
 * (`rules.2.column`, `mapping.target`, `chunking.period`), or null.
 */
export function checkMonitorColumns(
  referenceColumns: readonly string[], rules: readonly AlertRule[], mapping: ColumnMapping | undefined, prefix = '', chunking?: Chunking,
): ErrorAnswer | null {
  const have = new Set(referenceColumns);
  const untested = untestedColumns(mapping);
  const problems: { path: string; message: string }[] = [];
  const unknown: string[] = [];
  rules.forEach((rule, i) => {
    if (rule.kind !== 'columnDrift') return;
    if (!have.has(rule.column)) {
      unknown.push(rule.column);
      problems.push({ path: `${prefix}rules.${i}.column`, message: `no column "${rule.column}" in the reference` });
    } else if (untested.has(rule.column)) {
      problems.push({ path: `${prefix}rules.${i}.column`, message: `"${rule.column}" is the mapping's ${untested.get(rule.column)} column, which is never tested for drift` });
    }
  });
  // Periods are of the mapping's timestamp: without one there is nothing to cut the reference by.
  if (chunking?.kind === 'period' && mapping?.timestamp === undefined) {
    problems.push({ path: `${prefix}chunking.period`, message: 'period chunking needs the column mapping\'s timestamp column (mapping.timestamp)' });
  }
  for (const issue of mapping ? checkMapping(mapping, referenceColumns) : []) {
    problems.push({ path: `${prefix}mapping.${issue.path}`, message: issue.message });
    const named = /^no column "(.*)" in the data/.exec(issue.message);
    if (named) unknown.push(named[1]!);
  }
  if (problems.length === 0) return null;
  const shown = problems.slice(0, 10).map((p) => `${p.path}: ${p.message}`).join('; ');
  return {
    status: 400,
    error: `${shown}${problems.length > 10 ? ` (and ${problems.length - 10} more)` : ''}; the reference's columns are ${referenceColumns.slice(0, 20).map((c) => JSON.stringify(c)).join(', ')}${referenceColumns.length > 20 ? ', …' : ''}`,
    code: unknown.length ? 'unknown_columns' : 'bad_mapping',
    details: { problems: problems.slice(0, LISTED), unknownColumns: [...new Set(unknown)].slice(0, LISTED) },
  };
}

/** The app's link to an incident (opens it in Driftdesk; `driftdesk://workspace/<ws>/incidents/<id>`). */
export function incidentLink(workspaceId: string, incidentId: string): string {
  return deepLinkFromHash(`#/w/${workspaceId}/incidents/${encodeURIComponent(incidentId)}`) ?? '';
}

/**
 * Tells the workspace's incident webhooks (in the background: the caller is not kept waiting):
 * one message per incident opened or added to, with every finding of this call and a link.
 */
export function notify(webhooks: WebhookSender, workspaceId: string, monitor: MonitorRecord, applied: FindingsApplied, outcomes: RuleOutcome[]): void {
  for (const [kind, incidents] of [['opened', applied.opened], ['updated', applied.updated]] as const) {
    for (const incident of incidents) {
      const findings = outcomes.filter((o) => applied.incidentOfRule[o.ruleId] === incident.id);
      const link = incidentLink(workspaceId, incident.id);
      void webhooks.send(workspaceId, 'incidents', {
        event: `incident.${kind}`,
        text: `${kind === 'opened' ? 'New' : 'Again'}: ${incident.title} (${incident.severity}) — ${findings.map((o) => o.summary).join('; ')} ${link}`,
        data: {
          incident: { id: incident.id, title: incident.title, severity: incident.severity, status: incident.status, link },
          monitor: { id: monitor.id, name: monitor.name, model: monitor.model },
          // The first finding, as messages had one before findings were grouped.
          outcome: findings[0] ?? null,
          findings,
          reportBlob: incident.reportBlob ?? null,
        },
      }).catch(() => {});
    }
  }
}

/** Several values of one metric in a request: the worst band speaks for the rule (one event, not fifty). */
export function worstPerRule(outcomes: RuleOutcome[]): RuleOutcome[] {
  const rank = { ok: 0, warning: 1, critical: 2 } as const;
  const byRule = new Map<string, RuleOutcome>();
  for (const o of outcomes) {
    const seen = byRule.get(o.ruleId);
    if (!seen || rank[o.band] > rank[seen.band]) byRule.set(o.ruleId, o);
  }
  return [...byRule.values()];
}

export function summarize(applied: { opened: { id: string; title: string }[]; updated: { id: string; title: string }[] }) {
  return { opened: applied.opened.map(({ id, title }) => ({ id, title })), updated: applied.updated.map(({ id, title }) => ({ id, title })) };
}

export function parseJson(body: Uint8Array): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(body)) };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** The predictions of a batch kept for labels that come later (a blob; see monitor-labels.ts). */
export interface KeptPredictions {
  ids: (string | null)[];
  prediction: (string | null)[] | null;
  proba: Record<string, number[]>;
  /** Labels joined so far (null where none came yet); absent until labels come. */
  target?: (string | null)[];
}

/** The monitor for a batch, metrics or labels: 404 when there is none, 409 while it is paused. */
export async function activeMonitor(deps: HandlerDeps, workspaceId: string, monitorId: string): Promise<MonitorRecord | ErrorAnswer> {
  const monitor = await deps.withRoom(workspaceId, async (room) => getMonitor(room.doc, monitorId));
  if (!monitor) return fail(404, `no monitor ${monitorId} in workspace ${workspaceId}`, 'not_found');
  if (monitor.paused) return fail(409, `monitor ${monitor.name} is paused; resume it (PATCH {"paused": false}) to send it data`, 'monitor_paused');
  return monitor;
}

/** Stores a JSON value as a content-addressed blob of the workspace; returns its sha256. */
export async function putJson(store: HandlerDeps['store'], workspaceId: string, value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  const sha = createHash('sha256').update(bytes).digest('hex');
  await store.putBlob(workspaceId, sha, bytes);
  return sha;
}
