/**
 * Reading a Yjs v1 update for `sliceUpdate` (update-slices.ts) without building it: per client
 * block, per struct, its byte range, clock and length and the IDs it depends on; and the delete
 * set, per client sorted and merged.
 *
 * The grammar follows yjs 13.6: `utils/encoding.js` `readClientsStructRefs` (blocks, GC = ref 0,
 * Skip = ref 10, Item), `structs/Item.js` `Item.write` / `readItemContent` / `contentRefs` (info
 * bits: 0x80 origin, 0x40 right origin, neither → parent info, 0x20 parent sub), the `read*` of
 * each `structs/Content*.js` (lengths: Deleted len, JSON n, Binary 1, String UTF-16 units, Embed
 * 1, Format 1, Type 1 with a key for XmlElement/XmlHook in `types/YXml*.js` `_write`, Any n, Doc
 * 1), `utils/UpdateDecoder.js` `UpdateDecoderV1` (IDs are two varuints, parent info a varuint,
 * info a byte), `utils/DeleteSet.js` `readDeleteSet` (client, count, clock/len pairs), and lib0
 * `decoding.js` `readAny` (tags 127…116, walked here without recursion). String content is
 * counted in UTF-16 units straight from its UTF-8 bytes, never decoded.
 *
 * What slicing cannot reproduce is reported by throwing `Unsliceable` (sliceUpdate then returns
 * the update whole): a client that starts above clock 0, has two blocks, or a gap (a Skip before
 * its last struct); malformed UTF-8 (lib0 decodes strings with a fatal TextDecoder, string.js
 * `utf8TextDecoder`, BOM kept, so Yjs refuses it itself); and a formatting mark (ContentFormat,
 * Y.Text's bold/color) that the update does not itself delete. After every remote transaction
 * that touches formatted text, Yjs deletes the marks it judges redundant (`types/YText.js`
 * `cleanupYTextAfterTransaction`, `cleanupYTextFormatting`, `cleanupContextlessFormattingGap`),
 * judging on the content present at that moment: a mark pair whose text comes in a later slice
 * looks redundant and is deleted, where a whole apply keeps it. Deleted marks are safe (the
 * cleanup deletes only live ones), and Driftdesk's docs have none (notes are plain Y.Text).
 *
 * A malformed update (truncated, an unknown content or type ref, a varuint over 2^53) throws an
 * `UpdateSliceError` that says what was found and at which byte; `Y.applyUpdate` would have
 * failed on it too.
 */

/** A malformed update: `offset` is the byte at which reading failed. */
export class UpdateSliceError extends Error {
  readonly code = 'malformed-update';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`Yjs update, byte ${offset}: ${message}`);
    this.name = 'UpdateSliceError';
  }
}

/** Thrown inside the parser to give up slicing; `sliceUpdate` answers `[update]`. */
export class Unsliceable {
  constructor(readonly reason: string) {}
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** A cursor over the update's bytes, with lib0's v1 primitives (decoding.js). */
class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  fail(message: string, at = this.pos): never {
    throw new UpdateSliceError(message, at);
  }

  byte(): number {
    if (this.pos >= this.buf.length) this.fail('unexpected end of the update');
    return this.buf[this.pos++]!;
  }

  /** lib0 `readVarUint`: 7 bits a byte, little end first, at most 2^53. */
  varUint(): number {
    const buf = this.buf;
    let num = 0;
    let mult = 1;
    while (this.pos < buf.length) {
      const r = buf[this.pos++]!;
      num += (r & 0x7f) * mult;
      if (r < 0x80) return num;
      mult *= 128;
      if (num > MAX_SAFE) this.fail('varuint larger than 2^53');
    }
    return this.fail('unexpected end of the update');
  }

  /** Skips a lib0 varint or varuint (both end at the first byte below 0x80). */
  skipVarInt(): void {
    const buf = this.buf;
    while (this.pos < buf.length) {
      if (buf[this.pos++]! < 0x80) return;
    }
    this.fail('unexpected end of the update');
  }

