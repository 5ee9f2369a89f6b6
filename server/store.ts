/**
 * The server's SQLite store under `--data DIR`: workspaces, members, hashed tokens and each
 * workspace's Yjs update log. An update is written (synchronously, WAL) before it is
 * broadcast, so an update any client has seen echoed is on disk.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import type { Role } from '../src/core/workspace/index.ts';
import { type BatchPatch, type BatchRow, type MonitorBatch, type MonitorHistoryPage, type HistoryRead, COMPACT_AFTER, batchOfRow, historyPage, historyPageJson, rowOfBatch, type DeliveryInfo, type MemberIdentity, type MemberListing, type SnapshotInfo, type Store, type WebhookInfo, type WebhookPurpose, docKey } from './store-contract.ts';
import { hashToken, newId, newToken } from './tokens.ts';
import type { ArchiveSink, ArchiveSource } from './archive/archive-store.ts';
import { sqliteArchiveSink, sqliteWorkspaceIds } from './archive/sqlite-archive.ts';
import { sqliteArchiveSource } from './archive/sqlite-read-worker.ts';
import { type Checkpointer, startCheckpointer } from './sqlite-checkpointer.ts';
import { SqliteHistory, migrateHistory } from './sqlite-history.ts';
import { INSERT_BATCH, migrateMonitorBatches } from './sqlite-batches.ts';

export type { MemberIdentity };
export { COMPACT_AFTER };

export class ServerStore implements Store {
  readonly db: Database.Database;
  /** Prepared once, reused: preparing per call costs CPU and fragments the heap (bench:sync). */
  private readonly statements = new Map<string, Database.Statement>();

  /** Called when a compaction fails (and rolls back); the server logs it. */
  onCompactionError: (workspaceId: string, error: unknown) => void = () => {};
  /** Called when the checkpoint thread reports a failed checkpoint or stops; the server logs it. */
  onCheckpointError: (error: Error) => void = () => {};
  private checkpointer: Checkpointer | null = null;
  /** History snapshots per doc, a big one written in parts (sqlite-history.ts). */
  private readonly history: SqliteHistory;

  constructor(
    readonly dataDir: string,
    private readonly nativeBinding?: string,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'driftdesk-server.sqlite'), nativeBinding ? { nativeBinding } : {});
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS workspaces (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS members (
        id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
        name TEXT NOT NULL, role TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS tokens (
        hash TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members(id),
        created_at INTEGER NOT NULL, revoked_at INTEGER);
      CREATE TABLE IF NOT EXISTS doc_updates (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
        data BLOB NOT NULL);
      CREATE INDEX IF NOT EXISTS doc_updates_ws ON doc_updates(workspace_id, seq);
      CREATE TABLE IF NOT EXISTS blobs (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id), sha256 TEXT NOT NULL, data BLOB NOT NULL,
        created_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, sha256));
      CREATE TABLE IF NOT EXISTS auth_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
      INSERT OR IGNORE INTO auth_version (id, version) VALUES (1, 0);
      CREATE TABLE IF NOT EXISTS doc_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
        created_at INTEGER NOT NULL, data BLOB NOT NULL);
      CREATE INDEX IF NOT EXISTS doc_history_ws ON doc_history(workspace_id, created_at);
    `);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS webhooks (
        id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), url TEXT NOT NULL,
        secret TEXT NOT NULL, purpose TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS webhook_deliveries (
        id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), webhook_id TEXT NOT NULL,
        url TEXT NOT NULL, event TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
        last_status INTEGER, last_error TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS webhook_deliveries_ws ON webhook_deliveries(workspace_id, created_at);
      CREATE TABLE IF NOT EXISTS monitored_workspaces (workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id));
      CREATE TABLE IF NOT EXISTS uploads (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id), sha256 TEXT NOT NULL, size INTEGER NOT NULL,
        received INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, sha256));
      CREATE TABLE IF NOT EXISTS upload_pieces (
        workspace_id TEXT NOT NULL, sha256 TEXT NOT NULL, at INTEGER NOT NULL, data BLOB NOT NULL,
        PRIMARY KEY (workspace_id, sha256, at));
    `);
    migrateMonitorBatches(this.db);
    // Stores made before note docs had one log per workspace: every row is the workspace doc's.
    const columns = this.db.prepare('PRAGMA table_info(doc_updates)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'doc')) this.db.exec("ALTER TABLE doc_updates ADD COLUMN doc TEXT NOT NULL DEFAULT ''");
    this.db.exec('CREATE INDEX IF NOT EXISTS doc_updates_doc ON doc_updates(workspace_id, doc, seq)');
    migrateHistory(this.db);
    this.history = new SqliteHistory(this.db, (text) => this.sql(text));
  }

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  createWorkspace(name: string, ownerName: string, now = Date.now()): { id: string; token: string; memberId: string } {
    const id = newId('ws');
    const create = this.db.transaction(() => {
      this.sql('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)').run(id, name, now);
      return this.createMemberToken(id, 'owner', ownerName, now);
    });
    const { token, memberId } = create();
    return { id, token, memberId };
  }

  /** Creates a member with `role` and returns their token (shown once; only its hash is kept). */
  createMemberToken(workspaceId: string, role: Role, name: string, now = Date.now()): { token: string; memberId: string } {
    if (!this.getWorkspace(workspaceId)) throw new Error(`unknown workspace ${workspaceId}`);
    const memberId = newId('m');
    const token = newToken();
    this.db.transaction(() => {
      this.sql('INSERT INTO members (id, workspace_id, name, role, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(memberId, workspaceId, name, role, now);
      this.sql('INSERT INTO tokens (hash, member_id, created_at) VALUES (?, ?, ?)').run(hashToken(token), memberId, now);
    })();
    return { token, memberId };
  }

  getWorkspace(id: string): { id: string; name: string; createdAt: number } | undefined {
    return this.sql('SELECT id, name, created_at AS createdAt FROM workspaces WHERE id = ?').get(id) as
      | { id: string; name: string; createdAt: number }
      | undefined;
  }

  /** The member a token belongs to, or undefined for an unknown or revoked token. */
  authenticate(token: string): MemberIdentity | undefined {
    return this.identityByHash(hashToken(token));
  }

  /** Like authenticate, from the stored hash (to re-check live connections). */
  identityByHash(hash: string): MemberIdentity | undefined {
    return this.sql(
      `SELECT w.id AS workspaceId, w.name AS workspaceName, m.id AS memberId, m.name, m.role
       FROM tokens t JOIN members m ON m.id = t.member_id JOIN workspaces w ON w.id = m.workspace_id
       WHERE t.hash = ? AND t.revoked_at IS NULL`,
    ).get(hash) as MemberIdentity | undefined;
  }

  authVersion(): number {
    return (this.sql('SELECT version FROM auth_version WHERE id = 1').get() as { version: number }).version;
  }

  private bumpAuthVersion(): void {
    this.sql('UPDATE auth_version SET version = version + 1 WHERE id = 1').run();
  }

  /** Members of a workspace with their role and whether they still hold a live token. */
  listMembers(workspaceId: string): MemberListing[] {
    return this.sql(
        `SELECT m.id AS memberId, m.name, m.role, m.created_at AS createdAt,
           count(t.hash) FILTER (WHERE t.revoked_at IS NULL) AS activeTokens,
           count(t.hash) FILTER (WHERE t.revoked_at IS NOT NULL) AS revokedTokens
         FROM members m LEFT JOIN tokens t ON t.member_id = m.id
         WHERE m.workspace_id = ? GROUP BY m.id ORDER BY m.created_at`,
      )
      .all(workspaceId) as MemberListing[];
  }

  /** Revokes every token of a member; returns how many were live. */
  revokeMember(workspaceId: string, memberId: string, now = Date.now()): number {
    return this.db.transaction(() => {
      this.bumpAuthVersion();
      return this.sql(
          `UPDATE tokens SET revoked_at = ? WHERE revoked_at IS NULL AND member_id IN
             (SELECT id FROM members WHERE id = ? AND workspace_id = ?)`,
        )
        .run(now, memberId, workspaceId).changes;
    })();
  }

  /** Revokes one token (given in full); returns whether it was live. */
  revokeToken(token: string, now = Date.now()): boolean {
    return this.db.transaction(() => {
      this.bumpAuthVersion();
      return this.sql('UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL').run(now, hashToken(token)).changes > 0;
    })();
  }

  setRole(workspaceId: string, memberId: string, role: Role): boolean {
    return this.db.transaction(() => {
      this.bumpAuthVersion();
      return this.sql('UPDATE members SET role = ? WHERE id = ? AND workspace_id = ?').run(role, memberId, workspaceId).changes > 0;
    })();
  }

  appendUpdate(docName: string, update: Uint8Array): void {
    const { workspaceId, doc } = docKey(docName);
    this.sql('INSERT INTO doc_updates (workspace_id, doc, data) VALUES (?, ?, ?)').run(workspaceId, doc, update);
  }

  /**
   * The doc's whole state as one update. Past COMPACT_AFTER rows the log is replaced by the
   * merged update in one transaction, so a failed compaction leaves the old rows in place.
   */
  loadDoc(docName: string): Uint8Array {
    const { workspaceId, doc } = docKey(docName);
    const rows = this.sql('SELECT seq, data FROM doc_updates WHERE workspace_id = ? AND doc = ? ORDER BY seq')
      .all(workspaceId, doc) as { seq: number; data: Buffer }[];
    if (rows.length === 0) return new Uint8Array(0);
    const merged = Y.mergeUpdates(rows.map((r) => new Uint8Array(r.data)));
    if (rows.length > COMPACT_AFTER) {
      const lastSeq = rows[rows.length - 1]!.seq;
      try {
        this.db.transaction(() => {
          this.sql('DELETE FROM doc_updates WHERE workspace_id = ? AND doc = ? AND seq <= ?').run(workspaceId, doc, lastSeq);
          this.appendUpdate(docName, merged);
        })();
      } catch (err) {
        // The transaction rolled back: the old log is intact and still loads; try next time.
        this.onCompactionError(docName, err);
      }
    }
    return merged;
  }

  replaceDoc(docName: string, state: Uint8Array): void {
    const { workspaceId, doc } = docKey(docName);
    this.db.transaction(() => {
      this.sql('DELETE FROM doc_updates WHERE workspace_id = ? AND doc = ?').run(workspaceId, doc);
      this.appendUpdate(docName, state);
    })();
  }

  /** Synchronous for a small state; a big one is written in parts and resolves once listed (sqlite-history.ts). */
  addSnapshot(docName: string, state: Uint8Array, at: number): void | Promise<void> {
    return this.history.add(docName, state, at);
  }

  listSnapshots(docName: string): SnapshotInfo[] {
    return this.history.list(docName);
  }

  getSnapshot(docName: string, id: number): Uint8Array | undefined {
    return this.history.get(docName, id);
  }

  latestSnapshotAt(docName: string): number {
    return this.history.latestAt(docName);
  }

  /** Stores an immutable blob; storing the same bytes twice is a no-op. */
  putBlob(workspaceId: string, sha256: string, data: Uint8Array, now = Date.now()): void {
    this.sql('INSERT OR IGNORE INTO blobs (workspace_id, sha256, data, created_at) VALUES (?, ?, ?, ?)').run(workspaceId, sha256, data, now);
  }

  getBlob(workspaceId: string, sha256: string): Uint8Array | undefined {
    const row = this.sql('SELECT data FROM blobs WHERE workspace_id = ? AND sha256 = ?').get(workspaceId, sha256) as { data: Buffer } | undefined;
    return row ? new Uint8Array(row.data) : undefined;
  }

  hasBlob(workspaceId: string, sha256: string): boolean {
    return this.sql('SELECT 1 FROM blobs WHERE workspace_id = ? AND sha256 = ?').get(workspaceId, sha256) !== undefined;
  }

  startUpload(workspaceId: string, sha256: string, size: number, now = Date.now()): { size: number; received: number } {
    this.sql('INSERT OR IGNORE INTO uploads (workspace_id, sha256, size, received, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)').run(workspaceId, sha256, size, now, now);
    return this.uploadState(workspaceId, sha256)!;
  }

  uploadState(workspaceId: string, sha256: string): { size: number; received: number } | undefined {
    return this.sql('SELECT size, received FROM uploads WHERE workspace_id = ? AND sha256 = ?').get(workspaceId, sha256) as { size: number; received: number } | undefined;
  }

  appendUpload(workspaceId: string, sha256: string, offset: number, data: Uint8Array, now = Date.now()): number | null {
    return this.db.transaction(() => {
      const moved = this.sql('UPDATE uploads SET received = received + ?, updated_at = ? WHERE workspace_id = ? AND sha256 = ? AND received = ?').run(data.byteLength, now, workspaceId, sha256, offset);
      if (moved.changes === 0) return null;
      this.sql('INSERT INTO upload_pieces (workspace_id, sha256, at, data) VALUES (?, ?, ?, ?)').run(workspaceId, sha256, offset, data);
      return offset + data.byteLength;
    })();
  }

  readUpload(workspaceId: string, sha256: string): Uint8Array {
    const rows = this.sql('SELECT data FROM upload_pieces WHERE workspace_id = ? AND sha256 = ? ORDER BY at').all(workspaceId, sha256) as { data: Buffer }[];
    return new Uint8Array(Buffer.concat(rows.map((r) => r.data)));
  }

  dropUpload(workspaceId: string, sha256: string): void {
    this.db.transaction(() => {
      this.sql('DELETE FROM upload_pieces WHERE workspace_id = ? AND sha256 = ?').run(workspaceId, sha256);
      this.sql('DELETE FROM uploads WHERE workspace_id = ? AND sha256 = ?').run(workspaceId, sha256);
    })();
  }

  pruneUploads(workspaceId: string, idleSince: number): number {
    return this.db.transaction(() => {
      const stale = this.sql('SELECT sha256 FROM uploads WHERE workspace_id = ? AND updated_at < ?').all(workspaceId, idleSince) as { sha256: string }[];
      for (const { sha256 } of stale) {
        this.sql('DELETE FROM upload_pieces WHERE workspace_id = ? AND sha256 = ?').run(workspaceId, sha256);
        this.sql('DELETE FROM uploads WHERE workspace_id = ? AND sha256 = ?').run(workspaceId, sha256);
      }
      return (this.sql('SELECT count(*) AS n FROM uploads WHERE workspace_id = ?').get(workspaceId) as { n: number }).n;
    })();
  }

  markMonitored(workspaceId: string): void {
    this.sql('INSERT OR IGNORE INTO monitored_workspaces (workspace_id) VALUES (?)').run(workspaceId);
  }

  addMonitorBatch(workspaceId: string, batch: Omit<MonitorBatch, 'id'>, summaryColumns: readonly string[] = []): number {
    const row = rowOfBatch(batch, summaryColumns);
    // Keyed by (workspace, id); the id is above every id in the store (sqlite-batches.ts).
    return (this.sql(INSERT_BATCH).get(workspaceId, row.monitorId, row.at, row.data, row.columns) as { id: number }).id;
  }

  listMonitorBatches(workspaceId: string, monitorId: string, query: HistoryRead): MonitorHistoryPage {
    return historyPage(this.batchRows(workspaceId, monitorId, query), query.limit);
  }

  listMonitorBatchesJson(workspaceId: string, monitorId: string, query: HistoryRead): string {
    return historyPageJson(this.batchRows(workspaceId, monitorId, query), query.limit, query.view ?? 'full');
  }

  /** Up to `limit + 1` rows of a history read (the extra one says whether a next page exists). */
  private batchRows(workspaceId: string, monitorId: string, query: HistoryRead): BatchRow[] {
    const [afterAt, afterId] = query.after ? query.after.split(':').map(Number) as [number, number] : [-1, -1];
    return this.sql(`SELECT id, monitor_id AS monitorId, at, data${query.view === 'summary' ? '' : ', columns'} FROM monitor_batches
      WHERE workspace_id = ? AND monitor_id = ? AND at >= ? AND at <= ? AND (at > ? OR (at = ? AND id > ?))
      ORDER BY at, id LIMIT ?`).all(workspaceId, monitorId, query.from ?? 0, query.to ?? Number.MAX_SAFE_INTEGER, afterAt, afterAt, afterId, query.limit + 1) as BatchRow[];
  }

  getMonitorBatch(workspaceId: string, monitorId: string, id: number): MonitorBatch | undefined {
    const row = this.sql('SELECT id, monitor_id AS monitorId, at, data, columns FROM monitor_batches WHERE workspace_id = ? AND monitor_id = ? AND id = ?').get(workspaceId, monitorId, id) as BatchRow | undefined;
    return row ? batchOfRow(row) : undefined;
  }

  updateMonitorBatch(workspaceId: string, monitorId: string, id: number, patch: BatchPatch): void {
    this.db.transaction(() => {
      const row = this.sql('SELECT data FROM monitor_batches WHERE workspace_id = ? AND monitor_id = ? AND id = ?').get(workspaceId, monitorId, id) as { data: string } | undefined;
      // The patch's fields all live in `data`; the keys and the per-column results are left as they are.
      // An id is unique within its workspace only (an imported workspace keeps its ids).
      if (row) this.sql('UPDATE monitor_batches SET data = ? WHERE workspace_id = ? AND monitor_id = ? AND id = ?').run(JSON.stringify({ ...(JSON.parse(row.data) as object), ...patch }), workspaceId, monitorId, id);
    })();
  }

  monitoredWorkspaces(): string[] {
    return (this.sql('SELECT workspace_id AS id FROM monitored_workspaces').all() as { id: string }[]).map((r) => r.id);
  }

  createWebhook(workspaceId: string, url: string, purpose: WebhookPurpose, now: number): WebhookInfo & { secret: string } {
    const hook = { id: newId('wh'), url, purpose, createdAt: now, secret: newToken().replace(/^ddt_/, 'whsec_') };
    this.sql('INSERT INTO webhooks (id, workspace_id, url, secret, purpose, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(hook.id, workspaceId, url, hook.secret, purpose, now);
    return hook;
  }

  listWebhooks(workspaceId: string): WebhookInfo[] {
    return this.sql('SELECT id, url, purpose, created_at AS createdAt FROM webhooks WHERE workspace_id = ? ORDER BY created_at').all(workspaceId) as WebhookInfo[];
  }

  webhookTargets(workspaceId: string, purpose: WebhookPurpose): (WebhookInfo & { secret: string })[] {
    return this.sql('SELECT id, url, purpose, secret, created_at AS createdAt FROM webhooks WHERE workspace_id = ? AND purpose = ? ORDER BY created_at')
      .all(workspaceId, purpose) as (WebhookInfo & { secret: string })[];
  }

  deleteWebhook(workspaceId: string, id: string): boolean {
    return this.sql('DELETE FROM webhooks WHERE workspace_id = ? AND id = ?').run(workspaceId, id).changes > 0;
  }

  saveDelivery(workspaceId: string, d: DeliveryInfo): void {
    this.sql(`INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, url, event, status, attempts, last_status, last_error, created_at, updated_at)
      VALUES (@id, @workspaceId, @webhookId, @url, @event, @status, @attempts, @lastStatus, @lastError, @createdAt, @updatedAt)
      ON CONFLICT(id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, last_status = excluded.last_status,
        last_error = excluded.last_error, updated_at = excluded.updated_at`).run({ ...d, workspaceId });
  }

  listDeliveries(workspaceId: string, limit: number): DeliveryInfo[] {
    return this.sql(`SELECT id, webhook_id AS webhookId, url, event, status, attempts, last_status AS lastStatus, last_error AS lastError,
      created_at AS createdAt, updated_at AS updatedAt FROM webhook_deliveries WHERE workspace_id = ? ORDER BY created_at DESC, id LIMIT ?`)
      .all(workspaceId, limit) as DeliveryInfo[];
  }

  workspaceIds(): string[] {
    return sqliteWorkspaceIds(this.db);
  }

  /**
   * On a worker thread with a read-only connection of its own: the server's writes never wait
   * for an export, and its event loop never waits for a large row to be read.
   */
  async openArchiveSource(workspaceId: string): Promise<ArchiveSource> {
    return sqliteArchiveSource(join(this.dataDir, 'driftdesk-server.sqlite'), workspaceId, { nativeBinding: this.nativeBinding });
  }

  async openArchiveSink(): Promise<ArchiveSink> {
    return sqliteArchiveSink(this.db);
  }

  /**
   * Hands WAL checkpoints (and their fsyncs) to a thread of their own (sqlite-checkpointer.ts),
   * so no commit on this connection waits for the disk. A server calls this; a command that
   * opens the store for a moment need not. If the thread cannot start or stops, this
   * connection checkpoints itself again.
   */
  async checkpointInBackground(options: { tickMs?: number; maxFrames?: number; maxAgeMs?: number } = {}): Promise<void> {
    if (this.checkpointer) return;
    const selfCheckpoint = () => {
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    };
    this.checkpointer = await startCheckpointer(join(this.dataDir, 'driftdesk-server.sqlite'), {
      ...options,
      nativeBinding: this.nativeBinding,
      onError: (error) => this.onCheckpointError(error),
      onExit: (error) => {
        this.checkpointer = null;
        selfCheckpoint();
        this.onCheckpointError(error);
      },
    });
    if (!this.db.open) {
      await this.stopBackgroundCheckpoints();
      return;
    }
    this.db.pragma('wal_autocheckpoint = 0');
  }

  /** A checkpoint on the checkpoint thread now (tests; undefined when there is none). */
  checkpointNow(): Promise<{ log: number; checkpointed: number; busy: number }> | undefined {
    return this.checkpointer?.checkpointNow();
  }

  /** Ends the checkpoint thread; this connection checkpoints itself from now on. */
  async stopBackgroundCheckpoints(): Promise<void> {
    const checkpointer = this.checkpointer;
    this.checkpointer = null;
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    await checkpointer?.close();
  }

  close(): void {
    // Closed first, the checkpoint thread's connection is then the last one: it checkpoints the
    // rest of the log as it closes (the server awaits stopBackgroundCheckpoints before this).
    const checkpointer = this.checkpointer;
    this.checkpointer = null;
    this.db.close();
    void checkpointer?.close();
  }
}

