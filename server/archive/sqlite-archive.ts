/**
 * Archive sink for the SQLite store (the source reads on a worker thread: sqlite-read-worker.ts).
 * The sink writes through the store's connection inside BEGIN … COMMIT, so a failed import
 * leaves the file as it was.
 */
import Database from 'better-sqlite3';
import type { ArchiveSink } from './archive-store.ts';

/** Every workspace id in a SQLite store (what a backup run archives). */
export function sqliteWorkspaceIds(db: Database.Database): string[] {
  return (db.prepare('SELECT id FROM workspaces ORDER BY id').all() as { id: string }[]).map((r) => r.id);
}

export function sqliteArchiveSink(db: Database.Database): ArchiveSink {
  db.exec('BEGIN IMMEDIATE');
  const run = (sql: string, ...params: unknown[]) => void db.prepare(sql).run(...params);
  return {
    taken: async ({ workspaceId, memberIds, tokenHashes, webhookIds, batches }) => {
      const found: string[] = [];
      const has = (sql: string, v: string) => db.prepare(sql).get(v) !== undefined;
      if (has('SELECT 1 FROM workspaces WHERE id = ?', workspaceId)) found.push(`workspace ${workspaceId}`);
      for (const id of memberIds) if (has('SELECT 1 FROM members WHERE id = ?', id)) found.push(`member ${id}`);
      for (const h of tokenHashes) if (has('SELECT 1 FROM tokens WHERE hash = ?', h)) found.push(`token ${h.slice(0, 12)}…`);
      for (const id of webhookIds) if (has('SELECT 1 FROM webhooks WHERE id = ?', id)) found.push(`webhook ${id}`);
      if (batches && batches.ids.length > 0) {
        const rows = db.prepare('SELECT id FROM monitor_batches WHERE workspace_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id').all(batches.workspaceId, JSON.stringify(batches.ids)) as { id: number }[];
        for (const r of rows) found.push(`monitor history row ${r.id} in workspace ${batches.workspaceId}`);
      }
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
    snapshot: async (ws, doc, at, state) => run('INSERT INTO doc_history (workspace_id, doc, created_at, data) VALUES (?, ?, ?, ?)', ws, doc, at, state),
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
