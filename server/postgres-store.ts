/**
 * The same store in PostgreSQL (`--postgres URL`), for several server processes sharing one
 * database. Schema and semantics follow the SQLite store: the update log is appended before
 * an update is broadcast, and compaction replaces a long log in one transaction.
 */
import pg from 'pg';
import * as Y from 'yjs';
import type { Role } from '../src/core/workspace/index.ts';
import { COMPACT_AFTER, type DeliveryInfo, StorageUnavailableError, type MemberIdentity, type MemberListing, type SnapshotInfo, type Store, type WebhookInfo, type WebhookPurpose, docKey } from './store-contract.ts';
import { type BatchPatch, type BatchRow, type MonitorBatch, type HistoryRead, batchOfRow, historyPage, historyPageJson, rowOfBatch } from './store-contract.ts';
import { hashToken, newId, newToken } from './tokens.ts';
import type { ArchiveSink, ArchiveSource } from './archive/archive-store.ts';
import { pgArchiveSink, pgArchiveSource } from './archive/pg-archive.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS workspaces (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL);
  CREATE TABLE IF NOT EXISTS members (
    id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL, role TEXT NOT NULL, created_at BIGINT NOT NULL);
  CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members(id), created_at BIGINT NOT NULL, revoked_at BIGINT);
  CREATE TABLE IF NOT EXISTS doc_updates (
    seq BIGSERIAL PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), data BYTEA NOT NULL);
  CREATE INDEX IF NOT EXISTS doc_updates_ws ON doc_updates(workspace_id, seq);
  CREATE TABLE IF NOT EXISTS blobs (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id), sha256 TEXT NOT NULL, data BYTEA NOT NULL,
    created_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, sha256));
  CREATE TABLE IF NOT EXISTS auth_version (id INT PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
  INSERT INTO auth_version (id, version) VALUES (1, 0) ON CONFLICT DO NOTHING;
  CREATE TABLE IF NOT EXISTS doc_history (
    id BIGSERIAL PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), created_at BIGINT NOT NULL, data BYTEA NOT NULL);
  CREATE INDEX IF NOT EXISTS doc_history_ws ON doc_history(workspace_id, created_at);
  CREATE TABLE IF NOT EXISTS webhooks (
    id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), url TEXT NOT NULL,
    secret TEXT NOT NULL, purpose TEXT NOT NULL, created_at BIGINT NOT NULL);
  CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), webhook_id TEXT NOT NULL,
    url TEXT NOT NULL, event TEXT NOT NULL, status TEXT NOT NULL, attempts INT NOT NULL,
    last_status INT, last_error TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
  CREATE INDEX IF NOT EXISTS webhook_deliveries_ws ON webhook_deliveries(workspace_id, created_at);
  CREATE TABLE IF NOT EXISTS monitored_workspaces (workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id));
  CREATE TABLE IF NOT EXISTS uploads (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id), sha256 TEXT NOT NULL, size BIGINT NOT NULL,
    received BIGINT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, sha256));
  CREATE TABLE IF NOT EXISTS upload_pieces (
    workspace_id TEXT NOT NULL, sha256 TEXT NOT NULL, at BIGINT NOT NULL, data BYTEA NOT NULL,
    PRIMARY KEY (workspace_id, sha256, at));
  -- A history row's id is cited from inside the workspace's docs (a finding's batchId) and kept by
  -- archives, and every server numbers from 1: an id is unique within its workspace. New rows
  -- still take the next value of the one sequence, so ids grow in arrival order.
  CREATE TABLE IF NOT EXISTS monitor_batches (
    id BIGSERIAL, workspace_id TEXT NOT NULL REFERENCES workspaces(id), monitor_id TEXT NOT NULL,
    at BIGINT NOT NULL, data TEXT NOT NULL, columns TEXT, PRIMARY KEY (workspace_id, id));
  CREATE INDEX IF NOT EXISTS monitor_batches_at ON monitor_batches(workspace_id, monitor_id, at, id);
  -- Databases made before keyed history rows by id alone: the key becomes (workspace, id), every
  -- row as it was (under the advisory lock, so a second process starting at once finds it done).
  DO $$
  DECLARE pkey name;
  BEGIN
    SELECT c.conname INTO pkey FROM pg_constraint c
      WHERE c.conrelid = 'monitor_batches'::regclass AND c.contype = 'p'
        AND c.conkey = ARRAY[(SELECT a.attnum FROM pg_attribute a WHERE a.attrelid = 'monitor_batches'::regclass AND a.attname = 'id')];
    IF pkey IS NOT NULL THEN
      EXECUTE format('ALTER TABLE monitor_batches DROP CONSTRAINT %I, ADD PRIMARY KEY (workspace_id, id)', pkey);
    END IF;
  END $$;
  -- Databases made before note docs had one log per workspace: every row is the workspace doc's.
  ALTER TABLE doc_updates ADD COLUMN IF NOT EXISTS doc TEXT NOT NULL DEFAULT '';
  CREATE INDEX IF NOT EXISTS doc_updates_doc ON doc_updates(workspace_id, doc, seq);
  -- Databases made before per-doc history kept snapshots of the workspace doc only: every row
  -- keeps its id and becomes the workspace doc's ('').
  ALTER TABLE doc_history ADD COLUMN IF NOT EXISTS doc TEXT NOT NULL DEFAULT '';
  CREATE INDEX IF NOT EXISTS doc_history_doc ON doc_history(workspace_id, doc, created_at);
`;

const IDENTITY_SQL = `SELECT w.id AS "workspaceId", w.name AS "workspaceName", m.id AS "memberId", m.name, m.role
  FROM tokens t JOIN members m ON m.id = t.member_id JOIN workspaces w ON w.id = m.workspace_id
  WHERE t.hash = $1 AND t.revoked_at IS NULL`;

export class PostgresStore implements Store {
  /** Called when a compaction fails (and rolls back); the server logs it. */
  onCompactionError: (workspaceId: string, error: unknown) => void = () => {};
  /** Called when a connection drops outside a call (see Store.onConnectionError). */
  onConnectionError: (error: unknown) => void = () => {};

  private constructor(
    private readonly pool: pg.Pool,
    /** The database's URL, for what shares it (the monitor job queue). */
    readonly url: string,
  ) {}

  static async open(url: string): Promise<PostgresStore> {
    // pg's default is to wait for a connection forever; a call must fail while the database
    // is away, so that the server can say so.
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000, keepAlive: true });
    // An idle pooled connection that the database drops (pg_terminate_backend, a restart) is
    // reported as an 'error' on the pool, which would end the process if nobody listened. The
    // pool has already discarded that connection; the next call opens a fresh one.
    let store: PostgresStore | null = null;
    pool.on('error', (err) => store?.onConnectionError(err));
    // One process creating the schema while another does the same must not fail either.
    await withClient(pool, async (client) => {
      await client.query('SELECT pg_advisory_lock(4455)');
      await client.query(SCHEMA);
      await client.query('SELECT pg_advisory_unlock(4455)');
    }).catch(async (err: unknown) => {
      await pool.end().catch(() => {});
      throw err;
    });
    store = new PostgresStore(pool, url);
    return store;
  }

  /**
   * One statement on a pooled connection. A dropped connection (terminated backend, restart) is
   * tried once more on a fresh one — every statement sent this way may run twice without harm:
   * a Yjs update applied twice is the same doc — and otherwise rejects with
   * StorageUnavailableError.
   */
  private async query(sql: string, params: unknown[] = [], retry = true): Promise<pg.QueryResult> {
    try {
      return await this.pool.query(sql, params);
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      if (!retry) throw new StorageUnavailableError(err);
      try {
        return await this.pool.query(sql, params);
      } catch (again) {
        throw isConnectionError(again) ? new StorageUnavailableError(again) : again;
      }
    }
  }

  private async tx<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return withClient(this.pool, async (client) => {
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  async createWorkspace(name: string, ownerName: string) {
    const id = newId('ws');
    const now = Date.now();
    const { token, memberId } = await this.tx(async (c) => {
      await c.query('INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3)', [id, name, now]);
      return this.insertMember(c, id, 'owner', ownerName, now);
    });
    return { id, token, memberId };
  }

  async createMemberToken(workspaceId: string, role: Role, name: string) {
    if (!(await this.getWorkspace(workspaceId))) throw new Error(`unknown workspace ${workspaceId}`);
    return this.tx((c) => this.insertMember(c, workspaceId, role, name, Date.now()));
  }

  private async insertMember(c: pg.PoolClient, workspaceId: string, role: Role, name: string, now: number) {
    const memberId = newId('m');
    const token = newToken();
    await c.query('INSERT INTO members (id, workspace_id, name, role, created_at) VALUES ($1, $2, $3, $4, $5)', [memberId, workspaceId, name, role, now]);
    await c.query('INSERT INTO tokens (hash, member_id, created_at) VALUES ($1, $2, $3)', [hashToken(token), memberId, now]);
    return { token, memberId };
  }

  async getWorkspace(id: string) {
    const { rows } = await this.query('SELECT id, name, created_at AS "createdAt" FROM workspaces WHERE id = $1', [id]);
    const row = rows[0] as { id: string; name: string; createdAt: string } | undefined;
    return row && { id: row.id, name: row.name, createdAt: Number(row.createdAt) };
  }

  authenticate(token: string) {
    return this.identityByHash(hashToken(token));
  }

  async identityByHash(hash: string) {
    const { rows } = await this.query(IDENTITY_SQL, [hash]);
    return rows[0] as MemberIdentity | undefined;
  }

  async authVersion() {
    const { rows } = await this.query('SELECT version FROM auth_version WHERE id = 1');
    return Number(rows[0]?.version ?? 0);
  }

  async listMembers(workspaceId: string): Promise<MemberListing[]> {
    const { rows } = await this.query(
      `SELECT m.id AS "memberId", m.name, m.role, m.created_at AS "createdAt",
         count(t.hash) FILTER (WHERE t.revoked_at IS NULL) AS "activeTokens",
         count(t.hash) FILTER (WHERE t.revoked_at IS NOT NULL) AS "revokedTokens"
       FROM members m LEFT JOIN tokens t ON t.member_id = m.id WHERE m.workspace_id = $1 GROUP BY m.id ORDER BY m.created_at`,
      [workspaceId],
    );
    return rows.map((r) => ({ ...r, createdAt: Number(r.createdAt), activeTokens: Number(r.activeTokens), revokedTokens: Number(r.revokedTokens) }));
  }

  /** Runs an auth change and bumps auth_version in the same transaction. */
  private authChange(sql: string, params: unknown[]) {
    return this.tx(async (c) => {
      await c.query('UPDATE auth_version SET version = version + 1 WHERE id = 1');
      return (await c.query(sql, params)).rowCount ?? 0;
    });
  }

  revokeMember(workspaceId: string, memberId: string) {
    return this.authChange(
      'UPDATE tokens SET revoked_at = $1 WHERE revoked_at IS NULL AND member_id IN (SELECT id FROM members WHERE id = $2 AND workspace_id = $3)',
      [Date.now(), memberId, workspaceId],
    );
  }

  async revokeToken(token: string) {
    return (await this.authChange('UPDATE tokens SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL', [Date.now(), hashToken(token)])) > 0;
  }

  async setRole(workspaceId: string, memberId: string, role: Role) {
    return (await this.authChange('UPDATE members SET role = $1 WHERE id = $2 AND workspace_id = $3', [role, memberId, workspaceId])) > 0;
  }

  async appendUpdate(docName: string, update: Uint8Array) {
    const { workspaceId, doc } = docKey(docName);
    await this.query('INSERT INTO doc_updates (workspace_id, doc, data) VALUES ($1, $2, $3)', [workspaceId, doc, Buffer.from(update)]);
  }

  async loadDoc(docName: string) {
    const { workspaceId, doc } = docKey(docName);
    const { rows } = await this.query('SELECT seq, data FROM doc_updates WHERE workspace_id = $1 AND doc = $2 ORDER BY seq', [workspaceId, doc]);
    if (rows.length === 0) return new Uint8Array(0);
    const merged = Y.mergeUpdates(rows.map((r) => new Uint8Array(r.data as Buffer)));
    if (rows.length > COMPACT_AFTER) {
      const lastSeq = rows[rows.length - 1].seq as string;
      // A failed compaction rolls back and leaves the old log, which still loads.
      await this.tx(async (c) => {
        await c.query('DELETE FROM doc_updates WHERE workspace_id = $1 AND doc = $2 AND seq <= $3', [workspaceId, doc, lastSeq]);
        await c.query('INSERT INTO doc_updates (workspace_id, doc, data) VALUES ($1, $2, $3)', [workspaceId, doc, Buffer.from(merged)]);
      }).catch((err: unknown) => this.onCompactionError(docName, err));
    }
    return merged;
  }

  async replaceDoc(docName: string, state: Uint8Array) {
    const { workspaceId, doc } = docKey(docName);
    await this.tx(async (c) => {
      await c.query('DELETE FROM doc_updates WHERE workspace_id = $1 AND doc = $2', [workspaceId, doc]);
      await c.query('INSERT INTO doc_updates (workspace_id, doc, data) VALUES ($1, $2, $3)', [workspaceId, doc, Buffer.from(state)]);
    });
  }

  async addSnapshot(docName: string, state: Uint8Array, at: number) {
    const { workspaceId, doc } = docKey(docName);
    // A Buffer goes as a binary parameter: nothing is hex-encoded on this thread.
    await this.query('INSERT INTO doc_history (workspace_id, doc, created_at, data) VALUES ($1, $2, $3, $4)', [workspaceId, doc, at, Buffer.from(state.buffer, state.byteOffset, state.byteLength)]);
  }

  async listSnapshots(docName: string): Promise<SnapshotInfo[]> {
    const { workspaceId, doc } = docKey(docName);
    const { rows } = await this.query(
      'SELECT id, created_at AS "createdAt", length(data) AS bytes FROM doc_history WHERE workspace_id = $1 AND doc = $2 ORDER BY created_at DESC, id DESC',
      [workspaceId, doc],
    );
    return rows.map((r) => ({ id: Number(r.id), createdAt: Number(r.createdAt), bytes: Number(r.bytes) }));
  }

  async latestSnapshotAt(docName: string) {
    const { workspaceId, doc } = docKey(docName);
    const { rows } = await this.query('SELECT max(created_at) AS at FROM doc_history WHERE workspace_id = $1 AND doc = $2', [workspaceId, doc]);
    return Number(rows[0]?.at ?? 0);
  }

  async getSnapshot(docName: string, id: number) {
    const { workspaceId, doc } = docKey(docName);
    const { rows } = await this.query('SELECT data FROM doc_history WHERE workspace_id = $1 AND doc = $2 AND id = $3', [workspaceId, doc, id]);
    return rows[0] ? new Uint8Array(rows[0].data as Buffer) : undefined;
  }

  async putBlob(workspaceId: string, sha256: string, data: Uint8Array) {
    await this.query('INSERT INTO blobs (workspace_id, sha256, data, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
      workspaceId, sha256, Buffer.from(data), Date.now(),
    ]);
  }

  async hasBlob(workspaceId: string, sha256: string) {
    const { rows } = await this.query('SELECT 1 FROM blobs WHERE workspace_id = $1 AND sha256 = $2', [workspaceId, sha256]);
    return rows.length > 0;
  }

  async startUpload(workspaceId: string, sha256: string, size: number, now: number) {
    await this.query('INSERT INTO uploads (workspace_id, sha256, size, received, created_at, updated_at) VALUES ($1, $2, $3, 0, $4, $4) ON CONFLICT DO NOTHING', [workspaceId, sha256, size, now]);
    return (await this.uploadState(workspaceId, sha256))!;
  }

  async uploadState(workspaceId: string, sha256: string) {
    const { rows } = await this.query('SELECT size, received FROM uploads WHERE workspace_id = $1 AND sha256 = $2', [workspaceId, sha256]);
    return rows[0] ? { size: Number(rows[0].size), received: Number(rows[0].received) } : undefined;
  }

  async appendUpload(workspaceId: string, sha256: string, offset: number, data: Uint8Array, now: number) {
    return this.tx(async (c) => {
      // The row update is the lock: a second piece at the same offset waits, then finds received moved on.
      const moved = await c.query('UPDATE uploads SET received = received + $1, updated_at = $5 WHERE workspace_id = $2 AND sha256 = $3 AND received = $4', [data.byteLength, workspaceId, sha256, offset, now]);
      if (!moved.rowCount) return null;
      await c.query('INSERT INTO upload_pieces (workspace_id, sha256, at, data) VALUES ($1, $2, $3, $4)', [workspaceId, sha256, offset, Buffer.from(data)]);
      return offset + data.byteLength;
    });
  }

  async readUpload(workspaceId: string, sha256: string) {
    const { rows } = await this.query('SELECT data FROM upload_pieces WHERE workspace_id = $1 AND sha256 = $2 ORDER BY at', [workspaceId, sha256]);
    return new Uint8Array(Buffer.concat(rows.map((r) => r.data as Buffer)));
  }

  async dropUpload(workspaceId: string, sha256: string) {
    await this.tx(async (c) => {
      await c.query('DELETE FROM upload_pieces WHERE workspace_id = $1 AND sha256 = $2', [workspaceId, sha256]);
      await c.query('DELETE FROM uploads WHERE workspace_id = $1 AND sha256 = $2', [workspaceId, sha256]);
    });
  }

  async pruneUploads(workspaceId: string, idleSince: number) {
    return this.tx(async (c) => {
      await c.query('DELETE FROM upload_pieces p USING uploads u WHERE u.workspace_id = $1 AND u.updated_at < $2 AND p.workspace_id = u.workspace_id AND p.sha256 = u.sha256', [workspaceId, idleSince]);
      await c.query('DELETE FROM uploads WHERE workspace_id = $1 AND updated_at < $2', [workspaceId, idleSince]);
      const { rows } = await c.query('SELECT count(*) AS n FROM uploads WHERE workspace_id = $1', [workspaceId]);
      return Number(rows[0].n);
    });
  }

  async getBlob(workspaceId: string, sha256: string) {
    const { rows } = await this.query('SELECT data FROM blobs WHERE workspace_id = $1 AND sha256 = $2', [workspaceId, sha256]);
    return rows[0] ? new Uint8Array(rows[0].data as Buffer) : undefined;
  }

  async markMonitored(workspaceId: string) {
    await this.query('INSERT INTO monitored_workspaces (workspace_id) VALUES ($1) ON CONFLICT DO NOTHING', [workspaceId]);
  }

  async addMonitorBatch(workspaceId: string, batch: Omit<MonitorBatch, 'id'>, summaryColumns: readonly string[] = []) {
    const row = rowOfBatch(batch, summaryColumns);
    // Not retried: a second insert would record the batch twice.
    const { rows } = await this.query('INSERT INTO monitor_batches (workspace_id, monitor_id, at, data, columns) VALUES ($1, $2, $3, $4, $5) RETURNING id', [workspaceId, row.monitorId, row.at, row.data, row.columns], false);
    return Number(rows[0]!.id);
  }

  async listMonitorBatches(workspaceId: string, monitorId: string, query: HistoryRead) {
    return historyPage(await this.batchRows(workspaceId, monitorId, query), query.limit);
  }

  async listMonitorBatchesJson(workspaceId: string, monitorId: string, query: HistoryRead) {
    return historyPageJson(await this.batchRows(workspaceId, monitorId, query), query.limit, query.view ?? 'full');
  }

  /** Up to `limit + 1` rows of a history read (the extra one says whether a next page exists). */
  private async batchRows(workspaceId: string, monitorId: string, query: HistoryRead): Promise<BatchRow[]> {
    const [afterAt, afterId] = query.after ? query.after.split(':').map(Number) as [number, number] : [-1, -1];
    const { rows } = await this.query(
      `SELECT id, monitor_id AS "monitorId", at, data${query.view === 'summary' ? '' : ', columns'} FROM monitor_batches
       WHERE workspace_id = $1 AND monitor_id = $2 AND at >= $3 AND at <= $4 AND (at > $5 OR (at = $5 AND id > $6))
       ORDER BY at, id LIMIT $7`,
      [workspaceId, monitorId, query.from ?? 0, query.to ?? Number.MAX_SAFE_INTEGER, afterAt, afterId, query.limit + 1],
    );
    return rows as BatchRow[];
  }

  async getMonitorBatch(workspaceId: string, monitorId: string, id: number) {
    const { rows } = await this.query('SELECT id, monitor_id AS "monitorId", at, data, columns FROM monitor_batches WHERE workspace_id = $1 AND monitor_id = $2 AND id = $3', [workspaceId, monitorId, id]);
    return rows[0] ? batchOfRow(rows[0] as BatchRow) : undefined;
  }

  async updateMonitorBatch(workspaceId: string, monitorId: string, id: number, patch: BatchPatch) {
    // One statement: the patch's fields all live in `data` (JSON text), merged in the database.
    // The same patch twice leaves the same row: safe to retry.
    await this.query(
      'UPDATE monitor_batches SET data = ((data::jsonb) || $1::jsonb)::text WHERE workspace_id = $2 AND monitor_id = $3 AND id = $4',
      [JSON.stringify(patch), workspaceId, monitorId, id],
    );
  }

  async monitoredWorkspaces() {
    return (await this.query('SELECT workspace_id AS id FROM monitored_workspaces')).rows.map((r) => r.id as string);
  }

  async createWebhook(workspaceId: string, url: string, purpose: WebhookPurpose, now: number) {
    const hook = { id: newId('wh'), url, purpose, createdAt: now, secret: newToken().replace(/^ddt_/, 'whsec_') };
    // Not retried: if the first insert did land, a second would add a second hook.
    await this.query('INSERT INTO webhooks (id, workspace_id, url, secret, purpose, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [hook.id, workspaceId, url, hook.secret, purpose, now], false);
    return hook;
  }

  async listWebhooks(workspaceId: string): Promise<WebhookInfo[]> {
    const { rows } = await this.query('SELECT id, url, purpose, created_at AS "createdAt" FROM webhooks WHERE workspace_id = $1 ORDER BY created_at', [workspaceId]);
    return rows.map((r) => ({ ...r, createdAt: Number(r.createdAt) }));
  }

  async webhookTargets(workspaceId: string, purpose: WebhookPurpose) {
    const { rows } = await this.query('SELECT id, url, purpose, secret, created_at AS "createdAt" FROM webhooks WHERE workspace_id = $1 AND purpose = $2 ORDER BY created_at', [workspaceId, purpose]);
    return rows.map((r) => ({ ...r, createdAt: Number(r.createdAt) })) as (WebhookInfo & { secret: string })[];
  }

  async deleteWebhook(workspaceId: string, id: string) {
    return ((await this.query('DELETE FROM webhooks WHERE workspace_id = $1 AND id = $2', [workspaceId, id])).rowCount ?? 0) > 0;
  }

  async saveDelivery(workspaceId: string, d: DeliveryInfo) {
    await this.query(
      `INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, url, event, status, attempts, last_status, last_error, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, last_status = excluded.last_status,
         last_error = excluded.last_error, updated_at = excluded.updated_at`,
      [d.id, workspaceId, d.webhookId, d.url, d.event, d.status, d.attempts, d.lastStatus, d.lastError, d.createdAt, d.updatedAt],
    );
  }

  async listDeliveries(workspaceId: string, limit: number): Promise<DeliveryInfo[]> {
    const { rows } = await this.query(
      `SELECT id, webhook_id AS "webhookId", url, event, status, attempts, last_status AS "lastStatus", last_error AS "lastError",
         created_at AS "createdAt", updated_at AS "updatedAt" FROM webhook_deliveries WHERE workspace_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [workspaceId, limit],
    );
    return rows.map((r) => ({ ...r, createdAt: Number(r.createdAt), updatedAt: Number(r.updatedAt) })) as DeliveryInfo[];
  }

  async workspaceIds() {
    return (await this.query('SELECT id FROM workspaces ORDER BY id')).rows.map((r) => String(r.id));
  }

  /** On a worker thread with a connection of its own (pg-read-worker.ts). */
  async openArchiveSource(workspaceId: string): Promise<ArchiveSource> {
    return pgArchiveSource(this.url, workspaceId);
  }

  async openArchiveSink(): Promise<ArchiveSink> {
    return pgArchiveSink(await this.connect());
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw isConnectionError(err) ? new StorageUnavailableError(err) : err;
    }
  }

  async close() {
    await this.pool.end();
  }
}

/**
 * Runs `work` on a connection of its own. While it is checked out, a connection the database
 * drops between two statements reports an 'error' on the client, not the pool; it is listened
 * to here (the statement in flight rejects anyway) and the broken connection is discarded
 * rather than returned to the pool.
 */
async function withClient<T>(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw isConnectionError(err) ? new StorageUnavailableError(err) : err;
  }
  let dropped: unknown = null;
  const onError = (err: unknown) => (dropped = err);
  client.on('error', onError);
  try {
    return await work(client);
  } catch (err) {
    if (isConnectionError(err)) dropped ??= err;
    throw dropped ? new StorageUnavailableError(err) : err;
  } finally {
    client.off('error', onError);
    client.release(dropped ? (dropped as Error) : undefined);
  }
}

/**
 * Whether an error means the database was not reachable (as opposed to a refused statement):
 * SQLSTATE class 08 (connection exception), 57P01–57P03 (terminated by an administrator, crash
 * shutdown, cannot connect now), socket errors, and pg's own "Connection terminated".
 */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof StorageUnavailableError) return true;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code)) return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect/i.test(message);
}
