import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from './wire-json.ts';

describe('wire frames', () => {
  it('sends a message without bytes as plain JSON text', () => {
    const frame = encodeWire({ id: 1, channel: 'app.info', req: {} });
    expect(frame).toBe('{"id":1,"channel":"app.info","req":{}}');
    expect(decodeWire(frame)).toEqual({ id: 1, channel: 'app.info', req: {} });
  });

  it('sends bytes raw in a binary frame and reads them back, Buffers included', () => {
    const update = new Uint8Array([0, 1, 2, 250, 255]);
    const message = { id: 7, reply: { kind: 'ok', value: { updates: [update, Buffer.from([9, 8]), new Uint8Array(0)], note: 'é' } } };
    const frame = encodeWire(message);
    expect(frame).toBeInstanceOf(Uint8Array);
    const back = decodeWire(frame) as typeof message;
    expect(back.reply.value.note).toBe('é');
    expect(back.reply.value.updates.map((u) => [...u])).toEqual([[0, 1, 2, 250, 255], [9, 8], []]);
    // A browser hands over an ArrayBuffer; a frame may also sit at an offset in a larger buffer.
    const padded = new Uint8Array((frame as Uint8Array).length + 3);
    padded.set(frame as Uint8Array, 3);
    expect(decodeWire(padded.subarray(3))).toEqual(decodeWire((frame as Uint8Array).slice().buffer));
  });

  it('refuses binary frames whose lengths do not add up', () => {
    const frame = encodeWire({ bytes: new Uint8Array([1, 2, 3]) }) as Uint8Array;
    expect(() => decodeWire(frame.subarray(0, frame.length - 1))).toThrow(/malformed/);
    expect(() => decodeWire(new Uint8Array([...frame, 0]))).toThrow(/left over/);
    expect(() => decodeWire(new Uint8Array([200, 0, 0, 0, 1]))).toThrow(/truncated/);
    const noSuchArray = new TextEncoder().encode('{"$bytes":3}');
    expect(() => decodeWire(new Uint8Array([noSuchArray.length, 0, 0, 0, ...noSuchArray, 0, 0, 0, 0]))).toThrow(/no array 3/);
  });
});
