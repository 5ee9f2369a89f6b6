/**
 * Incident records (`incidents`) and their timeline events: severities, the lifecycle, the events
 * an incident's timeline holds (in its Y.Map, or in its conversation doc once timelines are split).
 * Part of the workspace schema; import it from schema.ts.
 */
import { z } from 'zod';
import { id, timestamp } from './schema-primitives.ts';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

/**
 * Incident lifecycle, as on-call tools name it: opened, someone owns it, work under way, the
 * impact is contained (e.g. rolled back) but the cause is not fixed, done. A resolved incident
 * can be reopened.
 */
export const INCIDENT_STATUSES = ['open', 'acknowledged', 'investigating', 'mitigated', 'resolved'] as const;
export const incidentStatusSchema = z.enum(INCIDENT_STATUSES);
export type IncidentStatus = z.infer<typeof incidentStatusSchema>;

export const incidentSchema = z.object({
  id,
  title: z.string().min(1).max(300),
  severity: severitySchema,
  status: incidentStatusSchema,
  description: z.string().max(20_000),
  createdAt: timestamp,
  createdBy: id,
  createdByName: z.string().max(200),
  updatedAt: timestamp,
  assigneeId: id.optional(),
  assigneeName: z.string().max(200).optional(),
  /**
   * Set when a monitor opened it. `ruleId` only for a rule with an incident of its own (and on
   * incidents opened before a monitor's findings were grouped): without it, the monitor's fired
   * rules all add their findings here while it is open.
   */
  monitorId: id.optional(),
  ruleId: id.optional(),
  /** What the monitor watches, and the data a finding was about (links in the UI). */
  model: z.string().max(300).optional(),
  referenceVersionId: id.optional(),
  currentVersionId: id.optional(),
  /** The latest drift report blob (sha256) behind it. */
  reportBlob: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type IncidentRecord = z.infer<typeof incidentSchema>;

/** The incident's own Y.Array of events (in its Y.Map), next to its fields. */
export const INCIDENT_EVENTS_KEY = 'events';

/**
 * What happened to an incident, for its timeline (people's comments live in `comments` and are
 * merged in when shown). `finding`: a monitor rule fired again for this incident. `action`: a
 * request sent on (a retrain); `pending` while it is retried. An action event with `follows` is
 * the server's later word on the action event with that id (each webhook retry's outcome): the
 * timeline shows the action with its latest outcome (listIncidentEvents folds them), and the
 * audit trail keeps every one — events are append-only.
 */
export const incidentEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status'), id, at: timestamp, byId: id, byName: z.string().max(200), from: incidentStatusSchema, to: incidentStatusSchema }),
  z.object({ kind: z.literal('severity'), id, at: timestamp, byId: id, byName: z.string().max(200), from: severitySchema, to: severitySchema }),
  z.object({ kind: z.literal('assigned'), id, at: timestamp, byId: id, byName: z.string().max(200), assigneeId: id.nullable(), assigneeName: z.string().max(200) }),
  z.object({
    kind: z.literal('finding'), id, at: timestamp, byId: id, byName: z.string().max(200),
    band: z.enum(['warning', 'critical']), summary: z.string().max(2000), reportBlob: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    currentVersionId: id.optional(),
    /** The rule that fired (one incident may hold the findings of several rules of a monitor). */
    ruleId: id.optional(),
    /** The monitor history entry the finding came from (the server's batch id). */
    batchId: z.number().int().nonnegative().optional(),
  }),
  z.object({
    kind: z.literal('action'), id, at: timestamp, byId: id, byName: z.string().max(200),
    action: z.string().max(100), outcome: z.enum(['ok', 'failed', 'pending']), detail: z.string().max(2000),
    follows: id.optional(),
  }),
]);
export type IncidentEvent = z.infer<typeof incidentEventSchema>;
