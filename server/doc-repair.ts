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
import * as encoding from 'lib0/encoding';

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
  const { structs, ds } = Y.decodeUpdate(stored);
  let droppedStructs = 0;
  const byClient = new Map<number, Y.AbstractStruct[]>();
  for (const s of structs) {
    if (s.length < 1) {
      droppedStructs++;
      continue;
    }
    const list = byClient.get(s.id.client) ?? [];
    byClient.set(s.id.client, list);
    list.push(s);
  }
  let droppedDeletes = 0;
  const encoder = new Y.UpdateEncoderV1();
  const clients = [...byClient.keys()].sort((a, b) => b - a);
  encoding.writeVarUint(encoder.restEncoder, clients.length);
  for (const client of clients) {
    const list = byClient.get(client)!;
    encoding.writeVarUint(encoder.restEncoder, list.length);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, list[0]!.id.clock);
    for (const s of list) (s as Y.Item).write(encoder, 0);
  }
  const kept = [...ds.clients]
    .map(([client, ranges]) => {
      const good = ranges.filter((r) => r.len > 0);
      droppedDeletes += ranges.length - good.length;
      return [client, good] as const;
    })
    .filter(([, ranges]) => ranges.length > 0);
  encoding.writeVarUint(encoder.restEncoder, kept.length);
  for (const [client, ranges] of kept) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, ranges.length);
    for (const r of ranges) {
      encoder.writeDsClock(r.clock);
      encoder.writeDsLen(r.len);
    }
  }
  const doc = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(doc, encoder.toUint8Array());
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
