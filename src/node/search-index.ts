/**
 * Full-text search over a workspace (incidents, comments, runs, dataset versions, notes), kept
 * in step with the docs as the host saves them. The tables and the query are in
 * search-store.ts; this file decides what to re-index when.
 *
 * The host keeps one Y.Doc per workspace a window has open. It starts from the very bytes the
 * window got from `cache.load`, so every update appended afterwards is applied to it with the
 * registries' observers on, and only the entities those updates touched are re-read and
 * upserted or deleted. Building that doc costs about what the window's own load costs, so it
 * waits for the first append: opening a workspace to read it costs the host nothing, and
 * queries never need the doc. Indexing runs right after the save is answered
 * (setImmediate), or at once before a query, so a query always sees every saved update.
 *
 * Crashes: each append marks the doc pending (search_pending) and the mark is cleared once its
 * updates are indexed. A workspace loaded with a mark, or never indexed, is rebuilt: every
 * entity of the doc and of the index is re-read and written if it differs; so is one whose
 * first update in this process arrives before its load (a host restarted under an open
 * window), because a doc read from the cache after the append cannot tell what the append
 * changed. A rebuild of a large workspace takes seconds (FTS5 inserts dominate), and in
 * Electron the host is the main process, so the host rebuilds in slices between other work;
 * each slice re-reads the live doc, so edits that land meanwhile are never overwritten.
 *
 * Notes: a note's text is a Y.Text in its own doc and changes with every keystroke, so it is
 * re-read from the cache debounced (and at most every few seconds while someone types).
 *
 * Conversation docs (`<ws>:thread:<kind>:<id>`, src/core/workspace/thread-docs.ts): their
 * comments are indexed as the workspace doc's are, re-read from the cache debounced like a note
 * when one is saved; a comment the workspace doc no longer holds (moved by the server's split) is
 * kept while its cached conversation doc holds it.
 */
import * as Y from 'yjs';
import { SEARCH_KINDS, type SearchKind, readSearchDocument, registryOf, watchSearchDocuments } from '../core/workspace/search-documents.ts';
import { DOC_KEYS, NOTE_TEXT_KEY, isThreadTarget, noteDocName, parseDocName, threadDocName, type ThreadKind } from '../core/workspace/index.ts';
import type { SearchHit } from '../shared/host-contract.ts';
import type { LocalCache } from './local-cache.ts';
import { SearchStore } from './search-store.ts';

export const NOTE_REINDEX_DELAY_MS = 400;
/** A note typed into without pause is still re-indexed this often. */
const NOTE_REINDEX_MAX_WAIT_MS = 3000;
/** Entities a background rebuild writes between two turns of the event loop (about 50 ms' worth). */
const REBUILD_SLICE = 300;

export interface SearchIndexOptions {
  noteDelayMs?: number;
  /** Where indexing failures are reported; they never fail a save. */
  warn?: (message: string) => void;
  now?: () => number;
}

type Key = { kind: SearchKind; id: string };

interface OpenWorkspace {
  doc: Y.Doc;
  touched: Map<string, Key>;
  unwatch: () => void;
  /** Entities a rebuild has still to write, when one is under way. */
  rebuild: Key[] | null;
}

/**
 * A doc's cached state as `cache.load` read it: the updates to apply in order (the snapshot and
 * the log after it, see LocalCache.loadDocUpdates), or one update, or null for nothing cached.
 */
type CachedState = Uint8Array | readonly Uint8Array[] | null;

type Queued =
  | { kind: 'load'; workspaceId: string; update: CachedState; stale: boolean }
  | { kind: 'append'; workspaceId: string; updates: Uint8Array[] };

export class SearchIndex {
  private readonly store: SearchStore;
  private readonly open = new Map<string, OpenWorkspace>();
  /** What a window loaded of a workspace whose index is in step: the doc is built from it at the first append. */
  private readonly baselines = new Map<string, CachedState>();
  private readonly queue: Queued[] = [];
  private drainTimer: ReturnType<typeof setImmediate> | null = null;
  private rebuildTimer: ReturnType<typeof setImmediate> | null = null;
  private readonly noteTimers = new Map<string, { timer: ReturnType<typeof setTimeout>; firstAt: number }>();
  private readonly noteDelayMs: number;
  private readonly warn: (message: string) => void;
  private readonly now: () => number;

