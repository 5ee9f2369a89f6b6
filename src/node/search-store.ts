/**
 * The search index's tables in the local cache's SQLite file, and the query over them.
 *
 * `search_docs` holds each entity's plain text and display fields; `search_fts` is an
 * external-content FTS5 table over it, kept by triggers
 * (https://sqlite.org/fts5.html#external_content_tables). Tokenizer `unicode61
 * remove_diacritics 2`, so "cafe" finds "Café"; prefix indexes of 2 and 3 characters, so
 * as-you-type prefix queries are index lookups. Ranking is bm25 with the title weighted over
 * the text over the rest (who, status, params).
 *
 * Ranking cost grows with the number of matches: FTS5 scores every match before it can sort.
 * A palette query of one common letter can match most of a workspace, so only the
 * CANDIDATES most recently indexed matches are scored (found by walking the doclist in rowid
 * order, which is cheap); a query with fewer matches is ranked in full.
 *
 * `search_state` records which workspaces have been indexed; `search_pending` marks docs with
 * updates saved but not yet indexed, so a host that died in between catches up on restart.
 */
import type Database from 'better-sqlite3';
import type { SearchDocument, SearchKind } from '../core/workspace/search-documents.ts';
import type { SearchHit } from '../shared/host-contract.ts';
import { MATCH_CLOSE, MATCH_OPEN, ftsQuery, plainText, segments } from './fts-query.ts';

/** Bump when the tables or what is indexed change: the index is derived, so it is rebuilt. */
/** 2: models, model versions and handoffs (and comments on them) are searched too. */
const INDEX_VERSION = 2;
/** bm25 column weights: title, body, extra. */
const WEIGHTS = '10.0, 2.0, 1.0';
export const CANDIDATES = 2000;

type Marks = { rowid: number; title: string | null; body: string | null; extra: string | null };

