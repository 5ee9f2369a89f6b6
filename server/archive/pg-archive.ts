/**
 * Archive source and sink for the PostgreSQL store, each on one connection of its own. The
 * source reads on a worker thread (pg-read-worker.ts) in a REPEATABLE READ, READ ONLY
 * transaction: every query sees the same snapshot while other server processes keep writing, and
 * no large row is parsed on the server's event loop. The sink is one transaction.
 */
import type pg from 'pg';
import type { DeliveryInfo } from '../store-contract.ts';
import { startPgReader } from './pg-read-worker.ts';
import type { ArchiveSink, ArchiveSource, MemberRow, MonitorBatchRow, TokenRow, WebhookRow, WorkspaceRow } from './archive-store.ts';

const num = (v: unknown) => (v === null ? null : Number(v));

const DOC_STATE = 'SELECT data FROM doc_updates WHERE workspace_id = $1 AND doc = $2 ORDER BY seq';
const SNAPSHOT = 'SELECT data FROM doc_history WHERE workspace_id = $1 AND id = $2';
const BLOB = 'SELECT data FROM blobs WHERE workspace_id = $1 AND sha256 = $2';

/** Reads the database at `url` as of the moment this resolves. */
export async function pgArchiveSource(url: string, workspaceId: string): Promise<ArchiveSource> {
  const reader = await startPgReader(url);
  const ws = workspaceId;
  const rows = (sql: string, params: unknown[] = [ws]) => reader.rows(sql, params);
  return {
    workspace: async () => {
      const [r] = await rows('SELECT id, name, created_at FROM workspaces WHERE id = $1');
      return r ? ({ id: String(r.id), name: String(r.name), createdAt: Number(r.created_at) } satisfies WorkspaceRow) : undefined;
    },
    members: async () =>
      (await rows('SELECT id, name, role, created_at FROM members WHERE workspace_id = $1 ORDER BY created_at, id')).map(
        (r) => ({ id: String(r.id), name: String(r.name), role: r.role, createdAt: Number(r.created_at) }) as MemberRow,
      ),
    tokens: async () =>
      (await rows('SELECT t.hash, t.member_id, t.created_at, t.revoked_at FROM tokens t JOIN members m ON m.id = t.member_id WHERE m.workspace_id = $1 ORDER BY t.created_at, t.hash')).map(
        (r): TokenRow => ({ hash: String(r.hash), memberId: String(r.member_id), createdAt: Number(r.created_at), revokedAt: num(r.revoked_at) }),
      ),
    webhooks: async () =>
      (await rows('SELECT id, url, secret, purpose, created_at FROM webhooks WHERE workspace_id = $1 ORDER BY created_at, id')).map(
        (r) => ({ id: String(r.id), url: String(r.url), secret: String(r.secret), purpose: r.purpose, createdAt: Number(r.created_at) }) as WebhookRow,
      ),
    deliveries: async () =>
      (await rows('SELECT * FROM webhook_deliveries WHERE workspace_id = $1 ORDER BY created_at, id')).map(
        (r) =>
          ({
            id: String(r.id), webhookId: String(r.webhook_id), url: String(r.url), event: String(r.event), status: r.status, attempts: Number(r.attempts),
            lastStatus: num(r.last_status), lastError: r.last_error === null ? null : String(r.last_error), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
          }) as DeliveryInfo,
      ),
    monitored: async () => (await rows('SELECT 1 FROM monitored_workspaces WHERE workspace_id = $1')).length > 0,
    docNames: async () => (await rows('SELECT DISTINCT doc FROM doc_updates WHERE workspace_id = $1 ORDER BY doc')).map((r) => String(r.doc)),
    docState: (doc) => reader.merged(DOC_STATE, [ws, doc]),
    snapshots: async () =>
      (await rows('SELECT id, doc, created_at FROM doc_history WHERE workspace_id = $1 ORDER BY created_at, id')).map((r) => ({ id: Number(r.id), doc: String(r.doc), createdAt: Number(r.created_at) })),
    snapshot: (id) => reader.bytes(SNAPSHOT, [ws, id], `history snapshot ${id} is gone from the read snapshot`),
    blobs: async () => (await rows('SELECT sha256, created_at FROM blobs WHERE workspace_id = $1 ORDER BY sha256')).map((r) => ({ sha256: String(r.sha256), createdAt: Number(r.created_at) })),
    blob: (sha256) => reader.bytes(BLOB, [ws, sha256], `blob ${sha256} is gone from the read snapshot`),
    monitorBatches: async () =>
      (await rows('SELECT id, monitor_id, at, data, columns FROM monitor_batches WHERE workspace_id = $1 ORDER BY id')).map(
        (r): MonitorBatchRow => ({ id: Number(r.id), monitorId: String(r.monitor_id), at: Number(r.at), data: String(r.data), columns: r.columns === null ? null : String(r.columns) }),
      ),
    openFile: (file, mtime) =>
      reader.openFile(file, mtime, (read) =>
        read.kind === 'docState'
          ? { op: 'merged', arg: { sql: DOC_STATE, params: [ws, read.doc] } }
          : read.kind === 'snapshot'
            ? { op: 'bytes', arg: { sql: SNAPSHOT, params: [ws, read.id], missing: `history snapshot ${read.id} is gone from the read snapshot` } }
            : { op: 'bytes', arg: { sql: BLOB, params: [ws, read.sha256], missing: `blob ${read.sha256} is gone from the read snapshot` } },
      ),
    close: () => reader.close(),
  };
}