  constructor(
    private readonly cache: LocalCache,
    options: SearchIndexOptions = {},
  ) {
    this.store = new SearchStore(cache.sqlite);
    this.noteDelayMs = options.noteDelayMs ?? NOTE_REINDEX_DELAY_MS;
    this.warn = options.warn ?? ((m) => console.warn(`search index: ${m}`));
    this.now = options.now ?? Date.now;
  }

  /** The host read a doc from the cache for a window (`cache.load`): keep a copy to follow its updates. */
  afterLoad(docId: string, update: CachedState): void {
    this.guard(docId, () => {
      const name = parseDocName(docId);
      if (name?.kind !== 'workspace' || this.open.has(docId) || this.baselines.has(docId) || this.queue.some((q) => q.workspaceId === docId)) return;
      // Decided now: a mark set by an append queued after this load is that append's, not a leftover.
      const stale = !this.store.isIndexed(docId) || this.store.isPending(docId);
      this.enqueue({ kind: 'load', workspaceId: docId, update, stale });
    });
  }

  /** The host appended updates of a doc to the cache (`cache.append`). Cheap; never throws. */
  afterAppend(docId: string, updates: Uint8Array[]): void {
    this.guard(docId, () => {
      const name = parseDocName(docId);
      if (!name) return;
      this.store.markPending(docId);
      if (name.kind === 'note' || name.kind === 'thread') this.scheduleNote(docId);
      else this.enqueue({ kind: 'append', workspaceId: docId, updates });
    });
  }

  /**
   * Entities of the workspace matching what a person typed, best first (bm25), at most `limit`
   * (1–100). Every word must match; the last is a prefix unless `text` ends in a space; FTS5
   * syntax in `text` is taken literally, so no input throws. An FTS5 index lookup with a
   * LIMIT, no scan: this is what must answer within 50 ms on a 30,000-entity workspace.
   */
  query(workspaceId: string, text: string, limit = 20): SearchHit[] {
    this.drain();
    // A rebuild under way is finished first: someone is waiting for complete results. An index
    // in step is answered without loading the doc.
    const stale = this.open.get(workspaceId)?.rebuild || (!this.open.has(workspaceId) && (!this.store.isIndexed(workspaceId) || this.store.isPending(workspaceId)));
    if (stale) this.ensureIndexed(workspaceId);
    return this.store.query(workspaceId, text, limit);
  }

  /**
   * Brings the workspace's index in step with its cached doc now: loads the doc if this host has
   * not, and reconciles when the index may be behind. The host does this lazily; tests and
   * benchmarks call it to build the index up front.
   */
  ensureIndexed(workspaceId: string): void {
    this.drain();
    const ok = this.guard(workspaceId, () => {
      if (!this.open.has(workspaceId)) {
        const stale = !this.store.isIndexed(workspaceId) || this.store.isPending(workspaceId);
        this.openWorkspace(workspaceId, this.cache.loadDocUpdates(workspaceId), stale);
      }
      const ws = this.open.get(workspaceId)!;
      while (ws.rebuild) this.rebuildSlice(workspaceId, ws, Infinity);
    });
    if (!ok) this.close(workspaceId);
  }

  /** Indexes everything queued or debounced, now. */
  flush(): void {
    this.drain();
    for (const id of [...this.open.keys()]) this.ensureIndexed(id);
    for (const [docId, { timer }] of [...this.noteTimers]) {
      clearTimeout(timer);
      this.noteTimers.delete(docId);
      this.indexNote(docId);
    }
  }

  dispose(): void {
    this.drain();
    if (this.rebuildTimer) clearImmediate(this.rebuildTimer);
    for (const { timer } of this.noteTimers.values()) clearTimeout(timer);
    this.noteTimers.clear(); // their pending marks stay: indexed when the workspace is next opened
    for (const ws of this.open.values()) {
      ws.unwatch();
      ws.doc.destroy();
    }
    this.open.clear();
    this.baselines.clear();
  }

  private enqueue(item: Queued): void {
    this.queue.push(item);
    this.drainTimer ??= setImmediate(() => this.drain());
  }

