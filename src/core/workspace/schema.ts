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
 * nothing of the workspace; src/core/import-cycles.test.ts checks it).
 *
 * Everything read back from a doc is parsed with these schemas: a doc is shared with other
 * clients, and a record that does not parse is skipped rather than trusted.
 */
import { z } from 'zod';
// A monitor record holds its column mapping; the mapping needs nothing of the workspace.
import { columnMappingSchema } from '../drift/column-mapping.ts';

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

/** What a conversation can be about: the kinds of comment target. */
export const THREAD_KINDS = ['incident', 'run', 'datasetVersion', 'modelVersion', 'handoff', 'note', 'notebook'] as const;
export type ThreadKind = (typeof THREAD_KINDS)[number];

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

const id = z.string().min(1).max(128);
/** Milliseconds since the Unix epoch. */
const timestamp = z.number().int().nonnegative();

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
});
export type WorkspaceMeta = z.infer<typeof workspaceMetaSchema>;

export const memberSchema = z.object({
  id,
  name: z.string().min(1).max(MEMBER_NAME_MAX),
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

/**
 * Where a note comment hangs: a range of the note's Y.Text as two Y.RelativePositions (JSON, as
 * `Y.relativePositionToJSON` writes them), so the range follows the same words under concurrent
 * edits; `quote` is the text when the comment was made (shown if the words are deleted).
 */
export const noteAnchorSchema = z.object({
  start: z.record(z.string(), z.unknown()),
  end: z.record(z.string(), z.unknown()),
  quote: z.string().max(2000),
});
export type NoteAnchor = z.infer<typeof noteAnchorSchema>;

/**
 * Where a notebook comment hangs: a cell of the version it was made on (by index, with its
 * nbformat 4.5 id when it has one), and optionally the words of its source (`quote`, by
 * character offsets) or one of its outputs. When later versions arrive the thread follows its
 * cell (src/core/notebook/follow.ts), so the anchor stays as written.
 */
export const notebookAnchorSchema = z.object({
  versionId: id,
  version: z.number().int().positive(),
  cellIndex: z.number().int().nonnegative().max(100_000),
  cellId: z.string().min(1).max(64).nullable(),
  part: z.enum(['cell', 'source', 'output']),
  outputIndex: z.number().int().nonnegative().max(10_000).optional(),
  quote: z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative(), text: z.string().max(2000) }).optional(),
});
export type NotebookAnchor = z.infer<typeof notebookAnchorSchema>;

/** What a comment can hang off. */
export const commentTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('incident'), id }),
  z.object({ kind: z.literal('run'), id }),
  z.object({ kind: z.literal('datasetVersion'), id }),
  z.object({ kind: z.literal('modelVersion'), id }),
  z.object({ kind: z.literal('handoff'), id }),
  z.object({ kind: z.literal('note'), id, anchor: noteAnchorSchema.optional() }),
  z.object({ kind: z.literal('notebook'), id, anchor: notebookAnchorSchema.optional() }),
]);
export type CommentTarget = z.infer<typeof commentTargetSchema>;

export const commentSchema = z.object({
  id,
  target: commentTargetSchema,
  body: z.string().min(1).max(20_000),
  authorId: id,
  authorName: z.string().max(200),
  createdAt: timestamp,
  /** Member ids @mentioned in the body (they get it in their inbox). */
  mentions: z.array(id).max(100).optional(),
  /** A reply: the id of the thread's first comment (threads are one level deep). */
  parentId: id.optional(),
});
export type CommentRecord = z.infer<typeof commentSchema>;

/** The reactions a comment can get, by name (GitHub's set); the UI draws the emoji. */
export const REACTIONS = ['+1', '-1', 'laugh', 'hooray', 'confused', 'heart', 'rocket', 'eyes'] as const;
export const reactionNameSchema = z.enum(REACTIONS);
export type ReactionName = z.infer<typeof reactionNameSchema>;

export const reactionSchema = z.object({
  commentId: id,
  memberId: id,
  memberName: z.string().max(200),
  emoji: reactionNameSchema,
  at: timestamp,
});
export type ReactionRecord = z.infer<typeof reactionSchema>;

