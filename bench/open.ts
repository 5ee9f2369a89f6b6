/**
 * `npm run bench:open` — opening a big workspace from the local cache (issue 5), grown for
 * issue 20: workspaces of one year and three years of a team (presets in open-data.ts), each
 * opened from the cache alone (its server is down) in Debian's Chromium against the real web host
 * (`driftdesk web --data DIR`, a child process), and loaded by a real sync server.
 *
 * Per open (bench/open-browser.ts says exactly how each is taken): the first incidents row on
 * screen (Element Timing; the splash counts, being what the person sees), the first interaction
 * answered (a real click on the nav's Runs link as soon as that row is on screen: the paint after
 * the handler of the click the app took, Event Timing), the longest main-thread task and the
 * tasks over 50 and 100 ms from navigation until the whole workspace is applied + 1 s (Long Tasks
 * API, observed from before the app's scripts), when the whole workspace is applied
 * (`driftdesk:cache-applied`), the renderer's JS heap settled after a forced GC, and the host's
 * RSS. The first open after a host starts (cold host, cold browser cache, nothing kept yet) is
 * reported apart; medians are over the later ones. Cache layouts (open-data.ts): `split` (the
 * workspace after the server's migration: conversations in their own docs) and `single` (today's
 * single doc; also `single-log`).
 *
 * Baseline, in the same run and the same Chromium: the bare `Y.applyUpdate` of today's single
 * workspace doc for the same data (its full state, in a page that loads only yjs, the first apply
 * in a fresh page: cold code, as the app's is); ratios to it are printed. Beside it, the same for
 * the split workspace doc.
 *
 * Server side (bench/open-server.ts): a real sync server on a SQLite store holding the split
 * workspace, and one holding the single doc as the baseline: connect → synced of a real
 * y-websocket client, and the server's RSS before and after.
 *
 * Then, in the last open's page with the whole workspace applied, a person's usual steps
 * (open-work.ts: an incident, a comment, the list, Runs, the inbox, a note, typing), each with its
 * time to answer and its long tasks ("while working").
 *
 * Goals, for the three-year workspace in the split layout (issue 20): first row < 500 ms, first
 * interaction < 800 ms, no task > 100 ms (during the opens and while working), cold host (first open after it starts: first row on
 * screen) < 1.5 s, renderer heap < 300 MB. Also, as since issue 5: search answers within 50 ms.
 *
 * Needs the renderer built (`npm run bench:open` builds it first; `npx tsx bench/open.ts`
 * measures what is in out/ as it is). A benchmark, not a test: nothing is asserted.
 *
 * Options (after `--` with npm): --presets 1y,3y (default both; or --preset 3y), --reps N
 * (default 3 opens per layout after the first), --layouts split,single (also single-log),
 * --search-reps N (default 20), --no-server, --runs N --incidents N --comments N --notes N
 * --monitors N --batches N --years N (override every preset's sizes, while developing),
 * --profile (also a CPU profile of one open of the first layout).
 */
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BrowserContext, type Page, chromium } from '@playwright/test';
import * as Y from 'yjs';
import { appDataLayout } from '../src/node/app-paths.ts';
import { LocalCache } from '../src/node/local-cache.ts';
import { encodeWire } from '../src/shared/wire-json.ts';
import { type ApplySample, type OpenSample, measureApply, measureOpen, profileOpen } from './open-browser.ts';
import { topFunctions } from './cpu-profile.ts';
import { searchRoundTrips } from './open-search.ts';
import { type WorkStep, measureWork } from './open-work.ts';
import { LAYOUTS, type Layout, LOG_ROWS, type OpenBenchData, PRESETS, type PresetName, copyLayout, describeSizes, ensureOpenBenchData, presetNamed, sizesOver } from './open-data.ts';
import { type Host, bundleYjs, fmt, hostSearch, median, percentile, procStatusMb, startHost, stopHost, timeMedian } from './open-host.ts';
import { type ServerSample, measureServer } from './open-server.ts';

