/**
 * What the sync server needs from persistence. SQLite (ServerStore, synchronous) and
 * PostgreSQL (PostgresStore, asynchronous) both satisfy it; the server awaits every call, so
 * one code path serves both.
 */
import type { Role } from '../src/core/workspace/index.ts';
import type { ArchiveSink, ArchiveSource } from './archive/archive-store.ts';
// Wire types: one home, the HTTP contract.
import type { DeliveryInfo, MemberIdentity, MonitorBatch, MonitorHistoryQuery, SnapshotInfo, WebhookInfo, WebhookPurpose } from '../src/shared/server-api.ts';

export type MaybePromise<T> = T | Promise<T>;

export type { DeliveryInfo, MemberIdentity, MonitorBatch, MonitorHistoryQuery, SnapshotInfo, WebhookInfo, WebhookPurpose };

/** What a history read asks for (the checked query of `GET …/history`; `view` defaults to full). */
export type HistoryRead = Omit<MonitorHistoryQuery, 'view'> & { view?: MonitorHistoryQuery['view'] };

/** A page of a monitor's history: `next` is the cursor of the page after it (null at the end). */
export interface MonitorHistoryPage {
  batches: MonitorBatch[];
  next: string | null;
}

/** What may change on a stored batch after it is recorded: the incidents its findings went to, labels that came later. */
export type BatchPatch = Partial<Pick<MonitorBatch, 'realized' | 'labelled' | 'outcomes' | 'incidents' | 'predictionsBlob'>>;

export interface MemberListing {
  memberId: string;
  name: string;
  role: Role;
  createdAt: number;
  activeTokens: number;
  revokedTokens: number;
}

