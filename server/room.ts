/**
 * One loaded doc — a workspace doc, one of its note docs or one of its conversation docs — with
 * its awareness and the connections on it.
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
import { AwarenessRefused, stampAwarenessUpdate } from './awareness-stamp.ts';
import * as syncProtocol from 'y-protocols/sync';
import * as authProtocol from 'y-protocols/auth';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { type RestoreSummary, type ThreadTarget, parseDocName, restoreWorkspace, upsertMember } from '../src/core/workspace/index.ts';
import type { MemberIdentity, Store } from './store-contract.ts';
import { type AcceptOutcome, type Connection, type JoinResult, MESSAGE_AUTH, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC, type RoomOptions, UpdateRefused } from './room-contract.ts';
import { type Verdict, judgeUpdate } from './write-policy.ts';
import { checkUpdateStructure } from './update-structure.ts';
import { docHealth, repairStoredDoc } from './doc-repair.ts';
import { LOAD_SLICE_BYTES, applyStoredState } from './sliced-load.ts';
import { SNAPSHOT_OFF_LOOP_BYTES, SnapshotCadence } from './doc-snapshots.ts';
import { encodeDriftdeskMessage } from '../src/shared/sync-messages.ts';

export { MESSAGE_AUTH, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC, UpdateRefused } from './room-contract.ts';
export type { AcceptOutcome, Connection, JoinResult, RoomOptions, WithRoom } from './room-contract.ts';

const SERVER_ORIGIN = Symbol('server');
/** Applying what is already stored must not write it again. */
const LOAD_ORIGIN = Symbol('load');
/** Updates and awareness from another server process: already persisted, already published. */
const FANOUT_ORIGIN = Symbol('fanout');

export class Room {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connections = new Set<Connection>();
  /** The doc's encoded size when last measured, and the bytes of every update applied since. */
  private measuredBytes = 0;
  private bytesSinceMeasure = 0;
  /** Which member first wrote under each client id since the room loaded. */
  private readonly clientOwners = new Map<number, string>();
  /** Updates are persisted one after another, in the order they were applied. */
  private persisting: Promise<void> = Promise.resolve();
  private unsubscribe: (() => Promise<void>) | null = null;
  private readonly snapshots: SnapshotCadence;
  broken = false;
  /** The workspace the doc belongs to (its tokens are the ones that may open it). */
  readonly workspaceId: string;
  /** A note doc: no members list, only owners and editors write. */
  readonly isNote: boolean;
  /** A conversation doc's target (null for a workspace or note doc): no members list. */
  readonly thread: ThreadTarget | null;
  /** The workspace doc itself: members are listed in it. */
  get isWorkspace(): boolean {
    return !this.isNote && this.thread === null;
  }

