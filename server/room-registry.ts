/**
 * The rooms this server process holds, keyed by doc name (a workspace id, or a note or
 * conversation doc name within it): loaded once however many join at the same time, loaded for
 * an HTTP call when nobody has the doc open, and unloaded when nobody uses it any more (a broken
 * room waits for the revive pass in room-recovery.ts).
 */
import type { Room, WithRoom } from './room.ts';
import { StorageUnavailableError } from './store-contract.ts';

export interface RoomRegistry {
  /** Loaded (or loading) rooms; a promise so that concurrent joins share one load. */
  readonly rooms: Map<string, Promise<Room>>;
  /** Docs in use by HTTP calls, with how many calls use each. */
  readonly httpUsers: Map<string, number>;
  loadRoom(docName: string): Promise<Room>;
  withRoom: WithRoom;
  dispose(room: Room): void;
  unloadIfIdle(current: Room): void;
}

export interface RoomRegistryDeps {
  newRoom(docName: string): Promise<Room>;
  /** Called once a room has loaded (not for a load that failed). */
  onLoaded(room: Room): void;
  log: (event: Record<string, unknown>) => void;
}

export function roomRegistry({ newRoom, onLoaded, log }: RoomRegistryDeps): RoomRegistry {
  const rooms = new Map<string, Promise<Room>>();

  /** Rooms are keyed by doc name: a workspace id, or a note doc name within it. */
  function loadRoom(docName: string): Promise<Room> {
    let loading = rooms.get(docName);
    if (!loading) {
      loading = newRoom(docName);
      void loading.then(onLoaded, () => {});
      rooms.set(docName, loading);
      loading.catch(() => rooms.get(docName) === loading && rooms.delete(docName));
    }
    return loading;
  }

  /** For HTTP calls on a doc: a room nobody has open is loaded for the call and unloaded after. */
  const httpUsers = new Map<string, number>();
  const withRoom: WithRoom = async (docName, use) => {
    httpUsers.set(docName, (httpUsers.get(docName) ?? 0) + 1);
    const loading = loadRoom(docName);
    try {
      const room = await loading;
      // What a broken room holds may not all be stored: an HTTP answer (a state vector, "200
      // persisted") must not vouch for it.
      if (room.broken) throw new StorageUnavailableError(new Error(`${docName} could not be stored`));
      return await use(room);
    } finally {
      const users = httpUsers.get(docName)! - 1;
      if (users === 0) httpUsers.delete(docName);
      else httpUsers.set(docName, users);
      const room = await loading.catch(() => null);
      if (room && users === 0 && room.connections.size === 0 && rooms.get(docName) === loading) {
        rooms.delete(docName);
        dispose(room);
      }
    }
  };

  function dispose(room: Room): void {
    room.destroy().catch((err: unknown) => log({ event: 'room_destroy_failed', doc: room.docName, error: String(err) }));
  }

  /** A room nobody uses any more is unloaded (a broken one waits for the revive pass). */
  function unloadIfIdle(current: Room): void {
    if (current.connections.size > 0 || current.broken) return;
    void rooms.get(current.docName)?.then((loaded) => {
      if (loaded === current && current.connections.size === 0 && !httpUsers.has(current.docName)) {
        rooms.delete(current.docName);
        dispose(current);
      }
    }, () => {});
  }

  return { rooms, httpUsers, loadRoom, withRoom, dispose, unloadIfIdle };
}