  /** Skips `n` bytes and returns where they start. */
  skipBytes(n: number): number {
    const start = this.pos;
    if (n > this.buf.length - start) this.fail(`a ${n}-byte field runs past the end of the update`);
    this.pos = start + n;
    return start;
  }

  /** Skips a lib0 varstring / varUint8Array. */
  skipVarBytes(): void {
    this.skipBytes(this.varUint());
  }

  /** Skips a varstring and returns its length in UTF-16 code units, as `str.length` of Yjs's decoded string. */
  varStringUtf16Length(): number {
    const n = this.varUint();
    const start = this.skipBytes(n);
    const units = utf16Length(this.buf, start, start + n);
    if (units < 0) throw new Unsliceable(`string content at byte ${start} is not well-formed UTF-8`);
    return units;
  }

  /** Skips one lib0 `any` value (encoding.js `writeAny`, decoding.js `readAny`), iteratively. */
  skipAny(): void {
    // The containers still open, outermost first: how many values each has left, negated for
    // an object (whose entries are a key string, then a value).
    let open: number[] | undefined; // allocated for the first container only
    let left = 1;
    let inObject = false;
    for (;;) {
      if (left === 0) {
        const outer = open?.pop();
        if (outer === undefined) return;
        inObject = outer < 0;
        left = inObject ? -outer : outer;
        continue;
      }
      if (inObject) this.skipVarBytes(); // the key
      left -= 1;
      const at = this.pos;
      const tag = this.byte();
      switch (tag) {
        case 127: // undefined
        case 126: // null
        case 121: // false
        case 120: // true
          break;
        case 125: // varint
          this.skipVarInt();
          break;
        case 124: // float32
          this.skipBytes(4);
          break;
        case 123: // float64
        case 122: // bigint64
          this.skipBytes(8);
          break;
        case 119: // string
        case 116: // Uint8Array
          this.skipVarBytes();
          break;
        case 118: // object
        case 117: {
          // array
          const size = this.varUint();
          if (size > 0) {
            (open ??= []).push(inObject ? -left : left);
            left = size;
            inObject = tag === 118;
          }
          break;
        }
        default:
          this.fail(`unknown lib0 any tag ${tag}`, at);
      }
    }
  }
}

/**
 * UTF-16 code units of the well-formed UTF-8 in `buf[start, end)`, or -1 if it is not
 * well-formed (then TextDecoder's replacement characters would decide the length).
 */
function utf16Length(buf: Uint8Array, start: number, end: number): number {
  // Every byte counts one unit, less the continuation bytes of each multi-byte sequence; a
  // four-byte sequence is a surrogate pair, two units. ASCII, most of the bytes, takes the
  // tight inner loop.
  let units = end - start;
  let i = start;
  while (i < end) {
    if (buf[i]! < 0x80) {
      i++;
      continue;
    }
    const b = buf[i]!;
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
      cp = b & 0x07;
    } else {
      return -1;
    }
    if (i + need >= end) return -1;
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k]!;
      if ((c & 0xc0) !== 0x80) return -1;
      cp = (cp << 6) | (c & 0x3f);
    }
    // overlong forms, UTF-16 surrogates and code points past U+10FFFF are not well-formed
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
    units -= need === 3 ? 2 : need;
    i += need + 1;
  }
  return units;
}

/** Bytes of `n` as a lib0 varuint. */
export function varUintLength(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len += 1;
  }
  return len;
}

/** A growable array of numbers (typed, so a few million structs stay compact). */
class Column<T extends Float64Array | Int32Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}
const floats = (n: number) => new Column(new Float64Array(n), (m) => new Float64Array(m));
const ints = (n: number) => new Column(new Int32Array(n), (m) => new Int32Array(m));

