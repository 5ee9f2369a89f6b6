/**
 * Restoring a workspace to a history snapshot, as a new change: the live doc's registries
 * are edited until they equal the snapshot's, so the restore syncs (and can itself be undone
 * by restoring a later snapshot) like any other edit. Members and the workspace's meta are
 * the server's, and stay as they are.
 */
import * as Y from 'yjs';
import { DATASET_KEYS } from './datasets.ts';
import { DOC_KEYS } from './schema.ts';

/** Registries whose entries are plain records. */
const RECORD_MAPS = [DOC_KEYS.comments, DOC_KEYS.reactions, DOC_KEYS.threadResolutions, DATASET_KEYS.versions, DATASET_KEYS.comparisons];
/** Registries whose entries are nested Y.Maps (field-level merge). */
const NESTED_MAPS = [DOC_KEYS.incidents];

export interface RestoreSummary {
  added: number;
  removed: number;
  changed: number;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Makes `doc` hold what `snapshot` holds, in one transaction. Returns what it changed. */
export function restoreWorkspace(doc: Y.Doc, snapshot: Y.Doc): RestoreSummary {
  const summary: RestoreSummary = { added: 0, removed: 0, changed: 0 };
  doc.transact(() => {
    for (const name of RECORD_MAPS) {
      const live = doc.getMap<unknown>(name);
      const past = snapshot.getMap<unknown>(name);
      for (const key of [...live.keys()]) if (!past.has(key)) { live.delete(key); summary.removed++; }
      for (const [key, value] of past.entries()) {
        if (!live.has(key)) { live.set(key, value); summary.added++; }
        else if (!same(live.get(key), value)) { live.set(key, value); summary.changed++; }
      }
    }
    for (const name of NESTED_MAPS) {
      const live = doc.getMap<unknown>(name);
      const past = snapshot.getMap<unknown>(name);
      for (const key of [...live.keys()]) if (!past.has(key)) { live.delete(key); summary.removed++; }
      for (const [key, value] of past.entries()) {
        const fields = value instanceof Y.Map ? (value.toJSON() as Record<string, unknown>) : null;
        if (!fields) continue;
        const current = live.get(key);
        if (!(current instanceof Y.Map)) {
          const entry = new Y.Map<unknown>();
          for (const [f, v] of Object.entries(fields)) entry.set(f, v);
          live.set(key, entry);
          summary.added++;
          continue;
        }
        let changed = false;
        for (const f of [...current.keys()]) if (!(f in fields)) { current.delete(f); changed = true; }
        for (const [f, v] of Object.entries(fields)) if (!same(current.get(f), v)) { current.set(f, v); changed = true; }
        if (changed) summary.changed++;
      }
    }
  });
  return summary;
}
