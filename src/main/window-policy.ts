/**
 * The security policy of every Driftdesk window, as plain data and pure decisions so a test can
 * read it (window-policy.test.ts) without an Electron runtime. No Electron import here except
 * types, and no side effects: src/main/index.ts applies what this file decides.
 *
 * The renderer is served from a privileged custom scheme (`app://driftdesk/…`) rather than
 * file://: the page gets an origin of its own (file:// pages can read any file://), CSP comes as
 * a response header we write ourselves (webRequest header hooks are unreliable for file://), and
 * "is this our page?" is one exact origin comparison.
 */
import type { WebPreferences } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'driftdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** Where a window starts; the hash is the renderer's route. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The scheme's privileges (protocol.registerSchemesAsPrivileged, before `ready`): standard and
 * secure so it has an origin and counts as a secure context (clipboard, module workers);
 * fetch/CORS so ES modules and Monaco's worker load. Not `bypassCSP`: our CSP applies.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
  codeCache: true,
  bypassCSP: false,
  allowServiceWorkers: false,
  stream: false,
} as const;

/**
 * Every window's webPreferences. Each security-relevant option is spelled out, even where it is
 * Electron's default, so that a later default change or a careless edit shows up in review and
 * fails the test. (`enableRemoteModule` left Electron in v14; there is no remote module to
 * enable, and the test asserts the key never comes back.)
 */
export function windowWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
  } satisfies WebPreferences;
}

/**
 * The `http(s)` and `ws(s)` origins of the servers the person has joined: what the renderer's
 * sync connections (y-websocket, `ws(s)://host:port/sync/<id>`) may reach. Unparseable or
 * non-http URLs are left out (they cannot be synced with anyway). Sorted, no duplicates.
 */
export function serverOrigins(serverUrls: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of serverUrls) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    if (!/^[A-Za-z0-9.:[\]-]+$/.test(url.host)) continue;
    const secure = url.protocol === 'https:';
    out.add(`${secure ? 'https' : 'http'}://${url.host}`);
    out.add(`${secure ? 'wss' : 'ws'}://${url.host}`);
  }
  return [...out].sort();
}

/**
 * The CSP of the Electron renderer, sent as a response header by the app:// protocol handler.
 * Scripts: the app's own files only (no inline script, no eval). `connect-src`: the app and the
 * servers in `origins` (see serverOrigins), never a wildcard. Styles allow 'unsafe-inline'
 * because Monaco cannot work without it (see CONTENT_SECURITY_POLICY in
 * src/web-host/static-files.ts for the full reasoning). The build's <meta> CSP in index.html
 * still applies too; a page enforces both, so the effective policy is the stricter of each.
 */
export function rendererCsp(origins: readonly string[]): string {
  for (const o of origins) {
    if (!/^(https?|wss?):\/\/[A-Za-z0-9.:[\]-]+$/.test(o)) throw new Error(`not a server origin for connect-src: ${JSON.stringify(o)}`);
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${["'self'", ...origins].join(' ')}`,
    "worker-src 'self' blob:",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A CSP string as a map from directive to its sources (lower-cased directive names). */
export function parseCsp(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

/** URL schemes a link may open outside the app, in the system's handler. */
export const EXTERNAL_SCHEMES = ['https:', 'mailto:'] as const;

export type NavigationDecision = { kind: 'allow' } | { kind: 'external'; url: string } | { kind: 'deny'; reason: string };

/**
 * What a window does when its page asks to go to `url` (will-navigate) — stay if it is the
 * app's own page, hand https/mailto links to the system, refuse anything else.
 */
export function navigationDecision(url: string): NavigationDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'deny', reason: 'not a URL' };
  }
  if (isAppUrl(parsed)) return { kind: 'allow' };
  if ((EXTERNAL_SCHEMES as readonly string[]).includes(parsed.protocol)) return { kind: 'external', url: parsed.href };
  return { kind: 'deny', reason: `${parsed.protocol} links do not open from Driftdesk` };
}

/** window.open and target=_blank: never a new app window; allowed external links go to the system. */
export function windowOpenDecision(url: string): NavigationDecision {
  const decision = navigationDecision(url);
  return decision.kind === 'allow' ? { kind: 'deny', reason: 'pages do not open app windows; use File › New Window' } : decision;
}

/** True when `url` is a page of the app itself (the only sender IPC is answered for). */
export function isAppUrl(url: string | URL): boolean {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/**
 * The permissions a page may have: notifications (mentions, incidents) and writing plain text to
 * the clipboard (copy link / copy token buttons). Camera, microphone, geolocation, MIDI, HID,
 * serial, USB, reading the clipboard, fullscreen by script … are refused.
 */
export const GRANTED_PERMISSIONS = ['notifications', 'clipboard-sanitized-write'] as const;

/** Whether to grant `permission` to a page at `requestingUrl` (request and check handlers both use this). */
export function permissionDecision(permission: string, requestingUrl: string | undefined): boolean {
  return (GRANTED_PERMISSIONS as readonly string[]).includes(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl);
}

/**
 * Whether an IPC message comes from a frame we trust: the top frame of one of our windows,
 * showing our own page. Subframes (there should be none: frame-src 'none') are refused too.
 */
export function isTrustedSender(frame: { url: string; isMainFrame: boolean } | null | undefined): boolean {
  return !!frame && frame.isMainFrame && isAppUrl(frame.url);
}

/**
 * A page's CSP is fixed when it loads, so a window whose document predates a server (a workspace
 * joined since) cannot reach it: true when `serverUrl`'s origins are not all in `admitted`, and
 * the window must reload (keeping its route) to get a policy that admits them.
 */
export function needsCspReload(admitted: readonly string[], serverUrl: string): boolean {
  return serverOrigins([serverUrl]).some((o) => !admitted.includes(o));
}
