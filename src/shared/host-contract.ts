/**
 * The host contract: every call the UI makes to its host (Electron main over IPC, or the web
 * host over a WebSocket). One map from channel to request schema and response type; both
 * hosts implement it with `satisfies HostHandlers`, and every request is parsed on arrival
 * because it crossed a process boundary.
 */
import { z } from 'zod';
import { MEMBER_NAME_MAX, WORKSPACE_NAME_MAX, type Role, chunkingSchema } from '../core/workspace/schema.ts';
import type { SearchKind } from '../core/workspace/search-documents.ts';
import { columnMappingSchema } from '../core/drift/column-mapping.ts';
import { alertRuleSchema } from '../core/monitor/rules.ts';
import type { Notebook, NotebookOutput } from '../core/notebook/model.ts';
import { DEFAULT_MAX_BLOB_BYTES, type MonitorBatch, type ResponseOf as ServerResponse, monitorUpdateSchema } from './server-api.ts';

/** A workspace moved to a team server: its new connection, and invites for the other members. */
export interface MoveResult {
  connection: WorkspaceConnection;
  invites: { name: string; role: Role; link: string }[];
}

/** A workspace this person has joined: where its server is and who they are there. */
export interface WorkspaceConnection {
  workspaceId: string;
  name: string;
  /** `http(s)://host:port` of the sync server; the websocket is `ws(s)://host:port/sync/<id>`. */
  serverUrl: string;
  token: string;
  memberId: string;
  memberName: string;
  role: Role;
  /** True for the workspace on this machine's embedded server. */
  local: boolean;
  lastOpenedAt: number;
}

export interface AppInfo {
  mode: 'electron' | 'web';
  version: string;
  /** The embedded server's URL, when one runs. */
  localServerUrl: string | null;
  dataDir: string;
}

/** Why a server did or did not take a token, as the UI shows it. */
export type ConnectionCheck =
  | { kind: 'ok'; role: Role; memberName: string }
  | { kind: 'refused'; message: string }
  | { kind: 'unreachable'; message: string };

/** A long job run by the host, polled with `jobs.get`. */
export type JobState =
  | { kind: 'running'; label: string; phase: string; done: number; total: number }
  | { kind: 'done'; label: string; result: unknown }
  | { kind: 'failed'; label: string; message: string };

/** What `datasets.profile` produces once its job is done. */
export interface ProfiledFile {
  fileName: string;
  format: string;
  md5: string;
  size: number;
  rows: number;
  columns: number;
  profileBlob: string;
  /** Null when the blob reached the server; otherwise why not (it stays in the local cache). */
  uploadError: string | null;
  /** The file's sha256 once the workspace's blob store has the whole file (teammates can then compare it exactly); else null. */
  fileBlob: string | null;
  /** Why the file was not shared, when it was not. */
  fileUploadError: string | null;
}

/** What `datasets.compare` produces once its job is done. */
export interface ComparedFiles {
  reportBlob: string;
  datasetDrift: boolean;
  driftedColumns: number;
  testedColumns: number;
  uploadError: string | null;
  /** `profiles` when a file was not available anywhere and only the stored profiles were compared. */
  basis: 'files' | 'profiles';
  /** For `profiles`: why, and which tests ran, as the report says it. */
  basisNote: string | null;
}

/** A run of text in a search result; `match` marks the words that matched. Plain text: render it as text. */
export interface TextSegment {
  text: string;
  match: boolean;
}

/** One search result. Every string in it is plain text, never markup. */
export interface SearchHit {
  kind: SearchKind;
  id: string;
  /** The entity's name (for a comment: "Comment by <author>"). */
  title: string;
  /** The title split at the matched words. */
  titleSegments: TextSegment[];
  /** A few words around the best match in the entity's text, or its start; empty when it has no text. */
  snippet: TextSegment[];
  /** For a comment: what it hangs off (title null if that is not on this device yet). */
  target?: { kind: 'incident' | 'run' | 'datasetVersion' | 'note' | 'modelVersion' | 'handoff' | 'notebook'; id: string; title: string | null };
}

