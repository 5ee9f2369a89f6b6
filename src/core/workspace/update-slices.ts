/**
 * Cutting one big Yjs update into slices that can be applied one per task (issue 20: "whatever
 * must still be applied in bulk is applied off the main thread or in slices").
 *
 * A workspace's cached state is one compacted Yjs update of 15–60 MB; `Y.applyUpdate` of it
 * blocks the page for about a second. `sliceUpdate` cuts it into updates of about `maxBytes`
 * each, in an order in which every slice integrates completely given the slices before it: after
 * each one the doc has nothing pending (`store.pendingStructs` and `store.pendingDs` stay null),
 * and after the last one the doc equals a doc that applied the whole update.
 *
 * Algorithm
 * 1. Parse the v1 update without building it (update-v1-parse.ts, whose header cites the yjs
 *    source it follows): per struct its byte range, clock, length and dependencies.
 * 2. Dependencies are the ones yjs `structs/Item.js` `Item.getMissing` checks: origin, right
 *    origin and parent ID of another client, each satisfied once that client's integrated clock
 *    is past it; the previous struct of the same client is implied by integrating each client's
 *    structs in clock order.
 * 3. Order the structs causally with the scheme of `utils/encoding.js` `integrateStructs`: take
 *    clients one by one; when a client's next struct needs another client's clock, push that
 *    client with the clock as its target and emit its structs until it passes it. A client met
 *    again on the stack is a cycle, and a needed clock the update does not hold (another
 *    client, a Skip, a first clock above 0) is a dependency outside it: either way the update
 *    could not integrate fully on a fresh doc by itself, and `sliceUpdate` returns `[update]`
 *    unchanged, so nothing is lost and `Y.applyUpdate` behaves as it always did. Linear: a
 *    struct is emitted once and its dependencies checked at most once per stack visit.
 * 4. Cut the emitted sequence into slices by an upper bound of their encoded size. Within a slice
 *    each client's structs are one clock range (emission keeps each client in clock order), which
 *    is what one v1 client block holds; the struct bytes are copied unchanged (v1 IDs are
 *    absolute), only each block's struct count and first clock are written.
 * 5. Deletes: each delete-set range (per client, sorted and merged) goes, split at slice
 *    boundaries, into the slice that brings the items it deletes, so nothing deleted appears
 *    and then disappears. Ranges over clocks no slice holds go into the last slice, where they
 *    stay pending exactly as they would with the whole update.
 *
 * The update is also returned whole when it holds a live Y.Text formatting mark (Yjs's
 * formatting cleanup after each remote transaction would judge marks on partial content; see
 * update-v1-parse.ts), or string content that is not UTF-8. A malformed update throws an
 * `UpdateSliceError` that says what was found and at which byte. Only v1 updates are read
 * (`Y.encodeStateAsUpdate`, not `…V2`).
 */

import { type Parsed, Unsliceable, parse, varUintLength } from './update-v1-parse.ts';

export { UpdateSliceError } from './update-v1-parse.ts';

/** One client's clock range in one slice. */
interface Block {
  client: number;
  firstStruct: number;
  endStruct: number;
  /** Delete ranges that start in this block (counted for the size bound only). */
  deletes: number;
}

/**
 * Orders the structs causally and cuts them into slices; returns each slice's blocks, or
 * `Unsliceable` when some struct waits for something the update does not hold.
 */
