/**
 * Monitors in the workspace doc, and what fired rules do there. One batch (or one metrics post,
 * or one missed-batch check) opens at most one incident per monitor: each fired rule is a finding
 * on the monitor's open incident, or on a new one when none is open (escalating its severity when
 * a finding is critical). A rule with `ownIncident` keeps an incident of its own, as every rule
 * did before. Monitors are edited, paused and deleted here too; a deleted monitor stays in the doc
 * with `deletedAt` so its incidents and history still name it, and takes no more batches.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import {
  type CommandContext,
  CommandError,
  DOC_KEYS,
  type IncidentEvent,
  type IncidentRecord,
  type MonitorRecord,
  type Severity,
  appendIncidentEvent,
  chunkingSchema,
  createIncident,
  getIncident,
  incidentDigest,
  latestFindingOf,
  listIncidents,
  monitorSchema,
  newIncidentEvent,
  parseInput,
  timelinesSplit,
} from '../workspace/index.ts';
import { columnMappingSchema } from '../drift/column-mapping.ts';
import { type AlertRule, type RuleOutcome, alertRuleSchema } from './rules.ts';

// The monitor record is part of the workspace schema, with every other record.
export { type MonitorRecord, monitorSchema } from '../workspace/schema.ts';

const id = z.string().min(1).max(128);

const createMonitorInput = z.object({
  name: z.string().trim().min(1, 'name is required').max(200),
  model: z.string().trim().max(300).default(''),
  referenceVersionId: id,
  referenceBlob: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest'),
  referenceFormat: z.enum(['csv', 'tsv', 'parquet', 'json', 'jsonl']),
  expectBatchEveryMs: z.number().int().positive().optional(),
  rules: z.array(alertRuleSchema).min(1, 'a monitor needs at least one rule').max(100)
    .refine((rules) => new Set(rules.map((r) => r.id)).size === rules.length, 'rule ids must be unique'),
  mapping: columnMappingSchema.optional(),
  calibration: z.enum(['auto', 'on', 'off']).optional(),
  chunking: chunkingSchema.optional(),
});

export function createMonitor(doc: Y.Doc, input: z.input<typeof createMonitorInput>, ctx: CommandContext): MonitorRecord {
  const data = parseInput('createMonitor', createMonitorInput, input);
  if (!doc.getMap(DOC_KEYS.datasetVersions).has(data.referenceVersionId)) {
    throw new CommandError('createMonitor', [{ path: 'referenceVersionId', message: `no dataset version ${data.referenceVersionId}` }]);
  }
  const record: MonitorRecord = { id: ctx.newId(), ...data, createdAt: ctx.now(), createdBy: ctx.actor.id };
  doc.getMap<MonitorRecord>(DOC_KEYS.monitors).set(record.id, record);
  return record;
}

const updateMonitorInput = z.object({
  monitorId: id,
  name: z.string().trim().min(1, 'name is required').max(200).optional(),
  model: z.string().trim().max(300).optional(),
  rules: createMonitorInput.shape.rules.optional(),
  /** null removes the mapping. */
  mapping: columnMappingSchema.nullable().optional(),
  paused: z.boolean().optional(),
  calibration: z.enum(['auto', 'on', 'off']).optional(),
  /** null: back to NannyML's default chunker. */
  chunking: chunkingSchema.nullable().optional(),
  /** null: batches are no longer expected on a schedule. */
  expectBatchEveryMs: z.number().int().positive().nullable().optional(),
  reference: z.object({
    versionId: id,
    blob: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest'),
    format: z.enum(['csv', 'tsv', 'parquet', 'json', 'jsonl']),
  }).optional(),
});

/**
 * Changes a monitor's name, model, rules, mapping, reference, schedule or paused state (only the
 * fields given). A deleted monitor cannot be changed. Throws a CommandError naming the field.
 */
