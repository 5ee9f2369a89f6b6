/**
 * Monitor history rows in the SQLite store (`monitor_batches`), keyed by (workspace, id).
 *
 * A row's id is cited from inside the workspace's docs (an incident finding's `batchId`), so an
 * archive keeps it, and a workspace moved or imported into another store arrives with its ids.
 * Every store numbers from 1: an id is unique within its workspace, not within the store. New
 * rows still get an id above every id in the store (MAX(id) + 1 in the insert's own statement,
 * read from the index on id), so ids grow in arrival order as they did under AUTOINCREMENT.
 *
 * Stores made before this keyed the table by id alone (`INTEGER PRIMARY KEY AUTOINCREMENT`):
 * the table is rebuilt under the new key when the store opens, every row with its id, in one
 * transaction (a crash half way leaves the old table as it was).
 */
import type Database from 'better-sqlite3';

const TABLE = (name: string) => `
  CREATE TABLE IF NOT EXISTS ${name} (
    id INTEGER NOT NULL, workspace_id TEXT NOT NULL REFERENCES workspaces(id), monitor_id TEXT NOT NULL,
    at INTEGER NOT NULL, data TEXT NOT NULL, columns TEXT, PRIMARY KEY (workspace_id, id))`;

/** One statement: the new id is read and used under the same write lock. */
export const INSERT_BATCH = `INSERT INTO monitor_batches (id, workspace_id, monitor_id, at, data, columns)
  VALUES ((SELECT coalesce(max(id), 0) + 1 FROM monitor_batches), ?, ?, ?, ?, ?) RETURNING id`;

/** Creates `monitor_batches` keyed by (workspace, id), or rebuilds an older one under that key (idempotent). */
export function migrateMonitorBatches(db: Database.Database): void {
  db.exec(TABLE('monitor_batches'));
  const keyed = () => (db.prepare('PRAGMA table_info(monitor_batches)').all() as { name: string; pk: number }[]).filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name).join(',');
  if (keyed() !== 'workspace_id,id') {
    // IMMEDIATE: another process opening the same store at once waits here, then finds it done.
    db.transaction(() => {
      if (keyed() === 'workspace_id,id') return;
      db.exec(`
        DROP TABLE IF EXISTS monitor_batches_rekeyed;
        ${TABLE('monitor_batches_rekeyed')};
        INSERT INTO monitor_batches_rekeyed (id, workspace_id, monitor_id, at, data, columns)
          SELECT id, workspace_id, monitor_id, at, data, columns FROM monitor_batches ORDER BY id;
        DROP TABLE monitor_batches;
        ALTER TABLE monitor_batches_rekeyed RENAME TO monitor_batches;
      `);
    }).immediate();
  }
  db.exec(`
    CREATE INDEX IF NOT EXISTS monitor_batches_at ON monitor_batches(workspace_id, monitor_id, at, id);
    CREATE INDEX IF NOT EXISTS monitor_batches_id ON monitor_batches(id);
  `);
}
