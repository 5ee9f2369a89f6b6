/**
 * Does the server know less than this copy? After a server is restored from a backup, a client
 * that reconnects holds edits the server lost: its own confirmed ones and other people's it had
 * received. y-websocket's sync sends them back on its own (the CRDT merge); this says whether
 * it happened, so the app can tell the person instead of doing it silently.
 *
 * Compared per Yjs client: the server's state vector (its sync step 1) against this copy's.
 * Clients with edits still waiting to be sent from this device are left out — the server never
 * had those, so their absence is not a loss.
 */

export interface ServerBehind {
  /** Yjs clients (editing sessions) whose edits the server lacked. */
  clients: number;
  /** How many Yjs items (characters of text count one each) it lacked. */
  items: number;
}

/**
 * What the server lacks of `local`, not counting clients in `unsent`. Both vectors map a Yjs
 * client id to the next clock it would write (`Y.decodeStateVector`). Null when it lacks nothing.
 */
export function serverBehind(local: ReadonlyMap<number, number>, server: ReadonlyMap<number, number>, unsent: ReadonlySet<number>): ServerBehind | null {
  let clients = 0;
  let items = 0;
  for (const [client, clock] of local) {
    if (unsent.has(client)) continue;
    const missing = clock - (server.get(client) ?? 0);
    if (missing > 0) {
      clients++;
      items += missing;
    }
  }
  return clients === 0 ? null : { clients, items };
}
