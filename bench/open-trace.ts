/**
 * `npx tsx bench/open-trace.ts [--opens N] [--layout DIR] [--workspace ID] [--over MS]`: Chrome
 * traces of opens of a bench:open workspace, and what each long main-thread task held — the
 * instrument behind `yieldToPage`'s choice of a background task (src/renderer/src/session/hydration.ts).
 *
 * bench:open says how long the longest task was; this says what it was. Each open is a fresh page
 * of one browser context on one web host (as bench:open's opens are), traced with the timeline, V8
 * and GC categories and V8's sampling profiler. Per open it prints every task longer than `--over`
 * (default 50 ms): who posted it (Chromium's `src_func`), the GCs inside it, and the functions the
 * profiler sampled most in it; then every major GC and how V8 finalized it — "via task" (a task of
 * its own, posted by V8) or "via stack guard" (forced into whatever JavaScript was running).
 * The tracing itself slows the page (the profiler most): read durations as relative, not as
 * bench:open's numbers.
 *
 * Defaults: the three-year split layout bench:open last wrote (`--layout`, `--workspace` for another).
 */
import { chromium } from '@playwright/test';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startHost, stopHost } from './open-host.ts';

const { values: opts } = parseArgs({
  options: {
    opens: { type: 'string', default: '4' },
    layout: { type: 'string' },
    workspace: { type: 'string' },
    over: { type: 'string', default: '50' },
  },
});

const ROOT = join(import.meta.dirname, '..');
const BENCH_DIR = join(tmpdir(), 'driftdesk-bench', 'open-50000-10000-150000-1000-20-20000-3y');

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  cat?: string;
  args?: Record<string, unknown> & { data?: Record<string, unknown>; type?: string; src_func?: string; name?: string };
}
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** The split layout bench:open wrote last. */
async function defaultLayout(): Promise<string> {
  const dirs = (await readdir(BENCH_DIR)).filter((d) => d.startsWith('layouts-'));
  if (dirs.length === 0) throw new Error(`no bench:open layout under ${BENCH_DIR}: run \`npm run bench:open -- --preset 3y --layouts split\` first, or pass --layout`);
  const written = await Promise.all(dirs.map(async (d) => ({ d, at: (await stat(join(BENCH_DIR, d))).mtimeMs })));
  const newest = written.reduce((a, b) => (b.at > a.at ? b : a));
  return join(BENCH_DIR, newest.d, 'split');
}

async function workspaceOf(layout: string): Promise<string> {
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(join(layout, 'cache.sqlite'), { readonly: true });
  try {
    const row = db.prepare("SELECT doc_id AS id FROM doc_versions WHERE doc_id NOT LIKE '%:%' ORDER BY version DESC LIMIT 1").get() as { id: string } | undefined;
    if (!row) throw new Error(`no workspace doc in ${layout}/cache.sqlite: pass --workspace`);
    return row.id;
  } finally {
    db.close();
  }
}

function report(events: TraceEvent[], overMs: number): void {
  const name = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!name) throw new Error('no renderer main thread in the trace');
  const main = events.filter((e) => e.pid === name.pid && e.tid === name.tid);
  // The sampling profiler's chunks: node tree and samples with time deltas.
  const nodes = new Map<number, ProfileNode>();
  const samples: { ts: number; node: number }[] = [];
  let clock = 0;
  for (const e of events) {
    if (e.pid !== name.pid || (e.name !== 'Profile' && e.name !== 'ProfileChunk')) continue;
    const data = e.args?.data as { startTime?: number; cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] };
    if (e.name === 'Profile') {
      clock = data.startTime ?? clock;
      continue;
    }
    for (const n of data.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
    const deltas = data.timeDeltas ?? [];
    (data.cpuProfile?.samples ?? []).forEach((node, i) => {
      clock += deltas[i] ?? 0;
      samples.push({ ts: clock, node });
    });
  }
  const gcs = main.filter((e) => e.ph === 'X' && (e.name === 'MajorGC' || e.name === 'MinorGC'));
  const tasks = main.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && (e.dur ?? 0) > overMs * 1000);
  const ms = (us: number) => (us / 1000).toFixed(1);
  for (const t of tasks) {
    const end = t.ts + t.dur!;
    const inside = gcs.filter((g) => g.ts >= t.ts && g.ts <= end).map((g) => `${g.name} ${ms(g.dur!)} ms (${g.args?.type})`);
    const counts = new Map<string, number>();
    for (const s of samples) {
      if (s.ts < t.ts || s.ts > end) continue;
      const f = nodes.get(s.node)?.callFrame;
      const key = f ? `${f.functionName || '(anonymous)'} ${(f.url ?? '').split('/').pop()}:${f.lineNumber}` : '?';
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, n]) => `${k} ×${n}`);
    console.log(`  task ${ms(t.dur!)} ms, posted by ${t.args?.src_func ?? '?'}`);
    if (inside.length) console.log(`    GC: ${inside.join('; ')}`);
    if (top.length) console.log(`    sampled: ${top.join(', ')}`);
  }
  const majors = gcs.filter((g) => g.name === 'MajorGC').map((g) => `${ms(g.dur!)} ms ${String(g.args?.type).replace('finalize incremental marking ', '')}`);
  console.log(`  major GCs: ${majors.join(', ') || 'none'}`);
}

const layout = opts.layout ?? (await defaultLayout());
const workspaceId = opts.workspace ?? (await workspaceOf(layout));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const scratch = await mkdtemp(join(tmpdir(), 'driftdesk-open-trace-'));
const host = await startHost(ROOT, layout, scratch, 'traced');
console.log(`open-trace: ${layout} (workspace ${workspaceId}), traces in ${scratch}`);
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  for (let i = 0; i < Number(opts.opens); i++) {
    const page = await context.newPage();
    const file = join(scratch, `open-${i}.json`);
    await browser.startTracing(page, { path: file, categories: ['devtools.timeline', 'v8', 'disabled-by-default-v8.gc', 'toplevel', 'disabled-by-default-v8.cpu_profiler'] });
    await page.goto(`${host.url}/#/w/${workspaceId}/incidents`);
    await page.waitForFunction(() => performance.getEntriesByName('driftdesk:cache-applied').length > 0, null, { timeout: 300_000, polling: 100 });
    await page.waitForTimeout(2000);
    await browser.stopTracing();
    await page.close();
    console.log(`open ${i}:`);
    report((JSON.parse(await readFile(file, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents, Number(opts.over));
  }
} finally {
  await stopHost(host);
  await browser.close();
}
