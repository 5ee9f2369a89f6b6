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
 * - `runs`      Y.Map<runId, RunSummaryRecord>: the small summary a runs list needs; a run's full
 *               params, metric series and environment are blobs
 * - `runAnnotations` Y.Map<runId, RunAnnotationRecord>: the short note people keep on a run, apart
 *               from the summary so a re-import (which rewrites the summary) never touches it
 * - `notes`     Y.Map<noteId, NoteRecord>: the notes registry; each note's text is a Y.Text in
 *               its own doc (`noteDocName`), opened lazily
 * - `noteMentions` Y.Map<`<noteId>:<memberId>`, NoteMentionRecord>: who was @mentioned in which
 *               note, written by the author's app, so an inbox never has to open every note doc
 * - `reactions` Y.Map<`<commentId>:<memberId>:<emoji>`, ReactionRecord>: one immutable record per
 *               person and emoji; taking a reaction back deletes the record. The key says whose it
 *               is, so the server can let a commenter add and delete only their own
 * - `threadResolutions` Y.Map<id, ThreadResolutionRecord>: an append-only log of "resolved" /
 *               "reopened" per comment thread (the latest wins), so resolving never overwrites
 *               anything and the server can check each record's author
 * - `teamRoles` Y.Map<memberId, TeamRoleRecord>: what each member does on the team (data
 *               scientist, ML engineer, ops) — who a handoff goes to; permission roles stay in `members`
 * - `models`, `modelVersions` Y.Map<id, record>: the model registry; a version comes from a run
 * - `aliasEvents` Y.Map<id, AliasEventRecord>: append-only log of alias moves (`production` →
 *               version 3); an alias points where its latest event says, so the log is the audit trail
 * - `handoffs`  Y.Map<id, HandoffRecord>: immutable handoff requests with their checklist;
 *   `handoffEvents` Y.Map<id, HandoffEventRecord>: append-only decisions and checks on them
 * - `notebooks` Y.Map<id, NotebookRecord>: Jupyter notebooks, one per path; `notebookVersions`
 *   Y.Map<id, NotebookVersionRecord>: append-only, each the sha256 of the .ipynb blob (the file
 *   itself is a blob, never CRDT items) and a bounded excerpt of its text for search
 * - `datasetVersions`, `datasetComparisons` Y.Map<id, record>: profiled dataset versions and
 *               drift comparisons between two of them (profile and report are blobs)
 * - `monitors`  Y.Map<id, MonitorRecord>: what a monitor watches and its alert rules
 * - `threadSummaries` Y.Map<`<kind>:<id>`, ThreadSummaryRecord> and `commentMentions`
 *               Y.Map<`<commentId>:<memberId>`, CommentMentionRecord>: what lists and the inbox
 *               need of the conversations kept in conversation docs (`threadDocName`, see
 *               thread-docs.ts), written by the sync server only
 *
 * A conversation doc (`<workspaceId>:thread:<kind>:<id>`) holds one comment target's
 * `comments`, `reactions` and `threadResolutions` under the same keys and record schemas as
 * above, and for an incident its timeline as a top-level Y.Array `events` (THREAD_EVENTS_KEY).
 *
 * Every doc key and record schema lives here and nowhere else, so any module (restore, the
 * server's write policy, src/core/monitor, src/core/handoff) can name a registry without
 * importing the commands that change it, and src/core has no import cycle (schema.ts imports
 * nothing of the workspace but its own schema-*.ts modules; src/core/import-cycles.test.ts checks
 * it). The doc keys, doc names, workspace meta and members are in this file; the other records
 * are in schema-*.ts by area, re-exported here, so every importer names them from schema.ts:
 * incidents (schema-incidents.ts), conversations (schema-conversations.ts), runs and notebooks
 * (schema-runs.ts), notes (schema-notes.ts), models and handoffs (schema-models.ts), datasets
 * and monitors (schema-monitors.ts).
 *
 * Everything read back from a doc is parsed with these schemas: a doc is shared with other
 * clients, and a record that does not parse is skipped rather than trusted.
 */
import { z } from 'zod';
import { THREAD_KINDS, type ThreadKind } from './schema-conversations.ts';
import { id, timestamp } from './schema-primitives.ts';

export * from './schema-incidents.ts';
export * from './schema-conversations.ts';
export * from './schema-runs.ts';
export * from './schema-notes.ts';
export * from './schema-models.ts';
export * from './schema-monitors.ts';

export const SCHEMA_VERSION = 1;

export const DOC_KEYS = {
  meta: 'meta',
  members: 'members',
  incidents: 'incidents',
  comments: 'comments',
  runs: 'runs',
  runAnnotations: 'runAnnotations',
  notes: 'notes',
  noteMentions: 'noteMentions',
  reactions: 'reactions',
  threadResolutions: 'threadResolutions',
  teamRoles: 'teamRoles',
  models: 'models',
  modelVersions: 'modelVersions',
  aliasEvents: 'aliasEvents',
  handoffs: 'handoffs',
  handoffEvents: 'handoffEvents',
  datasetVersions: 'datasetVersions',
  datasetComparisons: 'datasetComparisons',
  monitors: 'monitors',
  notebooks: 'notebooks',
  notebookVersions: 'notebookVersions',
  threadSummaries: 'threadSummaries',
  commentMentions: 'commentMentions',
} as const;

/** An incident's timeline inside its conversation doc: a top-level Y.Array of IncidentEvent. */
export const THREAD_EVENTS_KEY = 'events';

/** The Y.Text that holds a note's markdown, inside the note's own doc. */
export const NOTE_TEXT_KEY = 'body';

/**
 * Name of a note's own doc: the local cache's doc id and the sync server's room. A workspace
 * doc's name is its workspace id; a note doc's is `<workspaceId>:note:<noteId>`, so a server can
 * tell which workspace (and so which token) a room belongs to from the name alone.
 */
export function noteDocName(workspaceId: string, noteId: string): string {
  return `${workspaceId}:note:${noteId}`;
}

/**
 * Name of a conversation doc: one comment target's comments, reactions, resolutions and (for an
 * incident) timeline, as `<workspaceId>:thread:<kind>:<targetId>` — like a note doc's name, it
 * says which workspace it belongs to. Ids are `[A-Za-z0-9_-]`, so the name parses back exactly.
 */
export function threadDocName(workspaceId: string, target: { kind: ThreadKind; id: string }): string {
  return `${workspaceId}:thread:${target.kind}:${target.id}`;
}

export type ParsedDocName =
  | { kind: 'workspace'; workspaceId: string }
  | { kind: 'note'; workspaceId: string; noteId: string }
  | { kind: 'thread'; workspaceId: string; target: { kind: ThreadKind; id: string } };

const THREAD_NAME = new RegExp(`^([A-Za-z0-9_-]{1,128}):thread:(${THREAD_KINDS.join('|')}):([A-Za-z0-9_-]{1,128})$`);

/** Reads a doc name back; null when it is not a workspace id, a note doc name or a conversation doc name. */
export function parseDocName(name: string): ParsedDocName | null {
  const note = /^([A-Za-z0-9_-]{1,128}):note:([A-Za-z0-9_-]{1,128})$/.exec(name);
  if (note) return { kind: 'note', workspaceId: note[1]!, noteId: note[2]! };
  const thread = THREAD_NAME.exec(name);
  if (thread) return { kind: 'thread', workspaceId: thread[1]!, target: { kind: thread[2] as ThreadKind, id: thread[3]! } };
  return /^[A-Za-z0-9_-]{1,128}$/.test(name) ? { kind: 'workspace', workspaceId: name } : null;
}

export const ROLES = ['owner', 'editor', 'commenter', 'viewer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/**
 * Longest member name and longest workspace name, in UTF-16 code units (what zod's `max`
 * counts). One number for the doc schema, the HTTP API (invites), the CLI (`token create`,
 * `workspace create`) and the app's forms: a name one of them accepts and another refuses would
 * be stored by the first and then refused, at every join, by the second.
 */
export const MEMBER_NAME_MAX = 200;
export const WORKSPACE_NAME_MAX = 200;

/** A member name as a person types it (invite, CLI): trimmed, 1 to MEMBER_NAME_MAX characters. */
export const memberNameInputSchema = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(MEMBER_NAME_MAX, `a name is at most ${MEMBER_NAME_MAX} characters`);

/** A workspace name as a person types it: trimmed, 1 to WORKSPACE_NAME_MAX characters. */
export const workspaceNameInputSchema = z
  .string()
  .trim()
  .min(1, 'a workspace name is required')
  .max(WORKSPACE_NAME_MAX, `a workspace name is at most ${WORKSPACE_NAME_MAX} characters`);

export const workspaceMetaSchema = z.object({
  id,
  name: z.string().min(1).max(WORKSPACE_NAME_MAX),
  createdAt: timestamp,
  schemaVersion: z.number().int().positive(),
  /**
   * `threads`: the server has moved this workspace's conversations into conversation docs
   * (server/split-conversations.ts); absent, they are still in `comments`, `reactions`,
   * `threadResolutions` and the incidents' `events` of this doc.
   */
  conversations: z.literal('threads').optional(),
  /**
   * `threads`: incidents' timelines moved too (each incident's events are in its conversation
   * doc's top-level `events`): timeline writers write there, and what is still written into an
   * incident's `events` here (an older app) is moved by the server.
   */
  timelines: z.literal('threads').optional(),
  /**
   * When this workspace was moved to this server from a desktop and every doc had arrived
   * (server/archive/adopt-workspace.ts): after it, the move route merges nothing more.
   */
  movedAt: timestamp.optional(),
});
export type WorkspaceMeta = z.infer<typeof workspaceMetaSchema>;

export const memberSchema = z.object({
  id,
  name: z.string().min(1).max(MEMBER_NAME_MAX),
  role: roleSchema,
  joinedAt: timestamp,
});
export type MemberRecord = z.infer<typeof memberSchema>;
