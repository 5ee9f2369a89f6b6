/**
 * `npx tsx bench/notebook.ts` — issue 19's speed goal: a notebook of 2,000 cells and 50 MB of
 * outputs opens in under a second, because only the cells in view are drawn.
 *
 * The notebook is made here, deterministically: 2,000 cells (a markdown cell every fifth, with
 * math), code of a few lines each, and outputs that add up to 50 MB — a 250 KB PNG-sized base64
 * image on every tenth cell, a pandas-like HTML table on every seventh, stream text on the rest.
 * The real web host runs as a child process (`driftdesk web --data DIR`), Debian's Chromium
 * opens it, a workspace is created and the notebook added through the page's file picker (the
 * host reads, caches and uploads it; the page records it), exactly as a person would.
 *
 * Measured, for each repetition, in a fresh page load (no parsed notebook cached in the page):
 * - open: from navigating to the notebook's route until the cells are drawn (a performance mark
 *   in the page, in the effect after React commits them) — this includes loading the page's
 *   code, asking the host for the notebook's light form (src/node/notebook-reader.ts: the file
 *   parsed once by the host and kept; large outputs left out) and drawing;
 * - first screen complete: until the large outputs in view (the plots) have arrived from the
 *   host and replaced their placeholders (lazy-output.tsx; the last such mark);
 * - bytes the page received from the host during the open (the WebSocket frames);
 * - once, a cold host: the web host restarted on the same data, so its first open of the notebook
 *   reads the 50 MB file from its SQLite cache, parses and fingerprints it (what every later open
 *   is spared);
 *   also, as Playwright sees it (it polls, and waits for a main thread busy with what follows
 *   the draw, such as Monaco's script for highlighting), which is an upper bound;
 * - cells drawn: how many cell elements the page holds then (virtualized: a screenful, not 2,000);
 * against, in the same page and the same run, the named baseline "bare JSON.parse" of the same
 * 50 MB text (the least any reader of the file must do). Goal: open < 1,000 ms.
 *
 * Needs the renderer built (`npx electron-vite build`). A benchmark, not a test: nothing is
 * asserted. Options: --reps N (default 5), --cells N (default 2000), --mb N (default 50).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { topFunctions } from './cpu-profile.ts';

const ROOT = join(import.meta.dirname, '..');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const GOAL_MS = 1000;

const { values: opts } = parseArgs({ options: { reps: { type: 'string', default: '5' }, cells: { type: 'string', default: '2000' }, mb: { type: 'string', default: '50' }, profile: { type: 'boolean', default: false } } });
const REPS = Number(opts.reps);
const CELLS = Number(opts.cells);
const TARGET_BYTES = Number(opts.mb) * 1024 * 1024;

/** A deterministic notebook of CELLS cells whose outputs total about TARGET_BYTES. */
function makeNotebook(): string {
  const images = Math.ceil(CELLS / 10);
  const imageBytes = Math.floor((TARGET_BYTES * 0.96) / images);
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const image = Array.from({ length: imageBytes }, () => b64[Math.floor(rand() * 64)]).join('');
  const table = `<table class="dataframe"><thead><tr><th></th><th>feature</th><th>psi</th></tr></thead><tbody>${Array.from({ length: 40 }, (_, i) => `<tr><th>${i}</th><td>f_${i}</td><td>${(i / 97).toFixed(4)}</td></tr>`).join('')}</tbody></table>`;
  const cells = [];
  for (let i = 0; i < CELLS; i++) {
    if (i % 5 === 0) {
      cells.push({ cell_type: 'markdown', id: `md-${i}`, metadata: {}, source: `## Step ${i}\n\nThe loss is $L_${i} = -\\sum_j y_j \\log p_j$ and we look at **feature ${i}**.` });
      continue;
    }
    const outputs: unknown[] = [];
    if (i % 10 === 1) outputs.push({ output_type: 'display_data', metadata: {}, data: { 'image/png': image, 'text/plain': '<Figure size 640x480>' } });
    else if (i % 7 === 0) outputs.push({ output_type: 'execute_result', execution_count: i, metadata: {}, data: { 'text/html': table, 'text/plain': 'df' } });
    else outputs.push({ output_type: 'stream', name: 'stdout', text: Array.from({ length: 20 }, (_, k) => `epoch ${k} loss ${(1 / (k + 1)).toFixed(5)} \u001b[32mok\u001b[0m\n`).join('') });
    cells.push({ cell_type: 'code', id: `code-${i}`, metadata: {}, execution_count: i, source: `import numpy as np\nx_${i} = np.arange(${i})\nprint(x_${i}.sum())`, outputs });
  }
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'python3', language: 'python', display_name: 'Python 3' } }, cells });
}

