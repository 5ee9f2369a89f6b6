/**
 * What export reads from a store and import writes to one, for SQLite and PostgreSQL alike.
 * A source is one consistent read (a read transaction on its own connection), so an archive
 * taken while the server serves is the workspace at one moment, and the server's writes never
 * wait for it. A sink writes everything in one transaction: an import lands whole or not at all.
 */
import type { Role } from '../../src/core/workspace/index.ts';
import type { DeliveryInfo, WebhookPurpose } from '../store-contract.ts';

export interface MemberRow { id: string; name: string; role: Role; createdAt: number }
export interface TokenRow { hash: string; memberId: string; createdAt: number; revokedAt: number | null }
export interface WebhookRow { id: string; url: string; secret: string; purpose: WebhookPurpose; createdAt: number }
export interface WorkspaceRow { id: string; name: string; createdAt: number }
/** A monitor's history row as stored (server/store-contract.ts rowOfBatch): kept with its id, which incidents' findings cite. */
export interface MonitorBatchRow { id: number; monitorId: string; at: number; data: string; columns: string | null }

export interface ArchiveSource {
  workspace(): Promise<WorkspaceRow | undefined>;
  members(): Promise<MemberRow[]>;
  tokens(): Promise<TokenRow[]>;
  webhooks(): Promise<WebhookRow[]>;
  deliveries(): Promise<DeliveryInfo[]>;
  monitored(): Promise<boolean>;
  /** Doc names within the workspace: '' for the workspace doc, `note:<id>` for notes. */
  docNames(): Promise<string[]>;
  /** A doc's whole log merged into one update. */
  docState(doc: string): Promise<Uint8Array>;
  /** Every doc's history snapshots (`doc` named as in docNames), oldest first by (createdAt, id). */
  snapshots(): Promise<{ id: number; doc: string; createdAt: number }[]>;
  snapshot(id: number): Promise<Uint8Array>;
  blobs(): Promise<{ sha256: string; createdAt: number }[]>;
  blob(sha256: string): Promise<Uint8Array>;
  /** Every monitor's history (batches and metrics posts), oldest first. */
  monitorBatches(): Promise<MonitorBatchRow[]>;
  /**
   * Writes the archive file on the source's own thread: the bytes of docs, snapshots and blobs
   * are read, hashed, packed and compressed there and never reach the caller's thread.
   */
  openFile(file: string, mtime: number): Promise<ArchiveFileWriter>;
  /** Ends the read transaction and closes the source's own connection. */
  close(): Promise<void>;
}

/** Bytes an archive entry takes from its source, read where the source reads. */
export type ArchiveRead = { kind: 'docState'; doc: string } | { kind: 'snapshot'; id: number } | { kind: 'blob'; sha256: string };

/** The gzipped tar file being written (layout in archive-format.ts). */
export interface ArchiveFileWriter {
  /** Appends an entry; resolves with the SHA-256 and size of its bytes. */
  entry(path: string, data: Uint8Array | ArchiveRead): Promise<{ sha256: string; bytes: number }>;
  /** Ends the tar stream and flushes the file. */
  finish(): Promise<void>;
  /** Stops writing (the caller removes the file). */
  abort(reason: Error): Promise<void>;
}

export interface ArchiveSink {
  /**
   * Ids already taken in the target store (the workspace, a member, a token, a webhook), and
   * monitor history ids already taken in the workspace `batches` names: a history id is unique
   * within its workspace only (another workspace's row 1 is no conflict).
   */
  taken(rows: { workspaceId: string; memberIds: string[]; tokenHashes: string[]; webhookIds: string[]; batches?: { workspaceId: string; ids: number[] } }): Promise<string[]>;
  workspace(row: WorkspaceRow): Promise<void>;
  member(workspaceId: string, row: MemberRow): Promise<void>;
  token(row: TokenRow): Promise<void>;
  webhook(workspaceId: string, row: WebhookRow): Promise<void>;
  delivery(workspaceId: string, row: DeliveryInfo): Promise<void>;
  markMonitored(workspaceId: string): Promise<void>;
  doc(workspaceId: string, doc: string, state: Uint8Array): Promise<void>;
  snapshot(workspaceId: string, doc: string, createdAt: number, state: Uint8Array): Promise<void>;
  blob(workspaceId: string, sha256: string, createdAt: number, data: Uint8Array): Promise<void>;
  monitorBatch(workspaceId: string, row: MonitorBatchRow): Promise<void>;
  /** Moves `from`'s tokens to `to` and removes member `from` (a person mapped to their archived self). */
  retireMember(workspaceId: string, from: string, to: string): Promise<void>;
  commit(): Promise<void>;
  /** Undoes everything written since the sink was opened. */
  rollback(): Promise<void>;
}
