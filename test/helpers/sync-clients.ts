import { WebSocket as WebSocketPolyfill } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { syncProtocols } from '../../src/shared/sync-messages.ts';

/**
 * A real y-websocket client in Node, its token in the subprotocol as the app sends it.
 * `disableBc` so two clients in one process sync through the server.
 */
export function connectClient(serverUrl: string, workspaceId: string, token: string | null, doc = new Y.Doc()) {
  const provider = new WebsocketProvider(`${serverUrl.replace(/^http/, 'ws')}/sync`, workspaceId, doc, {
    WebSocketPolyfill: WebSocketPolyfill as unknown as typeof WebSocket,
    disableBc: true,
    protocols: token === null ? [] : syncProtocols(token),
  });
  return { doc, provider, dispose: () => { provider.destroy(); doc.destroy(); } };
}

/** Resolves when `predicate` holds, polling every 10 ms; rejects after `timeoutMs` with `what`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function synced(provider: WebsocketProvider): Promise<void> {
  return waitFor(() => provider.synced, 'provider sync');
}
