/**
 * Repairing a stored doc that holds what the update checks now refuse (written before they
 * existed): zero-length structs, which make encoding the doc throw for every reader, and
 * structs or deletes waiting on changes that never came, which every joiner downloads.
 *
 * The stored update is decoded and written again without its zero-length structs and
 * zero-length delete ranges (the V1 layout of `yjs/src/utils/encoding.js::writeStructs` and
 * `DeleteSet.js::writeDeleteSet`, using the structs' own `write`), applied to a fresh doc, and
 * whatever is still pending after that is dropped. The result is a doc every client can read;
 * the caller stores it in place of the old log and logs what was dropped.
 */
import * as Y from 'yjs';
import { decodeToRuns, encodeUpdateV1 } from './update-encode.ts';

export interface DocHealth {
  healthy: boolean;
  zeroLength: number;
  pending: boolean;
}

/** Whether a loaded doc is fit to serve: no zero-length structs, nothing pending. */
export function docHealth(doc: Y.Doc): DocHealth {
  let zeroLength = 0;
  for (const structs of doc.store.clients.values()) for (const s of structs) if (s.length < 1) zeroLength++;
  const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
  return { healthy: zeroLength === 0 && !pending, zeroLength, pending };
}

export interface Repair {
  state: Uint8Array;
  droppedStructs: number;
  droppedDeletes: number;
  droppedPending: boolean;
}

/** A stored doc state without what poisons it (see the header). Throws if even that will not load. */
export function repairStoredDoc(stored: Uint8Array): Repair {
  const { runs, ds } = decodeToRuns(stored);
  let droppedStructs = 0;
  for (const [client, run] of runs) {
    const kept = run.filter((s) => s.length > 0);
    droppedStructs += run.length - kept.length;
    runs.set(client, kept);
  }
  let droppedDeletes = 0;
  for (const [client, ranges] of ds) {
    const kept = ranges.filter((r) => r.len > 0);
    droppedDeletes += ranges.length - kept.length;
    ds.set(client, kept);
  }
  const doc = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(doc, encodeUpdateV1(runs, ds));
    const droppedPending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
    doc.store.pendingStructs = null;
    doc.store.pendingDs = null;
    const state = Y.encodeStateAsUpdate(doc);
    // Prove it: a fresh reader applies and re-encodes it.
    const check = new Y.Doc();
    Y.applyUpdate(check, state);
    Y.encodeStateAsUpdate(check);
    check.destroy();
    return { state, droppedStructs, droppedDeletes, droppedPending };
  } finally {
    doc.destroy();
  }
}
