import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { OFF_LOOP_SNAPSHOTS_AT_ONCE, storedStateOffLoop } from './doc-snapshots.ts';
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
      const source = await openSource(id);
      most = Math.max(most, ++open);
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
});
