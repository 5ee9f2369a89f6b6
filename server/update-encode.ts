/**
 * Writes decoded structs and delete ranges back as a Yjs V1 update, in the layout of
 * `yjs/src/utils/encoding.js::writeClientsStructs` (clients in descending order, each run with
 * its first clock) and `DeleteSet.js::writeDeleteSet`, using each struct's own `write`. Yjs keeps
 * this writer internal; doc-repair.ts needs it to write a stored doc again without its bad
 * structs, and the hostile-client tests to craft updates Yjs itself would never send.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

export type DeleteRanges = Map<number, { clock: number; len: number }[]>;

/** `runs`: per client, structs in clock order (the first one's clock starts the run). */
export function encodeUpdateV1(runs: Map<number, Y.AbstractStruct[]>, ds: DeleteRanges = new Map()): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  const clients = [...runs.keys()].filter((c) => runs.get(c)!.length > 0).sort((a, b) => b - a);
  encoding.writeVarUint(encoder.restEncoder, clients.length);
  for (const client of clients) {
    const run = runs.get(client)!;
    encoding.writeVarUint(encoder.restEncoder, run.length);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, run[0]!.id.clock);
    for (const s of run) (s as Y.Item).write(encoder, 0);
  }
  const deletes = [...ds].filter(([, ranges]) => ranges.length > 0);
  encoding.writeVarUint(encoder.restEncoder, deletes.length);
  for (const [client, ranges] of deletes) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, ranges.length);
    for (const r of ranges) {
      encoder.writeDsClock(r.clock);
      encoder.writeDsLen(r.len);
    }
  }
  return encoder.toUint8Array();
}

/** An update's structs grouped by client, in the order they were written, and its delete ranges. */
export function decodeToRuns(update: Uint8Array): { runs: Map<number, Y.AbstractStruct[]>; ds: DeleteRanges } {
  const { structs, ds } = Y.decodeUpdate(update);
  const runs = new Map<number, Y.AbstractStruct[]>();
  for (const s of structs) {
    const run = runs.get(s.id.client) ?? [];
    runs.set(s.id.client, run);
    run.push(s);
  }
  return { runs, ds: new Map([...ds.clients].map(([c, r]) => [c, r.map((x) => ({ clock: x.clock, len: x.len }))])) };
}
