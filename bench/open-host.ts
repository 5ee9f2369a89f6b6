/**
 * The host side of `bench:open`: starting and stopping the real web host (`driftdesk web --data
 * DIR`, a child process) on a fresh copy of a data folder, the yjs bundle of the baseline page,
 * host-side search times, and the small statistics the tables use.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'vite';
import { appDataLayout } from '../src/node/app-paths.ts';
import { LocalCache } from '../src/node/local-cache.ts';
import { SearchIndex } from '../src/node/search-index.ts';
import { copyLayout } from './open-data.ts';

export interface Host {
  url: string;
  child: ChildProcess;
  dataDir: string;
  rssIdleMb: number;
}

export const median = (values: number[]): number => {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
/** Nearest-rank percentile. */
export const percentile = (values: number[], p: number): number => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
export const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

export function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN) / 1024);
}

/** Starts the web host on a fresh copy of `source` (under `scratch/name`); resolves once it serves and has settled. */
/** Starts a web host on a fresh copy of `source` (or, with `reuse`, on the copy an earlier host of this name left). */
export async function startHost(root: string, source: string, scratch: string, name: string, { reuse = false } = {}): Promise<Host> {
  const dataDir = join(scratch, name);
  if (!reuse) await copyLayout(source, dataDir);
  const child = spawn(process.execPath, ['bin/driftdesk', 'web', '--port', '0', '--data', dataDir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
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

export async function stopHost(host: Host): Promise<void> {
  if (host.child.exitCode !== null || host.child.signalCode !== null) return;
  const exited = new Promise((r) => host.child.once('exit', r));
  host.child.kill('SIGTERM');
  await exited;
}

/** yjs bundled the way the renderer is (vite, minified) for the baseline page. */
export async function bundleYjs(root: string): Promise<string> {
  const out = (await build({
    configFile: false,
    logLevel: 'silent',
    root,
    build: { write: false, minify: true, lib: { entry: join(root, 'bench/open-yjs-entry.ts'), formats: ['iife'], name: 'BenchYEntry', fileName: 'y' } },
  })) as { output: { code?: string }[] }[] | { output: { code?: string }[] };
  const first = Array.isArray(out) ? out[0]! : out;
  return first.output[0]!.code!;
}

/** Times `fn` `n` times (fresh inputs each time via `fn` itself); median ms. */
export function timeMedian(n: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Host-side `SearchIndex.query` times per query, on a copy of a data folder. */
export async function hostSearch(source: string, scratch: string, workspaceId: string, queries: string[], reps: number) {
  const copy = join(scratch, 'search-host');
  await copyLayout(source, copy);
  const cache = new LocalCache({ file: appDataLayout(copy).cacheFile });
  const index = new SearchIndex(cache);
  try {
    // The palette opened right after start: the index is in step, so no doc is loaded.
    let t = performance.now();
    index.query(workspaceId, queries[0]!, 20);
    const firstMs = performance.now() - t;
    const perQuery: Record<string, { times: number[]; hits: number }> = {};
    for (const q of queries) {
      const hits = index.query(workspaceId, q, 20).length;
      const times: number[] = [];
      for (let i = 0; i < reps; i++) {
        t = performance.now();
        index.query(workspaceId, q, 20);
        times.push(performance.now() - t);
      }
      perQuery[q] = { times, hits };
    }
    return { firstMs, perQuery };
  } finally {
    index.dispose();
    cache.close();
  }
}
