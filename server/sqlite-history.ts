/**
 * History snapshots in the SQLite store, per doc (`doc_history`, keyed like the update log:
 * workspace id and doc within it, server/store-contract.ts docKey).
 *
 * A big snapshot is written in parts. better-sqlite3 writes on the calling thread, and one 15 MB
 * row held the event loop for 55–170 ms (bench/snapshot-stall.ts), as long as every other
 * member's edits waited. So a snapshot past HISTORY_PART_BYTES goes into `doc_history_parts`
 * under a fresh key, one part per macrotask, and only then is its `doc_history` row — small, with
 * the parts' key — inserted: a snapshot is listed once whole, never half. Parts a crash left
 * without their row are removed when the store opens. Readers put the parts back together
 * (here, and the archive's reader thread: archive/sqlite-read-worker.ts).
 *
 * Stores made before per-doc history kept snapshots of the workspace doc only: `doc` is added
 * with '' (the workspace doc) as every old row's value, and their ids stay.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { type SnapshotInfo, docKey } from './store-contract.ts';

/** Past this a snapshot is written in parts of this size, one per macrotask. */
export const HISTORY_PART_BYTES = 1024 * 1024;

/** Brings `doc_history` up to per-doc history (idempotent) and drops parts left by a crash. */
export function migrateHistory(db: Database.Database): void {
  const columns = db.prepare('PRAGMA table_info(doc_history)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'doc')) db.exec("ALTER TABLE doc_history ADD COLUMN doc TEXT NOT NULL DEFAULT ''");
  if (!columns.some((c) => c.name === 'parts_key')) db.exec('ALTER TABLE doc_history ADD COLUMN parts_key TEXT');
  db.exec(`
    CREATE INDEX IF NOT EXISTS doc_history_doc ON doc_history(workspace_id, doc, created_at);
    CREATE TABLE IF NOT EXISTS doc_history_parts (key TEXT NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (key, n));
    DELETE FROM doc_history_parts WHERE key NOT IN (SELECT parts_key FROM doc_history WHERE parts_key IS NOT NULL);
  `);
}

export class SqliteHistory {
  constructor(
    private readonly db: Database.Database,
    private readonly sql: (text: string) => Database.Statement,
  ) {}

  /** Synchronous for a small state; a big one resolves once its row is in (see the header). */
  add(docName: string, state: Uint8Array, at: number): void | Promise<void> {
    const { workspaceId, doc } = docKey(docName);
    if (state.byteLength <= HISTORY_PART_BYTES) {
      this.sql('INSERT INTO doc_history (workspace_id, doc, created_at, data) VALUES (?, ?, ?, ?)').run(workspaceId, doc, at, state);
      return;
    }
    return this.addInParts(workspaceId, doc, state, at);
  }

  private async addInParts(workspaceId: string, doc: string, state: Uint8Array, at: number): Promise<void> {
    const key = randomUUID();
    for (let n = 0, from = 0; from < state.byteLength; n++, from += HISTORY_PART_BYTES) {
      if (n > 0) await new Promise((resolve) => setImmediate(resolve));
      this.sql('INSERT INTO doc_history_parts (key, n, data) VALUES (?, ?, ?)').run(key, n, state.subarray(from, from + HISTORY_PART_BYTES));
    }
    this.sql('INSERT INTO doc_history (workspace_id, doc, created_at, data, parts_key) VALUES (?, ?, ?, ?, ?)').run(workspaceId, doc, at, new Uint8Array(0), key);
  }

  list(docName: string): SnapshotInfo[] {
    const { workspaceId, doc } = docKey(docName);
    return this.sql(
      `SELECT id, created_at AS createdAt,
         length(data) + coalesce((SELECT sum(length(p.data)) FROM doc_history_parts p WHERE p.key = h.parts_key), 0) AS bytes
       FROM doc_history h WHERE workspace_id = ? AND doc = ? ORDER BY created_at DESC, id DESC`,
    ).all(workspaceId, doc) as SnapshotInfo[];
  }

  latestAt(docName: string): number {
    const { workspaceId, doc } = docKey(docName);
    return (this.sql('SELECT max(created_at) AS at FROM doc_history WHERE workspace_id = ? AND doc = ?').get(workspaceId, doc) as { at: number | null }).at ?? 0;
  }

  get(docName: string, id: number): Uint8Array | undefined {
    const { workspaceId, doc } = docKey(docName);
    const row = this.sql('SELECT data, parts_key AS partsKey FROM doc_history WHERE workspace_id = ? AND doc = ? AND id = ?').get(workspaceId, doc, id) as
      | { data: Buffer; partsKey: string | null }
      | undefined;
    if (!row) return undefined;
    if (!row.partsKey) return new Uint8Array(row.data);
    const parts = this.sql('SELECT data FROM doc_history_parts WHERE key = ? ORDER BY n').all(row.partsKey) as { data: Buffer }[];
    return new Uint8Array(Buffer.concat([row.data, ...parts.map((p) => p.data)]));
  }
}
