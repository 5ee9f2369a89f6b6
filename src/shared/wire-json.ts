/**
 * The messages on the web host's WebSocket (IPC needs none of this: structured clone keeps
 * Uint8Array as is). A message without bytes is one JSON text frame. A message that carries
 * Uint8Array (Yjs updates) is one binary frame: JSON in which each byte array stands as
 * `{"$bytes": i}`, followed by the bytes themselves, raw:
 *
 *   u32 JSON length · JSON (UTF-8) · u32 count · count × u32 length · the arrays, back to back
 *
 * (u32 little-endian.) Raw, because the workspace doc is the largest thing the host sends:
 * as base64 inside JSON a 15 MB doc took the host 1.6 s to encode and the page 0.2 s to
 * decode, and 20 MB to send (bench:open); raw it is one copy on each side. Decoded arrays are
 * views into the received frame, not copies.
 */
export type WireFrame = string | Uint8Array;

export function encodeWire(value: unknown): WireFrame {
  const arrays: Uint8Array[] = [];
  // `this[key]`, not `v`: a Node Buffer has toJSON, which JSON.stringify calls before the replacer.
  const json = JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    return raw instanceof Uint8Array ? { $bytes: arrays.push(raw) - 1 } : v;
  });
  if (arrays.length === 0) return json;
  const header = new TextEncoder().encode(json);
  const frame = new Uint8Array(8 + header.length + 4 * arrays.length + arrays.reduce((n, a) => n + a.length, 0));
  const view = new DataView(frame.buffer);
  view.setUint32(0, header.length, true);
  frame.set(header, 4);
  let at = 4 + header.length;
  view.setUint32(at, arrays.length, true);
  at += 4;
  for (const a of arrays) {
    view.setUint32(at, a.length, true);
    at += 4;
  }
  for (const a of arrays) {
    frame.set(a, at);
    at += a.length;
  }
  return frame;
}

/** Reads a frame back. Throws on a binary frame whose lengths do not add up. */
export function decodeWire(frame: WireFrame | ArrayBuffer): unknown {
  if (typeof frame === 'string') return JSON.parse(frame);
  const data = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u32 = (at: number): number => {
    if (at + 4 > data.length) throw new Error('malformed binary frame: truncated');
    return view.getUint32(at, true);
  };
  const jsonLength = u32(0);
  const count = u32(4 + jsonLength);
  let at = 8 + jsonLength + 4 * count;
  const arrays: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const length = u32(8 + jsonLength + 4 * i);
    if (at + length > data.length) throw new Error('malformed binary frame: an array runs past its end');
    arrays.push(data.subarray(at, at + length));
    at += length;
  }
  if (at !== data.length) throw new Error('malformed binary frame: bytes left over');
  const json = new TextDecoder().decode(data.subarray(4, 4 + jsonLength));
  return JSON.parse(json, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const i = (v as { $bytes?: unknown }).$bytes;
      if (typeof i === 'number' && Object.keys(v).length === 1) {
        const found = arrays[i];
        if (!found) throw new Error(`malformed binary frame: no array ${i}`);
        return found;
      }
    }
    return v;
  });
}
