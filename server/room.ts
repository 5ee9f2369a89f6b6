/**
 * One loaded doc — a workspace doc or one of its note docs — with its awareness and the
 * connections on it.
 *
 * Protocol: the y-websocket wire format (y-protocols sync + awareness), written on y-protocols
 * directly rather than on @y/websocket-server's utils because we need what those utils keep
 * out of reach: a per-connection identity and role checked on every message, a persistence
 * hook that writes before it broadcasts, and closing one bad connection without touching the
 * others.
 */
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { stampAwarenessUpdate } from './awareness-stamp.ts';
import * as syncProtocol from 'y-protocols/sync';
import * as authProtocol from 'y-protocols/auth';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { parseDocName, upsertMember } from '../src/core/workspace/index.ts';
import type { Fanout } from './fanout.ts';
import type { MemberIdentity, Store } from './store-contract.ts';
import type { Metrics } from './metrics.ts';
import { type Verdict, checkCommenterUpdate } from './write-policy.ts';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

export interface Connection {
  socket: WebSocket;
  identity: MemberIdentity;
  /** SHA-256 of the token it authenticated with, to re-check revocation and role. */
  tokenHash: string;
  /** Awareness client ids this connection has announced; removed when it leaves. */
  awarenessIds: Set<number>;
}

export type JoinResult = { kind: 'joined'; conn: Connection } | { kind: 'refused'; error: unknown };

const SERVER_ORIGIN = Symbol('server');
/** Applying what is already stored must not write it again. */
const LOAD_ORIGIN = Symbol('load');
/** Updates and awareness from another server process: already persisted, already published. */
const FANOUT_ORIGIN = Symbol('fanout');

export interface RoomOptions {
  maxDocBytes: number;
  /** A history snapshot is taken at most this often while the doc changes (ms). */
  snapshotEveryMs: number;
  metrics: Metrics;
  fanout: Fanout | null;
  /** Persistence failed: the room must not go on accepting updates it cannot keep. */
  onBroken(room: Room, error: unknown): void;
}

export class Room {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connections = new Set<Connection>();
  /** Encoded size of the doc as loaded plus every update since: an upper bound, cheap to keep. */
  private approxBytes = 0;
  /** Updates are persisted one after another, in the order they were applied. */
  private persisting: Promise<void> = Promise.resolve();
  private unsubscribe: (() => Promise<void>) | null = null;
  private lastSnapshotAt = 0;
  broken = false;
  /** The workspace the doc belongs to (its tokens are the ones that may open it). */
  readonly workspaceId: string;
  /** A note doc: no members list, no history snapshots, only owners and editors write. */
  readonly isNote: boolean;

  /** Subscribes to other processes' changes (if any), then loads the stored doc. */
  static async load(docName: string, store: Store, options: RoomOptions): Promise<Room> {
    const room = new Room(docName, store, options);
    if (options.fanout) {
      room.unsubscribe = await options.fanout.subscribe(docName, {
        onUpdate: (update) => Y.applyUpdate(room.doc, update, FANOUT_ORIGIN),
        onAwareness: (update) => awarenessProtocol.applyAwarenessUpdate(room.awareness, update, FANOUT_ORIGIN),
      });
    }
    let stored: Uint8Array;
    let history: { createdAt: number }[];
    try {
      [stored, history] = await Promise.all([store.loadDoc(docName), room.isNote ? [] : store.listSnapshots(room.workspaceId)]);
    } catch (err) {
      // The store is away: give back the subscription, or every retry would leave one behind.
      await room.destroy();
      throw err;
    }
    room.lastSnapshotAt = history[0]?.createdAt ?? 0;
    room.approxBytes = stored.byteLength;
    if (stored.byteLength > 0) Y.applyUpdate(room.doc, stored, LOAD_ORIGIN);
    return room;
  }

