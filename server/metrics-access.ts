/** Who may read `/metrics`: see SyncServerOptions.metricsToken. */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Why a `/metrics` request is refused (see SyncServerOptions.metricsToken), or null. */
export function metricsRefusal(req: IncomingMessage, token: string | undefined): { status: 401 | 403; error: string } | null {
  if (token) {
    const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    const wanted = Buffer.from(token);
    return given.length === wanted.length && timingSafeEqual(given, wanted) ? null : { status: 401, error: 'metrics need the metrics token: Authorization: Bearer <token>' };
  }
  return isLoopback(req.socket.remoteAddress) ? null : { status: 403, error: 'metrics are served to this machine only; start the server with --metrics-token to scrape it from elsewhere' };
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address));
}