/** Where a reaction lives in `reactions`: one key per comment, member and emoji. */
export function reactionKey(r: Pick<ReactionRecord, 'commentId' | 'memberId' | 'emoji'>): string {
  return `${r.commentId}:${r.memberId}:${r.emoji}`;
}

/** One "resolved" or "reopened" of a thread (`commentId` is its first comment). */
export const threadResolutionSchema = z.object({
  id,
  commentId: id,
  resolved: z.boolean(),
  byId: id,
  byName: z.string().max(200),
  at: timestamp,
  /**
   * One more than the resolution its writer last saw for this thread (a Lamport clock): a
   * resolve, reopen and resolve in the same millisecond, or after someone whose clock runs
   * ahead, still order as they happened. Absent in records written before it existed (0).
   */
  seq: z.number().int().nonnegative().optional(),
});
export type ThreadResolutionRecord = z.infer<typeof threadResolutionSchema>;

/**
 * What a list needs of one conversation doc, so it shows counts and activity without opening
 * it: kept up to date by the sync server whenever the conversation doc changes.
 */
export const threadSummarySchema = z.object({
  kind: z.enum(THREAD_KINDS),
  id,
  /** Comments in the conversation, replies included. */
  count: z.number().int().nonnegative(),
  /** The latest comment's time (0: none yet). */
  lastActivityAt: timestamp,
  lastById: id.optional(),
  lastByName: z.string().max(200).optional(),
  /**
   * An incident's timeline, as far as lists and pages need it without its conversation doc
   * (thread-docs.ts `incidentDigest`): how many findings, the latest finding per rule (`ruleId`
   * absent: a finding that names no rule, its incident's), the latest assignment. Written by
   * the server from the conversation doc's `events`, like the rest of the summary.
   */
  findings: z.number().int().nonnegative().optional(),
  latestFindings: z.array(z.object({ ruleId: id.optional(), band: z.enum(['warning', 'critical']), summary: z.string().max(2000), at: timestamp })).max(200).optional(),
  assigned: z.object({ id, assigneeId: id.nullable(), byId: id, byName: z.string().max(200), at: timestamp }).optional(),
});
export type ThreadSummaryRecord = z.infer<typeof threadSummarySchema>;

/** Where a conversation's summary lives in `threadSummaries`. */
export function threadSummaryKey(target: { kind: ThreadKind; id: string }): string {
  return `${target.kind}:${target.id}`;
}

/**
 * A member @mentioned in a comment of a conversation doc: enough for an inbox entry (who, when,
 * the start of the comment, what it is on) without opening the doc. Written by the sync server
 * from the comment it accepted, so nobody can forge one.
 */
export const commentMentionSchema = z.object({
  id,
  commentId: id,
  target: z.object({ kind: z.enum(THREAD_KINDS), id }),
  memberId: id,
  byId: id,
  byName: z.string().max(200),
  excerpt: z.string().max(500),
  at: timestamp,
});
export type CommentMentionRecord = z.infer<typeof commentMentionSchema>;

/** Headline params or metrics a run summary may carry: the doc holds every run's, so they are capped; all are in the detail blob. */
export const HEADLINE_LIMIT = 100;

export const RUN_STATUSES = ['running', 'finished', 'failed', 'killed', 'scheduled'] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;

/**
 * A run as the runs list shows it. Only headline numbers live here (the doc must stay small);
 * the full params, metric series, tags and environment are a blob (`detailBlob`).
 */
export const runSummarySchema = z.object({
  id,
  name: z.string().min(1).max(300),
  experiment: z.string().max(300),
  status: runStatusSchema,
  startedAt: timestamp,
  endedAt: timestamp.optional(),
  /** Where it came from, e.g. `mlflow:<run uuid>` (re-imports update instead of duplicating). */
  source: z.string().max(300),
  params: z.record(z.string().max(250), z.string().max(500)).refine((r) => Object.keys(r).length <= HEADLINE_LIMIT, `at most ${HEADLINE_LIMIT} headline params (the rest belong in the detail blob)`),
  metrics: z.record(z.string().max(250), z.number()).refine((r) => Object.keys(r).length <= HEADLINE_LIMIT, `at most ${HEADLINE_LIMIT} headline metrics (the rest belong in the detail blob)`),
  /**
   * Headline tags a runs list filters by (people's own tags and a few system ones such as
   * `mlflow.user`); every tag is in the blob. Absent in summaries written before it existed.
   */
  tags: z.record(z.string(), z.string().max(300)).optional(),
  detailBlob: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  createdAt: timestamp,
});
export type RunSummaryRecord = z.infer<typeof runSummarySchema>;