const ROOT = join(import.meta.dirname, '..');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const GOALS = { firstRowMs: 500, interactionMs: 800, longestTaskMs: 100, coldHostMs: 1500, heapMb: 300 };
const SEARCH_GOAL_MS = 50;
/** What people type into the palette: words, prefixes, a name, a param, a phrase-ish pair. */
const QUERIES = ['psi', 'drift income', 'retrain', 'calib', 'churn-xgb', 'Ada', 'learning_rate', 'schema change', 'n', 'handoff checklist'];

const { values: opts } = parseArgs({
  options: {
    presets: { type: 'string' },
    preset: { type: 'string' },
    reps: { type: 'string', default: '3' },
    layouts: { type: 'string', default: 'split,single' },
    'search-reps': { type: 'string', default: '20' },
    server: { type: 'boolean', default: true },
    'no-server': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    runs: { type: 'string' },
    incidents: { type: 'string' },
    comments: { type: 'string' },
    notes: { type: 'string' },
    monitors: { type: 'string' },
    batches: { type: 'string' },
    years: { type: 'string' },
  },
});
const presetNames = (opts.presets ?? opts.preset ?? Object.keys(PRESETS).join(',')).split(',').filter(Boolean);
for (const p of presetNames) presetNamed(p); // an unknown name fails here, before anything runs
const reps = Number(opts.reps);
const layouts = opts.layouts.split(',').filter(Boolean) as Layout[];
for (const l of layouts) if (!(LAYOUTS as readonly string[]).includes(l)) throw new Error(`unknown layout ${l}: use ${LAYOUTS.join(', ')}`);
const searchReps = Number(opts['search-reps']);
const withServer = opts.server && !opts['no-server'];

/** The first incidents row on screen: as the browser reports it (Element Timing), else the main thread's next frame. */
const shown = (s: OpenSample): number => (Number.isFinite(s.rowPresented) ? s.rowPresented : s.rowPainted);
const longest = (s: OpenSample) => Math.max(0, ...s.longTasks.map((t) => t.duration));
const over = (s: OpenSample, ms: number) => s.longTasks.filter((t) => t.duration > ms);
const total = (tasks: { duration: number }[]) => tasks.reduce((n, t) => n + t.duration, 0);
const row = (label: string, values: string[]) => console.log(`| ${label} | ${values.join(' | ')} |`);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

interface PresetResult {
  name: string;
  data: OpenBenchData;
  opens: Map<Layout, OpenSample[]>;
  /** The first open after the host restarts on the data folder those opens left (what the app kept). */
  restarts: Map<Layout, OpenSample>;
  applies: ApplySample[];
  splitApplies: ApplySample[];
  server: Partial<Record<'split' | 'single', ServerSample>>;
  /** The "while working" steps in the last open's page (open-work.ts); empty if they failed. */
  work: WorkStep[];
}

/** Host-side and Node reference costs, in this process. */
async function nodeReference(data: OpenBenchData, scratch: string) {
  const state = new Uint8Array(await readFile(data.stateFile));
  const split = new Uint8Array(await readFile(data.splitStateFile));
  const applyMs = timeMedian(3, () => Y.applyUpdate(new Y.Doc(), state));
  const splitApplyMs = timeMedian(3, () => Y.applyUpdate(new Y.Doc(), split));
  const loadMs: Record<string, number> = {};
  for (const name of layouts) {
    const copy = join(scratch, `node-${name}`);
    await copyLayout(data.layouts[name], copy);
    const cache = new LocalCache({ file: appDataLayout(copy).cacheFile });
    loadMs[name] = timeMedian(3, () => cache.loadDocUpdates(data.workspaceId));
    cache.close();
  }
  const wireMs = timeMedian(3, () => encodeWire({ id: 2, reply: { kind: 'ok', value: { updates: [state] } } }));
  return { applyMs, splitApplyMs, loadMs, wireMs };
}

