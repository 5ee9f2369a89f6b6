/**
 * The sync server's plain HTTP requests: `/metrics` (to whom metrics-access.ts allows), the API
 * router (server/http), and what lies outside the API's map — liveness, the OpenAPI document and
 * the 404. A store that is away answers 503 with its code; nothing a request does ends the process.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildOpenApi } from './http/openapi.ts';
import type { createRouter } from './http/router.ts';
import type { Metrics } from './metrics.ts';
import { metricsRefusal } from './metrics-access.ts';
import { StorageUnavailableError } from './store-contract.ts';

export interface HttpFrontDeps {
  metrics: Metrics;
  /** See SyncServerOptions.metricsToken. */
  metricsToken: string | undefined;
  /** How many docs are loaded now (the `driftdesk_docs_loaded` gauge). */
  docsLoaded(): number;
  api: ReturnType<typeof createRouter>;
  log: (event: Record<string, unknown>) => void;
}

/** The `request` listener of the server's HTTP server. */
export function httpFront(deps: HttpFrontDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { metrics, log } = deps;
  return (req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      const refused = metricsRefusal(req, deps.metricsToken);
      if (refused) return json(res, refused.status, { error: refused.error });
      metrics.docsLoaded.set(deps.docsLoaded());
      void metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          log({ event: 'metrics_failed', error: String(err) });
          json(res, 500, { error: 'metrics unavailable' });
        },
      );
      return;
    }
    deps.api(req, res, () => outsideApi(req, res)).catch((err: unknown) => {
      const unavailable = err instanceof StorageUnavailableError;
      log({ event: unavailable ? 'http_storage_unavailable' : 'http_error', path: safePath(req), error: String(err) });
      if (res.headersSent) res.destroy();
      else if (unavailable) json(res, 503, { error: 'storage unavailable; try again shortly', code: err.code });
      else json(res, 500, { error: 'internal error' });
    });
  };
}

/** What the server answers outside the API's map: liveness, the API's own description, and 404. */
function outsideApi(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/healthz') return json(res, 200, { status: 'ok' });
  if (req.method === 'GET' && url.pathname === '/api/v1/openapi.json') return json(res, 200, buildOpenApi());
  // Nothing unknown is ever answered 200.
  json(res, 404, { error: `no route ${req.method} ${url.pathname}` });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** The request path without its query string, so tokens never reach a log. */
export function safePath(req: IncomingMessage): string {
  return (req.url ?? '').split('?')[0] ?? '';
}