/** The parsed update: structs in input order (each client's block contiguous). */
export interface Parsed {
  /** Client ids by index; indices are given in order of first mention (block or reference). */
  clientIds: number[];
  /** Per client index: its block's first struct, end struct (exclusive), or -1 if it has none. */
  firstStruct: number[];
  endStruct: number[];
  /** Per client index: the clock after its last struct. */
  endClock: number[];
  /** Per struct: clock, start byte, end byte. */
  clock: Float64Array;
  start: Float64Array;
  end: Float64Array;
  /** Per struct: its dependencies are depClient/depClock[depStart[i], depStart[i + 1]). */
  depStart: Int32Array;
  depClient: Int32Array;
  depClock: Float64Array;
  /** Per client index: merged, sorted delete ranges as [clock, end) pairs, flattened. */
  deletes: (number[] | undefined)[];
}

export function parse(update: Uint8Array): Parsed {
  const r = new Reader(update);
  const indexOf = new Map<number, number>();
  const clientIds: number[] = [];
  const firstStruct: number[] = [];
  const endStruct: number[] = [];
  const endClock: number[] = [];
  const clientIndex = (id: number): number => {
    let ix = indexOf.get(id);
    if (ix === undefined) {
      ix = clientIds.length;
      indexOf.set(id, ix);
      clientIds.push(id);
      firstStruct.push(-1);
      endStruct.push(-1);
      endClock.push(0);
    }
    return ix;
  };
  const guess = Math.max(16, update.length >> 6);
  const clock = floats(guess);
  const start = floats(guess);
  const end = floats(guess);
  const depStart = ints(guess);
  const depClient = ints(guess);
  const depClock = floats(guess);

  /** Reads an ID (client, clock) and records it as a dependency of the struct at `ownClock`. */
  const readDependency = (ownId: number, ownClock: number): void => {
    const id = r.varUint();
    const depClockValue = r.varUint();
    // Same-client IDs below the struct's own clock are implied by clock order (Item.getMissing
    // skips them too); anything else is a dependency, and one that cannot be met is found by
    // the ordering.
    if (id === ownId && depClockValue < ownClock) return;
    depClient.push(clientIndex(id));
    depClock.push(depClockValue);
  };

  // ContentFormat items, as (client, clock) pairs: see `liveFormat`.
  const formats: number[] = [];

  const numBlocks = r.varUint();
  for (let b = 0; b < numBlocks; b++) {
    const numStructs = r.varUint();
    const blockAt = r.pos;
    const clientId = r.varUint();
    const client = clientIndex(clientId);
    if (firstStruct[client] !== -1) {
      // readClientsStructRefs keeps only the last block of a client: Yjs's own affair.
      throw new Unsliceable(`client ${clientIds[client]} has two blocks (byte ${blockAt})`);
    }
    let clk = r.varUint();
    if (clk !== 0) throw new Unsliceable(`client ${clientIds[client]} starts at clock ${clk}, not 0`);
    firstStruct[client] = clock.length;
    for (let s = 0; s < numStructs; s++) {
      const at = r.pos;
      const info = r.byte();
      const ref = info & 0b11111;
      let len: number;
      if (ref === 10) {
        // Skip: nothing to apply; whatever comes after it in this block waits for the clocks
        // it stands for, which this update does not hold.
        // A trailing Skip is dropped: its clocks are not held, so a dependency on them is missing.
        r.varUint();
        if (s !== numStructs - 1) throw new Unsliceable(`client ${clientIds[client]} has a gap (Skip) at clock ${clk}`);
        break;
      }
      clock.push(clk);
      start.push(at);
      depStart.push(depClient.length);
      if (ref === 0) {
        len = r.varUint(); // GC
      } else {
        if (info & 0x80) readDependency(clientId, clk);
        if (info & 0x40) readDependency(clientId, clk);
        if ((info & 0xc0) === 0) {
          if (r.varUint() === 1) {
            r.skipVarBytes(); // root type key
          } else {
            readDependency(clientId, clk);
          }
          if (info & 0x20) r.skipVarBytes(); // parentSub
        }
        len = readContentLength(r, ref, at);
        if (ref === 6) formats.push(client, clk);
      }
      end.push(r.pos);
      clk += len;
    }
    endStruct[client] = clock.length;
    endClock[client] = clk;
    if (clk > MAX_SAFE) r.fail(`client ${clientIds[client]}'s clock passes 2^53`);
  }
  depStart.push(depClient.length);

  const deletes: (number[] | undefined)[] = [];
  const numDsClients = r.varUint();
  for (let d = 0; d < numDsClients; d++) {
    const client = clientIndex(r.varUint());
    const numRanges = r.varUint();
    const ranges = (deletes[client] ??= []);
    for (let k = 0; k < numRanges; k++) {
      const from = r.varUint();
      const len = r.varUint();
      if (len > 0) ranges.push(from, from + len);
    }
  }
  // Bytes after the delete set are ignored, as Y.applyUpdate ignores them.
  for (let c = 0; c < deletes.length; c++) {
    const ranges = deletes[c];
    if (ranges) deletes[c] = sortAndMerge(ranges);
  }
  for (let k = 0; k < formats.length; k += 2) {
    if (!covers(deletes[formats[k]!], formats[k + 1]!)) {
      throw new Unsliceable(`client ${clientIds[formats[k]!]} has a formatting attribute at clock ${formats[k + 1]} that is not deleted`);
    }
  }

  return {
    clientIds,
    firstStruct,
    endStruct,
    endClock,
    clock: clock.data,
    start: start.data,
    end: end.data,
    depStart: depStart.data,
    depClient: depClient.data,
    depClock: depClock.data,
    deletes,
  };
}