function plan(p: Parsed, maxBytes: number): Block[][] | Unsliceable {
  const n = p.clientIds.length;
  const { clock, start, end, depStart, depClient, depClock, endClock } = p;
  const cursor = Int32Array.from(p.firstStruct);
  const frontier = new Float64Array(n); // every client starts at clock 0 (checked by parse)
  const onStack = new Uint8Array(n);
  const stackClient = new Int32Array(n + 1);
  const stackTarget = new Float64Array(n + 1);

  const slices: Block[][] = [];
  let blocks: Block[] = [];
  // An upper bound of the current slice's encoded size. Counts are bounded by what they can
  // be: a block's struct count and a delete client's range count by 2^35 (5 bytes), the
  // slice's two top-level counts likewise, a delete range by two varuints no larger than the
  // client's end clock.
  const TOP = 10;
  let size = TOP;
  const header = new Float64Array(n); // a client's block header
  const dsHeader = new Float64Array(n); // a client's entry in a slice's delete set
  const rangeCost = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    const id = varUintLength(p.clientIds[c]!);
    header[c] = 5 + id + varUintLength(endClock[c]!);
    dsHeader[c] = id + 5;
    rangeCost[c] = 2 * varUintLength(endClock[c]!);
  }
  // Per client: its block in the current slice (or undefined), and its delete ranges that
  // start before the end of what has been emitted (dsNext only moves forward).
  const blockOf: (Block | undefined)[] = new Array<Block | undefined>(n);
  const dsNext = new Int32Array(n);

  const closeSlice = (): void => {
    slices.push(blocks);
    for (const b of blocks) blockOf[b.client] = undefined;
    blocks = [];
    size = TOP;
  };

  /** Adds struct i of client c to the current slice, or to a new one if it would not fit. */
  const emit = (c: number, i: number): void => {
    const to = i + 1 < p.endStruct[c]! ? clock[i + 1]! : endClock[c]!;
    const ranges = p.deletes[c];
    const bytes = end[i]! - start[i]!;
    let b = blockOf[c];
    let cost = 0;
    let next = dsNext[c]!;
    let deletes = 0;
    for (let attempt = 0; ; attempt++) {
      cost = bytes;
      let carried = 0;
      if (!b) {
        cost += header[c]!;
        // a delete range that began in the client's previous block continues in this one
        if (ranges && dsNext[c]! > 0 && ranges[2 * dsNext[c]! - 1]! > clock[i]!) carried = 1;
      }
      next = dsNext[c]!;
      if (ranges) while (2 * next < ranges.length && ranges[2 * next]! < to) next++;
      const before = b ? b.deletes : 0;
      deletes = before + carried + next - dsNext[c]!;
      cost += (deletes - before) * rangeCost[c]!;
      if (before === 0 && deletes > 0) cost += dsHeader[c]!;
      if (size + cost <= maxBytes || blocks.length === 0 || attempt === 1) break;
      closeSlice();
      b = undefined;
    }
    if (!b) {
      b = { client: c, firstStruct: i, endStruct: i, deletes: 0 };
      blockOf[c] = b;
      blocks.push(b);
    }
    b.endStruct = i + 1;
    b.deletes = deletes;
    dsNext[c] = next;
    size += cost;
  };

  for (let root = 0; root < n; root++) {
    let sp = 0;
    stackClient[sp] = root;
    stackTarget[sp] = Infinity;
    onStack[root] = 1;
    sp++;
    while (sp > 0) {
      const c = stackClient[sp - 1]!;
      const target = stackTarget[sp - 1]!;
      if (frontier[c]! > target) {
        onStack[c] = 0;
        sp--;
        continue;
      }
      const i = cursor[c]!;
      if (i < 0 || i >= p.endStruct[c]!) {
        if (target === Infinity) {
          onStack[c] = 0;
          sp--;
          continue;
        }
        return new Unsliceable(`a struct needs clock ${target} of client ${p.clientIds[c]}, which the update does not hold`);
      }
      let blocked = false;
      for (let d = depStart[i]!; d < depStart[i + 1]!; d++) {
        const dc = depClient[d]!;
        const dclock = depClock[d]!;
        if (frontier[dc]! > dclock) continue;
        if (onStack[dc]) return new Unsliceable(`structs of client ${p.clientIds[c]} and ${p.clientIds[dc]} wait for each other`);
        stackClient[sp] = dc;
        stackTarget[sp] = dclock;
        onStack[dc] = 1;
        sp++;
        blocked = true;
        break;
      }
      if (blocked) continue;
      emit(c, i);
      cursor[c] = i + 1;
      frontier[c] = i + 1 < p.endStruct[c]! ? clock[i + 1]! : endClock[c]!;
    }
  }
  if (blocks.length > 0) closeSlice();
  return slices;
}

/** Writes lib0 varuints and bytes into a buffer of known size. */
class Writer {
  readonly buf: Uint8Array;
  length = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }
  varUint(n: number): void {
    const buf = this.buf;
    while (n >= 128) {
      buf[this.length++] = 0x80 | n % 128;
      n = Math.floor(n / 128);
    }
    buf[this.length++] = n;
  }
  bytes(b: Uint8Array): void {
    this.buf.set(b, this.length);
    this.length += b.length;
  }
}

/**
 * Splits each client's delete ranges at the slices' clock boundaries: per slice, per client,
 * flattened [from, to) pairs. Ranges over clocks no slice holds go to the last slice.
 */
function placeDeletes(p: Parsed, slices: Block[][]): Map<number, number[]>[] {
  const out = slices.map(() => new Map<number, number[]>());
  // per client, its blocks in clock order with their slice
  const blocksOf: { from: number; to: number; slice: number }[][] = p.clientIds.map(() => []);
  slices.forEach((blocks, s) => {
    for (const b of blocks) {
      const to = b.endStruct < p.endStruct[b.client]! ? p.clock[b.endStruct]! : p.endClock[b.client]!;
      blocksOf[b.client]!.push({ from: p.clock[b.firstStruct]!, to, slice: s });
    }
  });
  const last = slices.length - 1;
  const put = (s: number, c: number, from: number, to: number): void => {
    const m = out[s]!;
    let list = m.get(c);
    if (!list) m.set(c, (list = []));
    list.push(from, to);
  };
  p.deletes.forEach((ranges, c) => {
    if (!ranges) return;
    const bs = blocksOf[c]!;
    let bi = 0;
    for (let k = 0; k < ranges.length; k += 2) {
      let from = ranges[k]!;
      const to = ranges[k + 1]!;
      while (from < to) {
        while (bi < bs.length && bs[bi]!.to <= from) bi++;
        const b = bs[bi];
        if (!b) {
          put(last, c, from, to);
          break;
        }
        // blocks of a client are contiguous from clock 0, so `from` lies in b
        const cut = Math.min(to, b.to);
        put(b.slice, c, from, cut);
        from = cut;
      }
    }
  });
  return out;
}