async function runPreset(name: PresetName, browser: Awaited<ReturnType<typeof chromium.launch>>, yjsBundle: string, scratchRoot: string): Promise<PresetResult> {
  const sizes = sizesOver(PRESETS[name], opts);
  const data = await ensureOpenBenchData(sizes, console.log, layouts);
  const state = new Uint8Array(await readFile(data.stateFile));
  const splitState = new Uint8Array(await readFile(data.splitStateFile));
  const scratch = await mkdtemp(join(scratchRoot, `${name}-`));
  const hosts = new Map<Layout, Host>();
  const idle = new Map<Layout, number>();
  const contexts = new Map<Layout, BrowserContext>();
  try {
    console.log(`\n## ${name}: ${describeSizes(sizes)}\n`);
    const s = data.stats;
    console.log(
      `single workspace doc ${mib(s.stateBytes)} from ${s.clients} Yjs clients (${s.monitorIncidents} incidents opened by monitors; ${s.batches} monitor history rows on the server); ` +
        `split: workspace doc ${mib(s.splitStateBytes)} + ${s.conversations} conversation docs (${mib(s.conversationBytes)}; moved ${s.moved.comments} comments, ${s.moved.reactions} reactions, ` +
        `${s.moved.resolutions} resolutions, ${s.moved.events} timeline events); note docs ${mib(s.noteDocBytes)}; generated in ${fmt(s.buildSeconds)} s\n`,
    );
    const ref = await nodeReference(data, scratch);
    for (const layout of layouts) {
      hosts.set(layout, await startHost(ROOT, data.layouts[layout], scratch, layout));
      idle.set(layout, hosts.get(layout)!.rssIdleMb);
      contexts.set(layout, await browser.newContext({ viewport: { width: 1280, height: 800 } }));
    }
    const applies: ApplySample[] = [];
    const splitApplies: ApplySample[] = [];
    const opens = new Map<Layout, OpenSample[]>(layouts.map((l) => [l, []]));
    let searchPage: Page | null = null;
    for (let rep = 0; rep <= reps; rep++) {
      applies.push(await measureApply(browser, yjsBundle, state));
      if (rep > 0) splitApplies.push(await measureApply(browser, yjsBundle, splitState));
      for (const layout of layouts) {
        const keep = rep === reps && layout === layouts[0];
        const result = await measureOpen(contexts.get(layout)!, hosts.get(layout)!.url, data.workspaceId, { keep });
        opens.get(layout)!.push(result.sample);
        if (keep) searchPage = result.page;
      }
    }
    const rss = new Map<Layout, { after: number; peak: number }>();
    for (const [layout, host] of hosts) rss.set(layout, { after: await procStatusMb(host.child.pid!, 'VmRSS'), peak: await procStatusMb(host.child.pid!, 'VmHWM') });
    const search = await hostSearch(data.layouts[layouts[0]!], scratch, data.workspaceId, QUERIES, searchReps);
    const wireSearch = searchPage ? await searchRoundTrips(searchPage, data.workspaceId, QUERIES, searchReps) : {};
    // Then a person's usual steps in that page, the whole workspace applied (open-work.ts).
    const work = searchPage
      ? await measureWork(searchPage, data.workspaceId).catch((err: unknown) => {
          console.log(`\nwhile working: the steps failed: ${err instanceof Error ? err.message : String(err)}`);
          return [] as WorkStep[];
        })
      : [];
    await searchPage?.close();
    let profileTop: { ms: number; name: string }[] = [];
    if (opts.profile) {
      const profile = await profileOpen(contexts.get(layouts[0]!)!, hosts.get(layouts[0]!)!.url, data.workspaceId);
      const file = join(data.dir, `open-${layouts[0]}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      profileTop = topFunctions(profile, 30);
      console.log(`CPU profile of one open: ${file}`);
    }
    for (const host of hosts.values()) await stopHost(host);
    hosts.clear();
    // The app restarted: a new host on the folder the opens above left (its cache, and the screen
    // the app kept), a browser context with a cold cache, one open.
    const restarts = new Map<Layout, OpenSample>();
    for (const layout of layouts) {
      const host = await startHost(ROOT, data.layouts[layout], scratch, layout, { reuse: true });
      hosts.set(layout, host);
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        restarts.set(layout, (await measureOpen(context, host.url, data.workspaceId, { keep: false })).sample);
      } finally {
        await context.close();
        await stopHost(host);
        hosts.delete(layout);
      }
    }

    // Printed before the server stage, so a server that fails loses nothing of the opens.
    printOpens(opens, restarts, applies, splitApplies);
    printMemory(opens, applies, { idle, after: rss });
    printReference(ref);
    printSearch(search, wireSearch);
    printWork(work);
    const server: PresetResult['server'] = {};
    if (withServer) {
      for (const layout of ['split', 'single'] as const) {
        server[layout] = await measureServer(data, layout, await mkdtemp(join(scratch, `server-${layout}-`))).catch((err: unknown) => {
          console.log(`\nsync server, ${layout}: failed: ${err instanceof Error ? err.message : String(err)}`);
          return undefined;
        });
      }
      printServer(server);
    }
    if (profileTop.length > 0) {
      console.log('\nWhere one open spends its time (self time, ms, CPU profile of the renderer)\n');
      console.log('| ms | function |\n|---|---|');
      for (const f of profileTop) console.log(`| ${fmt(f.ms, 1)} | \`${f.name}\` |`);
    }
    return { name, data, opens, restarts, applies, splitApplies, server, work };
  } finally {
    for (const context of contexts.values()) await context.close();
    for (const host of hosts.values()) await stopHost(host);
    await rm(scratch, { recursive: true, force: true });
  }
}