/** The run note: one per run, the latest save wins (it is a short note, not a document). */
export const runAnnotationSchema = z.object({
  runId: id,
  text: z.string().max(4000),
  updatedAt: timestamp,
  updatedById: id,
  updatedByName: z.string().max(200),
});
export type RunAnnotationRecord = z.infer<typeof runAnnotationSchema>;

export const noteSchema = z.object({
  id,
  title: z.string().min(1).max(300),
  createdAt: timestamp,
  createdBy: id,
  createdByName: z.string().max(200),
  updatedAt: timestamp,
});
export type NoteRecord = z.infer<typeof noteSchema>;

/** A member @mentioned in a note (the first time in that note; later mentions do not repeat it). */
export const noteMentionSchema = z.object({
  id,
  noteId: id,
  memberId: id,
  byId: id,
  byName: z.string().max(200),
  /** The line the mention is on, as it read then. */
  excerpt: z.string().max(500),
  createdAt: timestamp,
});
export type NoteMentionRecord = z.infer<typeof noteMentionSchema>;

/** What a member does on the team; a handoff goes from one of these to the next. */
export const TEAM_ROLES = ['data-scientist', 'ml-engineer', 'ops'] as const;
export const teamRoleSchema = z.enum(TEAM_ROLES);
export type TeamRole = z.infer<typeof teamRoleSchema>;

export const teamRoleRecordSchema = z.object({
  memberId: id,
  teamRole: teamRoleSchema,
  setById: id,
  setByName: z.string().max(200),
  at: timestamp,
});
export type TeamRoleRecord = z.infer<typeof teamRoleRecordSchema>;

/** Model names as MLflow and GTO accept them: letters, digits, `-`, `_`, `.`, `/`. */
export const modelNameSchema = z.string().min(1).max(200).regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'use letters, digits, ".", "_", "-" or "/", starting with a letter or digit');

/** At most this many tags per model or version: the doc holds them all. */
export const REGISTRY_TAG_LIMIT = 100;
/** Tag keys and values as long as MLflow's registry columns allow (250 and 5000 characters). */
export const registryTagsSchema = z.record(z.string().min(1).max(250), z.string().max(5000))
  .refine((r) => Object.keys(r).length <= REGISTRY_TAG_LIMIT, `at most ${REGISTRY_TAG_LIMIT} tags`);

export const modelSchema = z.object({
  id,
  name: modelNameSchema,
  description: z.string().max(5000),
  createdAt: timestamp,
  createdById: id,
  createdByName: z.string().max(200),
  /** Where it came from when imported (`gto:<repo>`, `mlflow:<name>`). */
  source: z.string().max(300).optional(),
  /** Key/value tags, as MLflow's registry keeps them (absent on models made before they existed). */
  tags: registryTagsSchema.optional(),
});
export type ModelRecord = z.infer<typeof modelSchema>;

export const modelVersionSchema = z.object({
  id,
  modelId: id,
  /** 1, 2, 3 … per model, as MLflow numbers versions. */
  version: z.number().int().positive(),
  /** A name people use besides the number (GTO's `v1.2.0`). */
  label: z.string().max(100).optional(),
  /** The run it was trained in (its params, data versions and environment). */
  runId: id.optional(),
  description: z.string().max(5000),
  /** The dataset version monitors compare production data against for this model version. */
  baselineDatasetVersionId: id.optional(),
  createdAt: timestamp,
  createdById: id,
  createdByName: z.string().max(200),
  source: z.string().max(300).optional(),
  tags: registryTagsSchema.optional(),
  /** The source registry's registration status (MLflow: READY, PENDING_REGISTRATION, FAILED_REGISTRATION). */
  status: z.string().max(50).optional(),
  /** Where the model's files are, as the source registry says (MLflow's `source`, e.g. `runs:/…/model`). */
  artifactUri: z.string().max(1000).optional(),
});
export type ModelVersionRecord = z.infer<typeof modelVersionSchema>;

