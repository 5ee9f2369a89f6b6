/**
 * The local SQLite cache (better-sqlite3, WAL): the workspaces this person has joined, and per
 * doc an append-only update log plus a compacted snapshot. The app renders from here before
 * any server answers.
 *
 * Compaction folds the log into the snapshot in one transaction, so a crash mid-way leaves
 * either the old log or the new snapshot, never neither.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as Y from 'yjs';
import { sliceUpdate, sliceUpdateOrWhole } from '../core/workspace/update-slices.ts';
import type { WorkspaceConnection } from '../shared/host-contract.ts';
import { sqliteNativeBinding } from './native-binding.ts';

/** Fold the log into the snapshot once it holds this many updates. */
export const COMPACT_AFTER = 500;
/**
 * A snapshot larger than this is kept as slices of about this size, which a window applies one
 * per task (DocSync's APPLY_BATCH_BYTES is the same). At 256 KiB the longest slice of a 15 MB
 * workspace applied in 55 ms on a loaded machine, 1 MiB in 82 ms (bench/slices.ts); but in the
 * page a major GC's pause (40–100 ms while a 50 MiB workspace fills the heap, bench:open) lands
 * inside some slice's task, so a slice must leave room for it. At 128 KiB the longest tasks of
 * bench:open's three-year open were such a pause (its finalize 63–69 ms on a quiet machine, most
 * of it evacuating live objects) plus ~20 ms of slice: 64 KiB halves the slice's part, for about
 * 15 % more time to apply the whole doc (twice the tasks).
 */
export const SNAPSHOT_SLICE_BYTES = 64 * 1024;

/** A view of a Buffer from SQLite, not a copy: each Buffer better-sqlite3 returns is its own memory. */
const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export interface LocalCacheOptions {
  /** Path of the .sqlite file. */
  file: string;
  /** Where the better-sqlite3 native build lives, when it is not the default (Electron ABI). */
  nativeBinding?: string;
}

/** Lists drawn from a doc with a batch in it (LocalCache.appendUpdates). */
export interface AppendPreviews {
  /** The doc's version the window had before this batch. */
  expectVersion: number;
  lists: { list: string; json: string }[];
}

export class LocalCache {
  private readonly db: Database.Database;

  /**
   * The open database, for indexes derived from the docs that live in this same file (the
   * search index, src/node/search-index.ts). They keep to their own tables.
   */
  get sqlite(): Database.Database {
    return this.db;
  }