export function updateMonitor(doc: Y.Doc, input: z.input<typeof updateMonitorInput>, ctx: CommandContext): MonitorRecord {
  const data = parseInput('updateMonitor', updateMonitorInput, input);
  const current = getMonitor(doc, data.monitorId, { deleted: true });
  if (!current) throw new CommandError('updateMonitor', [{ path: 'monitorId', message: `no monitor ${data.monitorId}` }]);
  if (current.deletedAt !== undefined) throw new CommandError('updateMonitor', [{ path: 'monitorId', message: `monitor ${current.name} was deleted` }]);
  if (data.reference && !doc.getMap(DOC_KEYS.datasetVersions).has(data.reference.versionId)) {
    throw new CommandError('updateMonitor', [{ path: 'reference.versionId', message: `no dataset version ${data.reference.versionId}` }]);
  }
  const next: MonitorRecord = { ...current, updatedAt: ctx.now(), updatedBy: ctx.actor.id };
  if (data.name !== undefined) next.name = data.name;
  if (data.model !== undefined) next.model = data.model;
  if (data.rules !== undefined) next.rules = data.rules;
  if (data.paused !== undefined) next.paused = data.paused;
  if (data.calibration !== undefined) next.calibration = data.calibration;
  if (data.chunking === null) delete next.chunking;
  else if (data.chunking !== undefined) next.chunking = data.chunking;
  if (data.mapping === null) delete next.mapping;
  else if (data.mapping !== undefined) next.mapping = data.mapping;
  if (data.expectBatchEveryMs === null) delete next.expectBatchEveryMs;
  else if (data.expectBatchEveryMs !== undefined) next.expectBatchEveryMs = data.expectBatchEveryMs;
  if (data.reference) Object.assign(next, { referenceVersionId: data.reference.versionId, referenceBlob: data.reference.blob, referenceFormat: data.reference.format });
  doc.getMap<MonitorRecord>(DOC_KEYS.monitors).set(next.id, next);
  return next;
}

/**
 * Records what the server fitted on a monitor's reference (a blob, and the key of what it was
 * fitted for). Server-side only: it changes nothing a person set, and no `updatedAt`.
 */
export function setReferenceFit(doc: Y.Doc, monitorId: string, fit: { key: string; blob: string }): void {
  const current = getMonitor(doc, monitorId, { deleted: true });
  if (!current || (current.referenceFit?.key === fit.key && current.referenceFit.blob === fit.blob)) return;
  doc.getMap<MonitorRecord>(DOC_KEYS.monitors).set(monitorId, { ...current, referenceFit: fit });
}

/** Marks a monitor deleted (kept in the doc, so its incidents and history still name it). */
export function deleteMonitor(doc: Y.Doc, monitorId: string, ctx: CommandContext): MonitorRecord {
  const current = getMonitor(doc, monitorId, { deleted: true });
  if (!current) throw new CommandError('deleteMonitor', [{ path: 'monitorId', message: `no monitor ${monitorId}` }]);
  if (current.deletedAt !== undefined) return current;
  const next: MonitorRecord = { ...current, deletedAt: ctx.now(), updatedAt: ctx.now(), updatedBy: ctx.actor.id };
  doc.getMap<MonitorRecord>(DOC_KEYS.monitors).set(next.id, next);
  return next;
}

/** A monitor by id; a deleted one only with `{ deleted: true }`. */
export function getMonitor(doc: Y.Doc, monitorId: string, options: { deleted?: boolean } = {}): MonitorRecord | undefined {
  const parsed = monitorSchema.safeParse(doc.getMap(DOC_KEYS.monitors).get(monitorId));
  if (!parsed.success) return undefined;
  return parsed.data.deletedAt !== undefined && !options.deleted ? undefined : parsed.data;
}