const docId = z.string().min(1).max(200).regex(/^[A-Za-z0-9_:-]+$/, 'letters, digits, _ : - only');
/** A note's id, as its doc's name holds it (noteDocName). */
const noteRef = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'a note id: letters, digits, _ - only');
// Yjs hands out Uint8Array<ArrayBufferLike>; accept any backing buffer.
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes');

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest');
/** A dataset version as a comparison needs it (the fields of its workspace record). */
const versionFileSchema = z.object({
  md5: z.string().min(32).max(40),
  fileName: z.string().min(1).max(500),
  profileBlob: sha256Hex,
  fileBlob: sha256Hex.optional(),
});

/** Largest file a page may hand its host by default (FileReceiver; a host option changes it). */
export const DEFAULT_HOST_FILE_BYTES = 512 * 1024 * 1024;
/** Largest piece of a file per `files.piece` call: far under the web host's 64 MiB message limit. */
export const HOST_FILE_CHUNK_BYTES = 4 * 1024 * 1024;

/** What the host keeps per doc version for a fast open: the incidents list's rows, and the screen they were on. */
export const PREVIEW_LISTS = ['incidents', 'splash'] as const;

/** Largest notebook file the app takes (the server's default blob limit). */
export const NOTEBOOK_MAX_BYTES = DEFAULT_MAX_BLOB_BYTES;