const cols = () => layouts.map((l) => (l === 'single-log' ? `single doc, log (snapshot + ${LOG_ROWS} rows)` : l === 'single' ? 'single doc (today’s layout)' : 'split (conversation docs)'));

function printOpens(opens: Map<Layout, OpenSample[]>, restarts: Map<Layout, OpenSample>, applies: ApplySample[], splitApplies: ApplySample[]): void {
  const later = (l: Layout) => opens.get(l)!.slice(1);
  const first = (l: Layout) => opens.get(l)![0]!;
  const per = (f: (s: OpenSample) => number, digits = 0) => layouts.map((l) => fmt(median(later(l).map(f)), digits));
  const applyCold = median(applies.slice(1).map((a) => a.coldMs));
  const applyWarm = median(applies.slice(1).map((a) => a.warmMs));
  const splitCold = median(splitApplies.map((a) => a.coldMs));
  console.log(`Opens from the cache, server down (ms after navigation; median of ${reps} opens in fresh pages after the first; Chromium)\n`);
  row('measure', cols());
  row('---', cols().map(() => '---'));
  row('**first incidents row on screen** (Element Timing)', per(shown).map((v) => `**${v}**`));
  row(
    'first row drawn from: the splash · the app from the kept preview · the app from the doc',
    layouts.map((l) => {
      const s = later(l);
      const splash = s.filter((x) => x.fromSplash).length;
      const preview = s.filter((x) => !x.fromSplash && x.rowInDom < x.applied).length;
      return `${splash} · ${preview} · ${s.length - splash - preview}`;
    }),
  );
  row('the app’s own list in the DOM (splash taken down)', per((s) => s.appRowInDom));
  row('**first interaction answered**: the paint after the handler of the Runs click the app took (Event Timing startTime + duration)', per((s) => s.interaction.answered).map((v) => `**${v}**`));
  row('· first click made at (its input time: when the first row was on screen)', per((s) => s.interaction.firstClickAt));
  row('· clicks that fell on the inert splash and were clicked again (of the opens)', layouts.map((l) => `${later(l).filter((s) => s.interaction.lost > 0).length} of ${later(l).length}`));
  row('· input delay of the click taken (main thread busy before its handler)', per((s) => s.interaction.delay));
  row('· the Runs page in the DOM (before the doc is applied: its empty state) · its first run row · the next frame', layouts.map((l) => ['runsInDom', 'runsRowInDom', 'runsPainted'].map((k) => fmt(median(later(l).map((s) => s.interaction[k as 'runsInDom'])))).join(' · ')));
  row('**whole workspace applied** (`driftdesk:cache-applied`)', per((s) => s.applied).map((v) => `**${v}**`));
  row('**longest main-thread task** (Long Tasks API, navigation → applied + 1 s)', per(longest).map((v) => `**${v}**`));
  row('· worst of the opens', layouts.map((l) => fmt(Math.max(...later(l).map(longest)))));
  row('tasks over 50 ms: count · total ms', layouts.map((l) => `${fmt(median(later(l).map((s) => over(s, 50).length)))} · ${fmt(median(later(l).map((s) => total(over(s, 50)))))}`));
  row('tasks over 100 ms: count · total ms', layouts.map((l) => `${fmt(median(later(l).map((s) => over(s, 100).length)))} · ${fmt(median(later(l).map((s) => total(over(s, 100)))))}`));
  const coldRow = (s: OpenSample | undefined) => (s ? `**${fmt(shown(s))}** · ${fmt(s.interaction.answered)} · ${fmt(s.applied)} · ${fmt(longest(s))}` : '—');
  row(
    '**cold host, the app restarted** (first open after a new host started on the folder the opens above left, cold browser cache): first row · interaction · applied · longest task',
    layouts.map((l) => coldRow(restarts.get(l))),
  );
  row(
    'first open on this device (a fresh host on a cache nothing has opened yet, so no kept screen; cold browser cache): first row · interaction · applied · longest task',
    layouts.map((l) => coldRow(first(l))),
  );
  row('· waiting for the cached state (`driftdesk:cache-loaded` − `workspaces.open` answered)', per((s) => {
    const open = s.calls.find((c) => c.channel === 'workspaces.open');
    return open ? Math.max(0, s.loaded - open.arrived) : NaN;
  }));
  row('· applying it (`cache-loaded` → `cache-applied`)', per((s) => s.applied - s.loaded));
  row('`cache.load` reply size (MiB)', per((s) => (s.calls.find((c) => c.channel === 'cache.load')?.replyBytes ?? NaN) / 2 ** 20, 1));
  row(`**baseline: bare Y.applyUpdate of today’s single doc, cold** (median of ${reps}; warm ${fmt(applyWarm)})`, layouts.map(() => `**${fmt(applyCold)}**`));
  row('bare Y.applyUpdate of the split workspace doc, cold', layouts.map(() => fmt(splitCold)));
  const ratio = (f: (s: OpenSample) => number) => layouts.map((l) => `${fmt(median(later(l).map(f)) / applyCold, 2)}×`);
  row('**first row / bare apply**', ratio(shown).map((v) => `**${v}**`));
  row('first interaction / bare apply', ratio((s) => s.interaction.answered));
  row('whole workspace applied / bare apply', ratio((s) => s.applied));
  row('longest task / bare apply', ratio(longest));
  row('rows rendered in the first frame', layouts.map((l) => String(opens.get(l)![1]?.rows ?? first(l).rows)));
  row(
    'every open, in order: first row / interaction / applied / longest task',
    layouts.map((l) => opens.get(l)!.map((s) => `${fmt(shown(s))}/${fmt(s.interaction.answered)}/${fmt(s.applied)}/${fmt(longest(s))}`).join(', ')),
  );
  row('every baseline, cold (ms)', layouts.map(() => applies.map((a) => fmt(a.coldMs)).join(', ')));
}

