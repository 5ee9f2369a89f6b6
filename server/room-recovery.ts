/**
 * Loaded rooms after a dependency went away. A room whose store write failed keeps answering
 * reads but takes no writes; once the store answers again it is replaced by a fresh load and its
 * clients are closed, so they reconnect and resend what was not stored. Fan-out messages missed
 * while Redis was away are caught up from the store.
 */
import type { Fanout } from './fanout.ts';
import type { Metrics } from './metrics.ts';
import type { Room } from './room.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { Store } from './store-contract.ts';

type Log = (event: Record<string, unknown>) => void;

/** Starts the revive pass every `everyMs`; returns its timer (unref'd) for clearInterval. */
export function reviveBrokenRoomsEvery(registry: RoomRegistry, newRoom: (docName: string) => Promise<Room>, everyMs: number, metrics: Metrics, log: Log): ReturnType<typeof setInterval> {
  const { rooms, httpUsers, dispose, unloadIfIdle } = registry;
  // Rooms whose store write failed are replaced by a fresh load once the store answers again.
  let reviving = false;
  const revive = setInterval(() => {
    if (reviving) return;
    reviving = true;
    reviveBrokenRooms()
      .catch((err: unknown) => log({ event: 'revive_failed', error: String(err) }))
      .finally(() => (reviving = false));
  }, everyMs);
  revive.unref();
  async function reviveBrokenRooms(): Promise<void> {
    for (const [docName, loading] of [...rooms]) {
      const broken = await loading.catch(() => null);
      if (!broken?.broken || rooms.get(docName) !== loading) continue;
      if (broken.connections.size === 0 && !httpUsers.has(docName)) {
        rooms.delete(docName);
        dispose(broken);
        continue;
      }
      const fresh = await newRoom(docName).catch(() => null);
      if (!fresh) continue; // still away: the next pass tries again
      if (rooms.get(docName) !== loading) {
        dispose(fresh);
        continue;
      }
      rooms.set(docName, Promise.resolve(fresh));
      log({ event: 'room_revived', workspace: broken.workspaceId, doc: docName, clients: broken.connections.size });
      for (const conn of [...broken.connections]) {
        metrics.closed.inc({ reason: 'storage_recovered' });
        conn.socket.close(1012, 'storage is back; reconnect');
        broken.leave(conn);
      }
      dispose(broken);
      // Its clients reconnect within a second or so; if none does, the fresh room goes too.
      setTimeout(() => unloadIfIdle(fresh), 30_000).unref();
    }
  }
  return revive;
}

/** Catches every loaded room up from the store when `fanout` says messages were missed; returns the unsubscribe. */
export function catchUpOnResync(fanout: Fanout | null, rooms: RoomRegistry['rooms'], store: Store, log: Log): (() => void) | undefined {
  // Fan-out messages were missed (Redis was away): every loaded room catches up from the store.
  // Requests come in bursts (both connections, every other process): one pass at a time, and at
  // most one more for everything asked while it ran.
  let catchingUp = false;
  let catchUpAgain = false;
  const requestCatchUp = (): void => {
    if (catchingUp) {
      catchUpAgain = true;
      return;
    }
    catchingUp = true;
    catchUpRooms()
      .catch((err: unknown) => log({ event: 'resync_failed', error: String(err) }))
      .finally(() => {
        catchingUp = false;
        if (catchUpAgain) {
          catchUpAgain = false;
          requestCatchUp();
        }
      });
  };
  const stopResync = fanout?.onResync(requestCatchUp);
  async function catchUpRooms(): Promise<void> {
    let count = 0;
    for (const [docName, loading] of [...rooms]) {
      const room = await loading.catch(() => null);
      if (!room || room.broken) continue;
      try {
        room.catchUp(await store.loadDoc(docName));
        count += 1;
      } catch (err) {
        log({ event: 'resync_failed', workspace: room.workspaceId, doc: docName, error: String(err) });
      }
    }
    log({ event: 'fanout_resynced', rooms: count });
  }
  return stopResync;
}
