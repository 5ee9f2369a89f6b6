/**
 * Monitors in the workspace doc, and what a fired rule does there: open a drift incident, or —
 * when that monitor's rule already has one that is not resolved — add the finding to it instead
 * of opening a duplicate (escalating its severity when the finding is critical).
 */
import * as Y from 'yjs';
import { z } from 'zod';
import {
  type CommandContext,
  CommandError,
  DOC_KEYS,
  type IncidentRecord,
  type MonitorRecord,
  type Severity,
  appendIncidentEvent,
  createIncident,
  getIncident,
  listIncidents,
  monitorSchema,
  parseInput,
} from '../workspace/index.ts';
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

export function getMonitor(doc: Y.Doc, monitorId: string): MonitorRecord | undefined {
  const parsed = monitorSchema.safeParse(doc.getMap(DOC_KEYS.monitors).get(monitorId));
  return parsed.success ? parsed.data : undefined;
}

export function listMonitors(doc: Y.Doc): MonitorRecord[] {
  const out: MonitorRecord[] = [];
  for (const value of doc.getMap(DOC_KEYS.monitors).values()) {
    const parsed = monitorSchema.safeParse(value);
    if (parsed.success) out.push(parsed.data);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** What the finding was about, linked from the incident. */
export interface FindingLinks {
  currentVersionId?: string;
  reportBlob?: string;
}

export interface FindingsApplied {
  opened: IncidentRecord[];
  updated: IncidentRecord[];
}

const SEVERITY_OF_BAND: Record<'warning' | 'critical', Severity> = { warning: 'medium', critical: 'critical' };
const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * Applies a monitor's rule outcomes to the doc in one transaction: `ok` outcomes change
 * nothing; each other one opens an incident or adds to the open incident of the same monitor
 * and rule. Also records the batch time when `batchAt` is given.
 */
export function recordFindings(
  doc: Y.Doc,
  monitor: MonitorRecord,
  outcomes: readonly RuleOutcome[],
  links: FindingLinks,
  ctx: CommandContext,
  batchAt?: number,
): FindingsApplied {
  const applied: FindingsApplied = { opened: [], updated: [] };
  doc.transact(() => {
    if (batchAt !== undefined) doc.getMap<MonitorRecord>(DOC_KEYS.monitors).set(monitor.id, { ...monitor, lastBatchAt: batchAt });
    for (const outcome of outcomes) {
      if (outcome.band === 'ok') continue;
      const rule = monitor.rules.find((r) => r.id === outcome.ruleId);
      if (!rule) continue;
      const open = listIncidents(doc).find((i) => i.monitorId === monitor.id && i.ruleId === rule.id && i.status !== 'resolved');
      const severity = SEVERITY_OF_BAND[outcome.band];
      const entry = (incidentId: string) => doc.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incidentId)!;
      let incidentId: string;
      if (open) {
        incidentId = open.id;
        const map = entry(incidentId);
        if (SEVERITY_RANK[severity] > SEVERITY_RANK[open.severity]) map.set('severity', severity);
        map.set('updatedAt', ctx.now());
      } else {
        incidentId = createIncident(doc, { title: `${monitor.name}: ${ruleTitle(rule)}`, severity, description: outcome.summary }, ctx).id;
        const map = entry(incidentId);
        map.set('monitorId', monitor.id);
        map.set('ruleId', rule.id);
        if (monitor.model) map.set('model', monitor.model);
        map.set('referenceVersionId', monitor.referenceVersionId);
      }
      const map = entry(incidentId);
      if (links.currentVersionId) map.set('currentVersionId', links.currentVersionId);
      if (links.reportBlob) map.set('reportBlob', links.reportBlob);
      appendIncidentEvent(doc, incidentId, { kind: 'finding', band: outcome.band, summary: outcome.summary, ...links }, ctx);
      (open ? applied.updated : applied.opened).push(getIncident(doc, incidentId)!);
    }
  });
  return applied;
}

function ruleTitle(rule: AlertRule): string {
  switch (rule.kind) {
    case 'driftShare':
      return 'dataset drift';
    case 'columnDrift':
      return `drift in ${rule.column}`;
    case 'metric':
      return `${rule.metric} ${rule.direction === 'below' ? 'too low' : 'too high'}`;
    case 'batchMissing':
      return 'batch missing';
  }
}
