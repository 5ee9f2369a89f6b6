/**
 * `npm run bench:open` — issue 5's speed goal: open a workspace of 10,000 runs, 2,000
 * incidents, 20,000 comments and 200 notes from the local cache alone (its server is down)
 * and time it until the first list (the incidents table) is on screen — boot.ts's splash of the
 * last screen counts, being what the person sees; when the app's own list replaces it is
 * reported beside it, and when the whole doc is applied — with the renderer's JS heap and the
 * host's RSS; against, in the same run and the same Chromium, the named baseline
 * "bare Y.applyUpdate" of that doc's full state into a fresh Y.Doc. Goal: under 500 ms and
 * within 1.5× of the baseline. Also: `search.query` answer times (goal ≤ 50 ms).
 *
 * The workspace comes from bench/open-data.ts (deterministic, written through the named
 * commands into a real LocalCache file) in two layouts: `compacted` (one snapshot row) and
 * `log` (a snapshot plus 300 log rows, which every load merges). For each layout the real web
 * host runs as a child process (`driftdesk web --data DIR`, on a fresh copy of the data
 * folder), and Debian's Chromium opens `#/w/<id>/incidents` in a fresh page for every
 * repetition (one browser context per host); bench/open-browser.ts says exactly what an open
 * includes and how each phase is timed. Repetitions alternate baseline and opens. The first
 * open after a host starts is reported apart (the host reads the doc for the first time then,
 * its search index loads a copy right after answering, and the browser has no cached scripts
 * yet); the median is over the later ones.
 *
 * Reference numbers from this Node process (not the goal's terms, but they say where the host's
 * part of `cache.load` goes): Y.applyUpdate in Node, LocalCache.loadDoc per layout, and the
 * cost of putting the state on the wire as the web host does.
 *
 * Needs the renderer built (`npm run bench:open` builds it first; run `npx tsx bench/open.ts`
 * to measure what is in out/ as it is). A benchmark, not a test: nothing is asserted.
 *
 * Options (after `--` with npm): --reps N (default 5 opens per layout, plus the first),
 * --layouts compacted,log, --search-reps N (default 20), --runs N --incidents N --comments N
 * --notes N (smaller workspaces while developing), --profile (also write a CPU profile of one
 * open to the data folder and print where its time went).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BrowserContext, type Page, chromium } from '@playwright/test';
import { build } from 'vite';
import * as Y from 'yjs';
import { encodeWire } from '../src/shared/wire-json.ts';
import { appDataLayout } from '../src/node/app-paths.ts';
import { LocalCache } from '../src/node/local-cache.ts';
import { SearchIndex } from '../src/node/search-index.ts';
import { type ApplySample, type OpenSample, measureApply, measureOpen, profileOpen, searchRoundTrips, topFunctions } from './open-browser.ts';
import { DEFAULT_SIZES, LOG_ROWS, copyLayout, ensureOpenBenchData } from './open-data.ts';

const ROOT = join(import.meta.dirname, '..');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const GOAL_MS = 500;
const GOAL_RATIO = 1.5;
const SEARCH_GOAL_MS = 50;
/** What people type into the palette: words, prefixes, a name, a param, a phrase-ish pair. */
const QUERIES = ['psi', 'drift income', 'retrain', 'calib', 'churn-xgb', 'Ada', 'learning_rate', 'schema change', 'n', 'handoff checklist'];

const { values: opts } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    layouts: { type: 'string', default: 'compacted,log' },
    'search-reps': { type: 'string', default: '20' },
    runs: { type: 'string', default: String(DEFAULT_SIZES.runs) },
    incidents: { type: 'string', default: String(DEFAULT_SIZES.incidents) },
    comments: { type: 'string', default: String(DEFAULT_SIZES.comments) },
    notes: { type: 'string', default: String(DEFAULT_SIZES.notes) },
    profile: { type: 'boolean', default: false },
  },
});
const reps = Number(opts.reps);
const layouts = opts.layouts.split(',').filter((l): l is 'compacted' | 'log' => l === 'compacted' || l === 'log');
const searchReps = Number(opts['search-reps']);
const sizes = { runs: Number(opts.runs), incidents: Number(opts.incidents), comments: Number(opts.comments), notes: Number(opts.notes) };

