/**
 * Browser mode: serves the built renderer on 127.0.0.1 and provides the host contract over a
 * WebSocket at `/host`, wired to the same `src/node` services as the Electron main process.
 *
 * Only pages served by this host may call it: the WebSocket upgrade checks the Origin, so a
 * web page elsewhere in the browser cannot read the tokens in the local cache.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { bootCalls } from '../shared/boot-calls.ts';
import { dispatchHostCall } from '../shared/host-contract.ts';
import { decodeWire, encodeWire } from '../shared/wire-json.ts';
import { startAppHost } from '../node/app-host.ts';
import { serveStatic } from './static-files.ts';

export interface WebHostOptions {
  dataDir: string;
  rendererDir: string;
  demoFile: string;
  version: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export async function startWebHost(options: WebHostOptions) {
  const app = await startAppHost({
    dataDir: options.dataDir,
    mode: 'web',
    version: options.version,
    demoFile: options.demoFile,
    cli: { node: process.execPath, cli: fileURLToPath(new URL('../../bin/driftdesk', import.meta.url)) },
  });
  const http = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    void serveStatic(options.rendererDir, req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  let allowedOrigins: Set<string> = new Set();

  http.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const [path, query = ''] = (req.url ?? '').split('?');
    if (path !== '/host' || !allowedOrigins.has(req.headers.origin ?? '')) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Each tab is a window of the app: it gets the others' events, not its own.
      const caller = { id: randomUUID() };
      const detach = app.events.attach(caller.id, (message) => ws.send(encodeWire({ event: message })));
      ws.on('close', detach);
      const answer = async (id: unknown, channel: unknown, request: unknown) => {
        const reply = await dispatchHostCall(app.handlers, channel, request, caller);
        ws.send(encodeWire({ id, reply }));
      };
      ws.on('message', async (data, isBinary) => {
        let id: unknown = null;
        try {
          // Messages that carry bytes come as binary frames (see wire-json.ts); ws hands them over as a Buffer.
          const msg = decodeWire(isBinary ? (data as Buffer) : data.toString()) as { id?: unknown; channel?: unknown; req?: unknown };
          id = msg.id;
          await answer(id, msg.channel, msg.req);
        } catch (err) {
          ws.send(encodeWire({ id, reply: { kind: 'error', message: `bad host message: ${String(err)}` } }));
        }
      });
      // `/host?boot=<workspaceId>` (boot.ts): the calls a page opening that workspace starts
      // with are answered at once, without waiting for the page to send them — it is still loading
      // its scripts, and a message it sent would wait for them.
      const boot = new URLSearchParams(query).get('boot');
      if (boot !== null) for (const call of bootCalls(boot)) void answer(call.id, call.channel, call.req).catch(() => {});
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  return {
    url: `http://127.0.0.1:${port}`,
    serverUrl: app.serverUrl,
    /** Saved edits the servers are not known to have yet (warned about on quit). */
    pendingEdits: () => app.pendingEdits(),
    async close() {
      for (const c of wss.clients) c.close(1001, 'host shutting down');
      await new Promise<void>((resolve) => http.close(() => resolve()));
      for (const c of wss.clients) c.terminate();
      await app.close();
    },
  };
}