function printMemory(opens: Map<Layout, OpenSample[]>, applies: ApplySample[], rss: { idle: Map<Layout, number>; after: Map<Layout, { after: number; peak: number }> }): void {
  console.log(`\nMemory (MiB)\n`);
  row('measure', cols());
  row('---', cols().map(() => '---'));
  row('renderer JS heap used at the first row', layouts.map((l) => fmt(median(opens.get(l)!.map((s) => s.heapAtRowMb)))));
  row('**renderer JS heap used, settled, after a forced GC**', layouts.map((l) => `**${fmt(median(opens.get(l)!.map((s) => s.heapAfterGcMb)))}**`));
  row('baseline: JS heap held by today’s single doc alone, applied (after GC)', layouts.map(() => fmt(median(applies.map((a) => a.docHeapMb)))));
  row('host RSS idle, before any open', layouts.map((l) => fmt(rss.idle.get(l) ?? NaN)));
  row(`host RSS after ${reps + 1} opens`, layouts.map((l) => fmt(rss.after.get(l)!.after)));
  row('host peak RSS (VmHWM)', layouts.map((l) => fmt(rss.after.get(l)!.peak)));
}

function printServer(server: PresetResult['server']): void {
  const failed: ServerSample = { docBytes: NaN, rssStartedMb: NaN, coldMs: NaN, warmMs: NaN, coldConnectedMs: NaN, warmConnectedMs: NaN, rssAfterMb: NaN, peakRssMb: NaN, heapAfterGcMb: NaN };
  const split = server.split ?? failed;
  const single = server.single ?? failed;
  console.log(`\nSync server: a room loaded for one client (a child process, SQLite store; ms and MiB)\n`);
  console.log('| measure | split workspace doc | baseline: today’s single doc | split / single |\n|---|---|---|---|');
  const line = (label: string, f: (s: ServerSample) => number, digits = 0) => console.log(`| ${label} | ${fmt(f(split), digits)} | ${fmt(f(single), digits)} | ${fmt(f(split) / f(single), 2)}× |`);
  line('workspace doc the room loads (MiB)', (s) => s.docBytes / 2 ** 20, 1);
  line('**connect → synced, first client** (room loaded from the store)', (s) => s.coldMs);
  line('· of which connect → socket open (upgrade, auth)', (s) => s.coldConnectedMs);
  line('connect → synced, second client (room in memory)', (s) => s.warmMs);
  line('server RSS, started, nothing loaded', (s) => s.rssStartedMb);
  line('**server RSS with the room loaded** (two clients)', (s) => s.rssAfterMb);
  line('server peak RSS (VmHWM)', (s) => s.peakRssMb);
  line('server JS heap used after a forced GC, room loaded', (s) => s.heapAfterGcMb);
}