interface Host {
  url: string;
  child: ChildProcess;
  dataDir: string;
  rssIdleMb: number;
}

const median = (values: number[]): number => {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
/** Nearest-rank percentile. */
const percentile = (values: number[], p: number): number => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN) / 1024);
}

async function startHost(source: string, scratch: string, name: string): Promise<Host> {
  const dataDir = join(scratch, name);
  await copyLayout(source, dataDir);
  const child = spawn(process.execPath, ['bin/driftdesk', 'web', '--port', '0', '--data', dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`web host did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited ${code}: ${out}`));
    });
  });
  // Let start-up work (the embedded server, the first push attempt) finish before measuring.
  await new Promise((r) => setTimeout(r, 1500));
  return { url, child, dataDir, rssIdleMb: await procStatusMb(child.pid!, 'VmRSS') };
}

async function stopHost(host: Host): Promise<void> {
  if (host.child.exitCode !== null || host.child.signalCode !== null) return;
  const exited = new Promise((r) => host.child.once('exit', r));
  host.child.kill('SIGTERM');
  await exited;
}

/** yjs bundled the way the renderer is (vite, minified) for the baseline page. */
async function bundleYjs(): Promise<string> {
  const out = (await build({
    configFile: false,
    logLevel: 'silent',
    root: ROOT,
    build: { write: false, minify: true, lib: { entry: join(ROOT, 'bench/open-yjs-entry.ts'), formats: ['iife'], name: 'BenchYEntry', fileName: 'y' } },
  })) as { output: { code?: string }[] }[] | { output: { code?: string }[] };
  const first = Array.isArray(out) ? out[0]! : out;
  return first.output[0]!.code!;
}

