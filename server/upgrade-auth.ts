/**
 * Who may open a websocket, decided on the HTTP upgrade request before anything is read from the
 * client: the room must name a known workspace (or a note doc of it), and the token — in
 * `Sec-WebSocket-Protocol`, or `?token=` from older and stock clients — must be a live member's
 * of that workspace, not cooling down after a flood.
 */
import type { IncomingMessage } from 'node:http';
import { parseDocName } from '../src/core/workspace/index.ts';
import { TOKEN_PROTOCOL_PREFIX } from '../src/shared/sync-messages.ts';
import type { MemberIdentity, Store } from './store-contract.ts';
import { hashToken } from './tokens.ts';

export type UpgradeVerdict =
  | { kind: 'accepted'; identity: MemberIdentity; tokenHash: string; docName: string }
  | { kind: 'refused'; status: 400 | 401 | 403 | 404 | 429 | 503; reason: string };

export async function authorizeUpgrade(req: IncomingMessage, store: Store, coolingDown: (tokenHash: string) => boolean): Promise<UpgradeVerdict> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = /^\/sync\/([A-Za-z0-9_:-]{1,300})$/.exec(url.pathname);
  const docName = match ? parseDocName(match[1]!) : null;
  if (!docName) return { kind: 'refused', status: 404, reason: 'Not Found' };
  const workspaceId = docName.workspaceId;
  if (!(await store.getWorkspace(workspaceId))) return { kind: 'refused', status: 404, reason: 'Unknown Workspace' };
  const token = url.searchParams.get('token') ?? tokenFromProtocols(req.headers['sec-websocket-protocol']);
  if (!token) return { kind: 'refused', status: 401, reason: 'Token Required' };
  const tokenHash = hashToken(token);
  if (coolingDown(tokenHash)) return { kind: 'refused', status: 429, reason: 'Too Many Requests' };
  const identity = await store.identityByHash(tokenHash);
  if (!identity) return { kind: 'refused', status: 401, reason: 'Invalid Token' };
  if (identity.workspaceId !== workspaceId) return { kind: 'refused', status: 403, reason: 'Token Not For This Workspace' };
  return { kind: 'accepted', identity, tokenHash, docName: match![1]! };
}

/**
 * Browsers cannot set headers on a WebSocket, so a token may also ride in
 * `Sec-WebSocket-Protocol` as `driftdesk.token.<token>` (kept out of URLs and access logs).
 */
function tokenFromProtocols(header: string | undefined): string | null {
  for (const p of (header ?? '').split(',')) {
    const value = p.trim();
    if (value.startsWith(TOKEN_PROTOCOL_PREFIX)) return value.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  return null;
}
