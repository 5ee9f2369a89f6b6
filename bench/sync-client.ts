/**
 * A light y-websocket client for `npm run bench:sync`: a `ws` socket, a Y.Doc and the
 * y-protocols sync handshake, without WebsocketProvider's reconnect timers and awareness
 * interval, so one Node process can hold a thousand of them.
 *
 * On the wire it does what y-websocket 3 does on open: sync step 1 with its state vector, then
 * one awareness update with a small local state; it answers the server's step 1 with step 2
 * and applies updates. It does not renew awareness every 15 s as WebsocketProvider does.
 *
 * With `applyUpdates: false` it still syncs, but afterwards only reads the first two bytes of
 * each update and drops it: the server does the same work for it, and the load generator,
 * which shares two cores with the server, spends its time on the observers being measured.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const REMOTE = Symbol('remote');

export class BenchClient {
  readonly doc = new Y.Doc();
  readonly socket: WebSocket;
  /** True once the server's sync step 2 (its answer to our step 1) has been applied. */
  synced = false;
  closed = false;
  private readonly opened: Promise<void>;

  constructor(
    url: string,
    name: string,
    private readonly applyUpdates = true,
  ) {
    this.socket = new WebSocket(url, { perMessageDeflate: false });
    this.socket.binaryType = 'nodebuffer';
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
      this.socket.once('unexpected-response', (_req, res) => reject(new Error(`${url.split('?')[0]}: HTTP ${res.statusCode}`)));
    });
    this.socket.on('error', () => {});
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('open', () => {
      this.send(encoding.encode((e) => {
        encoding.writeVarUint(e, MESSAGE_SYNC);
        syncProtocol.writeSyncStep1(e, this.doc);
      }));
      this.send(encoding.encode((e) => {
        encoding.writeVarUint(e, MESSAGE_AWARENESS);
        // One entry: clientID, clock 1, the JSON state (awarenessProtocol.encodeAwarenessUpdate's layout).
        encoding.writeVarUint8Array(e, encoding.encode((a) => {
          encoding.writeVarUint(a, 1);
          encoding.writeVarUint(a, this.doc.clientID);
          encoding.writeVarUint(a, 1);
          encoding.writeVarString(a, JSON.stringify({ user: { name, color: '#30bced' } }));
        }));
      }));
    });
    this.socket.on('message', (data: Buffer) => this.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      this.send(encoding.encode((e) => {
        encoding.writeVarUint(e, MESSAGE_SYNC);
        syncProtocol.writeUpdate(e, update);
      }));
    });
  }

  /** Resolves when the socket is open and the first sync round trip is done. */
  async ready(timeoutMs = 30_000): Promise<void> {
    await this.opened;
    const start = Date.now();
    while (!this.synced) {
      if (this.closed) throw new Error('closed before sync');
      if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for sync');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.socket.terminate();
    this.doc.destroy();
  }

  private receive(message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    const kind = decoding.readVarUint(decoder);
    // Awareness from the others is not needed to measure anything: skip decoding it.
    if (kind !== MESSAGE_SYNC) return;
    if (!this.applyUpdates && this.synced && message[1] === syncProtocol.messageYjsUpdate) return;
    const reply = encoding.createEncoder();
    encoding.writeVarUint(reply, MESSAGE_SYNC);
    const subtype = syncProtocol.readSyncMessage(decoder, reply, this.doc, REMOTE);
    if (encoding.length(reply) > 1) this.send(encoding.toUint8Array(reply));
    if (subtype === syncProtocol.messageYjsSyncStep2) this.synced = true;
  }

  private send(message: Uint8Array): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(message);
  }
}
