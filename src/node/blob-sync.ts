/**
 * Blobs (profiles, drift reports) live in the local cache and on the workspace's server,
 * addressed by SHA-256. Reads try the cache, then the server (verifying the hash); writes go
 * to the cache first, so a server that is down never loses one.
 */
import { createHash } from 'node:crypto';
import type { WorkspaceConnection } from '../shared/host-contract.ts';
import type { LocalCache } from './local-cache.ts';

export const sha256Hex = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

const blobUrl = (conn: WorkspaceConnection, sha: string) => `${conn.serverUrl}/api/v1/workspaces/${conn.workspaceId}/blobs/${sha}`;

/** Stores a blob locally and uploads it; returns its hash and, if the upload failed, why. */
export async function storeBlob(cache: LocalCache, conn: WorkspaceConnection, data: Uint8Array): Promise<{ sha256: string; uploadError: string | null }> {
  const sha = sha256Hex(data);
  cache.putBlob(sha, data);
  try {
    const res = await fetch(blobUrl(conn, sha), {
      method: 'PUT',
      body: new Blob([new Uint8Array(data)]),
      headers: { authorization: `Bearer ${conn.token}`, 'content-type': 'application/octet-stream' },
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) return { sha256: sha, uploadError: `server answered ${res.status}: ${(await res.text()).slice(0, 200)}` };
    return { sha256: sha, uploadError: null };
  } catch (err) {
    return { sha256: sha, uploadError: `server unreachable (${(err as Error).message}); kept on this device` };
  }
}

export async function loadBlob(cache: LocalCache, conn: WorkspaceConnection, sha: string): Promise<Uint8Array> {
  const local = cache.getBlob(sha);
  if (local) return local;
  let res: Response;
  try {
    res = await fetch(blobUrl(conn, sha), { headers: { authorization: `Bearer ${conn.token}` }, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new Error(`this data is not on this device yet and the server is unreachable (${(err as Error).message})`);
  }
  if (res.status === 404) throw new Error('the server does not have this data (yet): the person who added it may still be offline');
  if (!res.ok) throw new Error(`the server answered ${res.status} for blob ${sha.slice(0, 12)}…`);
  const data = new Uint8Array(await res.arrayBuffer());
  if (sha256Hex(data) !== sha) throw new Error(`blob ${sha.slice(0, 12)}… from the server does not match its hash; not using it`);
  cache.putBlob(sha, data);
  return data;
}
