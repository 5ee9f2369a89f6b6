/**
 * What lists, the monitor page, incident links, the notifier and the server's missing-batch
 * check need of an incident's timeline, without opening its conversation doc (issue 20).
 *
 * Once a workspace's timelines are split (`meta.timelines`, server/split-conversations.ts), an
 * incident's events live in its conversation doc, which is opened only with the incident. The
 * server writes a digest of them into the incident's ThreadSummaryRecord (how many findings, the
 * latest finding per rule, the latest assignment) whenever that doc changes, as it writes the
 * comment count; readers combine it with whatever events the workspace doc itself still holds
 * (a workspace not split yet, or an older app's event the server has not moved yet).
 */
import * as Y from 'yjs';
import { listRawIncidentEvents } from './incident-events.ts';
import { parseRecord } from './queries.ts';
import { DOC_KEYS, INCIDENT_EVENTS_KEY, type IncidentEvent, type ThreadSummaryRecord, threadSummaryKey, threadSummarySchema } from './schema.ts';

export type FindingBand = 'warning' | 'critical';

export interface TimelineDigest {
  findings: number;
  latestFindings: { ruleId?: string; band: FindingBand; summary: string; at: number }[];
  assigned?: { id: string; assigneeId: string | null; byId: string; byName: string; at: number };
}

/** The digest of a list of events (any order). */
export function timelineDigest(events: readonly IncidentEvent[]): TimelineDigest {
  const digest: TimelineDigest = { findings: 0, latestFindings: [] };
  const latest = new Map<string, TimelineDigest['latestFindings'][number]>();
  for (const e of events) {
    if (e.kind === 'finding') {
      digest.findings++;
      const key = e.ruleId ?? '';
      const seen = latest.get(key);
      if (!seen || e.at >= seen.at) latest.set(key, { ...(e.ruleId !== undefined ? { ruleId: e.ruleId } : {}), band: e.band, summary: e.summary, at: e.at });
    } else if (e.kind === 'assigned' && (!digest.assigned || e.at >= digest.assigned.at)) {
      digest.assigned = { id: e.id, assigneeId: e.assigneeId, byId: e.byId, byName: e.byName, at: e.at };
    }
  }
  // A bounded record: a timeline names at most a monitor's rules (100), kept newest first.
  digest.latestFindings = [...latest.values()].sort((a, b) => b.at - a.at).slice(0, 200);
  return digest;
}

/** The digest fields of a summary (omitted when there is nothing to say, so a plain conversation's summary is unchanged). */
export function digestFields(digest: TimelineDigest): Pick<ThreadSummaryRecord, 'findings' | 'latestFindings' | 'assigned'> {
  return {
    ...(digest.findings > 0 ? { findings: digest.findings, latestFindings: digest.latestFindings } : {}),
    ...(digest.assigned ? { assigned: digest.assigned } : {}),
  };
}

/**
 * An incident's digest from both places: the events the workspace doc holds and the server's
 * summary of its conversation doc. An event in both (mid-move) may be counted twice for a moment.
 */
export function incidentDigest(doc: Y.Doc, incidentId: string): TimelineDigest {
  const local = timelineDigest(listRawIncidentEvents(doc, incidentId));
  const summary = parseRecord(threadSummarySchema, doc.getMap(DOC_KEYS.threadSummaries).get(threadSummaryKey({ kind: 'incident', id: incidentId })));
  if (!summary) return local;
  const latest = new Map(local.latestFindings.map((f) => [f.ruleId ?? '', f]));
  for (const f of summary.latestFindings ?? []) {
    const seen = latest.get(f.ruleId ?? '');
    if (!seen || f.at > seen.at) latest.set(f.ruleId ?? '', f);
  }
  const assigned = [local.assigned, summary.assigned].filter((a) => a !== undefined).sort((a, b) => b.at - a.at)[0];
  return {
    findings: local.findings + (summary.findings ?? 0),
    latestFindings: [...latest.values()].sort((a, b) => b.at - a.at),
    ...(assigned ? { assigned } : {}),
  };
}

/** The band of the latest finding of `ruleId` on an incident (a finding naming no rule is its incident's `ruleId`'s). */
export function latestFindingOf(digest: TimelineDigest, ruleId: string, incidentRuleId?: string): TimelineDigest['latestFindings'][number] | undefined {
  let best: TimelineDigest['latestFindings'][number] | undefined;
  for (const f of digest.latestFindings) if ((f.ruleId ?? incidentRuleId) === ruleId && (!best || f.at > best.at)) best = f;
  return best;
}

/** Whether any incident in the workspace doc still holds timeline events (after a split: an older app's, for the server to move). */
export function holdsTimelineEvents(doc: Y.Doc): boolean {
  for (const entry of doc.getMap(DOC_KEYS.incidents).values()) {
    const events = entry instanceof Y.Map ? entry.get(INCIDENT_EVENTS_KEY) : undefined;
    if (events instanceof Y.Array && events.length > 0) return true;
  }
  return false;
}
