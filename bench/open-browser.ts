/**
 * The Chromium side of `bench:open`: one measured open of the real app, the bare-apply
 * baseline page, search round trips through the web host, and an optional CPU profile.
 *
 * How an open is timed: a fresh page navigates to `<host>/#/w/<id>/incidents`. The clock is
 * the page's own (`performance.now()`, zero at navigation start). An init script, installed
 * before any page script runs, records by wrapping `WebSocket`: when the host socket opens,
 * and every host call's send and reply (arrival, and how long the receiving message handler
 * took). The app itself marks (DocSync) `driftdesk:cache-loaded`, when it has the cached state
 * in hand, and `driftdesk:cache-applied`, when Y.applyUpdate of it is done. The init script
 * also records `rowInDom`, when a MutationObserver first sees a row in the incidents table (the
 * end of React's commit), and `rowPainted`, the first task after the next animation frame, i.e.
 * after the browser has laid out and painted that frame. `rowPainted` is the number reported.
 * That first row may be boot.ts's splash (the last screen, rebuilt before the app's scripts
 * load; `fromSplash`); `appRowInDom` is when the app's own list is in #root with the splash
 * gone. A `?boot=` socket is answered the page's first calls unasked, so those count as sent
 * when the socket is made.
 * So an open includes: fetching and running the renderer's scripts from the host, React's
 * first render, the host calls (`workspaces.open`; `cache.load`: the host's SQLite read and
 * the transfer), Y.applyUpdate, the views' queries, rendering the list, layout and paint. It
 * does not include starting the host or the browser.
 *
 * Also recorded from the same init script (so from before the app's scripts run): every long
 * task (Long Tasks API, `PerformanceObserver({type: 'longtask', buffered: true})`; the runner
 * counts those that start before the whole workspace is applied + LONG_TASK_TAIL_MS), and Event
 * Timing entries (`{type: 'event', durationThreshold: 16, buffered: true}`, and `first-input`) of
 * the first interaction — a real click through CDP on the nav's Runs link as soon as the first row
 * is on screen (InteractionSample says which click counts and what is measured).
 *
 * For builds without the marks (before they were added), `loaded` is the end of the
 * `cache.load` reply's handler and `applied` the first task after it: the awaiting code runs in
 * the microtasks right after the handler, before any task React schedules.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, CDPSession, Page } from '@playwright/test';

export interface HostCall {
  channel: string;
  sent: number;
  arrived: number;
  /** The client's message handler (decode, resolve) for this reply. */
  handlerMs: number;
  replyBytes: number;
}

export interface OpenSample {
  navigation: { responseEnd: number; domContentLoaded: number };
  socketOpen: number;
  calls: HostCall[];
  loaded: number;
  applied: number;
  rowInDom: number;
  rowPainted: number;
  rows: number;
  /** Whether the first row was boot.ts's splash (the last screen, drawn before the app loaded). */
  fromSplash: boolean;
  /** When the app's own list (React's, in #root) was in the DOM with the splash gone: the list responds from here. */
  appRowInDom: number;
  /**
   * When an incident title was first presented on screen, as the browser reports it (Element
   * Timing, `elementtiming="incident-title"`): the paint itself, which `rowPainted` (the main
   * thread's next frame) only approximates — raster and presentation can lag when the CPU is busy.
   */
  rowPresented: number;
  /** JS heap (CDP Performance.getMetrics) right after the first row (and the first click), and after a forced GC once settled. */
  heapAtRowMb: number;
  heapAfterGcMb: number;
  /** Long tasks (Long Tasks API) from navigation until the whole workspace is applied + LONG_TASK_TAIL_MS. */
  longTasks: { startTime: number; duration: number }[];
  /** The first interaction: see measureOpen. */
  interaction: InteractionSample;
}

/**
 * The first interaction of an open: a click on the nav's "Runs" link (real input through CDP,
 * `Input.dispatchMouseEvent`, at the link's centre) as soon as the first incidents row is on
 * screen. If that first row is the splash (inert: it takes no clicks) the click reaches nothing
 * and the hash stays; the bench then clicks again as soon as the app's own list is in the DOM,
 * as a person would who saw nothing happen. `answered` is the Event Timing of the click the app
 * took (the one that changed the route): its `startTime` (when the input happened) + `duration`
 * (until the next paint after its handlers ran, 8 ms granularity) — the measure of "first
 * interaction answered". `delay` is its input delay (processingStart − startTime: how long the
 * main thread was busy before it could run the handler). `runsInDom`: when the Runs page the route
 * change renders is in #root (before the doc is applied that is its empty state); `runsRowInDom` /
 * `runsPainted`: when its first run row is, and the main thread's next frame after it.
 */
