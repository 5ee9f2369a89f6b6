/**
 * The Yjs schema of a workspace: the names of its shared types and the shape of every record.
 *
 * One workspace doc holds the registries. Top-level shared types:
 * - `meta`      Y.Map: `id`, `name`, `createdAt`, `schemaVersion`
 * - `members`   Y.Map<memberId, MemberRecord>: plain records, written by the sync server
 * - `incidents` Y.Map<incidentId, Y.Map>: one nested map per incident, so two people changing
 *               different fields (status and severity, say) both win
 * - `comments`  Y.Map<commentId, CommentRecord>: immutable records in their own top-level map,
 *               so the server can tell a comment-only update from any other (commenter role)
 *
 * Everything read back from a doc is parsed with these schemas: a doc is shared with other
 * clients, and a record that does not parse is skipped rather than trusted.
 */
import { z } from 'zod';

export const SCHEMA_VERSION = 1;

export const DOC_KEYS = {
  meta: 'meta',
  members: 'members',
  incidents: 'incidents',
  comments: 'comments',
} as const;

export const ROLES = ['owner', 'editor', 'commenter', 'viewer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

/** Incident lifecycle, as on-call tools name it: opened, someone owns it, work under way, done. */
export const INCIDENT_STATUSES = ['open', 'acknowledged', 'investigating', 'resolved'] as const;
export const incidentStatusSchema = z.enum(INCIDENT_STATUSES);
export type IncidentStatus = z.infer<typeof incidentStatusSchema>;

const id = z.string().min(1).max(128);
/** Milliseconds since the Unix epoch. */
const timestamp = z.number().int().nonnegative();

export const workspaceMetaSchema = z.object({
  id,
  name: z.string().min(1).max(200),
  createdAt: timestamp,
  schemaVersion: z.number().int().positive(),
});
export type WorkspaceMeta = z.infer<typeof workspaceMetaSchema>;

export const memberSchema = z.object({
  id,
  name: z.string().min(1).max(200),
  role: roleSchema,
  joinedAt: timestamp,
});
export type MemberRecord = z.infer<typeof memberSchema>;

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
});
export type IncidentRecord = z.infer<typeof incidentSchema>;

/** What a comment can hang off. More kinds (run, dataset version, note range) come later. */
export const commentTargetSchema = z.object({ kind: z.literal('incident'), id });
export type CommentTarget = z.infer<typeof commentTargetSchema>;

export const commentSchema = z.object({
  id,
  target: commentTargetSchema,
  body: z.string().min(1).max(20_000),
  authorId: id,
  authorName: z.string().max(200),
  createdAt: timestamp,
});
export type CommentRecord = z.infer<typeof commentSchema>;