function writeSlice(update: Uint8Array, p: Parsed, blocks: Block[], deletes: Map<number, number[]>): Uint8Array {
  let size = varUintLength(blocks.length) + varUintLength(deletes.size);
  for (const b of blocks) {
    size += varUintLength(b.endStruct - b.firstStruct) + varUintLength(p.clientIds[b.client]!) + varUintLength(p.clock[b.firstStruct]!);
    size += p.end[b.endStruct - 1]! - p.start[b.firstStruct]!;
  }
  for (const [c, ranges] of deletes) {
    size += varUintLength(p.clientIds[c]!) + varUintLength(ranges.length / 2);
    for (let k = 0; k < ranges.length; k += 2) size += varUintLength(ranges[k]!) + varUintLength(ranges[k + 1]! - ranges[k]!);
  }
  const w = new Writer(size);
  w.varUint(blocks.length);
  for (const b of blocks) {
    w.varUint(b.endStruct - b.firstStruct);
    w.varUint(p.clientIds[b.client]!);
    w.varUint(p.clock[b.firstStruct]!);
    w.bytes(update.subarray(p.start[b.firstStruct]!, p.end[b.endStruct - 1]!));
  }
  w.varUint(deletes.size);
  for (const [c, ranges] of deletes) {
    w.varUint(p.clientIds[c]!);
    w.varUint(ranges.length / 2);
    for (let k = 0; k < ranges.length; k += 2) {
      w.varUint(ranges[k]!);
      w.varUint(ranges[k + 1]! - ranges[k]!);
    }
  }
  if (w.length !== size) throw new Error(`update-slices: wrote ${w.length} bytes of a ${size}-byte slice`);
  return w.buf;
}

/**
 * Cuts a Yjs update (v1 encoding) into updates of about `maxBytes` each, in an order in which
 * each integrates fully after the ones before it: applying them one after the other to a fresh
 * `Y.Doc` leaves nothing pending after any of them and ends with the same doc (state vector,
 * content, delete set) as `Y.applyUpdate` of the whole update.
 *
 * - Each slice is at most `maxBytes` bytes, except a slice holding a single struct larger than
 *   that, and the last slice, which also carries deletes of clocks the update holds no struct
 *   for (they stay pending, as with the whole update).
 * - A delete is in the slice that brings the items it deletes, never later.
 * - An update that could not integrate fully on a fresh doc by itself (it needs structs it does
 *   not hold: a diff against another state, or a `Y.mergeUpdates` of updates with gaps, whose
 *   Skip structs stand for missing clocks) is returned as `[update]`, the very array given; so
 *   is an update of at most `maxBytes`, and one whose string content is not well-formed UTF-8.
 *
 * Runs in time linear in the update's size and decodes no content: strings are measured in
 * UTF-16 units from their UTF-8 bytes.
 *
 * @param update a v1 update (`Y.encodeStateAsUpdate`, `Y.mergeUpdates`, an 'update' event)
 * @param maxBytes the target size of a slice in bytes, > 0
 * @throws UpdateSliceError when the update is malformed (what, and at which byte)
 */
export function sliceUpdate(update: Uint8Array, maxBytes: number): Uint8Array[] {
  if (!(maxBytes > 0)) throw new RangeError(`sliceUpdate: maxBytes must be a positive number of bytes, got ${maxBytes}`);
  if (update.length <= maxBytes) return [update];
  let parsed: Parsed;
  try {
    parsed = parse(update);
  } catch (e) {
    if (e instanceof Unsliceable) return [update];
    throw e;
  }
  const slices = plan(parsed, maxBytes);
  if (slices instanceof Unsliceable) return [update];
  if (slices.length <= 1) return [update];
  const deletes = placeDeletes(parsed, slices);
  return slices.map((blocks, s) => writeSlice(update, parsed, blocks, deletes[s]!));
}

/**
 * `sliceUpdate`, or `[update]` when it cannot read the update: for callers that keep or apply a
 * state and must not fail where `Y.applyUpdate` is the judge of a malformed one (the local
 * cache's snapshot, a sync room's stored state).
 */
export function sliceUpdateOrWhole(update: Uint8Array, maxBytes: number): Uint8Array[] {
  try {
    return sliceUpdate(update, maxBytes);
  } catch {
    return [update];
  }
}