export interface InteractionSample {
  /** Clicks made, and how many reached nothing (the splash). */
  clicks: number;
  lost: number;
  /** When the first click was made (its Event Timing startTime; NaN when no entry). */
  firstClickAt: number;
  answered: number;
  delay: number;
  processing: number;
  /** The Runs page (any state, its empty one included) in #root. */
  runsInDom: number;
  /** Its first run row in #root, and the main thread's next frame after it. */
  runsRowInDom: number;
  runsPainted: number;
  /** Every Event Timing entry of the clicks (pointerdown/up, click), as the browser reported them. */
  events: { name: string; startTime: number; processingStart: number; processingEnd: number; duration: number; interactionId: number }[];
}

/** How long an open waits on the incidents list before its page closes, for the app to keep that screen (it does 300 ms after the route change). */
const KEEP_SCREEN_WAIT_MS = 1500;

/** Long tasks are counted until this long after the whole workspace is applied. */
export const LONG_TASK_TAIL_MS = 1000;

/** Runs in the page before its scripts (see the header). Self-contained: it is serialized. */
function instrumentOpen(): void {
  const rec = {
    socketOpen: NaN,
    calls: [] as { id: string; channel: string; sent: number; arrived: number; handlerMs: number; replyBytes: number }[],
    applied: NaN,
    rowInDom: NaN,
    rowPainted: NaN,
    rows: 0,
    fromSplash: false,
    appRowInDom: NaN,
    rowPresented: NaN,
    longTasks: [] as { startTime: number; duration: number }[],
    events: [] as { name: string; startTime: number; processingStart: number; processingEnd: number; duration: number; interactionId: number }[],
    runsInDom: NaN,
    runsRowInDom: NaN,
    runsPainted: NaN,
    /** Each click as the page got it: its input time (event.timeStamp) and when its first listener ran. */
    clicks: [] as { inputAt: number; handledAt: number }[],
  };
  addEventListener('click', (e) => rec.clicks.push({ inputAt: e.timeStamp, handledAt: performance.now() }), { capture: true });
  // Registered before any of the app's scripts: every task of the open is seen.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) rec.longTasks.push({ startTime: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { processingStart: number; processingEnd: number; interactionId?: number })[]) {
      if (!/^(pointerdown|pointerup|mousedown|mouseup|click)$/.test(e.name)) continue;
      rec.events.push({ name: e.name, startTime: e.startTime, processingStart: e.processingStart, processingEnd: e.processingEnd, duration: e.duration, interactionId: e.interactionId ?? 0 });
    }
  }).observe({ type: 'event', durationThreshold: 16, buffered: true } as PerformanceObserverInit);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { processingStart: number; processingEnd: number })[]) {
      rec.events.push({ name: `first-input:${e.name}`, startTime: e.startTime, processingStart: e.processingStart, processingEnd: e.processingEnd, duration: e.duration, interactionId: 0 });
    }
  }).observe({ type: 'first-input', buffered: true });
  new MutationObserver((_m, observer) => {
    if (!document.querySelector('#root .runs-page')) return;
    // Before the doc is applied the Runs page is its empty state ("No runs in this workspace yet"): the answer is its first row.
    if (Number.isNaN(rec.runsInDom)) rec.runsInDom = performance.now();
    if (!document.querySelector('#root .runs-table tbody tr')) return;
    rec.runsRowInDom = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => {
      const painted = new MessageChannel();
      painted.port1.onmessage = () => (rec.runsPainted = performance.now());
      painted.port2.postMessage(0);
    });
  }).observe(document, { childList: true, subtree: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { renderTime: number })[]) {
      const t = e.renderTime || e.startTime;
      if (Number.isNaN(rec.rowPresented) || t < rec.rowPresented) rec.rowPresented = t;
    }
  }).observe({ type: 'element', buffered: true });
  (window as unknown as { __openBench: typeof rec }).__openBench = rec;
  const byId = new Map<string, (typeof rec.calls)[number]>();
  const idOf = (text: string) => /"id":"?([\w-]+)"?/.exec(text)?.[1];
  const textOf = (data: unknown): string =>
    typeof data === 'string' ? data.slice(0, 300) : new TextDecoder().decode(new Uint8Array(data as ArrayBuffer, 0, Math.min(300, (data as ArrayBuffer).byteLength)));
  const sizeOf = (data: unknown): number => (typeof data === 'string' ? data.length : data instanceof Blob ? data.size : (data as ArrayBuffer).byteLength);
  const Native = window.WebSocket;
  const hostSockets = new WeakSet<WebSocket>();
  class Instrumented extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const parsed = new URL(String(url));
      if (parsed.pathname !== '/host') return;
      hostSockets.add(this);
      // A `?boot=` socket (boot.ts) is answered the page's first calls unasked: count them as sent now.
      if (parsed.searchParams.has('boot')) {
        for (const [id, channel] of [['boot-1', 'workspaces.open'], ['boot-2', 'cache.preview']] as const) {
          const call = { id, channel, sent: performance.now(), arrived: NaN, handlerMs: NaN, replyBytes: 0 };
          byId.set(id, call);
          rec.calls.push(call);
        }
      }
      this.addEventListener('open', () => (rec.socketOpen = performance.now()));
      // Registered before the app sets onmessage, so it runs first: the arrival time.
      this.addEventListener('message', (e) => {
        const id = idOf(textOf(e.data));
        const call = id ? byId.get(id) : undefined;
        if (call) {
          call.arrived = performance.now();
          call.replyBytes = sizeOf(e.data);
        }
      });
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (hostSockets.has(this)) {
        const text = typeof data === 'string' ? data.slice(0, 300) : data instanceof Blob ? '' : textOf(ArrayBuffer.isView(data) ? data.buffer.slice(data.byteOffset, data.byteOffset + Math.min(300, data.byteLength)) : data);
        const id = idOf(text);
        const channel = /"channel":"([^"]+)"/.exec(text);
        if (id && channel) {
          const call = { id, channel: channel[1]!, sent: performance.now(), arrived: NaN, handlerMs: NaN, replyBytes: 0 };
          byId.set(call.id, call);
          rec.calls.push(call);
        }
      }
      super.send(data);
    }
    override set onmessage(handler: ((this: WebSocket, ev: MessageEvent) => unknown) | null) {
      if (!handler || !hostSockets.has(this)) {
        super.onmessage = handler;
        return;
      }
      super.onmessage = function (this: WebSocket, e: MessageEvent) {
        const started = performance.now();
        const id = idOf(textOf(e.data));
        const call = id ? byId.get(id) : undefined;
        try {
          return handler.call(this, e);
        } finally {
          if (call) {
            call.handlerMs = performance.now() - started;
            if (call.channel === 'cache.load' && Number.isNaN(rec.applied)) {
              const after = new MessageChannel();
              after.port1.onmessage = () => (rec.applied = performance.now());
              after.port2.postMessage(0);
            }
          }
        }
      };
    }
    override get onmessage() {
      return super.onmessage;
    }
  }
  window.WebSocket = Instrumented;
  new MutationObserver((_m, observer) => {
    const rows = document.querySelectorAll('table.incidents tbody tr');
    if (rows.length === 0) return;
    if (Number.isNaN(rec.rowInDom)) {
      rec.rowInDom = performance.now();
      rec.rows = rows.length;
      rec.fromSplash = document.getElementById('splash')?.contains(rows[0]!) ?? false;
      requestAnimationFrame(() => {
        const painted = new MessageChannel();
        painted.port1.onmessage = () => (rec.rowPainted = performance.now());
        painted.port2.postMessage(0);
      });
    }
    if (!document.getElementById('splash') && document.querySelector('#root table.incidents tbody tr')) {
      rec.appRowInDom = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
}

/**
 * The init script's source. tsx compiles with esbuild's keepNames, which wraps named functions
 * in a `__name(...)` helper that exists in this process but not in the page: define it there.
 */
function initScript(fn: () => void): { content: string } {
  return { content: `var __name = (f) => f;\n(${fn.toString()})();` };
}

async function heapMb(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 2 ** 20;
}

/**
 * One open of the workspace in a fresh page of `context`; the page is closed afterwards unless
 * `keep`. The runner gives each host one context, so after its first page the renderer's
 * scripts come from the browser's cache with their compiled code, as they would in a browser
 * that has run the app before (and as Electron's code cache does); the first page pays for both.
 */
export async function measureOpen(context: BrowserContext, hostUrl: string, workspaceId: string, options: { settleMs?: number; keep?: boolean } = {}): Promise<{ sample: OpenSample; page: Page }> {
  const page = await context.newPage();
  await page.addInitScript(initScript(instrumentOpen));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${hostUrl}/#/w/${workspaceId}/incidents`);
  const target = await waitForFirstRowOnScreen(page);
  // The click first: a person clicks when they see the row, and every CDP call before it would delay it.
  const interaction = await interact(page, target);
  const heapAtRowMb = await heapMb(cdp);
  // A first row drawn from the kept preview comes before the doc is applied: wait for that too.
  await page.waitForFunction(() => performance.getEntriesByName('driftdesk:cache-applied').length > 0, null, { timeout: 300_000, polling: 50 });
  await page.waitForTimeout(Math.max(options.settleMs ?? 1000, LONG_TASK_TAIL_MS));
  await cdp.send('HeapProfiler.collectGarbage');
  const heapAfterGcMb = await heapMb(cdp);
  const rec = await page.evaluate((workspaceId) => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const r = (window as unknown as { __openBench: Omit<OpenSample, 'navigation' | 'loaded' | 'heapAtRowMb' | 'heapAfterGcMb' | 'interaction'> & { events: InteractionSample['events']; clicks: { inputAt: number; handledAt: number }[]; runsInDom: number; runsRowInDom: number; runsPainted: number } }).__openBench;
    // (No named functions in here: tsx would wrap them in a helper the page does not have.)
    const marks = Object.fromEntries(
      performance.getEntriesByType('mark').filter((m) => (m as PerformanceMark).detail === workspaceId).map((m) => [m.name, m.startTime]),
    ) as Record<string, number | undefined>;
    const load = r.calls.find((c) => c.channel === 'cache.load');
    return {
      ...r,
      loaded: marks['driftdesk:cache-loaded'] ?? (load ? load.arrived + load.handlerMs : NaN),
      applied: marks['driftdesk:cache-applied'] ?? r.applied,
      navigation: { responseEnd: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd },
    };
  }, workspaceId);
  await cdp.detach();
  // Back to the incidents list before the page goes, as a person leaves it: the app keeps the
  // screen it shows 300 ms after a route change (preview-keeper.ts), and the next open's splash
  // is that screen only when it is the incidents list.
  await page.evaluate((workspaceId) => (location.hash = `#/w/${workspaceId}/incidents`), workspaceId);
  await page.waitForSelector('#root table.incidents tbody tr', { timeout: 120_000 });
  await page.waitForTimeout(KEEP_SCREEN_WAIT_MS);
  if (!options.keep) await page.close();
  const { events, clicks, runsInDom, runsRowInDom, runsPainted, longTasks, ...sample } = rec;
  return {
    sample: {
      ...sample,
      heapAtRowMb,
      heapAfterGcMb,
      longTasks: longTasks.filter((t) => t.startTime < rec.applied + LONG_TASK_TAIL_MS),
      interaction: interactionOf(interaction, clicks, events, { runsInDom, runsRowInDom, runsPainted }),
    },
    page,
  };
}

interface LinkTarget {
  x: number;
  y: number;
}

/** Waits for the first incidents row on screen (Element Timing, else the next frame); returns the centre of the nav's Runs link. */
async function waitForFirstRowOnScreen(page: Page): Promise<LinkTarget> {
  const handle = await page.waitForFunction(
    () => {
      const r = (window as unknown as { __openBench: { rowPainted: number; rowPresented: number } }).__openBench;
      if (Number.isNaN(r.rowPresented) && Number.isNaN(r.rowPainted)) return null;
      const link = document.querySelector('#root a[href$="/runs"]') ?? document.querySelector('#splash a[href$="/runs"]');
      const box = link?.getBoundingClientRect();
      return box && box.width > 0 ? { x: box.x + box.width / 2, y: box.y + box.height / 2 } : null;
    },
    null,
    { timeout: 300_000, polling: 'raf' },
  );
  return (await handle.jsonValue())!;
}

/** The clicks of the first interaction (see InteractionSample): how many were made and lost. */
async function interact(page: Page, target: LinkTarget): Promise<{ clicks: number; lost: number }> {
  const answered = () => page.evaluate(() => location.hash.endsWith('/runs'));
  // Input.dispatchMouseEvent returns once the page has taken the event: a busy main thread holds it.
  await page.mouse.click(target.x, target.y);
  if (await answered()) return { clicks: 1, lost: 0 };
  // It fell on the splash: again as soon as the app's own link is there.
  const handle = await page.waitForFunction(
    () => {
      const link = !document.getElementById('splash') && document.querySelector('#root a[href$="/runs"]');
      const box = link ? link.getBoundingClientRect() : null;
      return box && box.width > 0 ? { x: box.x + box.width / 2, y: box.y + box.height / 2 } : null;
    },
    null,
    { timeout: 300_000, polling: 20 },
  );
  const again = (await handle.jsonValue())!;
  await page.mouse.click(again.x, again.y);
  return { clicks: 2, lost: (await answered()) ? 1 : 2 };
}

function interactionOf(
  made: { clicks: number; lost: number },
  clicks: { inputAt: number; handledAt: number }[],
  events: InteractionSample['events'],
  runs: Pick<InteractionSample, 'runsInDom' | 'runsRowInDom' | 'runsPainted'>,
): InteractionSample {
  // The click the app took is the last one made (a lost first click is followed by one more).
  const taken = made.lost < made.clicks ? clicks[clicks.length - 1] : undefined;
  const entry = taken ? events.find((e) => e.name === 'click' && Math.abs(e.startTime - taken.inputAt) < 2) : undefined;
  return {
    clicks: made.clicks,
    lost: made.lost,
    firstClickAt: clicks[0]?.inputAt ?? NaN,
    // Without an entry the click was answered within the 16 ms threshold: its input time + 16 is an upper bound.
    answered: entry ? entry.startTime + entry.duration : taken ? taken.inputAt + 16 : NaN,
    delay: entry ? entry.processingStart - entry.startTime : taken ? taken.handledAt - taken.inputAt : NaN,
    processing: entry ? entry.processingEnd - entry.processingStart : NaN,
    ...runs,
    events,
  };
}

function waitForFirstRow(page: Page) {
  return page.waitForFunction(() => !Number.isNaN((window as unknown as { __openBench: { rowPainted: number } }).__openBench.rowPainted), null, { timeout: 120_000, polling: 50 });
}

export interface ApplySample {
  /** First Y.applyUpdate of the state in a fresh page (cold code, as the app's open is). */
  coldMs: number;
  /** Median of three more, each into a fresh Y.Doc (warm code). */
  warmMs: number;
  /** Live JS heap held by the applied doc, after a forced GC. */
  docHeapMb: number;
}

/**
 * The baseline: a page that loads only yjs (bundled by `yjsBundle`) and applies the state to a
 * fresh Y.Doc. The page, the script and the bytes are served by a small HTTP server in this
 * process on a loopback port (not through Playwright routes: CDP's pipe refuses a body of 100 MiB,
 * the three-year doc); the bytes are fetched and copied before the clock starts.
 */
export async function measureApply(browser: Browser, yjsBundle: string, state: Uint8Array): Promise<ApplySample> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/y.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(yjsBundle);
    else if (path === '/state.bin') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(state);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><script src="/y.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${origin}/`);
    await page.evaluate(async () => {
      (window as unknown as { bytes: Uint8Array }).bytes = new Uint8Array(await (await fetch('/state.bin')).arrayBuffer());
    });
    await cdp.send('HeapProfiler.collectGarbage');
    const before = await heapMb(cdp);
    const times = await page.evaluate(() => {
      type W = { BenchY: typeof import('yjs'); bytes: Uint8Array; keep: unknown[] };
      const w = window as unknown as W;
      const out: number[] = [];
      w.keep = [];
      for (let i = 0; i < 4; i++) {
        const doc = new w.BenchY.Doc();
        const t = performance.now();
        w.BenchY.applyUpdate(doc, w.bytes);
        out.push(performance.now() - t);
        if (i === 0) w.keep.push(doc);
        else doc.destroy();
      }
      return out;
    });
    await cdp.send('HeapProfiler.collectGarbage');
    const after = await heapMb(cdp);
    const warm = times.slice(1).sort((a, b) => a - b);
    return { coldMs: times[0]!, warmMs: warm[1]!, docHeapMb: after - before };
  } finally {
    await context.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A CPU profile (CDP Profiler) of one open in a fresh page of `context`, from before navigation until the first row is painted. */
export async function profileOpen(context: BrowserContext, hostUrl: string, workspaceId: string): Promise<unknown> {
  const page = await context.newPage();
  try {
    await page.addInitScript(initScript(instrumentOpen));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    await page.goto(`${hostUrl}/#/w/${workspaceId}/incidents`);
    await waitForFirstRow(page);
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
    return profile;
  } finally {
    await page.close();
  }
}