function printReference(ref: Awaited<ReturnType<typeof nodeReference>>): void {
  console.log(`\nReference, in Node (this process; ms, median of 3)\n`);
  console.log('| measure | ms |\n|---|---|');
  console.log(`| Y.applyUpdate of today’s single doc | ${fmt(ref.applyMs)} |`);
  console.log(`| Y.applyUpdate of the split workspace doc | ${fmt(ref.splitApplyMs)} |`);
  for (const [l, ms] of Object.entries(ref.loadMs)) console.log(`| LocalCache.loadDocUpdates of the workspace doc (what \`cache.load\` does), ${l} | ${fmt(ms)} |`);
  console.log(`| today’s single doc as a web host frame (encodeWire) | ${fmt(ref.wireMs)} |`);
}

function printSearch(search: Awaited<ReturnType<typeof hostSearch>>, wire: Record<string, number[]>): void {
  const allHost = Object.values(search.perQuery).flatMap((q) => q.times);
  const allWire = Object.values(wire).flat();
  const worst = Math.max(percentile(allHost, 95), percentile(allWire, 95));
  console.log(
    `\nSearch (${layouts[0]} layout, ${QUERIES.length} queries × ${searchReps}): host median ${fmt(median(allHost), 1)} ms, p95 ${fmt(percentile(allHost, 95), 1)}; ` +
      `through the host WebSocket median ${fmt(median(allWire), 1)}, p95 ${fmt(percentile(allWire, 95), 1)}; first query on a fresh index ${fmt(search.firstMs, 1)} ms; ` +
      `goal ≤ ${SEARCH_GOAL_MS} ms p95: ${worst <= SEARCH_GOAL_MS ? 'met' : 'not met'}`,
  );
}

function printWork(work: WorkStep[]): void {
  if (work.length === 0) return;
  console.log(`\nWhile working (${layouts[0]} layout, the last open's page once the whole workspace is applied; each step from its first input to its answer in the DOM, long tasks until 500 ms after)\n`);
  console.log('| step | answered (ms) | longest task (ms) | tasks > 100 ms |\n|---|---|---|---|');
  for (const w of work) console.log(`| ${w.step} | ${fmt(w.answeredMs)} | ${fmt(w.longestTaskMs)} | ${w.over100} |`);
}

