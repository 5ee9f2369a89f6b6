import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addComment, createIncident, incidentsPreview, listIncidents, parseIncidentsPreview } from '../core/workspace/index.ts';
import { COMPACT_AFTER, LocalCache, SNAPSHOT_SLICE_BYTES } from './local-cache.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-cache-'));
  dirs.push(dir);
  return join(dir, 'cache.sqlite');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

let n = 0;
const ctx = { actor: { id: 'm1', name: 'Ada' }, now: () => 1000 + n, newId: () => `i${++n}` };

function recordUpdates(doc: Y.Doc): Uint8Array[] {
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  return updates;
}

/** Same state vector, delete set, incidents and comments (a map's key order follows the order its items arrived in, so keys are sorted). */
function sameDoc(a: Y.Doc, b: Y.Doc): boolean {
  const sorted = (m: Y.Map<unknown>) => JSON.stringify(Object.entries(m.toJSON()).sort(([x], [y]) => (x < y ? -1 : 1)));
  const content = (d: Y.Doc) => sorted(d.getMap('incidents')) + sorted(d.getMap('comments'));
  return Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b)) && content(a) === content(b);
}

describe('LocalCache', () => {
  it('keeps a doc and the joined workspaces across close and reopen', () => {
    const file = tempFile();
    const doc = new Y.Doc();
    const updates = recordUpdates(doc);
    createIncident(doc, { title: 'Drift on income', severity: 'high' }, ctx);
    createIncident(doc, { title: 'Missing batch', severity: 'medium' }, ctx);

    const cache = new LocalCache({ file });
    expect(cache.loadDoc('ws_a')).toBeNull();
    expect(cache.appendUpdates('ws_a', updates)).toBe(2);
    cache.saveConnection({
      workspaceId: 'ws_a', name: 'Churn', serverUrl: 'http://127.0.0.1:1', token: 't', memberId: 'm1',
      memberName: 'Ada', role: 'owner', local: true, lastOpenedAt: 5,
    });
    cache.close();

    const reopened = new LocalCache({ file });
    const restored = new Y.Doc();
    Y.applyUpdate(restored, reopened.loadDoc('ws_a')!);
    expect(listIncidents(restored).map((i) => i.title).sort()).toEqual(['Drift on income', 'Missing batch']);
    expect(reopened.listConnections()).toMatchObject([{ workspaceId: 'ws_a', local: true, role: 'owner' }]);
    expect(reopened.loadDoc('other')).toBeNull();
    reopened.close();
  });

  it('replaces a doc with the server\'s state after a refusal: the refused edit is gone and no longer pending, across reopen', () => {
    const file = tempFile();
    const server = new Y.Doc();
    createIncident(server, { title: 'On the server', severity: 'high' }, ctx);
    const local = new Y.Doc();
    Y.applyUpdate(local, Y.encodeStateAsUpdate(server));
    const updates = recordUpdates(local);
    createIncident(local, { title: 'Refused', severity: 'low' }, ctx);
    const cache = new LocalCache({ file });
    cache.appendUpdates('ws_a', [Y.encodeStateAsUpdate(server)], [false]);
    cache.appendUpdates('ws_a', updates, [true]);
    expect(cache.pendingEdits(['ws_a'])).toBe(1);
    const before = cache.docVersion('ws_a');

    cache.replaceDoc('ws_a', Y.encodeStateAsUpdate(server), 'viewers cannot change this workspace');
    cache.close();
    const reopened = new LocalCache({ file });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, reopened.loadDoc('ws_a')!);
    expect(listIncidents(doc).map((i) => i.title)).toEqual(['On the server']);
    expect(reopened.pendingEdits(['ws_a'])).toBe(0);
    expect(reopened.docsWithPendingEdits('ws_a')).toEqual([]);
    expect(reopened.refusedEdits(['ws_a'])).toBe(1);
    expect(reopened.docVersion('ws_a')).toBeGreaterThan(before);
    reopened.close();
  });

  it('compacts a long log into a snapshot without losing an edit', () => {
    const file = tempFile();
    const cache = new LocalCache({ file });
    const doc = new Y.Doc();
    const updates = recordUpdates(doc);
    for (let i = 0; i < COMPACT_AFTER + 20; i++) createIncident(doc, { title: `incident ${i}`, severity: 'low' }, ctx);
    cache.appendUpdates('ws_b', updates);
    expect(cache.logLength('ws_b')).toBe(COMPACT_AFTER + 20);
    const first = new Y.Doc();
    Y.applyUpdate(first, cache.loadDoc('ws_b')!);
    expect(cache.logLength('ws_b')).toBe(0);

    createIncident(doc, { title: 'after compaction', severity: 'low' }, ctx);
    cache.appendUpdates('ws_b', [updates[updates.length - 1]!]);
    cache.close();
    const again = new LocalCache({ file });
    const restored = new Y.Doc();
    Y.applyUpdate(restored, again.loadDoc('ws_b')!);
    expect(listIncidents(restored)).toHaveLength(COMPACT_AFTER + 21);
    expect(Y.encodeStateVector(restored)).toEqual(Y.encodeStateVector(doc));
    again.close();
  });

  it('hands out the snapshot and the log after it unmerged, to apply in order', () => {
    const cache = new LocalCache({ file: tempFile() });
    expect(cache.loadDocUpdates('ws_c')).toEqual([]);
    const doc = new Y.Doc();
    const updates = recordUpdates(doc);
    for (let i = 0; i < COMPACT_AFTER + 1; i++) createIncident(doc, { title: `incident ${i}`, severity: 'low' }, ctx);
    cache.appendUpdates('ws_c', updates.splice(0));
    const snapshot = cache.loadDocUpdates('ws_c');
    expect(cache.logLength('ws_c')).toBe(0); // past COMPACT_AFTER: compacted first, into the snapshot (its slices)
    expect(snapshot.reduce((n, u) => n + u.length, 0)).toBeLessThan(Y.encodeStateAsUpdate(doc).length + 64);
    createIncident(doc, { title: 'later', severity: 'high' }, ctx);
    createIncident(doc, { title: 'later still', severity: 'high' }, ctx);
    cache.appendUpdates('ws_c', updates.splice(0));

    const parts = cache.loadDocUpdates('ws_c');
    expect(parts).toHaveLength(snapshot.length + 2);
    expect(parts.slice(0, snapshot.length)).toEqual(snapshot);
    const restored = new Y.Doc();
    restored.transact(() => parts.forEach((u) => Y.applyUpdate(restored, u)));
    expect(listIncidents(restored)).toHaveLength(COMPACT_AFTER + 3);
    expect(Y.encodeStateVector(restored)).toEqual(Y.encodeStateVector(doc));
    expect(cache.logLength('ws_c')).toBe(2); // loading does not compact a short log
    cache.close();
  });

  it('keeps a large snapshot as slices that apply one after another with nothing left pending, and slices an older single snapshot on load', () => {
    const file = tempFile();
    const cache = new LocalCache({ file });
    // Several writers, as a team's doc has: three people's docs exchanging edits.
    const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
    const updates = recordUpdates(docs[0]!);
    for (let round = 0; round < 6; round++) {
      for (const [w, d] of docs.entries()) {
        for (let i = 0; i < 120; i++) {
          const { id } = createIncident(d, { title: `incident ${round}.${w}.${i}`, severity: 'low', description: 'x'.repeat(400 + ((i * 37) % 900)) }, ctx);
          if (i % 3 === 0) addComment(d, { target: { kind: 'incident', id }, body: `on ${id} ${'y'.repeat(200)}` }, ctx);
        }
        for (const other of docs) if (other !== d) Y.applyUpdate(other, Y.encodeStateAsUpdate(d));
      }
    }
    const doc = docs[0]!;
    cache.appendUpdates('ws_s', updates.splice(0));
    expect(cache.logLength('ws_s')).toBeGreaterThan(COMPACT_AFTER);
    const compacted = cache.loadDocUpdates('ws_s');
    const total = Y.encodeStateAsUpdate(doc).length;
    expect(total).toBeGreaterThan(3 * SNAPSHOT_SLICE_BYTES);
    expect(compacted.length).toBeGreaterThan(3);
    expect(cache.snapshotSlices('ws_s')).toBe(compacted.length);
    for (const slice of compacted) expect(slice.length).toBeLessThanOrEqual(SNAPSHOT_SLICE_BYTES + 4096);

    createIncident(doc, { title: 'after compaction', severity: 'high' }, ctx);
    cache.appendUpdates('ws_s', updates.splice(0));
    cache.close();
    const again = new LocalCache({ file });
    const parts = again.loadDocUpdates('ws_s');
    expect(parts).toHaveLength(compacted.length + 1);
    const restored = new Y.Doc();
    for (const part of parts) {
      Y.applyUpdate(restored, part);
      expect(restored.store.pendingStructs).toBeNull();
    }
    expect(listIncidents(restored)).toEqual(listIncidents(doc));
    expect(sameDoc(restored, doc)).toBe(true);

    // A cache written before slices existed holds one big snapshot row: the first load slices it.
    again.sqlite.prepare('DELETE FROM doc_snapshot_slices').run();
    again.sqlite.prepare('DELETE FROM doc_updates').run();
    again.sqlite.prepare('INSERT INTO doc_snapshots (doc_id, data, updated_at) VALUES (?, ?, ?)').run('ws_s', Y.encodeStateAsUpdate(doc), 1);
    const resliced = again.loadDocUpdates('ws_s');
    expect(resliced.length).toBeGreaterThan(3);
    expect(again.snapshotSlices('ws_s')).toBe(resliced.length);
    expect(again.sqlite.prepare("SELECT count(*) AS n FROM doc_snapshots WHERE doc_id = 'ws_s'").get()).toEqual({ n: 0 });
    const fromOld = new Y.Doc();
    for (const part of resliced) Y.applyUpdate(fromOld, part);
    expect(sameDoc(fromOld, doc)).toBe(true);
    again.close();
  });

  it('serves a list preview only while the doc is at the version it was drawn from, across compaction and reopen', () => {
    const file = tempFile();
    const doc = new Y.Doc();
    const updates = recordUpdates(doc);
    const cache = new LocalCache({ file });
    expect(cache.docVersion('ws_p')).toBe(0);
    const first = createIncident(doc, { title: 'Drift on income', severity: 'high' }, ctx);
    addComment(doc, { target: { kind: 'incident', id: first.id }, body: 'Looking' }, ctx);
    cache.appendUpdates('ws_p', updates.splice(0));
    // A log long enough to be compacted at the next load.
    for (let i = 0; i < COMPACT_AFTER; i++) cache.appendUpdates('ws_p', [Y.encodeStateAsUpdate(doc)]);
    const version = cache.docVersion('ws_p');
    expect(version).toBe(COMPACT_AFTER + 1);
    const json = JSON.stringify(incidentsPreview(doc));
    expect(cache.savePreview('ws_p', 'incidents', version, json)).toBe(true);
    expect(parseIncidentsPreview(cache.loadPreview('ws_p', 'incidents'))).toMatchObject({ total: 1, rows: [{ incident: { title: 'Drift on income' }, comments: 1 }] });

    // Compaction changes no content: still served, and after a reopen too.
    cache.loadDocUpdates('ws_p');
    expect(cache.logLength('ws_p')).toBe(0);
    cache.close();
    const reopened = new LocalCache({ file });
    expect(reopened.loadPreview('ws_p', 'incidents')).toBe(json);

    // Any append (an edit here, another window's, the server's) makes it stale: not served, and
    // a preview drawn before that append is refused.
    createIncident(doc, { title: 'Missing batch', severity: 'medium' }, ctx);
    reopened.appendUpdates('ws_p', updates.splice(0));
    expect(reopened.loadPreview('ws_p', 'incidents')).toBeNull();
    expect(reopened.savePreview('ws_p', 'incidents', version, json)).toBe(false);
    expect(reopened.savePreview('ws_p', 'incidents', version + 1, JSON.stringify(incidentsPreview(doc)))).toBe(true);
    expect(parseIncidentsPreview(reopened.loadPreview('ws_p', 'incidents'))?.total).toBe(2);
    reopened.close();
  });

  it('keeps the previews sent with a batch at the version the batch makes, unless someone appended since the sender last knew', () => {
    const cache = new LocalCache({ file: tempFile() });
    const doc = new Y.Doc();
    const updates = recordUpdates(doc);
    createIncident(doc, { title: 'Drift on income', severity: 'high' }, ctx);
    cache.appendUpdates('ws_c', updates.splice(0));
    const known = cache.docVersion('ws_c');

    // A page closing: its last edit and the list drawn with it, in one message.
    createIncident(doc, { title: 'Closed right after', severity: 'low' }, ctx);
    const drawn = JSON.stringify(incidentsPreview(doc));
    const kept = cache.appendWithPreviews('ws_c', updates.splice(0), undefined, { expectVersion: known, lists: [{ list: 'incidents', json: drawn }, { list: 'splash', json: '["div",0,"screen"]' }] });
    expect(kept).toEqual({ saved: 1, previewsKept: true });
    expect(cache.docVersion('ws_c')).toBe(known + 1);
    expect(cache.loadPreview('ws_c', 'incidents')).toBe(drawn);
    expect(parseIncidentsPreview(cache.loadPreview('ws_c', 'incidents'))?.total).toBe(2);
    expect(cache.loadPreview('ws_c', 'splash')).toBe('["div",0,"screen"]');

    // Another window saved in between: the closing page's lists may lack its edit, so the batch is
    // saved and its lists are not (the ones kept before are stale and no longer served either).
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    const otherUpdates = recordUpdates(other);
    createIncident(other, { title: 'From another window', severity: 'medium' }, ctx);
    cache.appendUpdates('ws_c', otherUpdates.splice(0));
    createIncident(doc, { title: 'Last before closing', severity: 'low' }, ctx);
    const stale = cache.appendWithPreviews('ws_c', updates.splice(0), undefined, { expectVersion: known + 1, lists: [{ list: 'incidents', json: JSON.stringify(incidentsPreview(doc)) }] });
    expect(stale).toEqual({ saved: 1, previewsKept: false });
    expect(cache.docVersion('ws_c')).toBe(known + 3);
    expect(cache.loadPreview('ws_c', 'incidents')).toBeNull();
    expect(cache.loadPreview('ws_c', 'splash')).toBeNull();
    // Nothing of either batch was lost.
    const loaded = new Y.Doc();
    for (const u of cache.loadDocUpdates('ws_c')) Y.applyUpdate(loaded, u);
    expect(incidentsPreview(loaded).total).toBe(4);
    cache.close();
  });
});