export class SearchStore {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    createTables(db);
    this.stmt = {
      upsert: db.prepare(
        `INSERT INTO search_docs (workspace_id, kind, entity_id, label, title, body, extra, target_kind, target_id)
         VALUES (@ws, @kind, @id, @label, @title, @body, @extra, @targetKind, @targetId)
         ON CONFLICT (workspace_id, kind, entity_id) DO UPDATE SET label = excluded.label, title = excluded.title,
           body = CASE WHEN excluded.kind = 'note' THEN body ELSE excluded.body END,
           extra = excluded.extra, target_kind = excluded.target_kind, target_id = excluded.target_id
         WHERE label IS NOT excluded.label OR title IS NOT excluded.title OR extra IS NOT excluded.extra
           OR target_kind IS NOT excluded.target_kind OR target_id IS NOT excluded.target_id
           OR (excluded.kind <> 'note' AND body IS NOT excluded.body)`,
      ),
      remove: db.prepare('DELETE FROM search_docs WHERE workspace_id = ? AND kind = ? AND entity_id = ?'),
      has: db.prepare('SELECT 1 FROM search_docs WHERE workspace_id = ? AND kind = ? AND entity_id = ?').pluck(),
      target: db.prepare('SELECT target_kind AS kind, target_id AS id FROM search_docs WHERE workspace_id = ? AND kind = ? AND entity_id = ? AND target_kind IS NOT NULL'),
      setNoteBody: db.prepare("UPDATE search_docs SET body = @body WHERE workspace_id = @ws AND kind = 'note' AND entity_id = @id AND body IS NOT @body"),
      keys: db.prepare('SELECT kind, entity_id AS id FROM search_docs WHERE workspace_id = ?'),
      indexed: db.prepare('SELECT 1 FROM search_state WHERE doc_id = ?').pluck(),
      setIndexed: db.prepare('INSERT OR REPLACE INTO search_state (doc_id, indexed_at) VALUES (?, ?)'),
      pending: db.prepare('SELECT 1 FROM search_pending WHERE doc_id = ?').pluck(),
      markPending: db.prepare('INSERT OR IGNORE INTO search_pending (doc_id) VALUES (?)'),
      clearPending: db.prepare('DELETE FROM search_pending WHERE doc_id = ?'),
      pendingBetween: db.prepare('SELECT doc_id FROM search_pending WHERE doc_id >= ? AND doc_id < ?').pluck(),
      floor: db.prepare(
        `SELECT search_fts.rowid FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid
         WHERE search_fts MATCH @match AND d.workspace_id = @ws
         ORDER BY search_fts.rowid DESC LIMIT 1 OFFSET ${CANDIDATES - 1}`,
      ).pluck(),
      top: db.prepare(
        `SELECT search_fts.rowid AS rowid, d.kind, d.entity_id AS id, d.label, d.target_kind AS targetKind, d.target_id AS targetId,
           t.label AS targetTitle, bm25(search_fts, ${WEIGHTS}) AS score
         FROM search_fts
         JOIN search_docs d ON d.id = search_fts.rowid
         LEFT JOIN search_docs t ON t.workspace_id = d.workspace_id AND t.kind = d.target_kind AND t.entity_id = d.target_id
         WHERE search_fts MATCH @match AND search_fts.rowid >= @floor AND d.workspace_id = @ws
           -- a comment whose incident, run, version or note is gone has nothing to open
           AND (d.target_kind IS NULL OR t.id IS NOT NULL)
         ORDER BY score
         LIMIT @limit`,
      ),
      // Separate from `top`: SQLite computes every selected column before it sorts, and a
      // snippet per candidate would cost more than the ranking. One pass over the rowid range
      // of the hits, not one MATCH per hit: a prefix longer than the prefix indexes expands
      // its terms' doclists on every MATCH. `+rowid` keeps the IN from becoming one lookup per id.
      marks: db.prepare(
        `SELECT rowid, highlight(search_fts, 0, '${MATCH_OPEN}', '${MATCH_CLOSE}') AS title,
           snippet(search_fts, 1, '${MATCH_OPEN}', '${MATCH_CLOSE}', '…', 16) AS body,
           snippet(search_fts, 2, '${MATCH_OPEN}', '${MATCH_CLOSE}', '…', 10) AS extra
         FROM search_fts
         WHERE search_fts MATCH @match AND rowid BETWEEN @lo AND @hi AND +rowid IN (SELECT value FROM json_each(@ids))`,
      ),
    };
  }

  /** See SearchIndex.query. */
  query(workspaceId: string, text: string, limit: number): SearchHit[] {
    const match = ftsQuery(text);
    if (!match) return [];
    const floor = (this.stmt.floor.get({ match, ws: workspaceId }) as number | undefined) ?? 0;
    const rows = this.stmt.top.all({ match, floor, ws: workspaceId, limit: Math.max(1, Math.min(limit, 100)) }) as {
      rowid: number; kind: SearchKind; id: string; label: string; targetKind: string | null; targetId: string | null; targetTitle: string | null;
    }[];
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.rowid);
    const marks = new Map(
      (this.stmt.marks.all({ match, lo: Math.min(...ids), hi: Math.max(...ids), ids: JSON.stringify(ids) }) as Marks[]).map((m) => [m.rowid, m]),
    );
    return rows.map((r) => {
      const marked = marks.get(r.rowid);
      const body = segments(marked?.body ?? '');
      const extra = segments(marked?.extra ?? '');
      // Where the words matched; else the start of the text, for context.
      const snippet = body.some((s) => s.match) ? body : extra.some((s) => s.match) ? extra : body;
      const titleSegments = marked?.title ? segments(marked.title) : [{ text: r.label, match: false }];
      const hit: SearchHit = { kind: r.kind, id: r.id, title: r.label, titleSegments, snippet };
      if (r.targetKind && r.targetId) hit.target = { kind: r.targetKind as NonNullable<SearchHit['target']>['kind'], id: r.targetId, title: r.targetTitle };
      return hit;
    });
  }

  /**
   * Writes one entity (nothing, when it is indexed as it is); returns true when it was not
   * indexed before. A note keeps its indexed text.
   */
  upsert(workspaceId: string, d: SearchDocument): boolean {
    const isNew = this.stmt.has.get(workspaceId, d.kind, d.id) === undefined;
    this.stmt.upsert.run({ ws: workspaceId, kind: d.kind, id: d.id, targetKind: d.target?.kind ?? null, targetId: d.target?.id ?? null, ...stored(d) });
    return isNew;
  }

  remove(workspaceId: string, kind: SearchKind, id: string): void {
    this.stmt.remove.run(workspaceId, kind, id);
  }

  has(workspaceId: string, kind: SearchKind, id: string): boolean {
    return this.stmt.has.get(workspaceId, kind, id) !== undefined;
  }

  setNoteBody(workspaceId: string, noteId: string, text: string): void {
    this.stmt.setNoteBody.run({ ws: workspaceId, id: noteId, body: plainText(text) });
  }

  /** What an indexed comment hangs off (null: not indexed, or not a comment). */
  targetOf(workspaceId: string, kind: SearchKind, id: string): { kind: string; id: string } | null {
    return (this.stmt.target.get(workspaceId, kind, id) as { kind: string; id: string } | undefined) ?? null;
  }

  /** Every entity indexed for the workspace. */
  keys(workspaceId: string): { kind: SearchKind; id: string }[] {
    return this.stmt.keys.all(workspaceId) as { kind: SearchKind; id: string }[];
  }

  /** True once the workspace has been indexed in full. */
  isIndexed(workspaceId: string): boolean {
    return this.stmt.indexed.get(workspaceId) !== undefined;
  }

  setIndexed(workspaceId: string, now: number): void {
    this.stmt.setIndexed.run(workspaceId, now);
  }

  isPending(docId: string): boolean {
    return this.stmt.pending.get(docId) !== undefined;
  }

  markPending(docId: string): void {
    this.stmt.markPending.run(docId);
  }

  clearPending(docId: string): void {
    this.stmt.clearPending.run(docId);
  }

  /** Pending doc ids that start with `prefix`. */
  pendingWithPrefix(prefix: string): string[] {
    return this.stmt.pendingBetween.all(prefix, `${prefix}\uffff`) as string[];
  }

  transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }

  /** The query's two statements, for checking their plans. */
  get querySql(): string[] {
    return [this.stmt.floor.source, this.stmt.top.source, this.stmt.marks.source];
  }
}

