/**
 * Pushes edits made on this device that the server does not have yet — for every doc of a
 * workspace (the workspace doc and its notes), whether or not a window has it open. This is how
 * work done offline reaches the server even when nobody opens that note again.
 *
 * Per doc: ask the server for its state vector, send `Y.diffUpdate(local state, that vector)`
 * if it is not empty, and forget the pending edits the server's answer covers. The server
 * answers a push only once it has persisted it (server/http/handlers/docs.ts), so an edit leaves the
 * pending list only when it is safe on the server.
 */
import * as Y from 'yjs';
import { ownDiffVector } from '../core/workspace/server-behind.ts';
import type { SyncPending, WorkspaceConnection } from '../shared/host-contract.ts';
import type { LocalCache } from './local-cache.ts';
import { ServerCallError, createServerClient } from './server-api-client.ts';

const TIMEOUT_MS = 10_000;

/** Pushes what the server lacks; never throws — an unreachable server is reported in `error`. */
export async function pushPendingEdits(cache: LocalCache, conn: WorkspaceConnection): Promise<SyncPending> {
  const docs = cache.docsWithPendingEdits(conn.workspaceId);
  let error: string | null = null;
  for (const docId of docs) {
    try {
      await pushDoc(cache, conn, docId);
    } catch (err) {
      error = (err as Error).message;
      // The server is down or refuses this token: the other docs would fail the same way.
      if (!(err instanceof RefusedUpdate)) break;
      // Refused for what it is: sending it again gets the same answer, so it is not retried
      // (the app reloads the doc from the server when it next opens it, see DocSync).
      cache.markRefused(docId, err.message);
    }
  }
  return { pending: cache.pendingEdits(docs), error };
}

class RefusedUpdate extends Error {}

async function pushDoc(cache: LocalCache, conn: WorkspaceConnection, docId: string): Promise<void> {
  const api = createServerClient({ serverUrl: conn.serverUrl, token: conn.token, workspaceId: conn.workspaceId });
  let serverVector = await request(() => api.call('docs.stateVector', { params: { docName: docId }, timeoutMs: TIMEOUT_MS }));
  const local = cache.loadDoc(docId);
  if (local) {
    // Only this device's own edits: others' that the server lacks (it was restored from a
    // backup) are theirs to send; relayed, the whole push would be refused (server-behind.ts).
    const own = new Set(cache.ownClients(docId));
    const vector = ownDiffVector(Y.decodeStateVector(Y.encodeStateVectorFromUpdate(local)), Y.decodeStateVector(serverVector), own);
    const diff = Y.diffUpdate(local, Y.encodeStateVector(vector));
    if (Y.parseUpdateMeta(diff).to.size > 0 || hasDeletes(diff)) {
      serverVector = await request(() => api.call('docs.pushUpdate', { params: { docName: docId }, body: diff, timeoutMs: TIMEOUT_MS }));
    }
  }
  cache.markServerHas(docId, Y.decodeStateVector(serverVector));
}

function hasDeletes(update: Uint8Array): boolean {
  return Y.decodeUpdate(update).ds.clients.size > 0;
}

/** A call whose failure says what happens to the edits: kept (server away), or refused for good. */
async function request<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof ServerCallError)) throw err;
    if (err.kind === 'unreachable') throw new Error(`the server is unreachable (${err.message}); edits stay on this device and are sent when it is back`);
    const detail = err.reason ?? err.message;
    if (err.status === 403 || err.status === 400 || err.status === 413) throw new RefusedUpdate(`the server refused an edit: ${detail}`);
    throw new Error(`the server answered ${err.status}: ${detail}`);
  }
}
