/**
 * What a room (room.ts) is given and answers: the y-websocket message types, a connection, the
 * outcomes of a join and of a client's update, the options a server loads a room with, and the
 * `withRoom` callback that handlers use. Kept apart from the Room class so that a reader sees the
 * room's contract in one short file.
 */
import type { WebSocket } from 'ws';
import type { Fanout } from './fanout.ts';
import type { Limits } from './limits.ts';
import type { Metrics } from './metrics.ts';
import type { Room } from './room.ts';
import type { MemberIdentity } from './store-contract.ts';

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
  /** Since when its unsent buffer has stayed above the slow-reader mark (null: it is reading). */
  backlogSince: number | null;
}

export type JoinResult = { kind: 'joined'; conn: Connection } | { kind: 'refused'; error: unknown };


export type AcceptOutcome = { kind: 'applied' } | { kind: 'denied'; reason: string } | { kind: 'malformed'; reason: string };

/** A client's update is malformed or incomplete: its connection is closed with this reason (1007). */
export class UpdateRefused extends Error {
  override readonly name = 'UpdateRefused';
}

export interface RoomOptions {
  maxDocBytes: number;
  /** Presence and slow-reader limits (limits.ts). */
  limits: Pick<Limits, 'maxAwarenessEntries' | 'maxAwarenessStateBytes' | 'maxAwarenessClientsPerConnection' | 'slowReaderBytes' | 'slowReaderMs' | 'maxBufferedBytes'>;
  /** A history snapshot of the doc is taken at most this often while it changes (ms; doc-snapshots.ts). */
  snapshotEveryMs: number;
  /** Past this encoded size a snapshot is built off the event loop (default SNAPSHOT_OFF_LOOP_BYTES; null: never). */
  snapshotOffLoopBytes?: number | null;
  /** A history snapshot could not be taken (logged; the doc itself is not affected). */
  onSnapshotFailed?(docName: string, error: unknown): void;
  /**
   * A stored state over twice this size is applied in slices of about this size, one per
   * macrotask, so a big doc's load does not hold the process (sliced-load.ts). Default
   * LOAD_SLICE_BYTES; null applies it whole (bench/room-load.ts's baseline).
   */
  loadSliceBytes?: number | null;
  metrics: Metrics;
  fanout: Fanout | null;
  /** Persistence failed: the room must not go on accepting updates it cannot keep. */
  onBroken(room: Room, error: unknown): void;
  /** A stored doc was repaired on load (what was dropped, for the log). */
  onRepaired?(docName: string, dropped: Record<string, unknown>): void;
  /**
   * A conversation doc took a change from a client (socket or HTTP push), after it was applied:
   * the server brings the workspace doc's summary and mention records up to date.
   */
  onConversationChanged?(room: Room): void;
  /** A workspace doc took a change from a client (after it was applied). */
  onWorkspaceChanged?(room: Room): void;
}

/** Runs `use` with the doc's room loaded (loading it if nobody has it open, unloading after). */
export type WithRoom = <T>(docName: string, use: (room: Room) => Promise<T>) => Promise<T>;
