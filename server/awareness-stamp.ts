/**
 * Presence is what each client says about itself (y-protocols awareness), so without a check a
 * client could show up as anyone — another member's name, an owner's role — or clear another
 * person's presence. The server knows who each connection is (its token), so before it applies
 * and relays an awareness update from a connection it:
 * - keeps only entries for client ids that no other member's connection in the room has
 *   announced (a connection speaks for its own clients only; the same member's newer socket —
 *   a reconnect — takes its client over), and
 * - writes the connection's identity (member id, name, permission role) into each state's
 *   `user` field, whatever the client put there; other fields (colour, what they view, cursor
 *   selections) are the client's to say.
 * The wire format is y-protocols': varUint count, then per entry varUint clientID, varUint clock,
 * varString state JSON ("null" for a client that left).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { MemberIdentity } from './store-contract.ts';

/** A presence message over the limits: its connection is closed with this reason. */
export class AwarenessRefused extends Error {
  override readonly name = 'AwarenessRefused';
}

export function stampAwarenessUpdate(
  update: Uint8Array,
  identity: Pick<MemberIdentity, 'memberId' | 'name' | 'role'>,
  ownedByOthers: (clientId: number) => boolean,
  limits: { maxEntries: number; maxStateBytes: number } = { maxEntries: Infinity, maxStateBytes: Infinity },
): { update: Uint8Array; clientIds: number[] } {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  // Judged before anything is read or relayed: one message must not cost every peer.
  if (count > limits.maxEntries) throw new AwarenessRefused(`a presence message may carry at most ${limits.maxEntries} entries (${count} sent)`);
  const kept: { clientId: number; clock: number; state: string }[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarString(decoder);
    if (json.length > limits.maxStateBytes) throw new AwarenessRefused(`a presence state may be at most ${limits.maxStateBytes} bytes`);
    if (ownedByOthers(clientId)) continue;
    kept.push({ clientId, clock, state: stampState(json, identity) });
  }
  const stamped = encoding.encode((e) => {
    encoding.writeVarUint(e, kept.length);
    for (const { clientId, clock, state } of kept) {
      encoding.writeVarUint(e, clientId);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, state);
    }
  });
  return { update: stamped, clientIds: kept.map((k) => k.clientId) };
}

function stampState(json: string, identity: Pick<MemberIdentity, 'memberId' | 'name' | 'role'>): string {
  const state: unknown = JSON.parse(json); // a state that does not parse is refused like any malformed message
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return json;
  const { user } = state as { user?: unknown };
  if (user === undefined) return json;
  const own = user !== null && typeof user === 'object' && !Array.isArray(user) ? user : {};
  return JSON.stringify({ ...state, user: { ...own, memberId: identity.memberId, name: identity.name, role: identity.role } });
}
