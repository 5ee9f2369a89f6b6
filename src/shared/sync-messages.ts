/**
 * Driftdesk's additions to the y-websocket wire format, shared by the sync server and the app.
 *
 * y-protocols has sync (0), awareness (1), auth (2: only "permission denied") and
 * query-awareness (3). A role change needs its own message: the auth message can only refuse,
 * and a note doc has no members map the app could read its role from. The type number is far
 * from y-protocols' own so a future one does not collide; a stock y-websocket client ignores it
 * (it logs "Unable to compute message" once per role change, nothing else).
 *
 * Also here: the subprotocols a client offers. The token rides in `driftdesk.token.<token>`;
 * the server answers with `driftdesk.v1` and never echoes the token back.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { z } from 'zod';
import { roleSchema } from '../core/workspace/index.ts';

export const MESSAGE_DRIFTDESK = 100;

/** The plain subprotocol the server picks; a client must offer it alongside the token one. */
export const SYNC_PROTOCOL = 'driftdesk.v1';
export const TOKEN_PROTOCOL_PREFIX = 'driftdesk.token.';

/** What a client offers in Sec-WebSocket-Protocol: the plain protocol, then the token. */
export function syncProtocols(token: string): string[] {
  return [SYNC_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`];
}

/**
 * How the permission-denied message from a room whose store is down begins: that edit is kept
 * and sent again, unlike an edit refused for what it is.
 */
export const STORAGE_DOWN_REASON = 'storage unavailable';

const driftdeskMessageSchema = z.discriminatedUnion('kind', [
  /** The member's role or name changed on the server; it applies to this connection from now on. */
  z.object({ kind: z.literal('identity'), role: roleSchema, name: z.string().min(1).max(500) }),
]);

export type DriftdeskMessage = z.infer<typeof driftdeskMessageSchema>;

/** A whole websocket message: the type number, then the JSON body. */
export function encodeDriftdeskMessage(message: DriftdeskMessage): Uint8Array {
  return encoding.encode((e) => {
    encoding.writeVarUint(e, MESSAGE_DRIFTDESK);
    encoding.writeVarString(e, JSON.stringify(message));
  });
}

/** Reads the body after the type number; null when it is not a message this version knows. */
export function readDriftdeskMessage(decoder: decoding.Decoder): DriftdeskMessage | null {
  try {
    const parsed = driftdeskMessageSchema.safeParse(JSON.parse(decoding.readVarString(decoder)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