/** Alias names as MLflow allows them (`champion`, `production`); GTO stages import as aliases. */
export const aliasNameSchema = z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" or "-"');

export const aliasEventSchema = z.object({
  id,
  modelId: id,
  alias: aliasNameSchema,
  /** The version it now points to; null: the alias was removed. */
  versionId: id.nullable(),
  byId: id,
  byName: z.string().max(200),
  at: timestamp,
  /** Lamport clock per alias (see threadResolutionSchema.seq). */
  seq: z.number().int().nonnegative(),
  /** The accepted handoff that allowed the move, for protected aliases. */
  handoffId: id.optional(),
  /** An owner moved a protected alias without an accepted handoff: why. */
  override: z.object({ reason: z.string().min(1).max(2000) }).optional(),
  source: z.string().max(300).optional(),
});
export type AliasEventRecord = z.infer<typeof aliasEventSchema>;

export const HANDOFF_STAGES = ['to-ml-engineering', 'to-ops'] as const;
export const handoffStageSchema = z.enum(HANDOFF_STAGES);
export type HandoffStage = z.infer<typeof handoffStageSchema>;

/** One checklist line. Automatic items are evaluated when the request is made; manual ones are ticked. */
export const handoffChecklistItemSchema = z.object({
  id: z.string().min(1).max(100),
  label: z.string().min(1).max(300),
  kind: z.enum(['automatic', 'manual']),
  /** Automatic items: whether it held at request time, and what was seen. */
  passed: z.boolean().optional(),
  detail: z.string().max(1000).optional(),
});
export type HandoffChecklistItem = z.infer<typeof handoffChecklistItemSchema>;

export const handoffSchema = z.object({
  id,
  modelId: id,
  versionId: id,
  stage: handoffStageSchema,
  fromRole: teamRoleSchema,
  toRole: teamRoleSchema,
  message: z.string().max(20_000),
  checklist: z.array(handoffChecklistItemSchema).max(50),
  requestedById: id,
  requestedByName: z.string().max(200),
  at: timestamp,
});
export type HandoffRecord = z.infer<typeof handoffSchema>;

export const HANDOFF_DECISIONS = ['accepted', 'rejected', 'changes-requested', 'resubmitted', 'withdrawn'] as const;
export type HandoffDecision = (typeof HANDOFF_DECISIONS)[number];

export const handoffEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('decision'), id, handoffId: id, decision: z.enum(HANDOFF_DECISIONS),
    comment: z.string().max(20_000), byId: id, byName: z.string().max(200), byTeamRole: teamRoleSchema.optional(),
    at: timestamp, seq: z.number().int().nonnegative(),
    /** The checklist as re-evaluated at a resubmission (the request's own is from the first ask). */
    checklist: z.array(handoffChecklistItemSchema).max(50).optional(),
  }),
  z.object({
    kind: z.literal('check'), id, handoffId: id, itemId: z.string().min(1).max(100), checked: z.boolean(),
    byId: id, byName: z.string().max(200), at: timestamp, seq: z.number().int().nonnegative(),
  }),
]);
export type HandoffEvent = z.infer<typeof handoffEventSchema>;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest');
const md5 = z.string().regex(/^[0-9a-f]{32}(\.dir)?$/, 'expected an md5 hex digest (DVC style)');

export const datasetVersionSchema = z.object({
  id: z.string().min(1).max(128),
  /** The dataset this is a version of, e.g. "transactions". */
  dataset: z.string().min(1).max(200),
  fileName: z.string().min(1).max(500),
  format: z.string().min(1).max(20),
  md5,
  size: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  columns: z.number().int().nonnegative(),
  profileBlob: sha256,
  /** The file itself in the workspace's blob store (sha256), when its upload finished: any member can then compare it exactly. */
  fileBlob: sha256.optional(),
  addedBy: z.string().min(1),
  addedByName: z.string().max(200),
  addedAt: z.number().int().nonnegative(),
});
export type DatasetVersionRecord = z.infer<typeof datasetVersionSchema>;

