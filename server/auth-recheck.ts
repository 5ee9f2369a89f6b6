/**
 * Live connections re-checked against the token table (one auth-version query per pass): a
 * revoked token's connections are closed; a changed role or name is applied to its room or, if
 * the new member record cannot be listed, that member is closed.
 */
import type { Metrics } from './metrics.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { Store } from './store-contract.ts';

/** Starts the re-check every `everyMs`; returns its timer (unref'd) for clearInterval. */
export async function recheckAuthEvery(store: Store, rooms: RoomRegistry['rooms'], everyMs: number, metrics: Metrics, log: (event: Record<string, unknown>) => void): Promise<ReturnType<typeof setInterval>> {
  // Tokens are revoked and roles changed by the CLI, possibly in another process: re-check
  // every live connection often enough that a change takes effect within a second.
  let seenAuthVersion = await store.authVersion();
  let rechecking = false;
  // The store can be away (PostgreSQL restarting): say so once, and once when it is back,
  // rather than every pass.
  let recheckFailing = false;
  const recheck = setInterval(() => {
    if (rechecking) return;
    rechecking = true;
    recheckConnections()
      .then(
        () => {
          if (recheckFailing) log({ event: 'auth_recheck_recovered' });
          recheckFailing = false;
        },
        (err: unknown) => {
          if (!recheckFailing) log({ event: 'auth_recheck_failed', error: String(err) });
          recheckFailing = true;
        },
      )
      .finally(() => (rechecking = false));
  }, everyMs);
  async function recheckConnections(): Promise<void> {
    // One tiny query per pass; the per-connection check runs only after an auth change.
    const version = await store.authVersion();
    if (version === seenAuthVersion) return;
    seenAuthVersion = version;
    const now = Date.now();
    for (const loading of rooms.values()) {
      const room = await loading.catch(() => null);
      if (!room) continue;
      for (const conn of [...room.connections]) {
        const fresh = await Promise.resolve(store.identityByHash(conn.tokenHash)).catch(() => conn.identity);
        if (!fresh) {
          log({ event: 'token_revoked', workspace: room.workspaceId, member: conn.identity.memberId });
          metrics.closed.inc({ reason: 'token_revoked' });
          conn.socket.close(4001, 'token revoked');
          room.leave(conn);
        } else if (fresh.role !== conn.identity.role || fresh.name !== conn.identity.name) {
          try {
            room.updateIdentity(conn, fresh, now);
          } catch (err) {
            // The changed record does not pass the schema: that member leaves, the pass goes on.
            log({ event: 'identity_update_refused', workspace: room.workspaceId, member: conn.identity.memberId, error: String(err) });
            conn.socket.close(1008, 'your member record changed and cannot be listed; reconnect');
            room.leave(conn);
          }
        }
      }
    }
  }
  recheck.unref();
  return recheck;
}
