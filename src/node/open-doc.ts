/**
 * `openDoc(target)`: a workspace doc (or a note doc) synced from its server over y-websocket,
 * in Node — for the CLI's commands that read or write a workspace. The token rides in a
 * subprotocol, never in the URL (src/shared/sync-messages.ts).
 */
import { WebSocket as WebSocketPolyfill } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { syncProtocols } from '../shared/sync-messages.ts';
import type { WorkspaceTarget } from './server-api-client.ts';

export interface OpenDoc {
  doc: Y.Doc;
  /** Disconnects and frees the doc; what was sent before stays sent. */
  close(): void;
}

/** Resolves once the doc has synced from the server (within `target.timeoutMs`, default 15 s). */
export async function openDoc(target: WorkspaceTarget, docName: string = target.workspaceId): Promise<OpenDoc> {
  const origin = target.server.replace(/\/+$/, '');
  const timeoutMs = target.timeoutMs ?? 15_000;
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${origin.replace(/^http/, 'ws')}/sync`, docName, doc, {
    WebSocketPolyfill: WebSocketPolyfill as unknown as typeof WebSocket,
    // Without it two clients in one process would sync over BroadcastChannel and skip the server.
    disableBc: true,
    protocols: syncProtocols(target.token),
  });
  const close = () => {
    provider.destroy();
    doc.destroy();
  };
  const start = Date.now();
  while (!provider.synced) {
    if (Date.now() - start > timeoutMs) {
      close();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${docName} to sync from ${origin} (is the server up and the token right?)`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { doc, close };
}
