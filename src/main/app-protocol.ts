/**
 * How `app://driftdesk/<path>` requests map to files of the built renderer, and the headers each
 * response carries. Pure (no Electron import) so it is tested without the runtime; index.ts
 * registers it with `protocol.handle`.
 */
import { extname, normalize, relative, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './window-policy.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export type AppRequest = { kind: 'file'; path: string; contentType: string } | { kind: 'not-found'; reason: string };

/**
 * The file under `rendererDir` an app:// URL names; `not-found` for another host, a path that
 * leaves the folder (`..`, encoded or not), or one that cannot be decoded. Never reads anything.
 */
export function resolveAppRequest(rendererDir: string, requestUrl: string): AppRequest {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { kind: 'not-found', reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { kind: 'not-found', reason: `not an ${APP_SCHEME}://${APP_HOST} URL` };
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { kind: 'not-found', reason: 'bad percent-encoding' };
  }
  if (pathname.includes('\0')) return { kind: 'not-found', reason: 'NUL in path' };
  const root = resolve(rendererDir);
  const file = normalize(resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`));
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..')) return { kind: 'not-found', reason: 'outside the app' };
  return { kind: 'file', path: file, contentType: TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' };
}

/** Headers of every app:// response: the CSP (see rendererCsp) and no sniffing, no referrer. */
export function appResponseHeaders(contentType: string, csp: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-cache',
  };
}
