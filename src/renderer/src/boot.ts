/**
 * The page's first script: listed before the app's entry in index.html, small, importing only
 * the splash's allow-list, so it runs as soon as the page is parsed — before the app's modules
 * load, which keeps the page busy for a few hundred milliseconds on a slow machine. Three jobs:
 *
 * 1. Zod compiles fast parsers with `new Function` when its probe says eval works. Our CSP forbids
 *    eval, so the probe is refused — and Chromium reports each refusal as a CSP violation, noise
 *    that would hide a real one. Zod reads this global config when its first schema is built.
 *
 * 2. Browser mode: open the socket to the host now. When the page opens on a workspace
 *    (`#/w/<id>/…`) the socket says so (`?boot=<id>`) and the host answers the calls the app
 *    starts with (src/shared/boot-calls.ts: `workspaces.open`, the kept incidents
 *    list and the kept screen) unasked, so the answers are waiting when the app has loaded. The
 *    app's host client (host-client.ts) takes over the socket, the messages that came meanwhile
 *    and those answers. In the desktop app (`window.driftdeskHost`, IPC) there is no socket.
 *
 * 3. The splash (session/splash.ts): on the plain incidents list, the screen as the app last drew
 *    it, rebuilt from the kept snapshot, inert and hidden from assistive technology, until the app
 *    takes it down. main.tsx loads the app once the splash is on screen (`splashSettled`), at once
 *    when there is nothing to draw, and in any case WAIT_MS after this script started: waiting
 *    longer for the paint delays the app's own list more than it speeds the splash (bench:open).
 */
import { SPLASH_CALL_ID, bootCalls } from '../../shared/boot-calls';
import type { BootSocket } from './host/host-client';
import { isPlainIncidentsList, parseHashRoute } from './session/hash-route';
import { buildSplash } from './session/splash';

(globalThis as { __zod_globalConfig?: object }).__zod_globalConfig = { ...(globalThis as { __zod_globalConfig?: object }).__zod_globalConfig, jitless: true };

/** The longest the app's start waits, from this script's start, for a splash to be on screen. */
const WAIT_MS = 250;
/** A splash the app never took down (it failed to start) goes anyway. */
const SPLASH_MAX_MS = 15_000;

boot();

function boot(): void {
  let settle!: () => void;
  const splashSettled = new Promise<void>((resolve) => (settle = resolve));
  let settled = false; // the app may start: no splash is drawn after this
  const done = () => {
    if (!settled) settle();
    settled = true;
  };
  setTimeout(done, WAIT_MS);
  if (window.driftdeskHost || (location.protocol !== 'http:' && location.protocol !== 'https:')) return done();

  // Read as the app reads it (start-app.tsx asks for the same workspace: host-client.ts matches the calls).
  const route = parseHashRoute(location.hash);
  const workspaceId = route[0] === 'w' && route[1] ? route[1] : null;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/host`;
  let socket: WebSocket;
  try {
    socket = new WebSocket(workspaceId === null ? url : `${url}?boot=${encodeURIComponent(workspaceId)}`);
  } catch {
    return done(); // the app opens its own and reports what goes wrong
  }
  socket.binaryType = 'arraybuffer';
  const state: BootSocket = { socket, inbox: [], calls: [], splashSettled };
  window.__driftdeskBoot = state;
  if (workspaceId === null) return done();
  // The host answers these on a `?boot=` socket unasked.
  state.calls.push(...bootCalls(workspaceId));
  const wantSplash = isPlainIncidentsList(location.hash);
  socket.onmessage = (event: MessageEvent) => {
    state.inbox.push(event);
    if (settled || !wantSplash || typeof event.data !== 'string' || !event.data.includes(`"${SPLASH_CALL_ID}"`)) return;
    let drawn = false;
    try {
      drawn = drawSplash(event.data);
    } catch {
      // a splash is a picture of the last screen; without one the app opens as usual
    }
    // The app starts once the splash is on screen: its scripts would otherwise take the CPU from
    // the painting (two cores, measured). On screen = a title's Element Timing entry (the
    // browser's own report of presentation); WAIT_MS from the start at most.
    if (drawn) whenPresented(done);
    else done();
  };
  socket.addEventListener('error', done);
}

/** Calls `then` when the browser reports an `elementtiming` element on screen (the WAIT_MS timer is the bound). */
function whenPresented(then: () => void): void {
  try {
    const observer = new PerformanceObserver((list) => {
      if (list.getEntries().length === 0) return;
      observer.disconnect();
      then();
    });
    observer.observe({ type: 'element', buffered: true });
  } catch {
    // no Element Timing: the WAIT_MS timer decides
  }
}

function drawSplash(text: string): boolean {
  const msg = JSON.parse(text) as { id?: unknown; reply?: { kind?: unknown; value?: { json?: unknown } } };
  const json = msg.id === SPLASH_CALL_ID && msg.reply?.kind === 'ok' ? msg.reply.value?.json : null;
  if (typeof json !== 'string') return false;
  const tree = buildSplash(JSON.parse(json));
  const root = document.getElementById('root');
  if (!tree || !root?.parentNode) return false;
  const splash = document.createElement('div');
  splash.id = 'splash';
  splash.inert = true;
  splash.setAttribute('aria-hidden', 'true');
  splash.appendChild(tree);
  root.parentNode.insertBefore(splash, root);
  document.documentElement.classList.add('splash-on');
  const takeDown = () => {
    splash.remove();
    document.documentElement.classList.remove('splash-on');
  };
  // Another route is another screen; and a splash must never outlive an app that failed to start.
  window.addEventListener('hashchange', takeDown, { once: true });
  setTimeout(takeDown, SPLASH_MAX_MS);
  return true;
}