function printGoals(result: PresetResult): void {
  const layout: Layout = layouts.includes('split') ? 'split' : layouts[0]!;
  const opens = result.opens.get(layout)!;
  const later = opens.slice(1);
  const restart = result.restarts.get(layout)!;
  const every = [...opens, restart];
  const goals: [string, number, number, string][] = [
    [`first row on screen < ${GOALS.firstRowMs} ms (median)`, median(later.map(shown)), GOALS.firstRowMs, 'ms'],
    [`first interaction answered < ${GOALS.interactionMs} ms (median)`, median(later.map((s) => s.interaction.answered)), GOALS.interactionMs, 'ms'],
    [`no main-thread task > ${GOALS.longestTaskMs} ms (the longest of every open, the first and the restart included)`, Math.max(...every.map(longest)), GOALS.longestTaskMs, 'ms'],
    ...(result.work.length > 0 && layout === layouts[0]
      ? [[`no main-thread task > ${GOALS.longestTaskMs} ms while working (the longest of the steps above)`, Math.max(...result.work.map((w) => w.longestTaskMs)), GOALS.longestTaskMs, 'ms'] as [string, number, number, string]]
      : []),
    [`cold host < ${GOALS.coldHostMs} ms (the app restarted: first open after the host started, first row on screen)`, shown(restart), GOALS.coldHostMs, 'ms'],
    [`renderer heap < ${GOALS.heapMb} MB (settled, after GC; median)`, median(opens.map((s) => s.heapAfterGcMb)), GOALS.heapMb, 'MiB'],
  ];
  console.log(`\n### Goals for the ${result.name} workspace, ${layout} layout (issue 20)\n`);
  console.log('| goal | measured | |\n|---|---|---|');
  // "No task over 100 ms" is met by a task of 100 ms; the others are "under" their limit.
  const meets = (label: string, value: number, limit: number) => (label.startsWith('no main-thread task') ? value <= limit : value < limit);
  for (const [label, value, limit, unit] of goals) console.log(`| ${label} | ${fmt(value)} ${unit} | ${meets(label, value, limit) ? 'met' : '**not met**'} |`);
  const fresh = shown(opens[0]!);
  console.log(`| (not a goal: the first open on this device, nothing kept yet: first row on screen) | ${fmt(fresh)} ms | ${fresh < GOALS.coldHostMs ? 'under' : 'over'} ${GOALS.coldHostMs} ms |`);
  // Event Timing ends at the paint after the click's handlers; what the click asked for may come later.
  const runsDrawn = median(later.map((s) => s.interaction.runsPainted));
  console.log(`| (not a goal: the same interaction to the Runs page’s first row drawn, its next frame; median) | ${fmt(runsDrawn)} ms | ${runsDrawn < GOALS.interactionMs ? 'under' : 'over'} ${GOALS.interactionMs} ms |`);
}

async function main(): Promise<void> {
  const began = performance.now();
  const rendererIndex = join(ROOT, 'out/renderer/index.html');
  if (!existsSync(rendererIndex)) throw new Error('the renderer is not built: run `npx electron-vite build` (npm run bench:open does it)');
  const scratchRoot = await mkdtemp(join(tmpdir(), 'driftdesk-bench-open-'));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const results: PresetResult[] = [];
  try {
    console.log(
      `bench:open — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} × ${cpus()[0]?.model.trim()}, ` +
        `${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, Chromium ${browser.version()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ` +
        `renderer built ${statSync(rendererIndex).mtime.toISOString().slice(0, 16).replace('T', ' ')}; presets ${presetNames.join(', ')}; layouts ${layouts.join(', ')}; ${reps} reps`,
    );
    const yjsBundle = await bundleYjs(ROOT);
    for (const name of presetNames) results.push(await runPreset(name as PresetName, browser, yjsBundle, scratchRoot));
    for (const result of results) if (result.name === '3y' || results.length === 1) printGoals(result);
    console.log(`\nwhole run ${((performance.now() - began) / 1000).toFixed(0)} s; load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    await browser.close();
    await rm(scratchRoot, { recursive: true, force: true });
  }
}

await main();