async function startHost(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['bin/driftdesk', 'web', '--port', '0', '--data', dataDir], { cwd: ROOT, env: { ...process.env, DRIFTDESK_USER_NAME: 'Bench' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`web host did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); res(m[1]!); }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  });
  return { url, child };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'driftdesk-bench-notebook-'));
  const text = makeNotebook();
  const file = join(dir, 'big.ipynb');
  await writeFile(file, text);
  console.log(`notebook: ${CELLS} cells, ${(text.length / 1024 / 1024).toFixed(1)} MB`);
  let { url, child } = await startHost(join(dir, 'data'));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(url);
    const create = page.getByRole('form', { name: 'Create a workspace' });
    await create.getByLabel('Workspace name').fill('Bench');
    await create.getByLabel('Your name').fill('Bench');
    await create.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('link', { name: 'Notebooks' }).click();
    const added = Date.now();
    await page.getByTestId('notebook-file').setInputFiles(file);
    await Promise.race([
      page.getByTestId('notebook-cell').first().waitFor({ timeout: 300_000 }),
      page.getByRole('alert').first().waitFor({ timeout: 300_000 }).then(async () => { throw new Error(`adding failed: ${await page.getByRole('alert').first().textContent()}`); }),
    ]);
    console.log(`added through the file picker in ${Date.now() - added} ms (read, cached and uploaded by the host, recorded, then opened)`);
    const route = new URL(page.url()).hash.replace(/\?.*$/, '');

    const phases: string[] = [];
    const drawnAt: number[] = [];
    const opens: number[] = [];
    const drawn: number[] = [];
    const parses: number[] = [];
    const complete: number[] = [];
    const received: number[] = [];
    let frames = 0;
    page.on('websocket', (ws) => ws.on('framereceived', (f) => (frames += typeof f.payload === 'string' ? Buffer.byteLength(f.payload) : f.payload.length)));
    for (let r = 0; r < REPS; r++) {
      // Baseline first, in the same page: the bare parse of the same text.
      parses.push(await page.evaluate((t) => { const t0 = performance.now(); JSON.parse(t); return performance.now() - t0; }, text));
      // A fresh load on the notebooks list, then the notebook's route: nothing parsed is cached.
      await page.goto(`${url}${route.replace(/\/notebooks\/.*$/, '/notebooks')}`);
      await page.reload(); // a hash change alone would keep the page, and the notebook it parsed
      // The workspace doc loaded (the list names the notebook): what is timed is the notebook's open.
      await page.getByRole('link', { name: 'big', exact: true }).waitFor();
      const t0 = Date.now();
      frames = 0;
      await page.evaluate(`performance.mark('bench:route'); location.hash = ${JSON.stringify(route)}`);
      await page.getByTestId('notebook-cell').first().waitFor({ timeout: 60_000 });
      opens.push(Date.now() - t0);
      await page.getByTestId('output-loading').first().waitFor({ state: 'detached', timeout: 60_000 });
      complete.push(await page.evaluate(`Math.max(performance.getEntriesByName('notebook:drawn').pop().startTime, performance.getEntriesByName('notebook:output-loaded').pop()?.startTime ?? 0) - performance.getEntriesByName('bench:route').pop().startTime`));
      received.push(frames);
      drawn.push(await page.getByTestId('notebook-cell').count());
      drawnAt.push(await page.evaluate(`performance.getEntriesByName('notebook:drawn').pop().startTime - performance.getEntriesByName('bench:route').pop().startTime`));
      // A string, not a function: tsx would wrap a named arrow in a helper the page does not have.
      phases.push(await page.evaluate(`(() => {
        const at = (n) => performance.getEntriesByName(n).pop()?.startTime ?? NaN;
        const r = at('bench:route');
        return 'asks the host +' + (at('notebook:fetch') - r).toFixed(0) + ', light form received +' + (at('notebook:fetched') - r).toFixed(0) + ', cells drawn +' + (at('notebook:drawn') - r).toFixed(0) + ' ms';
      })()`));
    }
    // A cold host: restarted on the same data, nothing parsed kept. The page first shows the
    // notebooks list (the workspace loaded), then opens the notebook, as in the repetitions.
    let cold = Number.NaN;
    try {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      ({ url, child } = await startHost(join(dir, 'data')));
      await page.goto(`${url}${route.replace(/\/notebooks\/.*$/, '/notebooks')}`);
      await page.getByRole('link', { name: 'big', exact: true }).waitFor({ timeout: 60_000 });
      await page.evaluate(`performance.mark('bench:route'); location.hash = ${JSON.stringify(route)}`);
      await page.getByTestId('notebook-cell').first().waitFor({ timeout: 60_000 });
      cold = await page.evaluate(`performance.getEntriesByName('notebook:drawn').pop().startTime - performance.getEntriesByName('bench:route').pop().startTime`);
    } catch (err) {
      console.log(`cold-host open not measured: ${(err as Error).message.split('\n')[0]}`);
    }

    if (opts.profile) {
      await page.goto(`${url}${route.replace(/\/notebooks\/.*$/, '/notebooks')}`);
      await page.reload();
      await page.getByRole('link', { name: 'big', exact: true }).waitFor();
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      await page.evaluate(`location.hash = ${JSON.stringify(route)}`);
      await page.getByTestId('notebook-cell').first().waitFor({ timeout: 60_000 });
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
      console.log('\nwhere one open went (self ms):');
      for (const f of topFunctions(profile, 15)) console.log(`${f.ms.toFixed(1).padStart(8)}  ${f.name}`);
    }
    console.log('\n| measure | median (ms) | runs (ms) |\n|---|---|---|');
    console.log(`| open: route → cells drawn (in the page) | ${median(drawnAt).toFixed(0)} | ${drawnAt.map((d) => d.toFixed(0)).join(', ')} |`);
    console.log(`| first screen complete: its plots arrived (in the page) | ${median(complete).toFixed(0)} | ${complete.map((d) => d.toFixed(0)).join(', ')} |`);
    console.log(`| open as the test driver sees it (route → first cell visible, polled) | ${median(opens)} | ${opens.join(', ')} |`);
    console.log(`| open with a cold host (restarted: reads, parses and fingerprints the file once) | ${cold.toFixed(0)} | ${cold.toFixed(0)} |`);
    console.log(`| baseline: bare JSON.parse in the page | ${median(parses).toFixed(0)} | ${parses.map((p) => p.toFixed(0)).join(', ')} |`);
    console.log(`\nin the page, per open: ${phases.join(' | ')}`);
    console.log(`received from the host per open: ${received.map((b) => `${(b / 1024 / 1024).toFixed(2)} MB`).join(', ')} (the file: ${(text.length / 1024 / 1024).toFixed(1)} MB)`);
    const open = median(drawnAt);
    console.log(`\nratio open / bare parse: ${(open / median(parses)).toFixed(2)}×; cells drawn: ${median(drawn)} of ${CELLS}; goal < ${GOAL_MS} ms: ${open < GOAL_MS ? 'met' : 'NOT met'}`);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
