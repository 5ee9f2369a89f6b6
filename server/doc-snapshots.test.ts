import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { OFF_LOOP_SNAPSHOTS_AT_ONCE, SnapshotCadence, storedStateOffLoop } from './doc-snapshots.ts';
import { ServerStore } from './store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('snapshots off the event loop', () => {
  it('merge each doc\'s stored log on a reader thread, at most OFF_LOOP_SNAPSHOTS_AT_ONCE threads at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftdesk-doc-snapshots-'));
    dirs.push(dir);
    const store = new ServerStore(dir);
    const ws = store.createWorkspace('W', 'Ada');
    const notes = Array.from({ length: 6 }, (_, i) => `${ws.id}:note:n${i}`);
    const docs = notes.map((name, i) => {
      const doc = new Y.Doc();
      doc.on('update', (u: Uint8Array) => store.appendUpdate(name, u));
      for (let k = 0; k < 40; k++) doc.getText('body').insert(0, `note ${i} line ${k}\n`);
      doc.getText('body').delete(0, 5);
      return doc;
    });
    // Watch the real reader threads open and close.
    let open = 0;
    let most = 0;
    const openSource = store.openArchiveSource.bind(store);
    store.openArchiveSource = async (id) => {
      // Counted from the call: a thread starting counts as much as one reading.
      most = Math.max(most, ++open);
      const source = await openSource(id);
      const close = source.close.bind(source);
      source.close = async () => {
        open--;
        await close();
      };
      return source;
    };
    try {
      const states = await Promise.all(notes.map((name) => storedStateOffLoop(store, name)));
      expect(most).toBe(OFF_LOOP_SNAPSHOTS_AT_ONCE);
      states.forEach((state, i) => {
        const copy = new Y.Doc();
        Y.applyUpdate(copy, state);
        expect(copy.getText('body').toString()).toBe(docs[i]!.getText('body').toString());
      });
    } finally {
      store.close();
    }
  });

  it('a snapshot that fails is reported once and not retried at once; the next change takes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftdesk-doc-snapshots-'));
    dirs.push(dir);
    const store = new ServerStore(dir);
    const ws = store.createWorkspace('W', 'Ada');
    const doc = new Y.Doc();
    doc.getMap('comments').set('c1', { body: 'kept' });
    const failures: string[] = [];
    const cadence = new SnapshotCadence(`${ws.id}:note:n1`, store, { everyMs: 0, offLoopBytes: null, onFailed: (_doc, err) => failures.push(String(err)) }, () => Y.encodeStateAsUpdate(doc), () => 0);
    store.db.exec(`CREATE TEMP TRIGGER fail_history BEFORE INSERT ON doc_history BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END`);
    cadence.changed();
    await cadence.settled();
    await new Promise((r) => setTimeout(r, 100));
    expect(failures).toEqual([expect.stringContaining('simulated disk failure')]);
    expect(store.listSnapshots(`${ws.id}:note:n1`)).toEqual([]);
    store.db.exec('DROP TRIGGER fail_history');
    cadence.changed();
    await cadence.settled();
    expect(store.listSnapshots(`${ws.id}:note:n1`)).toHaveLength(1);
    await cadence.dispose();
    store.close();
  });
});
