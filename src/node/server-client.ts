/** Talks to a sync server's HTTP API from the host (never from the renderer). */
import type { ConnectionCheck } from '../shared/host-contract.ts';
import type { MemberIdentity } from '../shared/server-api.ts';
import { ServerCallError, createServerClient } from './server-api-client.ts';


export type ServerIdentity = MemberIdentity;

/**
 * Accepts what people paste: `http(s)://host:port`, `ws(s)://host:port/sync`, with or without
 * a trailing slash. Returns the server's base `http(s)://host:port` or throws saying what is wrong.
 */
export function normalizeServerUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new Error(`"${input}" is not a server URL; expected something like http://127.0.0.1:4455`);
  }
  const scheme = { 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' }[url.protocol];
  if (!scheme) throw new Error(`server URL must start with http://, https://, ws:// or wss://; got ${url.protocol}//`);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/sync(\/.*)?$/, '');
  return `${scheme}//${url.host}${path}`;
}

export type IdentityResult = { kind: 'ok'; identity: ServerIdentity } | Exclude<ConnectionCheck, { kind: 'ok' }>;

/** Asks the server who a token belongs to. Never throws: every failure becomes a message for a person. */
export async function fetchIdentity(serverUrl: string, token: string, timeoutMs = 5000): Promise<IdentityResult> {
  try {
    return { kind: 'ok', identity: await createServerClient({ serverUrl, token }).call('me', { timeoutMs }) };
  } catch (err) {
    if (!(err instanceof ServerCallError)) throw err;
    if (err.kind === 'unreachable') return { kind: 'unreachable', message: err.message };
    if (err.kind === 'refused' || err.kind === 'forbidden') {
      return { kind: 'refused', message: `The server at ${serverUrl} refused this token: it is unknown or was revoked. Ask the workspace owner for a new one.` };
    }
    if (err.status !== null && err.status !== 200) return { kind: 'unreachable', message: `The server at ${serverUrl} answered ${err.status}; is this a Driftdesk server?` };
    return { kind: 'unreachable', message: err.message };
  }
}
