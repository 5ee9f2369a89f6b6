/**
 * One websocket connection after its upgrade was authorized: it listens at once (what a client
 * sends before its room has loaded waits, inside the rate limits), joins the room, and hands each
 * message to the room. A bad message closes this connection only, with a reason; an edit to a
 * room that cannot store it is answered, not applied; a large presence flood puts the token on
 * cooldown (AbuseCooldowns, consulted by the upgrade in ws-upgrade.ts).
 */
import type { WebSocket } from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as authProtocol from 'y-protocols/auth';
import * as syncProtocol from 'y-protocols/sync';
import { MEMBER_NAME_MAX } from '../src/core/workspace/index.ts';
import { STORAGE_DOWN_REASON } from '../src/shared/sync-messages.ts';
import { type Limits, TokenBucket } from './limits.ts';
import type { Metrics } from './metrics.ts';
import { type Connection, MESSAGE_AUTH, MESSAGE_SYNC, type Room, UpdateRefused } from './room.ts';
import { AwarenessRefused } from './awareness-stamp.ts';
import type { MemberIdentity } from './store-contract.ts';

/**
 * A token whose connection was closed for a large presence flood waits this long before it may
 * connect again: reconnecting at once would make each attempt cost the server a whole
 * oversized frame. Refused before the token is looked up (429). Small bad frames cost little
 * and are left to the per-IP connection rate.
 */
const COSTLY_FRAME_BYTES = 64 * 1024;

/** Tokens cooling down after a costly flood (see COSTLY_FRAME_BYTES), by token hash. */
export class AbuseCooldowns {
  private readonly until = new Map<string, number>();
  private readonly sweep: ReturnType<typeof setInterval>;

  constructor(private readonly cooldownMs: number) {
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const [hash, until] of this.until) if (until <= now) this.until.delete(hash);
    }, 60_000);
    this.sweep.unref();
  }

  /** True while the token may not connect. */
  cooling(tokenHash: string): boolean {
    return (this.until.get(tokenHash) ?? 0) > Date.now();
  }

  start(tokenHash: string): void {
    this.until.set(tokenHash, Date.now() + this.cooldownMs);
  }

  stop(): void {
    clearInterval(this.sweep);
  }
}

export interface ConnectionDeps {
  limits: Limits;
  metrics: Metrics;
  log: (event: Record<string, unknown>) => void;
  cooldowns: AbuseCooldowns;
  loadRoom(docName: string): Promise<Room>;
  unloadIfIdle(room: Room): void;
}

export async function attachConnection(deps: ConnectionDeps, ws: WebSocket, identity: MemberIdentity, tokenHash: string, docName: string): Promise<void> {
  const { limits, metrics, log, cooldowns, loadRoom, unloadIfIdle } = deps;
  metrics.connections.inc();
  const messages = new TokenBucket(limits.messagesPerSecond, limits.messageBurst, Date.now());
  const bytes = new TokenBucket(limits.bytesPerSecond, limits.byteBurst, Date.now());
  let room: Room | null = null;
  let conn: Connection | null = null;
  // Listen at once: a client speaks as soon as it is upgraded, possibly before its room has
  // loaded (PostgreSQL); those first messages wait here, inside the rate limits.
  const waiting: Uint8Array[] = [];
  const closeWith = (code: number, reason: string, metric: string) => {
    metrics.closed.inc({ reason: metric });
    ws.close(code, reason);
    if (room && conn) room.leave(conn);
  };
  const handle = (message: Uint8Array) => {
    if (room!.broken && isDocWrite(message)) {
      // Not applied: the client keeps the edit and sends it again when the room is revived.
      metrics.denied.inc({ reason: 'storage_unavailable' });
      if (ws.readyState === ws.OPEN) ws.send(STORAGE_DOWN_MESSAGE);
      return;
    }
    try {
      room!.receive(conn!, message);
    } catch (err) {
      log({ event: 'bad_message', workspace: identity.workspaceId, member: identity.memberId, error: String(err) });
      // A refused update says why (a close reason is at most 123 bytes).
      if (err instanceof AwarenessRefused) {
        if (message.byteLength >= COSTLY_FRAME_BYTES) cooldowns.start(tokenHash);
        return closeWith(1008, closeReason(err.message), 'awareness_limit');
      }
      const reason = err instanceof UpdateRefused ? `update refused: ${err.message}` : 'malformed message';
      closeWith(1007, closeReason(reason), 'malformed');
    }
  };
  ws.on('message', (data, isBinary) => {
    if (room && conn && !room.connections.has(conn)) return;
    const message = toBytes(data);
    metrics.messagesIn.inc();
    metrics.bytesIn.inc(message.byteLength);
    if (!isBinary) return closeWith(1003, 'binary y-protocols messages only', 'text_frame');
    const now = Date.now();
    if (!messages.take(1, now) || !bytes.take(message.byteLength, now)) {
      log({ event: 'rate_limited', workspace: identity.workspaceId, member: identity.memberId });
      return closeWith(1008, 'rate limit exceeded', 'rate_limit');
    }
    if (room && conn) handle(message);
    else waiting.push(message);
  });
  ws.on('error', () => ws.terminate());
  ws.on('close', () => {
    metrics.connections.dec();
    if (!room || !conn) return;
    room.leave(conn);
    unloadIfIdle(room);
  });

  try {
    room = await loadRoom(docName);
  } catch (err) {
    log({ event: 'load_failed', workspace: identity.workspaceId, doc: docName, error: String(err) });
    ws.close(1011, 'could not load the workspace; try again');
    return;
  }
  // Gone while its room loaded (a big doc loads for seconds): the room may now be nobody's.
  if (ws.readyState !== ws.OPEN) return unloadIfIdle(room);
  const joined = room.join(ws, identity, tokenHash, Date.now());
  if (joined.kind === 'refused') {
    // A stored record the doc schema refuses (a name over MEMBER_NAME_MAX from an older CLI):
    // this member cannot be listed, so they are not let in; everyone else is unaffected.
    const tooLong = identity.name.length > MEMBER_NAME_MAX;
    log({ event: 'join_refused', workspace: identity.workspaceId, member: identity.memberId, error: String(joined.error) });
    metrics.closed.inc({ reason: 'join_refused' });
    ws.close(tooLong ? 1008 : 1011, tooLong ? `member name is over ${MEMBER_NAME_MAX} characters; ask an owner for a new invite` : 'could not join the workspace; try again');
    unloadIfIdle(room);
    return;
  }
  conn = joined.conn;
  for (const message of waiting.splice(0)) if (room.connections.has(conn)) handle(message);
}

/** Sent instead of applying an edit to a room that cannot store it (y-protocols auth message). */
const STORAGE_DOWN_MESSAGE = encoding.encode((e) => {
  encoding.writeVarUint(e, MESSAGE_AUTH);
  authProtocol.writePermissionDenied(e, `${STORAGE_DOWN_REASON}: this edit was not saved; it is kept on your device and sent again when the server reconnects`);
});

/** A y-protocols sync step 2 or update: a message that would change the doc. */
function isDocWrite(message: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return false;
    const subtype = decoding.readVarUint(decoder);
    return subtype === syncProtocol.messageYjsSyncStep2 || subtype === syncProtocol.messageYjsUpdate;
  } catch {
    return false; // malformed: Room.receive says so
  }
}

/** A websocket close reason is at most 123 bytes of UTF-8. */
function closeReason(text: string): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= 123) return text;
  return bytes.subarray(0, 120).toString().replace(/\uFFFD+$/, '') + '…';
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