export interface Store {
  createWorkspace(name: string, ownerName: string): MaybePromise<{ id: string; token: string; memberId: string }>;
  createMemberToken(workspaceId: string, role: Role, name: string): MaybePromise<{ token: string; memberId: string }>;
  getWorkspace(id: string): MaybePromise<{ id: string; name: string; createdAt: number } | undefined>;
  authenticate(token: string): MaybePromise<MemberIdentity | undefined>;
  identityByHash(hash: string): MaybePromise<MemberIdentity | undefined>;
  /**
   * A number that changes whenever a token is revoked or a role changes (by any process), so a
   * server re-checks its live connections only when there is something to find.
   */
  authVersion(): MaybePromise<number>;
  listMembers(workspaceId: string): MaybePromise<MemberListing[]>;
  revokeMember(workspaceId: string, memberId: string): MaybePromise<number>;
  revokeToken(token: string): MaybePromise<boolean>;
  setRole(workspaceId: string, memberId: string, role: Role): MaybePromise<boolean>;
  /** `docName` is a workspace id, a note doc name (`<ws>:note:<id>`) or a conversation doc's (see parseDocName). */
  appendUpdate(docName: string, update: Uint8Array): MaybePromise<void>;
  /** The whole state as one update; compacts a long log in one transaction. */
  loadDoc(docName: string): MaybePromise<Uint8Array>;
  /** Replaces the doc's whole log by one state, in one transaction (a repaired doc). */
  replaceDoc(docName: string, state: Uint8Array): MaybePromise<void>;
  /**
   * History, per doc: a full-state snapshot of one doc (`docName` as for appendUpdate: the
   * workspace id, a note or a conversation doc), listed newest first and read back by id. An id
   * is read back only under the doc it was taken of.
   */
  addSnapshot(docName: string, state: Uint8Array, at: number): MaybePromise<void>;
  listSnapshots(docName: string): MaybePromise<SnapshotInfo[]>;
  getSnapshot(docName: string, id: number): MaybePromise<Uint8Array | undefined>;
  /** When the doc's newest snapshot was taken (0: none); one index read, for a room's load. */
  latestSnapshotAt(docName: string): MaybePromise<number>;
  putBlob(workspaceId: string, sha256: string, data: Uint8Array): MaybePromise<void>;
  getBlob(workspaceId: string, sha256: string): MaybePromise<Uint8Array | undefined>;
  hasBlob(workspaceId: string, sha256: string): MaybePromise<boolean>;
  /**
   * Resumable uploads (server/http/handlers/uploads.ts): the pieces received so far, kept in the
   * database rather than on one process's disk, so the next piece may reach any server process.
   * `startUpload` keeps an upload already under way (and its declared size).
   */
  startUpload(workspaceId: string, sha256: string, size: number, now: number): MaybePromise<{ size: number; received: number }>;
  uploadState(workspaceId: string, sha256: string): MaybePromise<{ size: number; received: number } | undefined>;
  /**
   * Adds the piece at `offset` in one transaction, only if `offset` is exactly the bytes
   * received so far (two racing senders cannot interleave); answers the new total, or null when
   * the offset was not that (or the upload is gone).
   */
  appendUpload(workspaceId: string, sha256: string, offset: number, data: Uint8Array, now: number): MaybePromise<number | null>;
  /** The pieces in order, as one buffer. */
  readUpload(workspaceId: string, sha256: string): MaybePromise<Uint8Array>;
  dropUpload(workspaceId: string, sha256: string): MaybePromise<void>;
  /** Drops the workspace's uploads that got no piece since `idleSince` (abandoned); answers how many are left under way. */
  pruneUploads(workspaceId: string, idleSince: number): MaybePromise<number>;
  /** Workspaces with monitors, so the missing-batch watch knows where to look after a restart. */
  markMonitored(workspaceId: string): MaybePromise<void>;
  monitoredWorkspaces(): MaybePromise<string[]>;
  /**
   * A monitor's history, outside the workspace doc: one row per batch or metrics post, never
   * removed with the monitor (a deleted monitor's history stays readable). Returns the new id.
   */
  addMonitorBatch(workspaceId: string, batch: Omit<MonitorBatch, 'id'>, summaryColumns?: readonly string[]): MaybePromise<number>;
  /** Oldest first by (`at`, id), within [from, to], after the cursor. */
  listMonitorBatches(workspaceId: string, monitorId: string, query: HistoryRead): MaybePromise<MonitorHistoryPage>;
  /** The same page as the history API's JSON text (see historyPageJson). */
  listMonitorBatchesJson(workspaceId: string, monitorId: string, query: HistoryRead): MaybePromise<string>;
  getMonitorBatch(workspaceId: string, monitorId: string, id: number): MaybePromise<MonitorBatch | undefined>;
  /** Changes a stored batch (see BatchPatch); an unknown id changes nothing. */
  updateMonitorBatch(workspaceId: string, monitorId: string, id: number, patch: BatchPatch): MaybePromise<void>;
  /** Outgoing webhooks: the secret is returned only here and by webhookTargets (for signing). */
  createWebhook(workspaceId: string, url: string, purpose: WebhookPurpose, now: number): MaybePromise<WebhookInfo & { secret: string }>;
  listWebhooks(workspaceId: string): MaybePromise<WebhookInfo[]>;
  webhookTargets(workspaceId: string, purpose: WebhookPurpose): MaybePromise<(WebhookInfo & { secret: string })[]>;
  deleteWebhook(workspaceId: string, id: string): MaybePromise<boolean>;
  /** The delivery log: one row per (event, webhook), updated after every attempt. */
  saveDelivery(workspaceId: string, delivery: DeliveryInfo): MaybePromise<void>;
  listDeliveries(workspaceId: string, limit: number): MaybePromise<DeliveryInfo[]>;
  /** Every workspace id (what a backup run archives). */
  workspaceIds(): MaybePromise<string[]>;
  /** One consistent read of a workspace on a connection of its own (export, backups). */
  openArchiveSource(workspaceId: string): Promise<ArchiveSource>;
  /** One transaction to import an archive into (see server/archive/import-workspace.ts). */
  openArchiveSink(): Promise<ArchiveSink>;
  close(): MaybePromise<void>;
  /** Called when a compaction fails and rolls back (the old log stays and loads). */
  onCompactionError: (workspaceId: string, error: unknown) => void;
  /**
   * Called when the store's connection to its database fails outside any call (PostgreSQL
   * dropping a pooled connection, or restarting); the server logs it and goes on. Calls made
   * while the database is away reject with StorageUnavailableError.
   */
  onConnectionError?: (error: unknown) => void;
}

