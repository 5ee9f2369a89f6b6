/**
 * Archive source and sink for the SQLite store. The source opens its own read-only connection
 * and holds one read transaction (WAL: the server keeps writing, the source keeps seeing the
 * moment it began). The sink writes through the store's connection inside BEGIN … COMMIT, so a
 * failed import leaves the file as it was.
 */
import Database from 'better-sqlite3';
import type { DeliveryInfo } from '../store-contract.ts';
import { offThreadMerger } from './merge-off-thread.ts';
import type { ArchiveSink, ArchiveSource, MemberRow, MonitorBatchRow, TokenRow, WebhookRow, WorkspaceRow } from './archive-store.ts';

export function sqliteArchiveSource(file: string, workspaceId: string, nativeBinding?: string): ArchiveSource {
  const db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  db.pragma('busy_timeout = 5000');
  db.exec('BEGIN');
  // A read transaction starts at its first read: read now, so every later call sees this moment.
  db.prepare('SELECT count(*) FROM workspaces').get();
  const all = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];
  const ws = workspaceId;
  const merger = offThreadMerger();
  return {
    workspace: async () => db.prepare('SELECT id, name, created_at AS createdAt FROM workspaces WHERE id = ?').get(ws) as WorkspaceRow | undefined,
    members: async () => all<MemberRow>('SELECT id, name, role, created_at AS createdAt FROM members WHERE workspace_id = ? ORDER BY created_at, id', ws),
    tokens: async () =>
      all<TokenRow>(
        `SELECT t.hash, t.member_id AS memberId, t.created_at AS createdAt, t.revoked_at AS revokedAt
         FROM tokens t JOIN members m ON m.id = t.member_id WHERE m.workspace_id = ? ORDER BY t.created_at, t.hash`,
        ws,
      ),
    webhooks: async () => all<WebhookRow>('SELECT id, url, secret, purpose, created_at AS createdAt FROM webhooks WHERE workspace_id = ? ORDER BY created_at, id', ws),
    deliveries: async () =>
      all<DeliveryInfo>(
        `SELECT id, webhook_id AS webhookId, url, event, status, attempts, last_status AS lastStatus, last_error AS lastError,
           created_at AS createdAt, updated_at AS updatedAt FROM webhook_deliveries WHERE workspace_id = ? ORDER BY created_at, id`,
        ws,
      ),
    monitored: async () => db.prepare('SELECT 1 FROM monitored_workspaces WHERE workspace_id = ?').get(ws) !== undefined,
    docNames: async () => all<{ doc: string }>('SELECT DISTINCT doc FROM doc_updates WHERE workspace_id = ? ORDER BY doc', ws).map((r) => r.doc),
    docState: async (doc) => merger.merge(all<{ data: Buffer }>('SELECT data FROM doc_updates WHERE workspace_id = ? AND doc = ? ORDER BY seq', ws, doc).map((r) => new Uint8Array(r.data))),
    snapshots: async () => all<{ id: number; createdAt: number }>('SELECT id, created_at AS createdAt FROM doc_history WHERE workspace_id = ? ORDER BY created_at, id', ws),
    snapshot: async (id) => new Uint8Array((db.prepare('SELECT data FROM doc_history WHERE workspace_id = ? AND id = ?').get(ws, id) as { data: Buffer }).data),
    blobs: async () => all<{ sha256: string; createdAt: number }>('SELECT sha256, created_at AS createdAt FROM blobs WHERE workspace_id = ? ORDER BY sha256', ws),
    blob: async (sha256) => new Uint8Array((db.prepare('SELECT data FROM blobs WHERE workspace_id = ? AND sha256 = ?').get(ws, sha256) as { data: Buffer }).data),
    monitorBatches: async () => all<MonitorBatchRow>('SELECT id, monitor_id AS monitorId, at, data, columns FROM monitor_batches WHERE workspace_id = ? ORDER BY id', ws),
    close: async () => {
      await merger.close();
      if (db.open) {
        db.exec('COMMIT');
        db.close();
      }
    },
  };
}