  private drain(): void {
    if (this.drainTimer) clearImmediate(this.drainTimer);
    this.drainTimer = null;
    const done = new Set<string>();
    for (const item of this.queue.splice(0)) {
      const ok = this.guard(item.workspaceId, () => {
        const ws = this.open.get(item.workspaceId);
        if (item.kind === 'load') {
          if (ws) return;
          if (item.stale) this.openWorkspace(item.workspaceId, item.update, true);
          else this.baselines.set(item.workspaceId, item.update);
        } else if (!ws && this.baselines.has(item.workspaceId)) {
          const baseline = this.baselines.get(item.workspaceId)!;
          this.baselines.delete(item.workspaceId);
          const opened = this.openWorkspace(item.workspaceId, baseline, false);
          Y.applyUpdate(opened.doc, item.updates.length === 1 ? item.updates[0]! : Y.mergeUpdates(item.updates));
          this.writeTouched(item.workspaceId, opened);
        } else if (!ws) {
          // Read from the cache after this append, the doc cannot tell what the append changed.
          this.openWorkspace(item.workspaceId, this.cache.loadDocUpdates(item.workspaceId), true);
        } else {
          Y.applyUpdate(ws.doc, item.updates.length === 1 ? item.updates[0]! : Y.mergeUpdates(item.updates));
          this.writeTouched(item.workspaceId, ws);
        }
      });
      if (ok) done.add(item.workspaceId);
      else {
        done.delete(item.workspaceId);
        this.close(item.workspaceId); // pending stays marked: reconciled when next opened
      }
    }
    // Only now: every update queued for these docs is in the index (unless a rebuild is still under way).
    const indexed = [...done].filter((id) => this.open.get(id)?.rebuild === null);
    if (indexed.length > 0) this.guard('pending marks', () => this.store.transaction(() => indexed.forEach((id) => this.store.clearPending(id))));
  }

  private openWorkspace(workspaceId: string, update: CachedState, stale: boolean): OpenWorkspace {
    const doc = new Y.Doc();
    const updates = update === null ? [] : update instanceof Uint8Array ? [update] : update;
    doc.transact(() => updates.forEach((u) => Y.applyUpdate(doc, u)));
    const touched = new Map<string, Key>();
    const unwatch = watchSearchDocuments(doc, (kind, id) => touched.set(`${kind}\u0000${id}`, { kind, id }));
    const ws: OpenWorkspace = { doc, touched, unwatch, rebuild: null };
    this.open.set(workspaceId, ws);
    this.baselines.delete(workspaceId);
    // (A failure from here on closes it again: see the callers.)
    if (stale) {
      // Everything in the doc, and everything indexed (what the doc no longer has is deleted).
      const keys = new Map<string, Key>();
      for (const k of this.store.keys(workspaceId)) keys.set(`${k.kind}\u0000${k.id}`, k);
      for (const kind of SEARCH_KINDS) for (const id of doc.getMap(registryOf(kind)).keys()) keys.set(`${kind}\u0000${id}`, { kind, id });
      ws.rebuild = [...keys.values()];
      this.rebuildTimer ??= setImmediate(() => this.rebuildStep());
    } else {
      for (const docId of [...this.store.pendingWithPrefix(noteDocName(workspaceId, '')), ...this.store.pendingWithPrefix(`${workspaceId}:thread:`)]) this.indexNote(docId);
    }
    return ws;
  }

  /** One slice of each rebuild under way, then yields to the event loop. */
  private rebuildStep(): void {
    this.rebuildTimer = null;
    this.drain();
    for (const [id, ws] of [...this.open]) if (ws.rebuild && !this.guard(id, () => this.rebuildSlice(id, ws, REBUILD_SLICE))) this.close(id);
    if ([...this.open.values()].some((ws) => ws.rebuild)) this.rebuildTimer = setImmediate(() => this.rebuildStep());
  }

  private rebuildSlice(workspaceId: string, ws: OpenWorkspace, size: number): void {
    const slice = ws.rebuild!.splice(0, size);
    this.write(workspaceId, ws.doc, slice);
    if (ws.rebuild!.length > 0) return;
    ws.rebuild = null;
    this.store.transaction(() => {
      this.store.setIndexed(workspaceId, this.now());
      this.store.clearPending(workspaceId);
    });
    // Notes whose edit was saved but not indexed.
    for (const docId of [...this.store.pendingWithPrefix(noteDocName(workspaceId, '')), ...this.store.pendingWithPrefix(`${workspaceId}:thread:`)]) this.indexNote(docId);
  }