  /**
   * Subscribes to other processes' changes (if any), then loads the stored doc — a big one in
   * slices, one per macrotask (sliced-load.ts); what fan-out delivers meanwhile is applied as it
   * comes, and waits in the doc's pending structs for the slices it needs. A stored doc that
   * holds what the update checks refuse (zero-length structs, changes waiting on missing ones:
   * written before those checks) is repaired from the whole stored state and stored again, with
   * a log line, rather than served (doc-repair.ts).
   */
  static async load(docName: string, store: Store, options: RoomOptions): Promise<Room> {
    let room = new Room(docName, store, options);
    if (options.fanout) {
      const unsubscribe = await options.fanout.subscribe(docName, {
        onUpdate: (update) => Y.applyUpdate(room.doc, update, FANOUT_ORIGIN),
        onAwareness: (update) => awarenessProtocol.applyAwarenessUpdate(room.awareness, update, FANOUT_ORIGIN),
      });
      room.unsubscribe = unsubscribe;
    }
    let stored: Uint8Array;
    let lastSnapshotAt: number;
    try {
      [stored, lastSnapshotAt] = await Promise.all([store.loadDoc(docName), store.latestSnapshotAt(docName)]);
    } catch (err) {
      // The store is away: give back the subscription, or every retry would leave one behind.
      await room.destroy();
      throw err;
    }
    let loaded = true;
    try {
      if (stored.byteLength > 0) await applyStoredState(room.doc, stored, LOAD_ORIGIN, options.loadSliceBytes === undefined ? LOAD_SLICE_BYTES : options.loadSliceBytes);
    } catch {
      loaded = false;
    }
    const health = loaded ? docHealth(room.doc) : null;
    if (!health?.healthy) {
      const repair = repairStoredDoc(stored);
      await store.replaceDoc(docName, repair.state);
      options.onRepaired?.(docName, { zeroLengthStructs: health?.zeroLength ?? repair.droppedStructs, ...repair, state: undefined });
      const unsubscribe = room.unsubscribe;
      room.awareness.destroy();
      room.doc.destroy();
      room = new Room(docName, store, options);
      room.unsubscribe = unsubscribe;
      Y.applyUpdate(room.doc, repair.state, LOAD_ORIGIN);
    }
    room.snapshots.setLast(lastSnapshotAt);
    room.measuredBytes = stored.byteLength;
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
    this.thread = parsed.kind === 'thread' ? parsed.target : null;
    const offLoopBytes = options.snapshotOffLoopBytes === undefined ? SNAPSHOT_OFF_LOOP_BYTES : options.snapshotOffLoopBytes;
    // A small doc's snapshot is encoded here, and that encode is a measure of its size too.
    this.snapshots = new SnapshotCadence(docName, store, { everyMs: options.snapshotEveryMs, offLoopBytes, onFailed: options.onSnapshotFailed }, () => this.measure(), () => this.measuredBytes + this.bytesSinceMeasure);
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === LOAD_ORIGIN) return;
      this.bytesSinceMeasure += update.byteLength;
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
          this.snapshots.changed();
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

  /** About how many bytes the doc's state is (its last measure plus the updates since). */
  get approxBytes(): number {
    return this.measuredBytes + this.bytesSinceMeasure;
  }

  /** Resolves once every update applied so far is persisted. */
  flushed(): Promise<void> {
    return this.persisting;
  }

  /** Resolves once every update applied so far is persisted and no history snapshot is being taken. */
  async idle(): Promise<void> {
    await this.persisting;
    await this.snapshots.settled();
  }