/**
 * The database could not be reached (connection refused or dropped, server shutting down). Not
 * about the request: the same call may work a moment later. The server answers 503 and closes
 * sockets with "storage unavailable; reconnect", so clients keep their edits and resend them.
 */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  readonly code = 'storage_unavailable';
  constructor(cause: unknown) {
    super(`storage unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Past this many log rows a workspace's updates are merged into one on load. */
export const COMPACT_AFTER = 500;

/**
 * Where a doc's log rows live: its workspace (the foreign key, so a workspace's data stays in
 * one place) and the doc within it ('' for the workspace doc itself, `note:<id>` for a note,
 * `thread:<kind>:<id>` for a conversation doc). History snapshots are keyed the same way.
 */
export function docKey(docName: string): { workspaceId: string; doc: string } {
  const at = docName.indexOf(':');
  return at === -1 ? { workspaceId: docName, doc: '' } : { workspaceId: docName.slice(0, at), doc: docName.slice(at + 1) };
}

/** A monitor_batches row as read (both stores keep the batch's fields as JSON beside its keys). */
export interface BatchRow {
  id: number | string;
  monitorId: string;
  at: number | string;
  data: string;
  /**
   * The per-column results, apart: most reads (the rule charts) do not need them, and they are
   * most of the bytes. `data` keeps the few that rules name (the summary view's `columns`).
   */
  columns?: string | null;
}

export function batchOfRow(row: BatchRow): MonitorBatch {
  const data = JSON.parse(row.data) as Omit<MonitorBatch, 'id' | 'monitorId' | 'at' | 'columns'> & { columns?: MonitorBatch['columns'] };
  const columns = row.columns ? (JSON.parse(row.columns) as MonitorBatch['columns']) : data.columns ?? [];
  return { ...data, columns, id: Number(row.id), monitorId: row.monitorId, at: Number(row.at) };
}

/**
 * What a batch row stores: its keys, its fields as JSON (with the results of `summaryColumns`
 * only), and all its per-column results as JSON apart.
 */
export function rowOfBatch(batch: Omit<MonitorBatch, 'id'>, summaryColumns: readonly string[] = []): { monitorId: string; at: number; data: string; columns: string } {
  const { monitorId, at, columns, ...rest } = batch;
  const named = new Set(summaryColumns);
  return { monitorId, at, data: JSON.stringify({ ...rest, columns: columns.filter((c) => named.has(c.name)) }), columns: JSON.stringify(columns) };
}

/** `limit + 1` rows in: the extra one only says there is a next page. */
export function historyPage(rows: BatchRow[], limit: number): MonitorHistoryPage {
  const batches = rows.slice(0, limit).map(batchOfRow);
  const last = batches[batches.length - 1];
  return { batches, next: rows.length > limit && last ? `${last.at}:${last.id}` : null };
}

/**
 * The same page as JSON text, for the history API: a summary row's `data` is already the JSON
 * of its fields (its `columns` the summary's), so it is spliced in after the keys rather than
 * parsed and written again — 10,000 batches read in a fraction of the time (bench:monitor).
 * A full row (its per-column results apart) goes through historyPage.
 */
export function historyPageJson(rows: BatchRow[], limit: number, view: 'full' | 'summary'): string {
  if (view === 'full') return JSON.stringify(historyPage(rows, limit));
  const page = rows.slice(0, limit);
  const items = page.map((r) => `{"id":${Number(r.id)},"monitorId":${JSON.stringify(r.monitorId)},"at":${Number(r.at)},${r.data.slice(1)}`);
  const last = page[page.length - 1];
  return `{"batches":[${items.join(',')}],"next":${rows.length > limit && last ? JSON.stringify(`${Number(last.at)}:${Number(last.id)}`) : 'null'}}`;
}
