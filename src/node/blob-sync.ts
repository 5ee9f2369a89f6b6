/**
 * Blobs (profiles, drift reports) live in the local cache and on the workspace's server,
 * addressed by SHA-256. Reads try the cache, then the server (verifying the hash); writes go
 * to the cache first, so a server that is down never loses one.
 */
import { createHash } from 'node:crypto';
import type { WorkspaceConnection } from '../shared/host-contract.ts';
import type { LocalCache } from './local-cache.ts';
import { ServerCallError, createServerClient } from './server-api-client.ts';

export const sha256Hex = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

const client = (conn: WorkspaceConnection) => createServerClient({ serverUrl: conn.serverUrl, token: conn.token, workspaceId: conn.workspaceId });

/** Stores a blob locally and uploads it; returns its hash and, if the upload failed, why. */
export async function storeBlob(cache: LocalCache, conn: WorkspaceConnection, data: Uint8Array): Promise<{ sha256: string; uploadError: string | null }> {
  const sha = sha256Hex(data);
  cache.putBlob(sha, data);
  try {
    await client(conn).call('blobs.put', { params: { sha256: sha }, body: data, timeoutMs: 30_000 });
    return { sha256: sha, uploadError: null };
  } catch (err) {
    if (!(err instanceof ServerCallError)) throw err;
    return { sha256: sha, uploadError: err.kind === 'unreachable' ? `server unreachable, the data is kept on this device: ${err.message}` : err.message };
  }
}

export async function loadBlob(cache: LocalCache, conn: WorkspaceConnection, sha: string): Promise<Uint8Array> {
  const local = cache.getBlob(sha);
  if (local) return local;
  let data: Uint8Array;
  try {
    data = await client(conn).call('blobs.get', { params: { sha256: sha }, timeoutMs: 30_000 });
  } catch (err) {
    if (!(err instanceof ServerCallError)) throw err;
    if (err.kind === 'unreachable') throw new Error(`this data is not on this device yet and the server is unreachable: ${err.message}`);
    if (err.status === 404) throw new Error('the server does not have this data (yet): the person who added it may still be offline');
    throw err;
  }
  if (sha256Hex(data) !== sha) throw new Error(`blob ${sha.slice(0, 12)}… from the server does not match its hash; not using it`);
  cache.putBlob(sha, data);
  return data;
}
