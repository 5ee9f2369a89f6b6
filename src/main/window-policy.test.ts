import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveAppRequest } from './app-protocol.ts';
import {
  APP_INDEX_URL, APP_SCHEME_PRIVILEGES, isTrustedSender, navigationDecision, needsCspReload, parseCsp, permissionDecision, rendererCsp, serverOrigins,
  windowOpenDecision, windowWebPreferences,
} from './window-policy.ts';

const UNSAFE = ["'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", "'unsafe-hashes'", '*', 'data:', 'blob:', 'http:', 'https:'];

/** The checks every renderer CSP must pass, whichever way it is delivered. */
function expectStrictScripts(policy: string) {
  const csp = parseCsp(policy);
  expect(csp.get('default-src')).toEqual(["'none'"]);
  expect(csp.get('script-src')).toEqual(["'self'"]);
  for (const bad of UNSAFE) expect(csp.get('script-src')).not.toContain(bad);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'none'"]);
  for (const source of csp.get('connect-src') ?? []) expect(source).not.toContain('*');
}

describe('BrowserWindow webPreferences', () => {
  const prefs: Record<string, unknown> = windowWebPreferences('/app/out/preload/index.cjs');

  it('isolates and sandboxes the renderer, with no Node in any frame or worker', () => {
    expect(prefs).toMatchObject({
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
    });
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
  });

  it('has no remote module and no option that loosens the page', () => {
    for (const key of ['enableRemoteModule', 'enableBlinkFeatures', 'additionalArguments', 'disableHtmlFullscreenWindowResize', 'plugins']) {
      expect(prefs).not.toHaveProperty(key);
    }
    expect(Object.keys(prefs).sort()).toEqual(
      ['allowRunningInsecureContent', 'contextIsolation', 'experimentalFeatures', 'navigateOnDragDrop', 'nodeIntegration', 'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker', 'preload', 'safeDialogs', 'sandbox', 'spellcheck', 'webSecurity', 'webviewTag'].sort(),
    );
  });

  it('serves the app from a secure standard scheme that does not bypass CSP', () => {
    expect(APP_INDEX_URL).toBe('app://driftdesk/index.html');
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true, bypassCSP: false, allowServiceWorkers: false });
  });
});

describe('renderer CSP', () => {
  const joined = ['http://127.0.0.1:4455', 'https://sync.example.com', 'https://sync.example.com/', 'http://10.0.0.7:8080/path?x=1'];

  it('allows scripts from the app only and connections to the joined servers only', () => {
    const policy = rendererCsp(serverOrigins(joined));
    expectStrictScripts(policy);
    const csp = parseCsp(policy);
    expect(csp.get('connect-src')).toEqual([
      "'self'", 'http://10.0.0.7:8080', 'http://127.0.0.1:4455', 'https://sync.example.com', 'ws://10.0.0.7:8080', 'ws://127.0.0.1:4455', 'wss://sync.example.com',
    ]);
    // No scheme-wide source: `ws:` would let a page talk to any host.
    for (const scheme of ['ws:', 'wss:', 'http:', 'https:']) expect(csp.get('connect-src')).not.toContain(scheme);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
  });

  it('with no servers joined, connects to nothing but the app', () => {
    expect(parseCsp(rendererCsp(serverOrigins([]))).get('connect-src')).toEqual(["'self'"]);
  });

  it('keeps server URLs that are not plain origins out of the policy', () => {
    expect(serverOrigins(['file:///etc/passwd', 'javascript:alert(1)', 'not a url', 'http://a;script-src *', 'ftp://x'])).toEqual([]);
    expect(() => rendererCsp(["http://evil; script-src 'unsafe-inline'"])).toThrow(/not a server origin/);
    expect(() => rendererCsp(['*'])).toThrow(/not a server origin/);
  });

  it('asks a window to reload when its page predates the server of the workspace it opens', () => {
    const admitted = serverOrigins(['http://127.0.0.1:4455']);
    expect(needsCspReload(admitted, 'http://127.0.0.1:4455/')).toBe(false);
    expect(needsCspReload(admitted, 'http://127.0.0.1:4456')).toBe(true);
    expect(needsCspReload(admitted, 'https://127.0.0.1:4455')).toBe(true);
  });

  it("the build's <meta> CSP in index.html is strict about scripts too", () => {
    const html = readFileSync(new URL('../renderer/index.html', import.meta.url), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta, 'index.html has a CSP <meta> tag').not.toBeNull();
    expectStrictScripts(meta![1]!);
  });
});