export const hostRequests = {
  'app.info': z.object({}),
  'workspaces.list': z.object({}),
  'workspaces.create': z.object({
    name: z.string().trim().min(1, 'workspace name is required').max(WORKSPACE_NAME_MAX),
    yourName: z.string().trim().min(1, 'your name is required').max(MEMBER_NAME_MAX),
  }),
  'workspaces.join': z
    .object({
      serverUrl: z.string().trim().min(1, 'server URL (or invite link) is required').max(2000),
      token: z.string().trim().max(500).default(''),
    })
    .refine((v) => v.token !== '' || parseInviteLink(v.serverUrl) !== null, { message: 'token is required', path: ['token'] }),
  'workspaces.open': z.object({ workspaceId: docId }),
  'workspaces.check': z.object({ workspaceId: docId }),
  'cache.load': z.object({ docId }),
  /** The next page of a load `cache.load` began (its `more.loadId`; pages 1..more.pages-1, in any order). */
  'cache.loadPage': z.object({ loadId: z.string().regex(/^[0-9a-f]{32}$/, 'expected the loadId cache.load answered'), page: z.number().int().min(1).max(1_000_000) }),
  /**
   * A list as last drawn from the doc (src/core/workspace/list-preview.ts), or the screen it was on
   * (`splash`: src/renderer/src/session/splash.ts), if the doc has not changed since.
   */
  'cache.preview': z.object({ docId, list: z.enum(PREVIEW_LISTS) }),
  /** Keeps a list as drawn from the doc at `version` (what the last cache.load/cache.append answered). */
  'cache.savePreview': z.object({ docId, list: z.enum(PREVIEW_LISTS), version: z.number().int().nonnegative(), json: z.string().max(2_000_000) }),
  'blobs.get': z.object({ workspaceId: docId, sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest') }),
  'datasets.profile': z.object({ workspaceId: docId, path: z.string().trim().min(1, 'file path is required').max(4096) }),
  /**
   * Compares two versions: on their files when this machine has them or can download them from
   * the blob store, else on their stored profiles (the report says which).
   */
  /** `mapping`: as monitors take it — the timestamp, id and ignored columns are not tested; per-column type and test overrides apply. */
  'datasets.compare': z.object({ workspaceId: docId, reference: versionFileSchema, current: versionFileSchema, mapping: columnMappingSchema.optional() }),
  'datasets.localFiles': z.object({ md5s: z.array(z.string().max(40)).max(10_000) }),
  'jobs.get': z.object({ jobId: z.string().uuid() }),
  /**
   * A file picked or dropped on the page, handed to the host in pieces (browser mode has no
   * path on the host's disk): begin with its name and size, send each piece at the offset the
   * host has, finish to get the path on the host (then `datasets.profile`).
   */
  'files.begin': z.object({ name: z.string().trim().min(1, 'the file needs a name').max(500), size: z.number().int().positive('the file is empty') }),
  'files.piece': z.object({ uploadId: z.string().uuid(), offset: z.number().int().nonnegative(), bytes }),
  'files.finish': z.object({ uploadId: z.string().uuid() }),
  'files.cancel': z.object({ uploadId: z.string().uuid() }),
  'search.query': z.object({ workspaceId: docId, text: z.string().max(1000), limit: z.number().int().min(1).max(100).default(20) }),
  /**
   * Moves a workspace of this computer's own server to a team server, given the owner token of
   * an empty workspace there (src/node/move-workspace.ts).
   */
  'workspaces.move': z.object({
    workspaceId: docId,
    serverUrl: z.string().trim().min(1, 'the team server’s address (or an invite link) is required').max(2000),
    token: z.string().trim().max(500).default(''),
  }),
  'workspaces.invite': z.object({
    workspaceId: docId,
    name: z.string().trim().min(1, 'name is required').max(MEMBER_NAME_MAX),
    role: z.enum(['owner', 'editor', 'commenter', 'viewer']),
  }),
  // `noteId`: a note's own history (its doc's snapshots); without it, the workspace doc's.
  'history.list': z.object({ workspaceId: docId, noteId: noteRef.optional() }),
  'history.get': z.object({ workspaceId: docId, snapshotId: z.number().int().positive(), noteId: noteRef.optional() }),
  'history.restore': z.object({ workspaceId: docId, snapshotId: z.number().int().positive() }),
  'webhooks.list': z.object({ workspaceId: docId }),
  'webhooks.create': z.object({ workspaceId: docId, url: z.string().trim().url('a full http(s) URL'), purpose: z.enum(['incidents', 'retrain']) }),
  'webhooks.delete': z.object({ workspaceId: docId, webhookId: z.string().min(1).max(128) }),
  'webhooks.deliveries': z.object({ workspaceId: docId }),
  /** Calls the workspace's retrain webhooks for an incident (the server records the outcome on its timeline). */
  'incidents.retrain': z.object({ workspaceId: docId, incidentId: z.string().min(1).max(128) }),
  /**
   * `local[i]` is true when `updates[i]` is an edit made on this device (not one received from
   * the server): those are the ones tracked until the server has them.
   */
  'cache.append': z
    .object({
      docId,
      updates: z.array(bytes).min(1).max(10_000),
      local: z.array(z.boolean()).max(10_000).optional(),
      /**
       * Lists as drawn from the doc with these updates in it, by a window that had the doc at
       * `expectVersion` before them: kept at the new version only if no one appended in between
       * (a page being closed: CacheSaver.closing).
       */
      previews: z
        .object({
          expectVersion: z.number().int().nonnegative(),
          lists: z.array(z.object({ list: z.enum(PREVIEW_LISTS), json: z.string().max(2_000_000) })).min(1).max(PREVIEW_LISTS.length),
        })
        .optional(),
    })
    .refine((v) => v.local === undefined || v.local.length === v.updates.length, { message: 'local must have one flag per update', path: ['local'] }),
  /**
   * The server refused edits made here: the doc's cached state becomes `state` (the server's),
   * and its pending edits are marked refused so they are never pushed (LocalCache.replaceDoc).
   */
  'cache.replace': z.object({ docId, state: bytes, reason: z.string().max(2000) }),
  /** Pushes every doc of the workspace with edits the server lacks (open or not); answers what is left. */
  /**
   * `conversations`: the workspace is split into conversation docs, so the host also fetches
   * those it should keep (src/node/conversation-pull.ts); the window knows, and the host then
   * never reads a large unsplit workspace doc for nothing.
   */
  'sync.push': z.object({ workspaceId: docId, conversations: z.boolean().optional() }),
  /**
   * Yjs clients of a doc as this device knows them (src/core/workspace/server-behind.ts): `own`
   * wrote edits here, `unsent` have edits the server has not confirmed.
   */
  'sync.clients': z.object({ docId }),
  /** Which inbox items this person has read (kept on this device). */
  'inbox.reads': z.object({ workspaceId: docId }),
  'inbox.markRead': z.object({ workspaceId: docId, itemIds: z.array(z.string().min(1).max(300)).min(1).max(10_000) }),
  /**
   * Uploads the file of a dataset version that is on this machine as a monitor's reference, and
   * has the server create the monitor from it (the server then writes it into the workspace doc).
   */
  'monitors.create': z.object({
    workspaceId: docId,
    name: z.string().trim().min(1, 'name is required').max(200),
    model: z.string().trim().max(300).default(''),
    referenceVersionId: z.string().min(1, 'pick a reference dataset version').max(128),
    rules: z.array(alertRuleSchema).min(1, 'add at least one rule').max(100),
    expectBatchEveryMs: z.number().int().positive().optional(),
    /** What each column is (the form proposes one from the reference's profile; a person confirms). */
    mapping: columnMappingSchema.optional(),
    /** How the reference is cut into chunks for thresholds derived from it (absent: NannyML's default). */
    chunking: chunkingSchema.optional(),
  }),
  /**
   * Edits a monitor on the server (rules, mapping, name, schedule, paused, reference); the server
   * checks columns. A new reference is a dataset version whose file is on this machine: the host
   * uploads it first, as for `monitors.create`.
   */
  'monitors.update': z.object({
    workspaceId: docId,
    monitorId: z.string().min(1).max(128),
    changes: monitorUpdateSchema.omit({ reference: true }).extend({ referenceVersionId: z.string().min(1, 'pick a reference dataset version').max(128).optional() }),
  }),
  /** Deletes a monitor on the server (its incidents and history stay). */
  'monitors.delete': z.object({ workspaceId: docId, monitorId: z.string().min(1).max(128) }),
  /** A monitor's history from the server, oldest first (all pages up to `limit` entries). */
  'monitors.history': z.object({
    workspaceId: docId,
    monitorId: z.string().min(1).max(128),
    from: z.number().int().nonnegative().optional(),
    to: z.number().int().nonnegative().optional(),
    limit: z.number().int().min(1).max(100_000).default(10_000),
    /** `summary` (the rule and performance charts) leaves out per-column results; `full` has them. */
    view: z.enum(['full', 'summary']).default('summary'),
  }),
  /**
   * How many of this person's mentions in the window's workspace are unread: the desktop host
   * sums them over its windows into the dock/taskbar badge. `workspaceId: null` when the window
   * leaves its workspace (it no longer counts). Browser mode shows no badge.
   */
  'app.unreadMentions': z.object({ workspaceId: docId.nullable(), count: z.number().int().min(0).max(1_000_000) }),
  /**
   * A notebook file the person picked or dropped: the host reads it (refusing one that is not a
   * notebook, saying what and where), keeps it in the local cache and uploads it as a blob. The
   * renderer then records the version in the doc (addNotebookVersion) with what this answers.
   */
  'notebooks.store': z.object({
    workspaceId: docId,
    fileName: z.string().trim().min(1, 'a file name is required').max(1000),
    data: bytes.refine((b) => b.byteLength <= NOTEBOOK_MAX_BYTES, `a notebook is at most ${NOTEBOOK_MAX_BYTES / 1024 / 1024} MiB`),
  }),
  /**
   * A notebook version's light form (core lightenNotebook): cells, sources, small outputs, and
   * for each large output its size and fingerprint. Parsed once per file by the host and kept.
   */
  'notebooks.index': z.object({ workspaceId: docId, sha256: sha256Hex, name: z.string().max(1000).default('notebook') }),
  /** One large output of that version, by the fingerprint its light form gave (when its cell is drawn). */
  'notebooks.output': z.object({ workspaceId: docId, sha256: sha256Hex, fingerprint: sha256Hex, name: z.string().max(1000).default('notebook') }),
} as const;

/**
 * What `notebooks.output` answers: the output; for a raster image, its decoded bytes apart (the
 * page shows them through a `blob:` URL) and the output's image data left out.
 */
export interface NotebookOutputReply {
  output: Exclude<NotebookOutput, { kind: 'deferred' }>;
  image: { mime: string; data: Uint8Array; base64Chars: number } | null;
}

/** What `notebooks.store` answers: the blob and what the version record says of the file. */
export interface StoredNotebook {
  sha256: string;
  size: number;
  nbformat: string;
  cellCount: number;
  notes: string[];
  excerpt: string;
  /** Null when the blob reached the server; otherwise why not (it stays in the local cache). */
  uploadError: string | null;
}

export type HostChannel = keyof typeof hostRequests;
export type HostRequest<C extends HostChannel> = z.input<(typeof hostRequests)[C]>;

export interface HostResponses {
  'app.info': AppInfo;
  'workspaces.list': WorkspaceConnection[];
  'workspaces.create': WorkspaceConnection;
  'workspaces.join': WorkspaceConnection;
  'workspaces.open': WorkspaceConnection;
  'workspaces.check': ConnectionCheck;
  /**
   * The cached state of a doc as updates to apply in order (the snapshot's slices, then the log
   * after it; not merged, see LocalCache.loadDocUpdates); empty when nothing is cached. A large
   * state comes in pages: this is the first, `more` says how to fetch the rest (cache-pages.ts).
   */
  'cache.load': { updates: Uint8Array[]; version: number; totalBytes: number; more?: { loadId: string; pages: number } };
  'cache.loadPage': { updates: Uint8Array[] };
  'cache.preview': { json: string | null };
  'cache.savePreview': { saved: boolean };
  'blobs.get': { data: Uint8Array };
  'datasets.profile': { jobId: string };
  'datasets.compare': { jobId: string };
  /** Which of the given content hashes have their file on this machine. */
  'datasets.localFiles': { available: string[] };
  'jobs.get': JobState;
  'files.begin': { uploadId: string; maxBytes: number; chunkBytes: number };
  /** Bytes the host has of the file so far. */
  'files.piece': { received: number };
  /** Where the file is on the host. */
  'files.finish': { path: string };
  'files.cancel': { cancelled: boolean };
  /** Entities matching the text, best first; the last word is a prefix. */
  'search.query': { hits: SearchHit[] };
  /** A new member's token and a link that carries server and token together. */
  'workspaces.invite': { link: string; serverUrl: string; token: string };
  'workspaces.move': MoveResult;
  /** History snapshots on the workspace's server, newest first. */
  'history.list': ServerResponse<'history.list'>;
  /** One snapshot's full state, as a Yjs update. */
  'history.get': { state: Uint8Array };
  'history.restore': ServerResponse<'history.restore'>;
  // The host passes these on from the server: their answers are the server's (server-api.ts).
  'webhooks.list': ServerResponse<'webhooks.list'>;
  /** The signing secret comes back once, here. */
  'webhooks.create': ServerResponse<'webhooks.create'>;
  'webhooks.delete': ServerResponse<'webhooks.delete'>;
  'webhooks.deliveries': ServerResponse<'webhooks.deliveries'>;
  'incidents.retrain': ServerResponse<'incidents.retrain'>;
  /** `version`: the doc's version after this append (LocalCache.docVersion). */
  /** `previewsKept`: the previews sent with the batch were kept (false when none were sent). */
  'cache.append': { saved: number; version: number; previewsKept: boolean };
  /** `version`: the doc's version after the replace. */
  'cache.replace': { version: number };
  /** Edits made on this device that the server does not have yet, over all the workspace's docs. */
  'sync.push': SyncPending;
  'sync.clients': { own: number[]; unsent: number[] };
  'inbox.reads': { itemIds: string[] };
  'inbox.markRead': { marked: number };
  /** The new monitor, and the dataset version the server recorded for its reference. */
  'monitors.create': ServerResponse<'monitors.create'>;
  'monitors.update': ServerResponse<'monitors.update'>;
  'monitors.delete': ServerResponse<'monitors.delete'>;
  /** `truncated`: more entries than `limit` are in the range (the oldest `limit` are here). */
  'monitors.history': { batches: MonitorBatch[]; truncated: boolean };
  /** Whether a badge shows the count (false in browser mode, and where the OS has no badge). */
  'app.unreadMentions': { badge: boolean };
  'notebooks.store': StoredNotebook;
  'notebooks.index': { notebook: Notebook };
  'notebooks.output': NotebookOutputReply;
}

/** Wire types shared with the server's HTTP API live in server-api.ts. */
export type { WebhookInfo, DeliveryInfo as WebhookDelivery } from './server-api.ts';

export interface SyncPending {
  pending: number;
  /** Null when the server took everything it was sent (or nothing needed sending); else why not. */
  error: string | null;
}

/**
 * What a host tells its windows without being asked. `doc.updated`: another window of this
 * app saved an update to a doc, so windows on one workspace stay in step without the server.
 * `shell.command`: the desktop shell asks one window to do something (a menu item, a deep link).
 */
export interface HostEvents {
  'doc.updated': { docId: string; update: Uint8Array };
  'shell.command': ShellCommand;
}

/** What the desktop shell asks a window to do: go to a route (`#/…`), or open the command palette. */
export type ShellCommand = { kind: 'navigate'; hash: string } | { kind: 'palette' };
export type HostEventName = keyof HostEvents;
export type HostEventMessage = { [E in HostEventName]: { event: E; payload: HostEvents[E] } }[HostEventName];

/** Who made a host call: one window (an Electron webContents or a browser tab's socket). */
export interface HostCaller {
  id: string;
}

export type HostHandlers = {
  [C in HostChannel]: (req: z.output<(typeof hostRequests)[C]>, caller: HostCaller) => Promise<HostResponses[C]>;
};

/** What the renderer holds: one generic call, and the host's events. */
export interface HostApi {
  call<C extends HostChannel>(channel: C, req: HostRequest<C>): Promise<HostResponses[C]>;
  /** Listens to a host event; returns the unsubscribe. */
  on<E extends HostEventName>(event: E, listener: (payload: HostEvents[E]) => void): () => void;
}

/** The outcome of a call on the wire (IPC or WebSocket): errors travel as data, with their message. */
export type HostReply<T = unknown> = { kind: 'ok'; value: T } | { kind: 'error'; message: string };

/** `driftdesk://join?server=…&token=…`: what an owner sends a new member. */
export function inviteLink(serverUrl: string, token: string): string {
  return `driftdesk://join?server=${encodeURIComponent(serverUrl)}&token=${encodeURIComponent(token)}`;
}

/** Reads an invite link back; null when the text is not one. */
export function parseInviteLink(text: string): { serverUrl: string; token: string } | null {
  const match = /^driftdesk:\/\/join\?(.*)$/.exec(text.trim());
  if (!match) return null;
  const params = new URLSearchParams(match[1]);
  const serverUrl = params.get('server');
  const token = params.get('token');
  return serverUrl && token ? { serverUrl, token } : null;
}

export function isHostChannel(value: unknown): value is HostChannel {
  return typeof value === 'string' && Object.hasOwn(hostRequests, value);
}

/**
 * Validates a request from the other side of a process boundary and runs its handler;
 * never throws, so a bad request cannot take the host down.
 */
export async function dispatchHostCall(handlers: HostHandlers, channel: unknown, req: unknown, caller: HostCaller = { id: 'anonymous' }): Promise<HostReply> {
  if (!isHostChannel(channel)) return { kind: 'error', message: `unknown host call ${String(channel)}` };
  const parsed = hostRequests[channel].safeParse(req ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
    return { kind: 'error', message: detail };
  }
  try {
    const handler = handlers[channel] as (r: unknown, c: HostCaller) => Promise<unknown>;
    return { kind: 'ok', value: await handler(parsed.data, caller) };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