/** Every workspace id in a SQLite store (what a backup run archives). */
export function sqliteWorkspaceIds(db: Database.Database): string[] {
  return (db.prepare('SELECT id FROM workspaces ORDER BY id').all() as { id: string }[]).map((r) => r.id);
}

export function sqliteArchiveSink(db: Database.Database): ArchiveSink {
  db.exec('BEGIN IMMEDIATE');
  const run = (sql: string, ...params: unknown[]) => void db.prepare(sql).run(...params);
  return {
    taken: async ({ workspaceId, memberIds, tokenHashes, webhookIds, batchIds = [] }) => {
      const found: string[] = [];
      const has = (sql: string, v: string) => db.prepare(sql).get(v) !== undefined;
      if (has('SELECT 1 FROM workspaces WHERE id = ?', workspaceId)) found.push(`workspace ${workspaceId}`);
      for (const id of memberIds) if (has('SELECT 1 FROM members WHERE id = ?', id)) found.push(`member ${id}`);
      for (const h of tokenHashes) if (has('SELECT 1 FROM tokens WHERE hash = ?', h)) found.push(`token ${h.slice(0, 12)}…`);
      for (const id of webhookIds) if (has('SELECT 1 FROM webhooks WHERE id = ?', id)) found.push(`webhook ${id}`);
      for (const id of batchIds) if (db.prepare('SELECT 1 FROM monitor_batches WHERE id = ?').get(id) !== undefined) found.push(`monitor history row ${id}`);
      return found;
    },
    workspace: async (w) => run('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)', w.id, w.name, w.createdAt),
    member: async (ws, m) => run('INSERT INTO members (id, workspace_id, name, role, created_at) VALUES (?, ?, ?, ?, ?)', m.id, ws, m.name, m.role, m.createdAt),
    token: async (t) => run('INSERT INTO tokens (hash, member_id, created_at, revoked_at) VALUES (?, ?, ?, ?)', t.hash, t.memberId, t.createdAt, t.revokedAt),
    webhook: async (ws, h) => run('INSERT INTO webhooks (id, workspace_id, url, secret, purpose, created_at) VALUES (?, ?, ?, ?, ?, ?)', h.id, ws, h.url, h.secret, h.purpose, h.createdAt),
    delivery: async (ws, d) =>
      run(
        `INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, url, event, status, attempts, last_status, last_error, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        d.id, ws, d.webhookId, d.url, d.event, d.status, d.attempts, d.lastStatus, d.lastError, d.createdAt, d.updatedAt,
      ),
    markMonitored: async (ws) => run('INSERT OR IGNORE INTO monitored_workspaces (workspace_id) VALUES (?)', ws),
    doc: async (ws, doc, state) => run('INSERT INTO doc_updates (workspace_id, doc, data) VALUES (?, ?, ?)', ws, doc, state),
    snapshot: async (ws, at, state) => run('INSERT INTO doc_history (workspace_id, created_at, data) VALUES (?, ?, ?)', ws, at, state),
    blob: async (ws, sha, at, data) => run('INSERT OR IGNORE INTO blobs (workspace_id, sha256, data, created_at) VALUES (?, ?, ?, ?)', ws, sha, data, at),
    monitorBatch: async (ws, b) => run('INSERT INTO monitor_batches (id, workspace_id, monitor_id, at, data, columns) VALUES (?, ?, ?, ?, ?, ?)', b.id, ws, b.monitorId, b.at, b.data, b.columns),
    retireMember: async (ws, from, to) => {
      run('UPDATE tokens SET member_id = ? WHERE member_id = ?', to, from);
      run('DELETE FROM members WHERE id = ? AND workspace_id = ?', from, ws);
      // Live connections are re-checked when this changes: the caller's becomes `to`.
      run('UPDATE auth_version SET version = version + 1 WHERE id = 1');
    },
    commit: async () => void db.exec('COMMIT'),
    rollback: async () => {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
  };
}
