/**
 * `PUT/GET /api/v1/workspaces/:id/blobs/:sha256` — large immutable data (profiles, drift
 * reports) addressed by its SHA-256. Bearer token of a member of that workspace; writes need
 * owner or editor. The body is size-limited while it streams and its hash verified before
 * anything is stored.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MemberIdentity, Store } from './store-contract.ts';

export const DEFAULT_MAX_BLOB_BYTES = 64 * 1024 * 1024;
const ROUTE = /^\/api\/v1\/workspaces\/([A-Za-z0-9_-]{1,128})\/blobs\/([0-9a-f]{64})$/;

type Reply = (status: number, body: unknown) => void;

export function matchBlobRoute(pathname: string): { workspaceId: string; sha256: string } | null {
  const m = ROUTE.exec(pathname);
  return m ? { workspaceId: m[1]!, sha256: m[2]! } : null;
}

export async function handleBlob(
  req: IncomingMessage,
  res: ServerResponse,
  route: { workspaceId: string; sha256: string },
  identity: MemberIdentity,
  store: Store,
  reply: Reply,
  maxBytes = DEFAULT_MAX_BLOB_BYTES,
): Promise<void> {
  if (identity.workspaceId !== route.workspaceId) return reply(403, { error: 'token is not for this workspace' });
  if (req.method === 'GET') {
    const data = await store.getBlob(route.workspaceId, route.sha256);
    if (!data) return reply(404, { error: `no blob ${route.sha256}` });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length, 'cache-control': 'private, immutable' });
    res.end(data);
    return;
  }
  if (req.method !== 'PUT') return reply(405, { error: 'use GET or PUT' });
  if (identity.role !== 'owner' && identity.role !== 'editor') return reply(403, { error: `a ${identity.role} cannot upload blobs` });
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) return reply(413, { error: `blob larger than ${maxBytes} bytes` });
  const chunks: Buffer[] = [];
  let size = 0;
  const hash = createHash('sha256');
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      reply(413, { error: `blob larger than ${maxBytes} bytes` });
      req.destroy();
      return;
    }
    hash.update(chunk as Buffer);
    chunks.push(chunk as Buffer);
  }
  const actual = hash.digest('hex');
  if (actual !== route.sha256) return reply(400, { error: `body hashes to ${actual}, not ${route.sha256}` });
  await store.putBlob(route.workspaceId, route.sha256, Buffer.concat(chunks));
  reply(201, { sha256: actual, size });
}
