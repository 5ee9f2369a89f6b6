import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createIncident, listIncidents } from '../src/core/workspace/index.ts';
import { COMPACT_AFTER, ServerStore } from './store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function storeWithLongLog() {
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-store-'));
  dirs.push(dir);
  const store = new ServerStore(dir);
  const ws = store.createWorkspace('W', 'Ada');
  const doc = new Y.Doc();
  doc.on('update', (u: Uint8Array) => store.appendUpdate(ws.id, u));
  let n = 0;
  for (let i = 0; i < COMPACT_AFTER + 10; i++) {
    createIncident(doc, { title: `i${i}`, severity: 'low' }, { actor: { id: 'm', name: 'A' }, now: () => i, newId: () => `id${++n}` });
  }
  const count = () => (store.db.prepare('SELECT count(*) AS n FROM doc_updates WHERE workspace_id = ?').get(ws.id) as { n: number }).n;
  return { store, ws, doc, count };
}

describe('ServerStore compaction', () => {
  it('replaces a long log with one merged update', () => {
    const { store, ws, doc, count } = storeWithLongLog();
    expect(count()).toBe(COMPACT_AFTER + 10);
    const loaded = new Y.Doc();
    Y.applyUpdate(loaded, store.loadDoc(ws.id));
    expect(count()).toBe(1);
    expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(doc));
    store.close();
  });

  it('keeps the old log when compaction fails half-way, and the doc still loads', () => {
    const { store, ws, doc, count } = storeWithLongLog();
    const errors: string[] = [];
    store.onCompactionError = (_ws, err) => errors.push(String(err));
    // Fail the compaction's insert, after its delete has run inside the transaction.
    store.db.exec(`CREATE TEMP TRIGGER fail_compaction BEFORE INSERT ON doc_updates
      WHEN (SELECT count(*) FROM doc_updates WHERE workspace_id = NEW.workspace_id) = 0
      BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END`);
    const loaded = new Y.Doc();
    Y.applyUpdate(loaded, store.loadDoc(ws.id));
    expect(errors).toEqual([expect.stringContaining('simulated disk failure')]);
    expect(count()).toBe(COMPACT_AFTER + 10);
    expect(listIncidents(loaded)).toHaveLength(COMPACT_AFTER + 10);
    expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(doc));
    store.close();
  });
});

describe('ServerStore compaction per doc', () => {
  it('compacts a conversation doc\'s long log and leaves the workspace doc\'s and a note\'s rows alone', () => {
    const { store, ws, count } = storeWithLongLog();
    const thread = `${ws.id}:thread:incident:i1`;
    const note = `${ws.id}:note:n1`;
    const conversation = new Y.Doc();
    conversation.on('update', (u: Uint8Array) => store.appendUpdate(thread, u));
    for (let i = 0; i < COMPACT_AFTER + 5; i++) conversation.getMap('comments').set(`c${i}`, { body: `comment ${i}` });
    store.appendUpdate(note, Y.encodeStateAsUpdate(conversation));
    const rows = (doc: string) => (store.db.prepare('SELECT count(*) AS n FROM doc_updates WHERE workspace_id = ? AND doc = ?').get(ws.id, doc) as { n: number }).n;
    expect(rows('thread:incident:i1')).toBe(COMPACT_AFTER + 5);
    const loaded = new Y.Doc();
    Y.applyUpdate(loaded, store.loadDoc(thread));
    expect(rows('thread:incident:i1')).toBe(1);
    expect(loaded.getMap('comments').size).toBe(COMPACT_AFTER + 5);
    // The other docs of the workspace keep their rows until they are loaded themselves.
    expect(count()).toBe(COMPACT_AFTER + 10 + 1 + 1);
    expect(rows('')).toBe(COMPACT_AFTER + 10);
    expect(rows('note:n1')).toBe(1);
    store.close();
  });
});

describe('ServerStore docs', () => {
  it('opens a store made before note docs: its log rows stay the workspace doc', () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftdesk-store-'));
    dirs.push(dir);
    const first = new ServerStore(dir);
    const ws = first.createWorkspace('W', 'Ada');
    const doc = new Y.Doc();
    createIncident(doc, { title: 'kept', severity: 'low' }, { actor: { id: 'm', name: 'A' }, now: () => 1, newId: () => 'i1' });
    // Rebuild the table as the old schema had it (no doc column), holding that update.
    first.db.exec(`DROP TABLE doc_updates; CREATE TABLE doc_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT,
      workspace_id TEXT NOT NULL REFERENCES workspaces(id), data BLOB NOT NULL)`);
    first.db.prepare('INSERT INTO doc_updates (workspace_id, data) VALUES (?, ?)').run(ws.id, Y.encodeStateAsUpdate(doc));
    first.close();

    const reopened = new ServerStore(dir);
    const loaded = new Y.Doc();
    Y.applyUpdate(loaded, reopened.loadDoc(ws.id));
    expect(listIncidents(loaded).map((i) => i.title)).toEqual(['kept']);
    expect(reopened.loadDoc(`${ws.id}:note:n1`).byteLength).toBe(0);
    reopened.close();
  });
});
