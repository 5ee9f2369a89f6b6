/**
 * Where a monitor stands, read from the workspace doc (with the server's digest of timelines kept
 * in conversation docs): each rule's latest band and whether
 * batches are late. The server records only what fired (a finding on an incident) and when the
 * last batch came, so an `ok` is inferred: a batch that came after a rule's latest finding did
 * not fire that rule (a firing batch writes its finding after setting `lastBatchAt`).
 */
import type * as Y from 'yjs';
import { incidentDigest, latestFindingOf, listIncidents } from '../workspace/index.ts';
import { type MonitorRecord, openIncidentFor } from './monitors.ts';
import { type AlertRule, type Band, evaluateMissing } from './rules.ts';

export interface RuleStanding {
  rule: AlertRule;
  /** Null when nothing has been judged yet (no batch, or no metric out of bounds on record). */
  band: Band | null;
  /** One line for a person: what the band rests on. */
  summary: string;
  /** When that judgment was made (ms since the epoch), when known. */
  at?: number;
  /** The rule's incident that is not resolved, if any (further findings go there). */
  openIncidentId?: string;
}

// Multivariate and reference-bounded drift-share rules are judged per batch too, once the reference gives thresholds.
const judgedPerBatch = (rule: AlertRule) => rule.kind === 'driftShare' || rule.kind === 'columnDrift' || rule.kind === 'multivariate';

/**
 * Each rule's standing, in the monitor's rule order. `now` (ms) judges `batchMissing` rules,
 * counting from the monitor's creation until a first batch comes.
 */
export function ruleStandings(doc: Y.Doc, monitor: MonitorRecord, now: number): RuleStanding[] {
  const incidents = listIncidents(doc).filter((i) => i.monitorId === monitor.id);
  return monitor.rules.map((rule): RuleStanding => {
    const open = openIncidentFor(doc, monitor.id, rule);
    const openIncidentId = open && (open.ruleId === rule.id || incidentDigest(doc, open.id).latestFindings.some((f) => f.ruleId === rule.id)) ? open.id : undefined;
    if (rule.kind === 'batchMissing') {
      // Judged the way the server's periodic check judges it (server/missing-batches.ts).
      const [outcome] = evaluateMissing([rule], monitor.lastBatchAt ?? monitor.createdAt, now);
      return { rule, band: outcome!.band, summary: outcome!.summary, at: now, openIncidentId };
    }
    let latest: { band: Band; summary: string; at: number } | undefined;
    for (const incident of incidents) {
      // Findings name their rule; older ones are their incident's rule's. Read from the workspace
      // doc and the digest of the incident's conversation doc (incident-digest.ts).
      const finding = latestFindingOf(incidentDigest(doc, incident.id), rule.id, incident.ruleId);
      if (finding && (!latest || finding.at > latest.at)) latest = finding;
    }
    const lastBatchAt = monitor.lastBatchAt;
    if (judgedPerBatch(rule) && lastBatchAt !== undefined && (!latest || lastBatchAt > latest.at)) {
      return { rule, band: 'ok', summary: 'within bounds at the last batch', at: lastBatchAt, openIncidentId };
    }
    if (latest) return { rule, band: latest.band, summary: latest.summary, at: latest.at, openIncidentId };
    return { rule, band: null, summary: judgedPerBatch(rule) ? 'no batch yet' : 'no value out of bounds on record', openIncidentId };
  });
}

export interface BatchTiming {
  lastBatchAt?: number;
  /** True when batches are expected every so often and the last one (or the monitor's creation) is older than that. */
  late: boolean;
  /** When the next batch is due, if batches are expected. */
  dueAt?: number;
}

/** Whether the monitor's batches are on time (`now` in ms). */
export function batchTiming(monitor: MonitorRecord, now: number): BatchTiming {
  if (monitor.expectBatchEveryMs === undefined) return { lastBatchAt: monitor.lastBatchAt, late: false };
  const dueAt = (monitor.lastBatchAt ?? monitor.createdAt) + monitor.expectBatchEveryMs;
  return { lastBatchAt: monitor.lastBatchAt, late: now > dueAt, dueAt };
}