export async function pgArchiveSink(client: pg.PoolClient): Promise<ArchiveSink> {
  await client.query('BEGIN');
  let open = true;
  /** The highest history id written (0: none). */
  let highest = 0;
  const run = async (sql: string, params: unknown[]) => void (await client.query(sql, params));
  const end = async (sql: string) => {
    if (!open) return;
    open = false;
    try {
      await client.query(sql);
    } finally {
      client.release();
    }
  };
  return {
    taken: async ({ workspaceId, memberIds, tokenHashes, webhookIds, batches }) => {
      const q = async (sql: string, values: string[]) => ((await client.query(sql, [values])).rows as { v: string }[]).map((r) => r.v);
      return [
        ...(await q('SELECT id AS v FROM workspaces WHERE id = ANY($1)', [workspaceId])).map((v) => `workspace ${v}`),
        ...(await q('SELECT id AS v FROM members WHERE id = ANY($1)', memberIds)).map((v) => `member ${v}`),
        ...(await q('SELECT hash AS v FROM tokens WHERE hash = ANY($1)', tokenHashes)).map((v) => `token ${v.slice(0, 12)}…`),
        ...(await q('SELECT id AS v FROM webhooks WHERE id = ANY($1)', webhookIds)).map((v) => `webhook ${v}`),
        ...(batches && batches.ids.length > 0
          ? ((await client.query('SELECT id AS v FROM monitor_batches WHERE workspace_id = $1 AND id = ANY($2::bigint[]) ORDER BY id', [batches.workspaceId, batches.ids])).rows as { v: string }[]).map((r) => `monitor history row ${r.v} in workspace ${batches.workspaceId}`)
          : []),
      ];
    },
    workspace: (w) => run('INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3)', [w.id, w.name, w.createdAt]),
    member: (ws, m) => run('INSERT INTO members (id, workspace_id, name, role, created_at) VALUES ($1, $2, $3, $4, $5)', [m.id, ws, m.name, m.role, m.createdAt]),
    token: (t) => run('INSERT INTO tokens (hash, member_id, created_at, revoked_at) VALUES ($1, $2, $3, $4)', [t.hash, t.memberId, t.createdAt, t.revokedAt]),
    webhook: (ws, h) => run('INSERT INTO webhooks (id, workspace_id, url, secret, purpose, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [h.id, ws, h.url, h.secret, h.purpose, h.createdAt]),
    delivery: (ws, d) =>
      run(
        `INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, url, event, status, attempts, last_status, last_error, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [d.id, ws, d.webhookId, d.url, d.event, d.status, d.attempts, d.lastStatus, d.lastError, d.createdAt, d.updatedAt],
      ),
    markMonitored: (ws) => run('INSERT INTO monitored_workspaces (workspace_id) VALUES ($1) ON CONFLICT DO NOTHING', [ws]),
    doc: (ws, doc, state) => run('INSERT INTO doc_updates (workspace_id, doc, data) VALUES ($1, $2, $3)', [ws, doc, Buffer.from(state)]),
    snapshot: (ws, doc, at, state) => run('INSERT INTO doc_history (workspace_id, doc, created_at, data) VALUES ($1, $2, $3, $4)', [ws, doc, at, Buffer.from(state)]),
    blob: (ws, sha, at, data) => run('INSERT INTO blobs (workspace_id, sha256, data, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [ws, sha, Buffer.from(data), at]),
    monitorBatch: async (ws, b) => {
      await run('INSERT INTO monitor_batches (id, workspace_id, monitor_id, at, data, columns) VALUES ($1, $2, $3, $4, $5, $6)', [b.id, ws, b.monitorId, b.at, b.data, b.columns]);
      highest = Math.max(highest, b.id);
    },
    retireMember: async (ws, from, to) => {
      await run('UPDATE tokens SET member_id = $1 WHERE member_id = $2', [to, from]);
      await run('DELETE FROM members WHERE id = $1 AND workspace_id = $2', [from, ws]);
      await run('UPDATE auth_version SET version = version + 1 WHERE id = 1', []);
    },
    commit: async () => {
      // Rows came with their ids: the sequence must move past them, or the workspace's next batch
      // collides with one. Only forward: other processes may hold values past the rows' ids
      // (drawn, not yet committed), and moving back would hand those out again.
      if (open && highest > 0) {
        await client.query(
          `SELECT setval(seq, $1) FROM (SELECT pg_get_serial_sequence('monitor_batches', 'id')::regclass AS seq) s
           WHERE COALESCE(pg_sequence_last_value(seq), 0) < $1`,
          [highest],
        );
      }
      await end('COMMIT');
    },
    rollback: () => end('ROLLBACK'),
  };
}
