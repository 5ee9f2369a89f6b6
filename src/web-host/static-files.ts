import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/**
 * The renderer's CSP in browser mode, sent as a header; index.html carries the same as a
 * <meta> tag. Keep the two in step. (Electron sends its own, stricter header with connect-src
 * limited to the joined servers: rendererCsp in src/main/window-policy.ts.)
 *
 * Scripts come from the app's own files only: no inline script, no eval. Styles also allow
 * 'unsafe-inline' because the notes editor (Monaco) cannot work without it: it draws each
 * line through HTML with a `style="top:…"` attribute and builds its theme, font and widget
 * rules in `<style>` elements it creates at run time, with no nonce hook (VS Code's own
 * workbench CSP has 'unsafe-inline' in style-src for the same reason). What that leaves open
 * is CSS from our own code: user text never reaches a style (the markdown preview strips
 * `style` tags and attributes; cursor names go through CSS escaping into a constructed sheet),
 * and style-src/img-src/font-src keep any CSS from loading a sheet, image or font from off the
 * app's origin ('unsafe-inline' admits inline CSS, not remote sheets).
 * Monaco's editor worker is a file of the app, so for it worker-src needs only 'self'.
 * img-src takes `blob:` for a notebook's plots, which arrive from the host as bytes
 * (src/renderer/src/notebooks/lazy-output.tsx): only the page's own script can make a blob URL,
 * and an image, SVG included, never runs script.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; " +
  "connect-src 'self' ws: wss:; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

/** Serves files under `root` only: a path that resolves outside it is a 404, never a read. */
export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('bad request path');
    return;
  }
  const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
  const file = normalize(join(root, relative));
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return notFound(res);
  try {
    const info = await stat(file);
    if (!info.isFile()) return notFound(res);
    const headers: Record<string, string> = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': cacheControl(relative),
      etag: `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
    };
    // The browser keeps what it fetched and asks again with the validator: a 304 lets it reuse
    // the file, and, for scripts, V8's compiled code (no parse and compile on the next open).
    if (req.headers['if-none-match'] === headers.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const body = await readFile(file);
    res.writeHead(200, headers);
    res.end(body);
  } catch {
    notFound(res);
  }
}

/**
 * Vite names every built script and sheet under `assets/` after a hash of its content, so such a
 * file never changes under its name: the browser keeps it without asking (and keeps V8's code
 * cache for it). Everything else (index.html names those files) is checked on every load.
 */
export function cacheControl(relativePath: string): string {
  return /^assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(relativePath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('not found');
}