export const datasetComparisonSchema = z.object({
  id: z.string().min(1).max(128),
  referenceVersionId: z.string().min(1),
  currentVersionId: z.string().min(1),
  reportBlob: sha256,
  datasetDrift: z.boolean(),
  driftedColumns: z.number().int().nonnegative(),
  testedColumns: z.number().int().nonnegative(),
  createdBy: z.string().min(1),
  createdByName: z.string().max(200),
  createdAt: z.number().int().nonnegative(),
});
export type DatasetComparisonRecord = z.infer<typeof datasetComparisonSchema>;

const share = z.number().min(0).max(1);

/** `ownIncident`: this rule's findings go to an incident of its own, not the monitor's shared one. */
const ownIncident = z.boolean().optional();

/** Bounds from the reference take no constant of their own; constant bounds need a critical one. */
function referenceOrConstant(rule: { bounds?: 'reference'; warning?: number; critical?: number }, ctx: z.RefinementCtx): 'reference' | 'constant' {
  if (rule.bounds === 'reference') {
    for (const field of ['warning', 'critical'] as const) {
      if (rule[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `bounds from the reference take no ${field} bound of their own` });
    }
    return 'reference';
  }
  if (rule.critical === undefined) ctx.addIssue({ code: 'custom', path: ['critical'], message: "a critical bound is required (or bounds: 'reference')" });
  return 'constant';
}

/**
 * How a monitor cuts its reference into chunks for every threshold derived from the reference
 * (src/core/monitor/chunking.ts, NannyML's chunkers): rows per chunk, a number of chunks, or one
 * chunk per calendar period of the mapping's timestamp; 'default' is NannyML's DefaultChunker.
 */
export const chunkingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('default') }),
  z.strictObject({ kind: z.literal('size'), size: z.number().int().positive().max(1_000_000_000) }),
  z.strictObject({ kind: z.literal('number'), count: z.number().int().positive().max(100_000) }),
  z.strictObject({ kind: z.literal('period'), period: z.enum(['day', 'week', 'month']) }),
]);
export type Chunking = z.infer<typeof chunkingSchema>;

/** A monitor's alert rule; how each kind is judged is src/core/monitor/rules.ts. */
export const alertRuleSchema = z.discriminatedUnion('kind', [
  // Constant bounds, or `bounds: 'reference'`: critical above the mean + 3 std of the drift share
  // of each reference chunk against the whole reference (clipped to [0, 1]).
  z.object({ kind: z.literal('driftShare'), id, ownIncident, bounds: z.literal('reference').optional(), warning: share.optional(), critical: share.optional() })
    .superRefine((rule, ctx) => {
      referenceOrConstant(rule, ctx);
    }),
  z.object({ kind: z.literal('columnDrift'), id, ownIncident, column: z.string().min(1).max(300), warning: z.number().optional(), critical: z.number().optional() }),
  // Constant bounds (`direction` and `critical`), or `bounds: 'reference'`: NannyML's thresholds
  // from the reference's chunks (mean ± 3 std, clipped to the metric's range), critical outside
  // them — on both sides, or only the side `direction` names.
  z.object({
    kind: z.literal('metric'), id, ownIncident, metric: z.string().min(1).max(200), direction: z.enum(['below', 'above']).optional(),
    bounds: z.literal('reference').optional(), warning: z.number().optional(), critical: z.number().optional(),
  }).superRefine((rule, ctx) => {
    if (referenceOrConstant(rule, ctx) === 'constant' && rule.direction === undefined) {
      ctx.addIssue({ code: 'custom', path: ['direction'], message: "a direction ('below' or 'above') is required with constant bounds" });
    }
  }),
  // Multivariate drift (NannyML's data reconstruction): critical when a batch's PCA reconstruction
  // error is outside the thresholds from the reference's chunks (mean ± 3 std, no lower bound at 0).
  z.object({ kind: z.literal('multivariate'), id, ownIncident }),
  z.object({ kind: z.literal('batchMissing'), id, ownIncident, warningAfterMs: z.number().int().positive().optional(), criticalAfterMs: z.number().int().positive() }),
]);
export type AlertRule = z.infer<typeof alertRuleSchema>;

