/**
 * The websocket endpoint's handshake: on the HTTP upgrade request, before anything is read from
 * the client, the per-IP connection rate and then the token (upgrade-auth.ts, unless the token is
 * cooling down) decide; a refused client gets a plain HTTP status and never a websocket, so
 * nothing is buffered for it. An accepted one is handed to `attach` (ws-connection.ts).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { SYNC_PROTOCOL } from '../src/shared/sync-messages.ts';
import { safePath } from './http-front.ts';
import type { ConnectionRate } from './limits.ts';
import type { Metrics } from './metrics.ts';
import type { MemberIdentity, Store } from './store-contract.ts';
import { type UpgradeVerdict, authorizeUpgrade } from './upgrade-auth.ts';
import type { AbuseCooldowns } from './ws-connection.ts';

/** The websocket server, fed only the upgrades `acceptUpgrades` lets through. */
export function syncSocketServer(maxPayload: number): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    maxPayload,
    // A browser needs one offered subprotocol echoed: only ever the plain one. Echoing the token
    // one would put the token in a response header (and in whatever logs headers).
    handleProtocols: (protocols) => (protocols.has(SYNC_PROTOCOL) ? SYNC_PROTOCOL : false),
  });
}

export interface UpgradeDeps {
  wss: WebSocketServer;
  store: Store;
  connectionRate: ConnectionRate;
  cooldowns: AbuseCooldowns;
  metrics: Metrics;
  log: (event: Record<string, unknown>) => void;
  attach(ws: WebSocket, identity: MemberIdentity, tokenHash: string, docName: string): Promise<void>;
}

/** Answers `http`'s upgrade requests. */
export function acceptUpgrades(http: Server, deps: UpgradeDeps): void {
  const { wss, store, connectionRate, cooldowns, metrics, log, attach } = deps;
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    // Nothing from the client is read until its token checks out.
    socket.pause();
    const ip = req.socket.remoteAddress ?? 'unknown';
    const checking: Promise<UpgradeVerdict> = connectionRate.allow(ip, Date.now())
      ? authorizeUpgrade(req, store, (tokenHash) => cooldowns.cooling(tokenHash))
      : Promise.resolve({ kind: 'refused', status: 429, reason: 'Too Many Connections' });
    checking
      .catch((err: unknown): UpgradeVerdict => {
        log({ event: 'auth_error', error: String(err) });
        return { kind: 'refused', status: 503, reason: 'Service Unavailable' };
      })
      .then((verdict) => {
        if (verdict.kind === 'refused') {
          metrics.refused.inc({ reason: verdict.reason.toLowerCase().replace(/ /g, '_') });
          log({ event: 'refused', reason: verdict.reason, path: safePath(req), ip });
          socket.end(`HTTP/1.1 ${verdict.status} ${verdict.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
          return;
        }
        socket.resume();
        wss.handleUpgrade(req, socket, head, (ws) => {
          attach(ws, verdict.identity, verdict.tokenHash, verdict.docName).catch((err: unknown) => {
            log({ event: 'attach_failed', workspace: verdict.identity.workspaceId, member: verdict.identity.memberId, error: String(err) });
            ws.close(1011, 'could not join the workspace; try again');
          });
        });
      })
      .catch((err: unknown) => {
        log({ event: 'upgrade_failed', path: safePath(req), error: String(err) });
        socket.destroy();
      });
  });
}
