/**
 * The first gate for a client's Yjs update: is it a well-formed update that integrates into
 * this room completely, now? Judged on the decoded structs (`Y.decodeUpdate`), never by applying
 * it, so a refused update touches nothing.
 *
 * Yjs itself trusts its peers: `Y.applyUpdate` keeps structs whose dependencies are missing as
 * "pending" (and later sends them to every joiner), and integrates a zero-length struct, after
 * which encoding the doc throws ("Unexpected case") for everyone, for good. So the server
 * refuses, before apply:
 * - Skip structs (holes: what follows depends on something left out) and zero-length structs;
 * - a client's structs split over two runs (Yjs keeps only the last run per client) or not
 *   contiguous, or starting past the clock the room has for that client (a gap);
 * - an item whose origin, right origin or parent is neither in the room nor integrated earlier
 *   in the same update (simulating Yjs' integration order across clients, as
 *   `yjs/src/utils/encoding.js::integrateStructs` does), a parent that is not a type, and a
 *   sub-document (Driftdesk has none; a ContentDoc would make every client fetch a guid);
 * - delete ranges of zero length or past what the room will hold after the update.
 * GC structs of non-zero length are accepted: they are what a client's own garbage collection
 * sends for children of a type it deleted (Yjs' `Item.gc`), and integrate as deleted content.
 *
 * The result, when accepted, carries the update's new items in integration order, so the write
 * policy can judge what each one adds without decoding again.
 */
import * as Y from 'yjs';

export type StructRuns = Map<number, (Y.Item | Y.GC)[]>;
export type StructureVerdict = {
  kind: 'ok';
  /** New items (not already in the room), in the order Yjs will integrate them. */
  items: Y.Item[];
  runs: StructRuns;
  ds: Map<number, { clock: number; len: number }[]>;
  /** Whether applying it changes the room at all (new structs or deletes). */
  changes: boolean;
} | { kind: 'bad'; reason: string };

const bad = (reason: string): StructureVerdict => ({ kind: 'bad', reason });

/** Checks a decoded update against the room's doc (read only). */
export function checkUpdateStructure(doc: Y.Doc, update: Uint8Array): StructureVerdict {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (err) {
    return bad(`not a Yjs update (${(err as Error).message})`);
  }
  const store = doc.store;
  /** Per client, its structs in this update (one contiguous run). */
  const runs: StructRuns = new Map();
  let previous: Y.AbstractStruct | null = null;
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) return bad('the update has a hole (a Skip struct): it depends on changes it leaves out');
    if (struct.length < 1) return bad(`struct ${struct.id.client}:${struct.id.clock} has length 0`);
    const client = struct.id.client;
    const run = runs.get(client);
    if (previous?.id.client !== client) {
      if (run) return bad(`the structs of client ${client} come in two runs`);
      if (struct.id.clock > Y.getState(store, client)) return bad(`update depends on changes the server does not have (client ${client} from clock ${struct.id.clock}, server has ${Y.getState(store, client)})`);
      runs.set(client, [struct as Y.Item | Y.GC]);
    } else {
      if (struct.id.clock !== previous.id.clock + previous.length) return bad(`the structs of client ${client} are not contiguous at clock ${struct.id.clock}`);
      run!.push(struct as Y.Item | Y.GC);
    }
    if (struct instanceof Y.Item && struct.content instanceof Y.ContentDoc) return bad('sub-documents are not part of a Driftdesk workspace');
    previous = struct;
  }

  // Integrate by clocks only: a struct goes in once everything it refers to is known.
  const state = new Map<number, number>();
  const known = (id: Y.ID, self: Y.AbstractStruct) =>
    id.client === self.id.client ? id.clock < self.id.clock : id.clock < (state.get(id.client) ?? Y.getState(store, id.client));
  const next = new Map<number, number>([...runs.keys()].map((c) => [c, 0]));
  const items: Y.Item[] = [];
  let changes = false;
  const ready = (struct: Y.Item | Y.GC) => {
    if (!(struct instanceof Y.Item)) return true;
    const parent = struct.parent instanceof Y.ID ? struct.parent : null;
    return (!struct.origin || known(struct.origin, struct)) && (!struct.rightOrigin || known(struct.rightOrigin, struct)) && (!parent || known(parent, struct));
  };
  for (let progressed = true; progressed; ) {
    progressed = false;
    for (const [client, run] of runs) {
      let i = next.get(client)!;
      for (; i < run.length && ready(run[i]!); i++) {
        const struct = run[i]!;
        const end = struct.id.clock + struct.length;
        if (end > (state.get(client) ?? Y.getState(store, client))) {
          state.set(client, end);
          changes = true;
          if (struct instanceof Y.Item) items.push(struct);
        }
        progressed = true;
      }
      next.set(client, i);
    }
  }
  for (const [client, run] of runs) {
    const stuck = run[next.get(client)!];
    if (stuck) return bad(`update depends on changes the server does not have (struct ${stuck.id.client}:${stuck.id.clock} refers to one it leaves out)`);
  }

  // Parents by id must be types: in the room, or new in this update.
  for (const item of items) {
    if (!(item.parent instanceof Y.ID)) continue;
    const parent = findStruct(store, runs, item.parent);
    if (parent instanceof Y.Item && !(parent.content instanceof Y.ContentType) && !(parent.content instanceof Y.ContentDeleted)) {
      return bad(`struct ${item.id.client}:${item.id.clock} names a parent that is not a type`);
    }
  }

  const ds = new Map<number, { clock: number; len: number }[]>();
  for (const [client, ranges] of decoded.ds.clients) {
    const end = state.get(client) ?? Y.getState(store, client);
    for (const r of ranges) {
      if (r.len < 1) return bad(`a delete range of client ${client} has length 0`);
      if (r.clock + r.len > end) return bad(`update deletes changes the server does not have (client ${client}, clocks ${r.clock}–${r.clock + r.len - 1})`);
    }
    ds.set(client, ranges.map((r) => ({ clock: r.clock, len: r.len })));
    changes = true;
  }
  return { kind: 'ok', items, runs, ds, changes };
}

/** The struct holding `id`: in the room's store, else among the update's own structs. */
export function findStruct(store: Y.Doc['store'], runs: StructRuns, id: Y.ID): Y.Item | Y.GC | null {
  if (id.clock < Y.getState(store, id.client)) return Y.getItem(store, id) as Y.Item | Y.GC;
  const run = runs.get(id.client);
  const last = run?.[run.length - 1];
  if (!run || !last || id.clock < run[0]!.id.clock || id.clock >= last.id.clock + last.length) return null;
  // A run is contiguous (checked above), so Yjs' own search over a client's structs applies.
  return run[Y.findIndexSS(run, id.clock)]!;
}