  private writeTouched(workspaceId: string, ws: OpenWorkspace): void {
    const touched = [...ws.touched.values()];
    ws.touched.clear();
    this.write(workspaceId, ws.doc, touched);
  }

  /** Re-reads these entities from the doc and writes them, or deletes those it no longer has. */
  private write(workspaceId: string, doc: Y.Doc, keys: Key[]): void {
    const newNotes: string[] = [];
    this.store.transaction(() => {
      for (const { kind, id } of keys) {
        const d = readSearchDocument(doc, kind, id) ?? (kind === 'comment' ? this.movedComment(workspaceId, id) : undefined);
        if (!d) this.store.remove(workspaceId, kind, id);
        else if (this.store.upsert(workspaceId, d) && kind === 'note') newNotes.push(id);
      }
    });
    // A note's text is in its own doc: read it when the note first appears.
    for (const id of newNotes) this.indexNote(noteDocName(workspaceId, id));
  }

  private close(workspaceId: string): void {
    this.baselines.delete(workspaceId);
    const ws = this.open.get(workspaceId);
    ws?.unwatch();
    ws?.doc.destroy();
    this.open.delete(workspaceId);
  }

  private scheduleNote(docId: string): void {
    const now = this.now();
    const had = this.noteTimers.get(docId);
    if (had) clearTimeout(had.timer);
    const firstAt = had?.firstAt ?? now;
    const delay = Math.max(0, Math.min(this.noteDelayMs, firstAt + NOTE_REINDEX_MAX_WAIT_MS - now));
    const timer = setTimeout(() => {
      this.noteTimers.delete(docId);
      this.indexNote(docId);
    }, delay);
    this.noteTimers.set(docId, { timer, firstAt });
  }

  /** A comment moved out of the workspace doc: its search document from its cached conversation doc. */
  private movedComment(workspaceId: string, commentId: string) {
    const target = this.store.targetOf(workspaceId, 'comment', commentId);
    if (!target || !isThreadTarget(target)) return undefined;
    const doc = new Y.Doc();
    try {
      const cached = this.cache.loadDoc(threadDocName(workspaceId, { kind: target.kind as ThreadKind, id: target.id }));
      if (cached) Y.applyUpdate(doc, cached);
      return readSearchDocument(doc, 'comment', commentId);
    } finally {
      doc.destroy();
    }
  }

  /** Upserts every comment of a cached conversation doc (they are never deleted there). */
  private indexConversation(docId: string, workspaceId: string): void {
    const doc = new Y.Doc();
    try {
      const cached = this.cache.loadDoc(docId);
      if (cached) Y.applyUpdate(doc, cached);
      this.store.transaction(() => {
        for (const id of doc.getMap(DOC_KEYS.comments).keys()) {
          const d = readSearchDocument(doc, 'comment', id);
          if (d) this.store.upsert(workspaceId, d);
        }
      });
    } finally {
      doc.destroy();
    }
  }

  /**
   * Re-reads a note's text, or a conversation doc's comments, from the cache into the index. A
   * note not in the registry (yet) is skipped: it is read when it appears.
   */
  private indexNote(docId: string): void {
    this.guard(docId, () => {
      const name = parseDocName(docId);
      if (name?.kind === 'thread') this.indexConversation(docId, name.workspaceId);
      if (name?.kind === 'note' && this.store.has(name.workspaceId, 'note', name.noteId)) {
        this.store.setNoteBody(name.workspaceId, name.noteId, readNoteText(this.cache.loadDoc(docId)));
      }
      this.store.clearPending(docId);
    });
  }

  /** Runs `fn`; a failure is reported, never thrown: search must not fail a save. */
  private guard(what: string, fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (err) {
      this.warn(`could not index ${what} (it is indexed again when next opened): ${(err as Error).message}`);
      return false;
    }
  }
}

function readNoteText(update: Uint8Array | null): string {
  if (!update) return '';
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, update);
    return doc.getText(NOTE_TEXT_KEY).toString();
  } finally {
    doc.destroy();
  }
}