/** Reads an Item's content (Item.js `contentRefs`) and returns its length in clocks. */
function readContentLength(r: Reader, ref: number, at: number): number {
  switch (ref) {
    case 1: // ContentDeleted
      return r.varUint();
    case 2: {
      // ContentJSON: n JSON strings
      const n = r.varUint();
      for (let i = 0; i < n; i++) r.skipVarBytes();
      return n;
    }
    case 3: // ContentBinary
    case 5: // ContentEmbed (a JSON string)
      r.skipVarBytes();
      return 1;
    case 4: // ContentString
      return r.varStringUtf16Length();
    case 6: // ContentFormat: key, JSON value
      r.skipVarBytes();
      r.skipVarBytes();
      return 1;
    case 7: {
      // ContentType: type ref, and a name for YXmlElement (3) and YXmlHook (5)
      const typeAt = r.pos;
      const typeRef = r.varUint();
      if (typeRef > 6) r.fail(`unknown type ref ${typeRef}`, typeAt);
      if (typeRef === 3 || typeRef === 5) r.skipVarBytes();
      return 1;
    }
    case 8: {
      // ContentAny: n lib0 any values
      const n = r.varUint();
      for (let i = 0; i < n; i++) r.skipAny();
      return n;
    }
    case 9: // ContentDoc: guid, options (any)
      r.skipVarBytes();
      r.skipAny();
      return 1;
    default:
      return r.fail(`unknown content ref ${ref}`, at);
  }
}

/** Whether merged, sorted [from, to) pairs cover `clock`. */
function covers(ranges: number[] | undefined, clock: number): boolean {
  if (!ranges) return false;
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[2 * mid + 1]! <= clock) lo = mid + 1;
    else if (ranges[2 * mid]! > clock) hi = mid - 1;
    else return true;
  }
  return false;
}

/** Sorts flattened [from, to) pairs by `from` and merges overlapping or touching ones. */
function sortAndMerge(ranges: number[]): number[] {
  let sorted = true;
  for (let k = 2; k < ranges.length; k += 2) {
    if (ranges[k]! < ranges[k - 2]!) {
      sorted = false;
      break;
    }
  }
  let pairs = ranges;
  if (!sorted) {
    const order: [number, number][] = [];
    for (let k = 0; k < ranges.length; k += 2) order.push([ranges[k]!, ranges[k + 1]!]);
    order.sort((a, b) => a[0] - b[0]);
    pairs = order.flat();
  }
  const out: number[] = [];
  for (let k = 0; k < pairs.length; k += 2) {
    const from = pairs[k]!;
    const to = pairs[k + 1]!;
    const last = out.length - 1;
    if (last > 0 && from <= out[last]!) {
      if (to > out[last]!) out[last] = to;
    } else {
      out.push(from, to);
    }
  }
  return out;
}