  constructor(options: LocalCacheOptions) {
    mkdirSync(dirname(options.file), { recursive: true });
    // Inside Electron without an explicit binary: the Electron build, or a clear error saying how to get it.
    const nativeBinding = options.nativeBinding ?? sqliteNativeBinding();
    this.db = new Database(options.file, nativeBinding ? { nativeBinding } : {});
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS connections (
        workspace_id TEXT PRIMARY KEY, name TEXT NOT NULL, server_url TEXT NOT NULL, token TEXT NOT NULL,
        member_id TEXT NOT NULL, member_name TEXT NOT NULL, role TEXT NOT NULL,
        local INTEGER NOT NULL DEFAULT 0, last_opened_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS doc_updates (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, data BLOB NOT NULL);
      CREATE INDEX IF NOT EXISTS doc_updates_doc ON doc_updates(doc_id, seq);
      CREATE TABLE IF NOT EXISTS doc_snapshots (
        doc_id TEXT PRIMARY KEY, data BLOB NOT NULL, updated_at INTEGER NOT NULL);
      -- A large snapshot is kept as slices instead (update-slices.ts: each integrates fully after
      -- the ones before it), so a window applies it a slice per task. A doc has either a
      -- doc_snapshots row or slices, never both.
      CREATE TABLE IF NOT EXISTS doc_snapshot_slices (
        doc_id TEXT NOT NULL, part INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (doc_id, part));
      CREATE TABLE IF NOT EXISTS blobs (
        sha256 TEXT PRIMARY KEY, data BLOB NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS local_files (
        md5 TEXT PRIMARY KEY, path TEXT NOT NULL, recorded_at INTEGER NOT NULL);
      -- Edits made on this device, until the server is known to have them: one row per saved
      -- edit, with the clock each Yjs client reaches in it (JSON {client: clock}).
      CREATE TABLE IF NOT EXISTS pending_edits (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, reaches TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS pending_edits_doc ON pending_edits(doc_id, seq);
      -- Pending edits the server refused (a role it no longer allows, the write policy): kept
      -- aside, with why, and never pushed again.
      CREATE TABLE IF NOT EXISTS refused_edits (
        seq INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, reaches TEXT NOT NULL, reason TEXT NOT NULL, refused_at INTEGER NOT NULL);
      -- The Yjs clients that wrote edits on this device, per doc: what this device may send the
      -- server as its own (a server restored from a backup refuses edits relayed for others).
      CREATE TABLE IF NOT EXISTS own_clients (doc_id TEXT NOT NULL, client INTEGER NOT NULL, PRIMARY KEY (doc_id, client));
      CREATE TABLE IF NOT EXISTS inbox_reads (
        workspace_id TEXT NOT NULL, item_id TEXT NOT NULL, read_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, item_id));
      -- One number per doc that every append raises (compaction changes no content, so not it):
      -- a list preview is served only while the doc is at the version it was computed from.
      CREATE TABLE IF NOT EXISTS doc_versions (doc_id TEXT PRIMARY KEY, version INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS list_previews (
        doc_id TEXT NOT NULL, list TEXT NOT NULL, version INTEGER NOT NULL, json TEXT NOT NULL,
        written_at INTEGER NOT NULL, PRIMARY KEY (doc_id, list));
    `);
  }

  saveConnection(conn: WorkspaceConnection): void {
    this.db
      .prepare(
        `INSERT INTO connections (workspace_id, name, server_url, token, member_id, member_name, role, local, last_opened_at)
         VALUES (@workspaceId, @name, @serverUrl, @token, @memberId, @memberName, @role, @local, @lastOpenedAt)
         ON CONFLICT(workspace_id) DO UPDATE SET name=excluded.name, server_url=excluded.server_url,
           token=excluded.token, member_id=excluded.member_id, member_name=excluded.member_name,
           role=excluded.role, local=excluded.local, last_opened_at=excluded.last_opened_at`,
      )
      .run({ ...conn, local: conn.local ? 1 : 0 });
  }

  /** Forgets a joined workspace (its cached docs stay). */
  removeConnection(workspaceId: string): void {
    this.db.prepare('DELETE FROM connections WHERE workspace_id = ?').run(workspaceId);
  }

  touchConnection(workspaceId: string, now: number): void {
    this.db.prepare('UPDATE connections SET last_opened_at = ? WHERE workspace_id = ?').run(now, workspaceId);
  }

  getConnection(workspaceId: string): WorkspaceConnection | undefined {
    return this.listConnections().find((c) => c.workspaceId === workspaceId);
  }

  /** Joined workspaces, most recently opened first. */
  listConnections(): WorkspaceConnection[] {
    const rows = this.db
      .prepare(
        `SELECT workspace_id AS workspaceId, name, server_url AS serverUrl, token, member_id AS memberId,
           member_name AS memberName, role, local, last_opened_at AS lastOpenedAt
         FROM connections ORDER BY last_opened_at DESC`,
      )
      .all() as (Omit<WorkspaceConnection, 'local'> & { local: number })[];
    return rows.map((r) => ({ ...r, local: r.local === 1 }));
  }

  /**
   * Appends updates to a doc's log in one transaction; returns how many were written. The ones
   * flagged `local` (edits made here) are also recorded, as one pending change, until
   * `markServerHas` says the server holds them — in the same transaction, so a saved edit is
   * never untracked. Each append raises the doc's version.
   */
  appendUpdates(docId: string, updates: Uint8Array[], local?: boolean[]): number {
    return this.appendWithPreviews(docId, updates, local).saved;
  }

  /**
   * appendUpdates, and `previews`: lists drawn from the doc with this batch in it, by a window
   * that had the doc at `expectVersion` before it — kept at the new version in the same
   * transaction, and only if no one else appended in between (a page being closed sends its last
   * edits and its screen together: CacheSaver.closing). Says whether the previews were kept.
   */
  appendWithPreviews(docId: string, updates: Uint8Array[], local?: boolean[], previews?: AppendPreviews): { saved: number; previewsKept: boolean } {
    const insert = this.db.prepare('INSERT INTO doc_updates (doc_id, data) VALUES (?, ?)');
    const pending = this.db.prepare('INSERT INTO pending_edits (doc_id, reaches) VALUES (?, ?)');
    // One pending row per saved batch, not per update: a batch is what a person did in the last
    // few hundred ms (a typed sentence is hundreds of Yjs updates but one change to them).
    const reaches: Record<string, number> = {};
    updates.forEach((update, i) => {
      if (!local?.[i]) return;
      for (const [client, clock] of Y.parseUpdateMeta(update).to) reaches[client] = Math.max(reaches[client] ?? 0, clock);
    });
    const bump = this.db.prepare('INSERT INTO doc_versions (doc_id, version) VALUES (?, 1) ON CONFLICT(doc_id) DO UPDATE SET version = version + 1');
    const own = this.db.prepare('INSERT OR IGNORE INTO own_clients (doc_id, client) VALUES (?, ?)');
    return this.db.transaction(() => {
      const before = previews ? this.docVersion(docId) : -1;
      for (const update of updates) insert.run(docId, update);
      if (Object.keys(reaches).length > 0) pending.run(docId, JSON.stringify(reaches));
      for (const client of Object.keys(reaches)) own.run(docId, Number(client));
      bump.run(docId);
      const previewsKept = previews !== undefined && before === previews.expectVersion;
      if (previewsKept) {
        const version = this.docVersion(docId);
        for (const { list, json } of previews.lists) this.savePreview(docId, list, version, json);
      }
      return { saved: updates.length, previewsKept };
    })();
  }

  /** The doc's version: raised by every append (0 for a doc never appended to). */
  docVersion(docId: string): number {
    return (this.db.prepare('SELECT version FROM doc_versions WHERE doc_id = ?').get(docId) as { version: number } | undefined)?.version ?? 0;
  }

  /**
   * Keeps a list as the app last drew it from the doc at `version` (see
   * src/core/workspace/list-preview.ts), so the next open can draw it before the doc is applied.
   * Refused (false) when the doc has moved on since: a preview must match the doc exactly.
   */
  savePreview(docId: string, list: string, version: number, json: string, now = Date.now()): boolean {
    return this.db.transaction(() => {
      if (this.docVersion(docId) !== version) return false;
      this.db
        .prepare(
          `INSERT INTO list_previews (doc_id, list, version, json, written_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(doc_id, list) DO UPDATE SET version = excluded.version, json = excluded.json, written_at = excluded.written_at`,
        )
        .run(docId, list, version, json, now);
      return true;
    })();
  }

  /** The saved preview of a list, or null when there is none or the doc changed after it was saved. */
  loadPreview(docId: string, list: string): string | null {
    const row = this.db.prepare('SELECT version, json FROM list_previews WHERE doc_id = ? AND list = ?').get(docId, list) as { version: number; json: string } | undefined;
    return row && row.version === this.docVersion(docId) ? row.json : null;
  }

  /** Docs (of this workspace: its own doc and its note docs) with edits the server may lack. */
  docsWithPendingEdits(workspaceId: string): string[] {
    return (
      this.db
        .prepare("SELECT DISTINCT doc_id AS docId FROM pending_edits WHERE doc_id = ? OR doc_id LIKE ? ESCAPE '\\'")
        .all(workspaceId, `${workspaceId.replace(/[\\%_]/g, '\\$&')}:%`) as { docId: string }[]
    ).map((r) => r.docId);
  }

  /** Forgets the pending edits the server's state vector covers; returns how many are left. */
  markServerHas(docId: string, serverVector: Map<number, number>): number {
    const rows = this.db.prepare('SELECT seq, reaches FROM pending_edits WHERE doc_id = ?').all(docId) as { seq: number; reaches: string }[];
    const covered = rows.filter((r) => Object.entries(JSON.parse(r.reaches) as Record<string, number>).every(([client, clock]) => (serverVector.get(Number(client)) ?? 0) >= clock));
    const remove = this.db.prepare('DELETE FROM pending_edits WHERE seq = ?');
    this.db.transaction(() => {
      for (const r of covered) remove.run(r.seq);
    })();
    return rows.length - covered.length;
  }

  /**
   * The server refused this doc's pending edits: they move to `refused_edits` (with why), so the
   * pusher stops sending them — each push would only be refused again. Returns how many moved.
   */
  markRefused(docId: string, reason: string, now = Date.now()): number {
    return this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO refused_edits (seq, doc_id, reaches, reason, refused_at) SELECT seq, doc_id, reaches, ?, ? FROM pending_edits WHERE doc_id = ?')
        .run(reason, now, docId);
      return this.db.prepare('DELETE FROM pending_edits WHERE doc_id = ?').run(docId).changes;
    })();
  }

  /** How many of these docs' edits the server refused (see markRefused, replaceDoc). */
  refusedEdits(docIds: string[]): number {
    const count = this.db.prepare('SELECT count(*) AS n FROM refused_edits WHERE doc_id = ?');
    return docIds.reduce((sum, id) => sum + (count.get(id) as { n: number }).n, 0);
  }

  /**
   * Replaces the doc's cached state with `state` (the server's, after it refused edits made
   * here): the log and snapshot go, `state` becomes the snapshot, and the doc's pending edits
   * are marked refused — what the person may still want is in the app's "not sent" panel, not
   * in the doc, so it cannot reach the server later unnoticed. One transaction.
   */
  replaceDoc(docId: string, state: Uint8Array, reason: string, now = Date.now()): void {
    this.db.transaction(() => {
      this.markRefused(docId, reason, now);
      this.db.prepare('DELETE FROM doc_updates WHERE doc_id = ?').run(docId);
      this.writeSnapshot(docId, sliceUpdateOrWhole(state, SNAPSHOT_SLICE_BYTES), now);
      this.db.prepare('INSERT INTO doc_versions (doc_id, version) VALUES (?, 1) ON CONFLICT(doc_id) DO UPDATE SET version = version + 1').run(docId);
    })();
  }

  /**
   * Keeps `state` (the server's whole state of a doc this device has nothing of: a workspace
   * opened here for the first time) as the doc's snapshot, sliced when large, so the window
   * opens it in slices like any cached doc instead of taking it from the sync socket in one
   * message and one apply. Remote state: nothing is pending. If something was cached meanwhile,
   * `state` is appended to the log instead (as a remote update), so nothing already kept is lost.
   * One transaction. A state that does not read as a Yjs update throws (UpdateSliceError, naming
   * the byte) and nothing is written: a cache holding it would fail every open of the workspace.
   */
  seedDoc(docId: string, state: Uint8Array, now = Date.now()): void {
    const slices = sliceUpdate(state, SNAPSHOT_SLICE_BYTES);
    this.db.transaction(() => {
      if (this.snapshotParts(docId).length > 0 || this.logLength(docId) > 0) {
        this.db.prepare('INSERT INTO doc_updates (doc_id, data) VALUES (?, ?)').run(docId, state);
      } else {
        this.writeSnapshot(docId, slices, now);
      }
      this.db.prepare('INSERT INTO doc_versions (doc_id, version) VALUES (?, 1) ON CONFLICT(doc_id) DO UPDATE SET version = version + 1').run(docId);
    })();
  }

  /** How many saved edits of these docs the server is not known to have. */
  pendingEdits(docIds: string[]): number {
    if (docIds.length === 0) return 0;
    const count = this.db.prepare('SELECT count(*) AS n FROM pending_edits WHERE doc_id = ?');
    return docIds.reduce((sum, id) => sum + (count.get(id) as { n: number }).n, 0);
  }

  /** Yjs clients that wrote this doc's edits on this device (see own_clients). */
  ownClients(docId: string): number[] {
    return (this.db.prepare('SELECT client FROM own_clients WHERE doc_id = ?').all(docId) as { client: number }[]).map((r) => r.client);
  }

  /** Yjs clients with edits in this doc that the server has not confirmed (pending or refused). */
  unsentClients(docId: string): number[] {
    const rows = this.db.prepare('SELECT reaches FROM pending_edits WHERE doc_id = ? UNION ALL SELECT reaches FROM refused_edits WHERE doc_id = ?').all(docId, docId) as { reaches: string }[];
    return [...new Set(rows.flatMap((r) => Object.keys(JSON.parse(r.reaches) as Record<string, number>).map(Number)))];
  }

  /** The doc's cached state as one update (snapshot plus log), or null if nothing is cached. */
  loadDoc(docId: string): Uint8Array | null {
    const parts = this.loadDocUpdates(docId);
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
  }

  /**
   * Applies the doc's cached state to `doc`, part by part in one transaction (no merge: merging
   * the slices of a large workspace re-encodes all of it); false when nothing is cached.
   */
  loadDocInto(docId: string, doc: Y.Doc, origin?: unknown): boolean {
    const parts = this.loadDocUpdates(docId);
    if (parts.length === 0) return false;
    doc.transact(() => {
      for (const part of parts) Y.applyUpdate(doc, part, origin);
    }, origin);
    return true;
  }

  /**
   * The doc's cached state as updates to apply in order — the snapshot (as its slices, when it
   * is large), then each log row — or an empty list if nothing is cached. Not merged into one,
   * because a merge decodes and re-encodes the whole doc (0.75 s for a 15 MB workspace with 300
   * log rows, bench:open) while applying a few hundred small updates after the snapshot costs
   * next to nothing. Past COMPACT_AFTER rows the log is folded into the snapshot first. A large
   * snapshot written before slices existed is sliced now, once, so no window has to apply it in
   * one piece.
   */
  loadDocUpdates(docId: string): Uint8Array[] {
    let snapshot = this.snapshotParts(docId);
    if (snapshot.length === 1 && snapshot[0]!.length > 2 * SNAPSHOT_SLICE_BYTES) {
      const slices = sliceUpdateOrWhole(snapshot[0]!, SNAPSHOT_SLICE_BYTES);
      if (slices.length > 1) {
        this.db.transaction(() => this.writeSnapshot(docId, slices))();
        snapshot = slices;
      }
    }
    const rows = this.db
      .prepare('SELECT seq, data FROM doc_updates WHERE doc_id = ? ORDER BY seq')
      .all(docId) as { seq: number; data: Buffer }[];
    const parts = [...snapshot, ...rows.map((r) => view(r.data))];
    if (rows.length <= COMPACT_AFTER) return parts;
    const slices = sliceUpdateOrWhole(Y.mergeUpdates(parts), SNAPSHOT_SLICE_BYTES);
    try {
      this.db.transaction(() => {
        this.writeSnapshot(docId, slices);
        this.db.prepare('DELETE FROM doc_updates WHERE doc_id = ? AND seq <= ?').run(docId, rows[rows.length - 1]!.seq);
      })();
    } catch {
      // Rolled back: the log is intact and loads as it is; compaction is retried next load.
    }
    return slices;
  }

  /** How many slices the doc's snapshot is kept as (0: no snapshot; for tests and diagnostics). */
  snapshotSlices(docId: string): number {
    return this.snapshotParts(docId).length;
  }

  /** Counts the update-log rows of a doc (for tests and diagnostics). */
  logLength(docId: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM doc_updates WHERE doc_id = ?').get(docId) as { n: number }).n;
  }

  private snapshotParts(docId: string): Uint8Array[] {
    const slices = this.db.prepare('SELECT data FROM doc_snapshot_slices WHERE doc_id = ? ORDER BY part').all(docId) as { data: Buffer }[];
    if (slices.length > 0) return slices.map((r) => view(r.data));
    const row = this.db.prepare('SELECT data FROM doc_snapshots WHERE doc_id = ?').get(docId) as { data: Buffer } | undefined;
    return row ? [view(row.data)] : [];
  }

  /** Replaces the doc's snapshot by `slices` (one: a plain snapshot row). Call inside a transaction. */
  private writeSnapshot(docId: string, slices: Uint8Array[], now = Date.now()): void {
    this.db.prepare('DELETE FROM doc_snapshot_slices WHERE doc_id = ?').run(docId);
    this.db.prepare('DELETE FROM doc_snapshots WHERE doc_id = ?').run(docId);
    if (slices.length === 1) {
      this.db.prepare('INSERT INTO doc_snapshots (doc_id, data, updated_at) VALUES (?, ?, ?)').run(docId, slices[0]!, now);
      return;
    }
    const insert = this.db.prepare('INSERT INTO doc_snapshot_slices (doc_id, part, data) VALUES (?, ?, ?)');
    slices.forEach((slice, part) => insert.run(docId, part, slice));
  }

  /** Inbox items read on this device (the inbox itself is derived from the workspace doc). */
  inboxReads(workspaceId: string): string[] {
    return (this.db.prepare('SELECT item_id AS id FROM inbox_reads WHERE workspace_id = ?').all(workspaceId) as { id: string }[]).map((r) => r.id);
  }

  markInboxRead(workspaceId: string, itemIds: string[], now = Date.now()): number {
    const insert = this.db.prepare('INSERT OR IGNORE INTO inbox_reads (workspace_id, item_id, read_at) VALUES (?, ?, ?)');
    return this.db.transaction(() => itemIds.reduce((n, id) => n + insert.run(workspaceId, id, now).changes, 0))();
  }

  putBlob(sha256: string, data: Uint8Array): void {
    this.db.prepare('INSERT OR IGNORE INTO blobs (sha256, data, created_at) VALUES (?, ?, ?)').run(sha256, data, Date.now());
  }

  getBlob(sha256: string): Uint8Array | undefined {
    const row = this.db.prepare('SELECT data FROM blobs WHERE sha256 = ?').get(sha256) as { data: Buffer } | undefined;
    return row ? new Uint8Array(row.data) : undefined;
  }

  /** Remembers where on this machine the file with this content hash lives. */
  recordLocalFile(md5: string, path: string): void {
    this.db
      .prepare('INSERT INTO local_files (md5, path, recorded_at) VALUES (?, ?, ?) ON CONFLICT(md5) DO UPDATE SET path = excluded.path, recorded_at = excluded.recorded_at')
      .run(md5, path, Date.now());
  }

  localFile(md5: string): string | undefined {
    return (this.db.prepare('SELECT path FROM local_files WHERE md5 = ?').get(md5) as { path: string } | undefined)?.path;
  }

  close(): void {
    this.db.close();
  }
}