/** Times `fn` `n` times (fresh inputs each time via `fn` itself); median ms. */
function timeMedian(n: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Host-side and Node reference costs, in this process. */
async function nodeReference(state: Uint8Array, layoutDirs: Record<string, string>, scratch: string, workspaceId: string) {
  const applyMs = timeMedian(3, () => Y.applyUpdate(new Y.Doc(), state));
  const loadMs: Record<string, { parts: number; merged: number }> = {};
  for (const [name, dir] of Object.entries(layoutDirs)) {
    const copy = join(scratch, `node-${name}`);
    await copyLayout(dir, copy);
    const cache = new LocalCache({ file: appDataLayout(copy).cacheFile });
    loadMs[name] = { parts: timeMedian(3, () => cache.loadDocUpdates(workspaceId)), merged: timeMedian(3, () => cache.loadDoc(workspaceId)) };
    cache.close();
  }
  const wireMs = timeMedian(3, () => encodeWire({ id: 2, reply: { kind: 'ok', value: { updates: [state] } } }));
  return { applyMs, loadMs, wireMs };
}

/** Host-side `SearchIndex.query` times per query, on a copy of the compacted layout. */
async function hostSearch(source: string, scratch: string, workspaceId: string) {
  const copy = join(scratch, 'search-host');
  await copyLayout(source, copy);
  const cache = new LocalCache({ file: appDataLayout(copy).cacheFile });
  const index = new SearchIndex(cache);
  try {
    // The palette opened right after start: the index is in step, so no doc is loaded.
    let t = performance.now();
    index.query(workspaceId, QUERIES[0]!, 20);
    const firstMs = performance.now() - t;
    const out: Record<string, { times: number[]; hits: number }> = {};
    for (const q of QUERIES) {
      const hits = index.query(workspaceId, q, 20).length;
      const times: number[] = [];
      for (let i = 0; i < searchReps; i++) {
        t = performance.now();
        index.query(workspaceId, q, 20);
        times.push(performance.now() - t);
      }
      out[q] = { times, hits };
    }
    return { firstMs, perQuery: out };
  } finally {
    index.dispose();
    cache.close();
  }
}

/** The first incidents row on screen: as the browser reports it (Element Timing), else the main thread's next frame. */
const shown = (s: OpenSample): number => (Number.isFinite(s.rowPresented) ? s.rowPresented : s.rowPainted);

function phases(s: OpenSample) {
  const call = (c: string) => s.calls.find((x) => x.channel === c);
  const open = call('workspaces.open');
  const load = call('cache.load');
  return {
    total: shown(s),
    mainFrame: s.rowPainted,
    appStart: open ? open.arrived : NaN,
    firstRow: s.rowInDom,
    appList: s.appRowInDom,
    waitForState: open ? Math.max(0, s.loaded - open.arrived) : NaN,
    appliedAt: s.applied,
    apply: s.applied - s.loaded,
    paint: shown(s) - s.rowInDom,
    loadSent: load?.sent ?? NaN,
    loadArrived: load?.arrived ?? NaN,
    replyMb: (load?.replyBytes ?? NaN) / 2 ** 20,
  };
}

async function main(): Promise<void> {
  const began = performance.now();
  const rendererIndex = join(ROOT, 'out/renderer/index.html');
  if (!existsSync(rendererIndex)) throw new Error('the renderer is not built: run `npx electron-vite build` (npm run bench:open does it)');
  const data = await ensureOpenBenchData(sizes, console.log);
  const state = new Uint8Array(await readFile(data.stateFile));
  const scratch = await mkdtemp(join(tmpdir(), 'driftdesk-bench-open-'));
  const hosts = new Map<string, Host>();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    console.log(
      `bench:open — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} × ${cpus()[0]?.model.trim()}, ` +
        `${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, Chromium ${browser.version()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    );
    console.log(
      `workspace: ${sizes.runs} runs, ${sizes.incidents} incidents, ${sizes.comments} comments, ${sizes.notes} notes; doc state ${(data.stats.stateBytes / 2 ** 20).toFixed(1)} MiB ` +
        `from ${data.stats.clients} Yjs clients; ${LOG_ROWS} log rows ${(data.stats.logBytes / 1024).toFixed(0)} KiB; note docs ${(data.stats.noteDocBytes / 2 ** 20).toFixed(1)} MiB; ` +
        `renderer built ${statSync(rendererIndex).mtime.toISOString().slice(0, 16).replace('T', ' ')}\n`,
    );
    const ref = await nodeReference(state, Object.fromEntries(layouts.map((l) => [l, data.layouts[l]])), scratch, data.workspaceId);
    const yjsBundle = await bundleYjs();
    for (const layout of layouts) hosts.set(layout, await startHost(data.layouts[layout], scratch, layout));

    const applies: ApplySample[] = [];
    const opens = new Map<string, OpenSample[]>(layouts.map((l) => [l, []]));
    const contexts = new Map<string, BrowserContext>();
    for (const layout of layouts) contexts.set(layout, await browser.newContext({ viewport: { width: 1280, height: 800 } }));
    let searchPage: Page | null = null;
    for (let rep = 0; rep <= reps; rep++) {
      applies.push(await measureApply(browser, yjsBundle, state));
      for (const layout of layouts) {
        const keep = rep === reps && layout === layouts[0];
        const result = await measureOpen(contexts.get(layout)!, hosts.get(layout)!.url, data.workspaceId, { keep });
        opens.get(layout)!.push(result.sample);
        if (keep) searchPage = result.page;
      }
    }
    const rss = new Map<string, { after: number; peak: number }>();
    for (const [layout, host] of hosts) rss.set(layout, { after: await procStatusMb(host.child.pid!, 'VmRSS'), peak: await procStatusMb(host.child.pid!, 'VmHWM') });

    const search = await hostSearch(data.layouts.compacted, scratch, data.workspaceId);
    const wireSearch = searchPage ? await searchRoundTrips(searchPage, data.workspaceId, QUERIES, searchReps) : {};
    await searchPage?.close();

    let profileTop: { ms: number; name: string }[] = [];
    if (opts.profile) {
      const profile = await profileOpen(contexts.get(layouts[0]!)!, hosts.get(layouts[0]!)!.url, data.workspaceId);
      const file = join(data.dir, `open-${layouts[0]}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      profileTop = topFunctions(profile, 30);
      console.log(`CPU profile of one open: ${file}`);
    }

    // ---- the tables ----
    const applyCold = median(applies.slice(1).map((a) => a.coldMs));
    const applyWarm = median(applies.slice(1).map((a) => a.warmMs));
    const docHeap = median(applies.map((a) => a.docHeapMb));
    const cols = layouts.map((l) => (l === 'log' ? `log (snapshot + ${LOG_ROWS} rows)` : 'compacted'));
    const row = (label: string, values: string[]) => console.log(`| ${label} | ${values.join(' | ')} |`);
    const per = (f: (p: ReturnType<typeof phases>) => number, digits = 0) => layouts.map((l) => fmt(median(opens.get(l)!.slice(1).map((s) => f(phases(s)))), digits));
    console.log(`Open to first list (ms; median of ${reps} opens in fresh pages, after the first; Chromium)\n`);
    row('measure', cols);
    row('---', cols.map(() => '---'));
    row('**open → first incidents row on screen** (Element Timing: the browser’s report of presentation)', per((p) => p.total).map((v) => `**${v}**`));
    row('· the same, as the main thread’s next frame after the rows (rAF; what runs before 2026-12-05 reported)', per((p) => p.mainFrame));
    row(
      'first row drawn from: the splash (last screen, before the app loads) · the app from the kept preview · the app from the doc (opens after the first)',
      layouts.map((l) => {
        const later = opens.get(l)!.slice(1);
        const splash = later.filter((s) => s.fromSplash).length;
        const preview = later.filter((s) => !s.fromSplash && s.rowInDom < s.applied).length;
        return `${splash} · ${preview} · ${later.length - splash - preview}`;
      }),
    );
    row('**open → the app’s own list in the DOM** (splash taken down; rows respond from here)', per((p) => p.appList).map((v) => `**${v}**`));
    row('**open → whole workspace applied** (`driftdesk:cache-applied`; the page responds from here)', per((p) => p.appliedAt).map((v) => `**${v}**`));
    row('first open after the host started (cold browser cache too)', layouts.map((l) => fmt(shown(opens.get(l)![0]!))));
    row('· navigation → the host’s first answers in the page (`workspaces.open`; with boot.ts, asked by the page’s socket itself)', per((p) => p.appStart));
    row('· navigation → first row in the DOM (the splash, or the app’s list)', per((p) => p.firstRow));
    row('· then waiting for the cached state (`driftdesk:cache-loaded`)', per((p) => p.waitForState));
    row('· Y.applyUpdate of the cached state (→ `driftdesk:cache-applied`)', per((p) => p.apply));
    row('· first row in the DOM → on screen (style, layout, paint, raster, presentation)', per((p) => p.paint));
    row('`cache.load` sent at (ms after navigation)', per((p) => p.loadSent));
    row('`cache.load` answered at (host: SQLite read, frame; transfer)', per((p) => p.loadArrived));
    row('`cache.load` reply size (MiB)', per((p) => p.replyMb, 1));
    row(`baseline: bare Y.applyUpdate, cold (median of ${reps})`, layouts.map(() => fmt(applyCold)));
    row('baseline: bare Y.applyUpdate, warm', layouts.map(() => fmt(applyWarm)));
    const ratios = layouts.map((l) => median(opens.get(l)!.slice(1).map(shown)) / applyCold);
    row('**open / bare apply (cold)**', ratios.map((r) => `**${fmt(r, 2)}×**`));
    row('whole workspace applied / bare apply (cold)', layouts.map((l) => `${fmt(median(opens.get(l)!.slice(1).map((s) => s.applied)) / applyCold, 2)}×`));
    const medians = layouts.map((l) => median(opens.get(l)!.slice(1).map(shown)));
    row(`goal < ${GOAL_MS} ms`, medians.map((m) => (m < GOAL_MS ? 'met' : `not met (${fmt(m)} ms)`)));
    row(`goal ≤ ${GOAL_RATIO}× bare apply`, ratios.map((r) => (r <= GOAL_RATIO ? 'met' : `not met (${fmt(r, 2)}×)`)));
    row('rows rendered in the first frame', layouts.map((l) => String(opens.get(l)![1]?.rows ?? opens.get(l)![0]!.rows)));
    row('every open, in order (ms; apply in brackets)', layouts.map((l) => opens.get(l)!.map((s) => `${fmt(shown(s))} (${fmt(s.applied - s.loaded)})`).join(', ')));
    row('every baseline, cold (ms)', layouts.map(() => applies.map((a) => fmt(a.coldMs)).join(', ')));

    console.log(`\nMemory (MiB)\n`);
    row('measure', cols);
    row('---', cols.map(() => '---'));
    row('renderer JS heap used at the first row', layouts.map((l) => fmt(median(opens.get(l)!.map((s) => s.heapAtRowMb)))));
    row('renderer JS heap used, settled, after a forced GC', layouts.map((l) => fmt(median(opens.get(l)!.map((s) => s.heapAfterGcMb)))));
    row('baseline: JS heap held by the applied doc alone (after GC)', layouts.map(() => fmt(docHeap)));
    row('host RSS idle, before any open', layouts.map((l) => fmt(hosts.get(l)!.rssIdleMb)));
    row(`host RSS after ${reps + 1} opens`, layouts.map((l) => fmt(rss.get(l)!.after)));
    row('host peak RSS (VmHWM)', layouts.map((l) => fmt(rss.get(l)!.peak)));

    console.log(`\nReference, in Node (this process; ms, median of 3)\n`);
    console.log('| measure | ms |\n|---|---|');
    console.log(`| Y.applyUpdate of the full state in Node | ${fmt(ref.applyMs)} |`);
    for (const [l, ms] of Object.entries(ref.loadMs)) {
      console.log(`| LocalCache.loadDocUpdates (what \`cache.load\` does), ${l} | ${fmt(ms.parts)} |`);
      console.log(`| LocalCache.loadDoc (merged into one update), ${l} | ${fmt(ms.merged)} |`);
    }
    console.log(`| the state as a web host frame (encodeWire) | ${fmt(ref.wireMs)} |`);

    console.log(`\nSearch (ms; ${searchReps} answers per query after one warm-up; limit 20; first query on a fresh index: ${fmt(search.firstMs, 1)} ms)\n`);
    console.log('| query | hits | host: median | host: p95 | through the host WebSocket: median | p95 |');
    console.log('|---|---|---|---|---|---|');
    const allHost: number[] = [];
    const allWire: number[] = [];
    for (const q of QUERIES) {
      const h = search.perQuery[q]!;
      const w = wireSearch[q] ?? [];
      allHost.push(...h.times);
      allWire.push(...w);
      console.log(`| \`${q}\` | ${h.hits} | ${fmt(median(h.times), 1)} | ${fmt(percentile(h.times, 95), 1)} | ${fmt(median(w), 1)} | ${fmt(percentile(w, 95), 1)} |`);
    }
    const worst = Math.max(percentile(allHost, 95), percentile(allWire, 95));
    console.log(`| all | | ${fmt(median(allHost), 1)} | ${fmt(percentile(allHost, 95), 1)} | ${fmt(median(allWire), 1)} | ${fmt(percentile(allWire, 95), 1)} |`);
    console.log(`\ngoal: search answers within ${SEARCH_GOAL_MS} ms (p95): ${worst <= SEARCH_GOAL_MS ? 'met' : 'not met'}`);

    if (profileTop.length > 0) {
      console.log('\nWhere one open spends its time (self time, ms, CPU profile of the renderer)\n');
      console.log('| ms | function |\n|---|---|');
      for (const f of profileTop) console.log(`| ${fmt(f.ms, 1)} | \`${f.name}\` |`);
    }
    console.log(`\nwhole run ${((performance.now() - began) / 1000).toFixed(0)} s; load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    await browser.close();
    for (const host of hosts.values()) await stopHost(host);
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