describe('navigation, new windows, permissions, IPC senders', () => {
  it('stays on app pages, opens https/mailto outside, refuses the rest', () => {
    expect(navigationDecision('app://driftdesk/index.html#/w/ws_1/incidents')).toEqual({ kind: 'allow' });
    expect(navigationDecision('https://docs.example.com/a')).toEqual({ kind: 'external', url: 'https://docs.example.com/a' });
    expect(navigationDecision('mailto:ops@example.com')).toEqual({ kind: 'external', url: 'mailto:ops@example.com' });
    for (const url of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'app://evil/index.html', 'smb://host/share', 'driftdesk://workspace/x', 'nonsense']) {
      expect(navigationDecision(url).kind, url).toBe('deny');
    }
  });

  it('never opens an app window from a page', () => {
    expect(windowOpenDecision('app://driftdesk/index.html').kind).toBe('deny');
    expect(windowOpenDecision('https://example.com').kind).toBe('external');
    expect(windowOpenDecision('file:///tmp/x').kind).toBe('deny');
  });

  it('grants notifications and clipboard writes to the app, nothing else, nobody else', () => {
    expect(permissionDecision('notifications', APP_INDEX_URL)).toBe(true);
    expect(permissionDecision('clipboard-sanitized-write', APP_INDEX_URL)).toBe(true);
    for (const p of ['media', 'geolocation', 'clipboard-read', 'midi', 'midiSysex', 'hid', 'serial', 'usb', 'fullscreen', 'openExternal', 'pointerLock', 'display-capture']) {
      expect(permissionDecision(p, APP_INDEX_URL), p).toBe(false);
    }
    expect(permissionDecision('notifications', 'https://example.com')).toBe(false);
    expect(permissionDecision('notifications', undefined)).toBe(false);
  });

  it('answers IPC from the top frame of our own page only', () => {
    expect(isTrustedSender({ url: 'app://driftdesk/index.html#/w/x', isMainFrame: true })).toBe(true);
    expect(isTrustedSender({ url: 'app://driftdesk/index.html', isMainFrame: false })).toBe(false);
    expect(isTrustedSender({ url: 'file:///app/out/renderer/index.html', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'https://driftdesk/index.html', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'app://user:pw@driftdesk/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});

describe('app:// protocol files', () => {
  const root = '/opt/driftdesk/out/renderer';

  it('maps app URLs to files in the renderer folder', () => {
    expect(resolveAppRequest(root, 'app://driftdesk/')).toEqual({ kind: 'file', path: `${root}/index.html`, contentType: 'text/html; charset=utf-8' });
    expect(resolveAppRequest(root, 'app://driftdesk/assets/index-abc.js?v=1#x')).toMatchObject({ kind: 'file', path: `${root}/assets/index-abc.js`, contentType: 'text/javascript; charset=utf-8' });
  });

  it('never leaves the folder or serves another host', () => {
    for (const url of ['app://driftdesk/../../etc/passwd', 'app://driftdesk/%2e%2e/%2e%2e/etc/passwd', 'app://driftdesk/assets/..%2f..%2f..%2fsecret', 'app://driftdesk/%00', 'app://driftdesk/%E0%A4%A', 'app://other/index.html', 'file:///etc/passwd']) {
      const got = resolveAppRequest(root, url);
      if (got.kind === 'file') expect(got.path.startsWith(`${root}/`), `${url} → ${got.path}`).toBe(true);
      else expect(got.kind).toBe('not-found');
    }
    expect(resolveAppRequest(root, 'app://other/index.html').kind).toBe('not-found');
    // The URL parser folds the dots away before we see them: what is left is a path inside the folder.
    expect(resolveAppRequest(root, 'app://driftdesk/%2e%2e/%2e%2e/etc/passwd')).toMatchObject({ kind: 'file', path: `${root}/etc/passwd` });
    expect(resolveAppRequest(root, 'app://driftdesk/assets/..%2f..%2f..%2fsecret').kind).toBe('not-found');
  });
});