  /**
   * Adds a connection and lists its member. Refused, with nothing added, when the member's
   * stored record does not pass the schema (say a name longer than MEMBER_NAME_MAX written by an
   * older CLI): the caller closes that socket; nothing is thrown.
   */
  join(socket: WebSocket, identity: MemberIdentity, tokenHash: string, now: number): JoinResult {
    const conn: Connection = { socket, identity, tokenHash, awarenessIds: new Set(), backlogSince: null };
    if (this.isWorkspace) {
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
    if (this.isWorkspace) {
      this.doc.transact(() => {
        upsertMember(this.doc, { id: identity.memberId, name: identity.name, role: identity.role, joinedAt: now });
      }, SERVER_ORIGIN);
    }
    // The member's own app learns it from this connection at once (a note doc has no members
    // map to read it from), and turns editing off or on.
    this.send(conn, encodeDriftdeskMessage({ kind: 'identity', role: identity.role, name: identity.name }));
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
        const outcome = this.accept(conn.identity, payload, conn);
        if (outcome.kind === 'malformed') throw new UpdateRefused(outcome.reason);
        if (outcome.kind === 'denied') {
          this.send(conn, encoding.encode((e) => {
            encoding.writeVarUint(e, MESSAGE_AUTH);
            authProtocol.writePermissionDenied(e, outcome.reason);
          }));
        }
        return;
      }
      case MESSAGE_AWARENESS: {
        // Who a connection is comes from its token, not from what it says (awareness-stamp.ts).
        const { maxAwarenessEntries, maxAwarenessStateBytes, maxAwarenessClientsPerConnection } = this.options.limits;
        const { update, clientIds } = stampAwarenessUpdate(
          decoding.readVarUint8Array(decoder),
          conn.identity,
          (clientId) => this.awarenessOwner(clientId, conn),
          { maxEntries: maxAwarenessEntries, maxStateBytes: maxAwarenessStateBytes },
        );
        const fresh = clientIds.filter((id) => !conn.awarenessIds.has(id)).length;
        if (conn.awarenessIds.size + fresh > maxAwarenessClientsPerConnection) {
          throw new AwarenessRefused(`one connection may speak for at most ${maxAwarenessClientsPerConnection} presence clients`);
        }
        const others = [...this.connections].filter((other) => other !== conn);
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
   * Judges a client's update and applies it when allowed: first its structure
   * (server/update-structure.ts: a malformed or incomplete update is refused, and its sender
   * closed), then the write policy for the member's role (server/write-policy.ts), the client
   * ids it writes under, and the doc size limit. Nothing refused touches the doc. Used for
   * socket messages and for updates pushed over HTTP (server/http/handlers/docs.ts) alike.
   */
  accept(identity: MemberIdentity, payload: Uint8Array, origin: Connection | typeof SERVER_ORIGIN): AcceptOutcome {
    const structure = checkUpdateStructure(this.doc, payload);
    if (structure.kind === 'bad') {
      this.options.metrics.denied.inc({ reason: 'malformed' });
      return { kind: 'malformed', reason: structure.reason };
    }
    if (!structure.changes) return { kind: 'applied' };
    const verdict = this.verdictFor(identity, payload.byteLength, () =>
      judgeUpdate({ doc: this.doc, isNote: this.isNote, thread: this.thread, identity, now: Date.now(), items: structure.items, runs: structure.runs, ds: structure.ds }),
    );
    if (verdict.kind === 'denied') return verdict;
    // Client ids are not authenticated by Yjs: one member writing at another's client id could
    // take that client's next clocks, and the other's later edits would be dropped everywhere.
    for (const client of structure.runs.keys()) {
      const owner = this.clientOwners.get(client);
      if (owner !== undefined && owner !== identity.memberId) {
        this.options.metrics.denied.inc({ reason: 'client_id' });
        return { kind: 'denied', reason: 'this update writes under another member\'s client id' };
      }
    }
    for (const client of structure.runs.keys()) this.clientOwners.set(client, identity.memberId);
    try {
      Y.applyUpdate(this.doc, payload, origin);
    } catch (err) {
      // The checks above should make this unreachable; if Yjs still throws, the doc in memory
      // may be half-changed: drop the room (it reloads from the store) rather than serve it.
      if (!this.broken) {
        this.broken = true;
        this.options.onBroken(this, err);
      }
      return { kind: 'malformed', reason: 'the update could not be applied' };
    }
    if (this.thread) this.options.onConversationChanged?.(this);
    else if (this.isWorkspace) this.options.onWorkspaceChanged?.(this);
    return { kind: 'applied' };
  }

  /**
   * Restores the workspace to a history snapshot as the server (src/core/workspace/restore.ts):
   * persisted and broadcast like any change; resolves once persisted.
   */
  async restoreTo(snapshot: Uint8Array): Promise<RestoreSummary> {
    const past = new Y.Doc();
    try {
      Y.applyUpdate(past, snapshot);
      let summary: RestoreSummary = { added: 0, removed: 0, changed: 0 };
      this.doc.transact(() => {
        summary = restoreWorkspace(this.doc, past);
      }, SERVER_ORIGIN);
      await this.flushed();
      if (this.broken) throw new Error('storage unavailable; try again');
      return summary;
    } finally {
      past.destroy();
    }
  }

  /**
   * Merges a whole doc state in as the server, then lets `adjust` correct it in the same
   * transaction (a workspace moved here: server/archive/adopt-workspace.ts); resolves once
   * persisted. Live clients get it as any change.
   */
  async mergeAsServer(state: Uint8Array, adjust: (doc: Y.Doc) => void = () => {}): Promise<void> {
    this.doc.transact(() => {
      Y.applyUpdate(this.doc, state);
      adjust(this.doc);
    }, SERVER_ORIGIN);
    await this.flushed();
    if (this.broken) throw new Error('storage unavailable; try again');
  }

  /**
   * Changes the doc as the server (no write policy: the server is the trusted writer), in one
   * transaction; resolves once persisted. Live clients get it as any change.
   */
  async writeAsServer(change: (doc: Y.Doc) => void): Promise<void> {
    this.doc.transact(() => change(this.doc), SERVER_ORIGIN);
    await this.flushed();
    if (this.broken) throw new Error('storage unavailable; try again');
  }

  /** An update pushed over HTTP (server/http/handlers/docs.ts): judged as a socket's, then persisted and broadcast to everyone here. */
  acceptPushed(identity: MemberIdentity, payload: Uint8Array): AcceptOutcome {
    return this.accept(identity, payload, SERVER_ORIGIN);
  }

  /** Role, doc size and the write policy, counted in the metrics by reason when refused. */
  private verdictFor(identity: MemberIdentity, bytes: number, policy: () => Verdict): Verdict {
    let reason: string | null = null;
    let verdict: Verdict;
    if (identity.role === 'viewer') {
      verdict = { kind: 'denied', reason: 'viewers cannot change this workspace' };
      reason = 'viewer';
    } else if (!this.hasRoomFor(bytes)) {
      verdict = { kind: 'denied', reason: 'this workspace has reached its size limit' };
      reason = 'doc_size';
    } else {
      verdict = policy();
      if (verdict.kind === 'denied') reason = identity.role === 'commenter' ? 'commenter' : 'policy';
    }
    if (reason) this.options.metrics.denied.inc({ reason });
    return verdict;
  }

  /**
   * Whether `bytes` more fit under the doc size limit. The limit is on the doc's encoded size;
   * encoding a large doc costs (~100 ms at 50 MB), so it is measured only when the cheap upper
   * bound (last measure + every update since) passes the limit, and not again until a
   * sixty-fourth of the limit has been added since — typing that inserts and deletes keeps the
   * encoded size small, and is let through after a re-measure. The move route asks it too,
   * before it writes anything (server/archive/adopt-workspace.ts).
   */
  hasRoomFor(bytes: number): boolean {
    const max = this.options.maxDocBytes;
    if (this.measuredBytes + this.bytesSinceMeasure + bytes <= max) return true;
    if (this.bytesSinceMeasure < max / 64 && this.measuredBytes + bytes > max - max / 64) return false;
    this.measure();
    return this.measuredBytes + bytes <= max;
  }

  /** Encodes the doc and takes its size as the measure; answers the encoded state. */
  private measure(): Uint8Array {
    const state = Y.encodeStateAsUpdate(this.doc);
    this.measuredBytes = state.byteLength;
    this.bytesSinceMeasure = 0;
    return state;
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
    await this.snapshots.dispose();
    await this.unsubscribe?.().catch(() => {});
    this.awareness.destroy();
    this.doc.destroy();
  }

  /** Whether another member's connection here has announced this presence client. */
  private awarenessOwner(clientId: number, conn: Connection): boolean {
    for (const other of this.connections) {
      if (other !== conn && other.identity.memberId !== conn.identity.memberId && other.awarenessIds.has(clientId)) return true;
    }
    return false;
  }

  private send(conn: Connection, message: Uint8Array): void {
    if (conn.socket.readyState !== conn.socket.OPEN) return;
    // A client that does not read would make the server hold everything sent to it.
    const { slowReaderBytes, slowReaderMs, maxBufferedBytes } = this.options.limits;
    const buffered = conn.socket.bufferedAmount;
    if (buffered <= slowReaderBytes) conn.backlogSince = null;
    else {
      const now = Date.now();
      conn.backlogSince ??= now;
      if (buffered > maxBufferedBytes || now - conn.backlogSince > slowReaderMs) {
        this.options.metrics.closed.inc({ reason: 'slow_reader' });
        conn.socket.terminate();
        this.leave(conn);
        return;
      }
    }
    this.options.metrics.messagesOut.inc();
    this.options.metrics.bytesOut.inc(message.byteLength);
    conn.socket.send(message, (err) => {
      if (err) conn.socket.terminate();
    });
  }
}