function stored(d: SearchDocument) {
  return { label: plainText(d.label, 1000), title: plainText(d.title, 1000), body: plainText(d.body), extra: plainText(d.extra, 10_000) };
}

function createTables(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const version = db.prepare("SELECT value FROM search_meta WHERE key = 'version'").pluck().get();
  if (version === String(INDEX_VERSION)) return;
  db.transaction(() => {
    // Derived data: an index from another version is dropped and rebuilt from the docs.
    db.exec(`
      DROP TABLE IF EXISTS search_fts; DROP TABLE IF EXISTS search_docs;
      DROP TABLE IF EXISTS search_state; DROP TABLE IF EXISTS search_pending;
      CREATE TABLE search_docs (
        id INTEGER PRIMARY KEY, workspace_id TEXT NOT NULL, kind TEXT NOT NULL, entity_id TEXT NOT NULL,
        label TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, extra TEXT NOT NULL,
        target_kind TEXT, target_id TEXT,
        UNIQUE (workspace_id, kind, entity_id));
      CREATE VIRTUAL TABLE search_fts USING fts5(
        title, body, extra, content = 'search_docs', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
      CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
        INSERT INTO search_fts (rowid, title, body, extra) VALUES (new.id, new.title, new.body, new.extra);
      END;
      CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
        INSERT INTO search_fts (search_fts, rowid, title, body, extra) VALUES ('delete', old.id, old.title, old.body, old.extra);
      END;
      CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
        INSERT INTO search_fts (search_fts, rowid, title, body, extra) VALUES ('delete', old.id, old.title, old.body, old.extra);
        INSERT INTO search_fts (rowid, title, body, extra) VALUES (new.id, new.title, new.body, new.extra);
      END;
      CREATE TABLE search_state (doc_id TEXT PRIMARY KEY, indexed_at INTEGER NOT NULL);
      CREATE TABLE search_pending (doc_id TEXT PRIMARY KEY);`);
    db.prepare("INSERT INTO search_meta (key, value) VALUES ('version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(INDEX_VERSION));
  })();
}