  private constructor(
    readonly docName: string,
    store: Store,
    private readonly options: RoomOptions,
  ) {
    const parsed = parseDocName(docName);
    if (!parsed) throw new Error(`not a doc name: ${docName}`);
    this.workspaceId = parsed.workspaceId;
    this.isNote = parsed.kind === 'note';
    const workspaceId = this.workspaceId;
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === LOAD_ORIGIN) return;
      this.approxBytes += update.byteLength;
      const message = encoding.encode((e) => {
        encoding.writeVarUint(e, MESSAGE_SYNC);
        syncProtocol.writeUpdate(e, update);
      });
      if (origin === FANOUT_ORIGIN) {
        for (const conn of this.connections) this.send(conn, message);
        return;
      }
      // Persist first, then publish and broadcast: whatever another client sees is stored.
      this.persisting = this.persisting
        .then(async () => {
          if (this.broken) return;
          const stop = options.metrics.persistSeconds.startTimer();
          await store.appendUpdate(docName, update);
          stop();
          const now = Date.now();
          if (!this.isNote && now - this.lastSnapshotAt >= options.snapshotEveryMs) {
            this.lastSnapshotAt = now;
            await store.addSnapshot(workspaceId, Y.encodeStateAsUpdate(this.doc), now);
          }
          void options.fanout?.publishUpdate(docName, update).catch(() => {});
          for (const conn of this.connections) if (conn !== origin) this.send(conn, message);
        })
        .catch((err: unknown) => {
          if (this.broken) return;
          this.broken = true;
          options.onBroken(this, err);
        });
    });
    this.awareness.on(
      'update',
      ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        const changed = [...added, ...updated, ...removed];
        const conn = origin as Connection | null;
        if (conn && this.connections.has(conn)) {
          for (const id of added) conn.awarenessIds.add(id);
          for (const id of removed) conn.awarenessIds.delete(id);
        }
        const encoded = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
        if (origin !== FANOUT_ORIGIN) void options.fanout?.publishAwareness(docName, encoded).catch(() => {});
        const message = encoding.encode((e) => {
          encoding.writeVarUint(e, MESSAGE_AWARENESS);
          encoding.writeVarUint8Array(e, encoded);
        });
        for (const c of this.connections) this.send(c, message);
      },
    );
  }

  /** Resolves once every update applied so far is persisted. */
  flushed(): Promise<void> {
    return this.persisting;
  }

  /**
   * Adds a connection and lists its member. Refused, with nothing added, when the member's
   * stored record does not pass the schema (say a name longer than MEMBER_NAME_MAX written by an
   * older CLI): the caller closes that socket; nothing is thrown.
   */
  join(socket: WebSocket, identity: MemberIdentity, tokenHash: string, now: number): JoinResult {
    const conn: Connection = { socket, identity, tokenHash, awarenessIds: new Set() };
    if (!this.isNote) {
      try {
        this.doc.transact(() => {
          upsertMember(this.doc, { id: identity.memberId, name: identity.name, role: identity.role, joinedAt: now });
        }, SERVER_ORIGIN);
      } catch (error) {
        return { kind: 'refused', error };
      }
    }
    this.connections.add(conn);
    this.send(
      conn,
      encoding.encode((e) => {
        encoding.writeVarUint(e, MESSAGE_SYNC);
        syncProtocol.writeSyncStep1(e, this.doc);
      }),
    );
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) {
      this.send(
        conn,
        encoding.encode((e) => {
          encoding.writeVarUint(e, MESSAGE_AWARENESS);
          encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, states));
        }),
      );
    }
    return { kind: 'joined', conn };
  }

  /** A member's role changed on the server: apply it to the connection and the members list. */
  updateIdentity(conn: Connection, identity: MemberIdentity, now: number): void {
    conn.identity = identity;
    if (this.isNote) return;
    this.doc.transact(() => {
      upsertMember(this.doc, { id: identity.memberId, name: identity.name, role: identity.role, joinedAt: now });
    }, SERVER_ORIGIN);
  }

  leave(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.awarenessIds], null);
  }

  /**
   * Handles one binary message. Throws on a malformed message; the caller closes that
   * connection only. Viewers' document updates are dropped and answered with the y-protocols
   * permission-denied message; their sync step 1 (a read) is answered as usual.
   */
  receive(conn: Connection, data: Uint8Array): void {
    const decoder = decoding.createDecoder(data);
    const kind = decoding.readVarUint(decoder);
    switch (kind) {
      case MESSAGE_SYNC: {
        // Read by hand rather than with syncProtocol.readSyncMessage: that helper catches and
        // logs a failed update, and we want a bogus update to close its connection.
        const subtype = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (subtype === syncProtocol.messageYjsSyncStep1) {
          const diff = Y.encodeStateAsUpdate(this.doc, payload);
          this.send(conn, encoding.encode((e) => {
            encoding.writeVarUint(e, MESSAGE_SYNC);
            encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
            encoding.writeVarUint8Array(e, diff);
          }));
          return;
        }
        if (subtype !== syncProtocol.messageYjsSyncStep2 && subtype !== syncProtocol.messageYjsUpdate) {
          throw new Error(`unknown sync message type ${subtype}`);
        }
        // Decoding first throws on a malformed update before any of it touches the doc.
        Y.decodeUpdate(payload);
        const verdict = this.verdictFor(conn.identity, payload);
        if (verdict.kind === 'denied') {
          this.send(conn, encoding.encode((e) => {
            encoding.writeVarUint(e, MESSAGE_AUTH);
            authProtocol.writePermissionDenied(e, verdict.reason);
          }));
          return;
        }
        Y.applyUpdate(this.doc, payload, conn);
        return;
      }
      case MESSAGE_AWARENESS: {
        // Who a connection is comes from its token, not from what it says (awareness-stamp.ts).
        const others = [...this.connections].filter((other) => other !== conn);
        const { update, clientIds } = stampAwarenessUpdate(decoding.readVarUint8Array(decoder), conn.identity, (clientId) =>
          others.some((other) => other.awarenessIds.has(clientId) && other.identity.memberId !== conn.identity.memberId),
        );
        // A reconnect: the client is this socket's now, so the old socket's close does not remove it.
        for (const id of clientIds) for (const other of others) other.awarenessIds.delete(id);
        awarenessProtocol.applyAwarenessUpdate(this.awareness, update, conn);
        for (const id of clientIds) if (this.awareness.getStates().has(id)) conn.awarenessIds.add(id);
        return;
      }
      case MESSAGE_QUERY_AWARENESS:
        this.send(conn, encoding.encode((e) => {
          encoding.writeVarUint(e, MESSAGE_AWARENESS);
          encoding.writeVarUint8Array(
            e,
            awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]),
          );
        }));
        return;
      default:
        throw new Error(`unknown message type ${kind}`);
    }
  }

  /**
   * Whether this member may apply this (already decoded) update here: viewers never; commenters
   * only what server/write-policy.ts allows them (their own comments, replies and reactions,
   * resolving threads they started — and nothing in a note); nobody past the doc size limit. A
   * refusal is counted in the metrics by reason.
   */
  verdictFor(identity: MemberIdentity, payload: Uint8Array): Verdict {
    const verdict: Verdict =
      identity.role === 'viewer' ? { kind: 'denied', reason: 'viewers cannot change this workspace' }
      : this.approxBytes + payload.byteLength > this.options.maxDocBytes ? { kind: 'denied', reason: 'this workspace has reached its size limit' }
      : identity.role === 'commenter' && this.isNote ? { kind: 'denied', reason: 'commenters can comment on a note but not edit it' }
      : identity.role === 'commenter' ? checkCommenterUpdate(this.doc, payload, identity.memberId)
      : { kind: 'allowed' };
    if (verdict.kind === 'denied') {
      this.options.metrics.denied.inc({ reason: identity.role === 'viewer' ? 'viewer' : verdict.reason.includes('size') ? 'doc_size' : 'commenter' });
    }
    return verdict;
  }

  /**
   * Applies an update that came over HTTP (a client pushing edits made offline, see
   * doc-routes.ts) exactly as one from a socket: persisted, then broadcast to everyone here.
   */
  applyPushed(payload: Uint8Array): void {
    Y.applyUpdate(this.doc, payload, SERVER_ORIGIN);
  }

  /**
   * Applies the state read back from the store after fan-out messages may have been missed
   * (Redis was away): like an update from another process, it is passed to this room's
   * clients and not stored again.
   */
  catchUp(stored: Uint8Array): void {
    if (stored.byteLength > 0) Y.applyUpdate(this.doc, stored, FANOUT_ORIGIN);
  }

  async destroy(): Promise<void> {
    await this.persisting;
    await this.unsubscribe?.().catch(() => {});
    this.awareness.destroy();
    this.doc.destroy();
  }

  private send(conn: Connection, message: Uint8Array): void {
    if (conn.socket.readyState !== conn.socket.OPEN) return;
    this.options.metrics.messagesOut.inc();
    this.options.metrics.bytesOut.inc(message.byteLength);
    conn.socket.send(message, (err) => {
      if (err) conn.socket.terminate();
    });
  }
}
