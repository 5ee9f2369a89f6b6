/**
 * Does the server know less than this copy? After a server is restored from a backup, a client
 * that reconnects holds edits the server lost: its own confirmed ones, and other people's that it
 * had received. This copy sends back only its own — the server cannot tell a relayed edit from a
 * forged one (server/write-policy.ts refuses records authored by someone else), so others' lost
 * edits come back when their authors' devices reconnect — and says what happened.
 *
 * Compared per Yjs client: the server's state vector (its sync step 1) against this copy's.
 * Clients with edits still waiting to be sent from this device are not a loss (the server never
 * had those).
 */

export interface Missing {
  /** Yjs clients (editing sessions). */
  clients: number;
  /** Yjs items (a character of text counts one). */
  items: number;
}

export interface ServerBehind {
  /** This device's own edits the server had lost; the sync has sent them back. */
  restored: Missing;
  /** Other people's edits the server lacks and this copy holds; their authors' devices restore them. */
  held: Missing;
}

type Vector = ReadonlyMap<number, number>;

/**
 * What the server lacks of `local`. Both vectors map a Yjs client id to the next clock it would
 * write (`Y.decodeStateVector`). `own`: clients that wrote on this device; `unsent`: clients with
 * edits here the server never confirmed. Null when the server lost nothing this copy has.
 */
export function serverBehind(local: Vector, server: Vector, own: ReadonlySet<number>, unsent: ReadonlySet<number>): ServerBehind | null {
  const restored = { clients: 0, items: 0 };
  const held = { clients: 0, items: 0 };
  for (const [client, clock] of local) {
    if (unsent.has(client)) continue;
    const missing = clock - (server.get(client) ?? 0);
    if (missing <= 0) continue;
    const into = own.has(client) ? restored : held;
    into.clients++;
    into.items += missing;
  }
  return restored.clients + held.clients === 0 ? null : { restored, held };
}

/**
 * The state vector to diff this copy against when answering the server: the server's, except
 * that other clients' edits it lacks count as had — so the answer carries only this device's own
 * edits (and the delete set, whose deletions the write policy judges by role).
 */
export function ownDiffVector(local: Vector, server: Vector, own: ReadonlySet<number>): Map<number, number> {
  const vector = new Map(server);
  for (const [client, clock] of local) if (!own.has(client) && clock > (server.get(client) ?? 0)) vector.set(client, clock);
  return vector;
}