/** The monitors that are not deleted, by name. */
export function listMonitors(doc: Y.Doc): MonitorRecord[] {
  const out: MonitorRecord[] = [];
  for (const value of doc.getMap(DOC_KEYS.monitors).values()) {
    const parsed = monitorSchema.safeParse(value);
    if (parsed.success && parsed.data.deletedAt === undefined) out.push(parsed.data);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The open incident a finding of `rule` goes to: the rule's own (for `ownIncident` rules, or an
 * incident opened for that rule alone before findings were grouped), else the monitor's shared one.
 */
export function openIncidentFor(doc: Y.Doc, monitorId: string, rule: AlertRule): IncidentRecord | undefined {
  const open = listIncidents(doc).filter((i) => i.monitorId === monitorId && i.status !== 'resolved');
  if (rule.ownIncident) return open.find((i) => i.ruleId === rule.id);
  return open.find((i) => i.ruleId === undefined) ?? open.find((i) => i.ruleId === rule.id);
}

/**
 * The band of the latest finding of `ruleId` on an incident (undefined when it has none), from
 * the workspace doc's events and the server's digest of its conversation doc (incident-digest.ts).
 */
export function latestFindingBand(doc: Y.Doc, incident: IncidentRecord, ruleId: string): 'warning' | 'critical' | undefined {
  return latestFindingOf(incidentDigest(doc, incident.id), ruleId, incident.ruleId)?.band;
}

/** What the finding was about, linked from the incident. */
export interface FindingLinks {
  currentVersionId?: string;
  reportBlob?: string;
  /** The monitor history entry (server-side batch id) the findings came from. */
  batchId?: number;
}

export interface FindingsApplied {
  opened: IncidentRecord[];
  updated: IncidentRecord[];
  /** The incident each fired rule's finding went to. */
  incidentOfRule: Record<string, string>;
  /**
   * Findings not written into the workspace doc because its timelines are split
   * (`meta.timelines`): the caller (the server) appends each to its incident's conversation doc
   * (server/incident-timeline.ts). Empty when the findings went into the workspace doc.
   */
  timeline: { incidentId: string; event: IncidentEvent }[];
}

const SEVERITY_OF_BAND: Record<'warning' | 'critical', Severity> = { warning: 'medium', critical: 'critical' };
const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * Applies a monitor's rule outcomes (from one batch, metrics post or check) to the doc in one
 * transaction: `ok` outcomes change nothing; the others become findings — all on one incident
 * of the monitor (its open one, or one opened now), except `ownIncident` rules, each on its own.
 * Also records the batch time when `batchAt` is given. Once the workspace's timelines are split
 * the findings are returned in `timeline` for the caller to write into the conversation docs;
 * the incidents (opened, severity raised, links) are still written here.
 */
export function recordFindings(
  doc: Y.Doc,
  monitor: MonitorRecord,
  outcomes: readonly RuleOutcome[],
  links: FindingLinks,
  ctx: CommandContext,
  batchAt?: number,
): FindingsApplied {
  const applied: FindingsApplied = { opened: [], updated: [], incidentOfRule: {}, timeline: [] };
  const split = timelinesSplit(doc);
  doc.transact(() => {
    if (batchAt !== undefined) doc.getMap<MonitorRecord>(DOC_KEYS.monitors).set(monitor.id, { ...monitor, lastBatchAt: batchAt });
    const fired = outcomes.flatMap((outcome) => {
      const rule = outcome.band === 'ok' ? undefined : monitor.rules.find((r) => r.id === outcome.ruleId);
      return rule ? [{ rule, outcome: outcome as RuleOutcome & { band: 'warning' | 'critical' } }] : [];
    });
    // Groups: the shared incident's findings together, each own-incident rule apart.
    const groups = new Map<string, typeof fired>();
    for (const f of fired) {
      const key = f.rule.ownIncident ? `rule:${f.rule.id}` : 'shared';
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    const entry = (incidentId: string) => doc.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incidentId)!;
    const touched = new Map<string, 'opened' | 'updated'>();
    for (const [key, group] of groups) {
      const worst = group.some((f) => f.outcome.band === 'critical') ? 'critical' : 'warning';
      const severity = SEVERITY_OF_BAND[worst];
      const open = openIncidentFor(doc, monitor.id, group[0]!.rule);
      let incidentId: string;
      if (open) {
        incidentId = open.id;
        const map = entry(incidentId);
        if (SEVERITY_RANK[severity] > SEVERITY_RANK[open.severity]) map.set('severity', severity);
        map.set('updatedAt', ctx.now());
        if (!touched.has(incidentId)) touched.set(incidentId, 'updated');
      } else {
        const titles = group.map((f) => ruleTitle(f.rule));
        const title = `${monitor.name}: ${titles[0]}${titles.length > 1 ? ` and ${titles.length - 1} more` : ''}`;
        const description = group.map((f) => f.outcome.summary).join('\n');
        incidentId = createIncident(doc, { title: title.slice(0, 300), severity, description: description.slice(0, 20_000) }, ctx).id;
        const map = entry(incidentId);
        map.set('monitorId', monitor.id);
        if (key !== 'shared') map.set('ruleId', group[0]!.rule.id);
        if (monitor.model) map.set('model', monitor.model);
        map.set('referenceVersionId', monitor.referenceVersionId);
        touched.set(incidentId, 'opened');
      }
      const map = entry(incidentId);
      if (links.currentVersionId) map.set('currentVersionId', links.currentVersionId);
      if (links.reportBlob) map.set('reportBlob', links.reportBlob);
      for (const { rule, outcome } of group) {
        const finding = { kind: 'finding' as const, band: outcome.band, summary: outcome.summary, ruleId: rule.id, ...links };
        if (split) applied.timeline.push({ incidentId, event: newIncidentEvent('recordFindings', finding, ctx) });
        else appendIncidentEvent(doc, incidentId, finding, ctx);
        applied.incidentOfRule[rule.id] = incidentId;
      }
    }
    for (const [incidentId, how] of touched) (how === 'opened' ? applied.opened : applied.updated).push(getIncident(doc, incidentId)!);
  });
  return applied;
}

function ruleTitle(rule: AlertRule): string {
  switch (rule.kind) {
    case 'driftShare':
      return rule.bounds === 'reference' ? 'dataset drift above its reference range' : 'dataset drift';
    case 'multivariate':
      return 'multivariate reconstruction error outside its reference range';
    case 'columnDrift':
      return `drift in ${rule.column}`;
    case 'metric':
      // A reference-bounds rule without a direction fires on either side of the reference's band.
      return `${rule.metric} ${rule.direction === 'below' ? 'too low' : rule.direction === 'above' ? 'too high' : 'outside its reference range'}`;
    case 'batchMissing':
      return 'batch missing';
  }
}