export const monitorSchema = z.object({
  id,
  name: z.string().min(1).max(200),
  /** The model (or dataset) watched, as people name it. */
  model: z.string().max(300),
  /** The dataset version batches are compared against. */
  referenceVersionId: id,
  /** The reference data itself, in the server's blob store (sha256), and its file format. */
  referenceBlob: z.string().regex(/^[0-9a-f]{64}$/),
  referenceFormat: z.enum(['csv', 'tsv', 'parquet', 'json', 'jsonl']),
  /** Batches are expected this often (ms); a `batchMissing` rule judges lateness. */
  expectBatchEveryMs: z.number().int().positive().optional(),
  rules: z.array(alertRuleSchema).max(100),
  createdAt: z.number().int().nonnegative(),
  createdBy: id,
  lastBatchAt: z.number().int().nonnegative().optional(),
  /** What each column of the reference and the batches is (timestamp, id, target, …). */
  mapping: columnMappingSchema.optional(),
  /** CBPE's calibration of probabilities on the reference: 'auto' (NannyML's decision, the default) or forced on/off. */
  calibration: z.enum(['auto', 'on', 'off']).optional(),
  /** How the reference is cut into chunks for thresholds derived from it (absent: NannyML's default chunker). */
  chunking: chunkingSchema.optional(),
  /**
   * What the server fitted on the reference (drift share per reference chunk, the PCA of the
   * multivariate rule), kept as a blob: `key` hashes what the fit depends on (reference, mapping,
   * chunking, rules' needs), so a change of any of them refits.
   */
  referenceFit: z.object({ key: z.string().regex(/^[0-9a-f]{64}$/), blob: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  /** A paused monitor refuses batches and metrics and is not checked for missing batches. */
  paused: z.boolean().optional(),
  updatedAt: z.number().int().nonnegative().optional(),
  updatedBy: id.optional(),
  /** Set when deleted: gone from lists, its incidents and history kept. */
  deletedAt: z.number().int().nonnegative().optional(),
});
export type MonitorRecord = z.infer<typeof monitorSchema>;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest');

/** Longest excerpt of a notebook's text a version record carries for search (the doc holds every version's). */
export const NOTEBOOK_EXCERPT_MAX = 8000;

/** A notebook: the same path pushed again is a new version of it. */
export const notebookSchema = z.object({
  id,
  title: z.string().min(1).max(300),
  /** Where it came from, as pushed (`notebooks/churn.ipynb`); the identity of its versions. */
  path: z.string().min(1).max(1000),
  createdAt: timestamp,
  createdBy: id,
  createdByName: z.string().max(200),
  /** Runs it belongs to (`--run`), newest link last. */
  runIds: z.array(id).max(100).optional(),
});
export type NotebookRecord = z.infer<typeof notebookSchema>;

export const notebookVersionSchema = z.object({
  id,
  notebookId: id,
  /** 1, 2, 3 … per notebook. */
  version: z.number().int().positive(),
  /** sha256 of the .ipynb bytes, stored as a blob. */
  blob: sha256Hex,
  size: z.number().int().nonnegative(),
  /** `4.5`, `3.0` … as the file says. */
  nbformat: z.string().max(20),
  cellCount: z.number().int().nonnegative(),
  /** How it was read (an nbformat 3 conversion, cells without ids). */
  notes: z.array(z.string().max(500)).max(10).optional(),
  /** The start of its searchable text (src/core/notebook/text.ts), for the search index. */
  excerpt: z.string().max(NOTEBOOK_EXCERPT_MAX).optional(),
  runId: id.optional(),
  addedAt: timestamp,
  addedBy: id,
  addedByName: z.string().max(200),
});
export type NotebookVersionRecord = z.infer<typeof notebookVersionSchema>;
