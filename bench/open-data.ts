/**
 * Deterministic data for `bench:open` (and bench:split): one workspace as a real app's local
 * cache would hold it after one or three years of use, written into real LocalCache SQLite files
 * under data folders that `driftdesk web --data DIR` can open, plus what the server holds of it.
 *
 * Sizes come as presets (issue 20): `1y` — 10,000 runs, 2,000 incidents, 20,000 comments, 200
 * notes (one year of a mid-size team; bench:open's size since issue 5) — and `3y` — 50,000 runs,
 * 10,000 incidents, 150,000 comments, 1,000 notes, 20 monitors with 20,000 batches in all (about
 * one a day each). What is in the workspace and how it is written: open-workspace.ts.
 *
 * Cache layouts, each a data folder:
 * - `split`: the workspace as the app has it after the server's migration (split-conversations):
 *   the workspace doc without the conversations (summaries and mention records added,
 *   `meta.conversations = 'threads'`), and every target's conversation doc
 *   (`<ws>:thread:<kind>:<id>`: comments, reactions, resolutions, incident timeline) as a doc of
 *   its own in the cache, each as one snapshot;
 * - `single`: today's single workspace doc as one snapshot (the layout before the split, and what
 *   the baseline applies);
 * - `single-log`: the same as a snapshot plus LOG_ROWS small log rows (the last saves, one row
 *   each), the usual state between two compactions, which every load must merge.
 * Snapshots are written with LocalCache.replaceDoc and log rows with appendUpdates: the cache's
 * own public writes, so the layout follows whatever the cache does with them. Every folder has a
 * `connections` row whose server URL points at a port nothing listens on (cache only), the note
 * docs, and a search index built up front, as after the app has run once.
 *
 * Two stages, each cached in `os.tmpdir()/driftdesk-bench/open-<sizes>/`: the Yjs updates
 * (`built-v<GENERATOR_VERSION>/`, the slow part: about 1 min for 1y, several for 3y), reused
 * while the generator is unchanged; and the data folders (`layouts-<hash>/`), rewritten when the
 * local cache's or search index's source changes (its hash is in the name), so a change to how the
 * cache stores a doc is measured as it is. The runner copies a folder before each host start.
 *
 * Run alone: `npx tsx bench/open-data.ts [--preset 1y|3y] [--runs N …]`.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import { noteDocName, threadDocName } from '../src/core/workspace/schema.ts';
import type { MonitorBatch } from '../src/shared/server-api.ts';
import { appDataLayout } from '../src/node/app-paths.ts';
import { LocalCache } from '../src/node/local-cache.ts';
import { SearchIndex } from '../src/node/search-index.ts';
import { type Built, LOG_ROWS, type OpenBenchSizes, buildWorkspace, splitWorkspace } from './open-workspace.ts';

export { LOG_ROWS, type OpenBenchSizes };

const GENERATOR_VERSION = 5; // 5: presets, monitors and batches, reactions and resolutions, sessions as transactions, the split layout
/** Where the workspace's server would be: a port nothing listens on (cache only; not one Chromium blocks as unsafe, like 9). */
export const DEAD_SERVER_URL = 'http://127.0.0.1:2';

export const PRESETS = {
  '1y': { runs: 10_000, incidents: 2_000, comments: 20_000, notes: 200, monitors: 0, batches: 0, years: 1 },
  '3y': { runs: 50_000, incidents: 10_000, comments: 150_000, notes: 1_000, monitors: 20, batches: 20_000, years: 3 },
} as const satisfies Record<string, OpenBenchSizes>;
export type PresetName = keyof typeof PRESETS;
export const DEFAULT_SIZES: OpenBenchSizes = PRESETS['1y'];

export const LAYOUTS = ['split', 'single', 'single-log'] as const;
export type Layout = (typeof LAYOUTS)[number];

const SIZE_OPTIONS = { runs: { type: 'string' }, incidents: { type: 'string' }, comments: { type: 'string' }, notes: { type: 'string' }, monitors: { type: 'string' }, batches: { type: 'string' }, years: { type: 'string' } } as const;

/** `--preset 1y|3y` and `--runs N --incidents N --comments N --notes N --monitors N --batches N --years N` over it (default 1y). */
export function sizesFromArgs(args: string[] = process.argv.slice(2)): OpenBenchSizes {
  const { values } = parseArgs({ args, strict: false, options: { preset: { type: 'string' }, ...SIZE_OPTIONS } });
  return sizesOver(presetNamed(String(values.preset ?? '1y')), values);
}

/** A preset by name, or an error that lists the presets. */
export function presetNamed(name: string): OpenBenchSizes {
  const preset = (PRESETS as Record<string, OpenBenchSizes>)[name];
  if (!preset) throw new Error(`unknown preset ${name}: use ${Object.keys(PRESETS).join(' or ')}`);
  return preset;
}

/** `base` with the size options given on the command line. */
export function sizesOver(base: OpenBenchSizes, values: Record<string, unknown>): OpenBenchSizes {
  const out = { ...base };
  for (const key of Object.keys(SIZE_OPTIONS) as (keyof OpenBenchSizes)[]) {
    if (values[key] === undefined) continue;
    const n = Number(values[key]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${key} takes a number ≥ 0, got ${String(values[key])}`);
    out[key] = n;
  }
  return out;
}

export const describeSizes = (s: OpenBenchSizes) =>
  `${s.runs} runs, ${s.incidents} incidents, ${s.comments} comments, ${s.notes} notes${s.monitors ? `, ${s.monitors} monitors with ${s.batches} batches` : ''} over ${s.years} year${s.years === 1 ? '' : 's'}`;

export interface OpenBenchData {
  dir: string;
  workspaceId: string;
  memberName: string;
  /** Data folders to copy before a host starts (each has cache.sqlite). */
  layouts: Record<Layout, string>;
  /** Today's single workspace doc's full state (what the baseline applies). */
  stateFile: string;
  /** The split workspace doc's full state (what the app applies after the split). */
  splitStateFile: string;
  /** The conversation docs (`conversations.json` lists names and byte lengths; `.bin` holds them in that order). */
  conversationsFile: string;
  /** The monitors' history rows, one JSON object a line, oldest first. */
  batchesFile: string;
  stats: {
    stateBytes: number;
    splitStateBytes: number;
    conversations: number;
    conversationBytes: number;
    moved: { comments: number; reactions: number; resolutions: number; events: number };
    logBytes: number;
    noteDocBytes: number;
    clients: number;
    monitorIncidents: number;
    batches: number;
    buildSeconds: number;
    indexSeconds: number;
  };
}

/** Parts written back to back; their lengths in order. */
async function writeParts(file: string, parts: Uint8Array[]): Promise<number[]> {
  await writeFile(file, Buffer.concat(parts));
  return parts.map((p) => p.byteLength);
}

async function readParts(file: string, lengths: number[]): Promise<Uint8Array[]> {
  const all = new Uint8Array(await readFile(file));
  let at = 0;
  return lengths.map((n) => all.subarray(at, (at += n)));
}

/** The conversation docs of a data set, with their doc names for `workspaceId`. */
export async function readConversations(data: OpenBenchData, workspaceId = data.workspaceId): Promise<{ name: string; state: Uint8Array }[]> {
  const index = JSON.parse(await readFile(`${data.conversationsFile}.json`, 'utf8')) as { kind: Parameters<typeof threadDocName>[1]['kind']; id: string; length: number }[];
  const parts = await readParts(data.conversationsFile, index.map((c) => c.length));
  return index.map((c, i) => ({ name: threadDocName(workspaceId, { kind: c.kind, id: c.id }), state: parts[i]! }));
}

interface Stage1 {
  built: Omit<Built, 'snapshot' | 'log' | 'notes' | 'batches'>;
  notes: { id: string; lengths: number[] }[];
  logLengths: number[];
  stats: Pick<OpenBenchData['stats'], 'moved' | 'buildSeconds'>;
}

/** Stage 1: the Yjs updates and history rows, generated once per generator version and sizes. */
async function ensureBuilt(dir: string, sizes: OpenBenchSizes, log: (line: string) => void): Promise<{ builtDir: string; stage: Stage1 }> {
  const builtDir = join(dir, `built-v${GENERATOR_VERSION}`);
  const metaFile = join(builtDir, 'meta.json');
  const existing = await readFile(metaFile, 'utf8').catch(() => null);
  if (existing) return { builtDir, stage: JSON.parse(existing) as Stage1 };
  log(`generating the workspace (${describeSizes(sizes)}) in ${builtDir} …`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(builtDir, { recursive: true });
  const started = performance.now();
  const built = buildWorkspace(sizes);
  const state = Y.mergeUpdates([built.snapshot, ...built.log]);
  const split = splitWorkspace(state);
  const buildSeconds = (performance.now() - started) / 1000;
  log(`  written in ${buildSeconds.toFixed(0)} s: doc ${(state.length / 2 ** 20).toFixed(1)} MiB, split ${(split.workspace.length / 2 ** 20).toFixed(1)} MiB + ${split.conversations.length} conversation docs`);
  await writeFile(join(builtDir, 'state.bin'), state);
  await writeFile(join(builtDir, 'snapshot.bin'), built.snapshot);
  await writeFile(join(builtDir, 'split.bin'), split.workspace);
  const logLengths = await writeParts(join(builtDir, 'log.bin'), built.log);
  const noteLengths = await writeParts(join(builtDir, 'notes.bin'), built.notes.flatMap((n) => n.updates));
  const conversationLengths = await writeParts(join(builtDir, 'conversations.bin'), split.conversations.map((c) => c.state));
  await writeFile(join(builtDir, 'conversations.bin.json'), JSON.stringify(split.conversations.map((c, i) => ({ kind: c.kind, id: c.id, length: conversationLengths[i] }))));
  await writeFile(join(builtDir, 'batches.jsonl'), built.batches.map((b) => JSON.stringify(b)).join('\n'));
  let at = 0;
  const stage: Stage1 = {
    built: { workspaceId: built.workspaceId, ownerId: built.ownerId, ownerName: built.ownerName, clients: built.clients, monitorIncidents: built.monitorIncidents },
    notes: built.notes.map((n) => ({ id: n.id, lengths: noteLengths.slice(at, (at += n.updates.length)) })),
    logLengths,
    stats: { moved: split.moved, buildSeconds },
  };
  await writeFile(metaFile, JSON.stringify(stage));
  return { builtDir, stage };
}

/** Writes one data folder: the connection, the docs of the layout, the note docs, the search index. Returns the index's seconds. */
async function writeLayout(dataDir: string, builtDir: string, stage: Stage1, layout: Layout): Promise<number> {
  await mkdir(dataDir, { recursive: true });
  const { workspaceId } = stage.built;
  const cache = new LocalCache({ file: appDataLayout(dataDir).cacheFile });
  try {
    cache.saveConnection({
      workspaceId,
      name: 'Risk & Fraud ML',
      serverUrl: DEAD_SERVER_URL,
      token: 'bench-token-not-used-no-server',
      memberId: stage.built.ownerId,
      memberName: stage.built.ownerName,
      role: 'owner',
      local: false,
      lastOpenedAt: Date.UTC(2026, 10, 20),
    });
    const search = new SearchIndex(cache, { warn: (m) => console.error(m) });
    const at = Date.UTC(2026, 10, 20);
    // Received from the server, not made here: nothing pending, so no push is attempted.
    if (layout === 'single') cache.replaceDoc(workspaceId, new Uint8Array(await readFile(join(builtDir, 'state.bin'))), 'bench: the cached state', at);
    if (layout === 'single-log') {
      cache.replaceDoc(workspaceId, new Uint8Array(await readFile(join(builtDir, 'snapshot.bin'))), 'bench: the cached state', at);
      for (const u of await readParts(join(builtDir, 'log.bin'), stage.logLengths)) cache.appendUpdates(workspaceId, [u]);
    }
    if (layout === 'split') {
      cache.replaceDoc(workspaceId, new Uint8Array(await readFile(join(builtDir, 'split.bin'))), 'bench: the cached state', at);
      for (const c of await readConversations({ conversationsFile: join(builtDir, 'conversations.bin') } as OpenBenchData, workspaceId)) {
        cache.replaceDoc(c.name, c.state, 'bench: the cached state', at);
        search.afterAppend(c.name, [c.state]);
      }
    }
    const notes = await readParts(join(builtDir, 'notes.bin'), stage.notes.flatMap((n) => n.lengths));
    let i = 0;
    for (const note of stage.notes) {
      const updates = notes.slice(i, (i += note.lengths.length));
      cache.appendUpdates(noteDocName(workspaceId, note.id), updates);
      search.afterAppend(noteDocName(workspaceId, note.id), updates);
    }
    const started = performance.now();
    search.ensureIndexed(workspaceId);
    search.flush();
    search.dispose();
    cache.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    return (performance.now() - started) / 1000;
  } finally {
    cache.close();
  }
}

/** A short hash of the sources that decide how a data folder is written (the local cache, the search index). */
async function cacheCodeHash(): Promise<string> {
  const dir = join(import.meta.dirname, '../src/node');
  const files = (await readdir(dir)).filter((f) => /^(local-cache|search-index|search-store|cache-)[\w-]*\.ts$/.test(f) && !f.endsWith('.test.ts')).sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(await readFile(join(dir, f)));
  return hash.digest('hex').slice(0, 10);
}

/** Makes sure the data exists for these sizes and layouts, and returns it. */
export async function ensureOpenBenchData(sizes: OpenBenchSizes = DEFAULT_SIZES, log: (line: string) => void = () => {}, layouts: readonly Layout[] = LAYOUTS): Promise<OpenBenchData> {
  const dir = join(tmpdir(), 'driftdesk-bench', `open-${sizes.runs}-${sizes.incidents}-${sizes.comments}-${sizes.notes}-${sizes.monitors}-${sizes.batches}-${sizes.years}y`);
  const { builtDir, stage } = await ensureBuilt(dir, sizes, log);
  const layoutsDir = join(dir, `layouts-${await cacheCodeHash()}`);
  const indexFile = join(layoutsDir, 'index-seconds.json');
  const indexSeconds = JSON.parse((await readFile(indexFile, 'utf8').catch(() => null)) ?? '{}') as Partial<Record<Layout, number>>;
  for (const layout of layouts) {
    if (indexSeconds[layout] !== undefined) continue;
    log(`writing the ${layout} cache layout in ${layoutsDir} …`);
    await rm(join(layoutsDir, layout), { recursive: true, force: true });
    indexSeconds[layout] = await writeLayout(join(layoutsDir, layout), builtDir, stage, layout);
    await writeFile(indexFile, JSON.stringify(indexSeconds));
  }
  const file = (name: string) => join(builtDir, name);
  const size = async (name: string) => (await readFile(file(name))).byteLength;
  const conversationIndex = JSON.parse(await readFile(file('conversations.bin.json'), 'utf8')) as unknown[];
  const notes = await readParts(file('notes.bin'), stage.notes.flatMap((n) => n.lengths));
  let i = 0;
  const noteDocBytes = stage.notes.reduce((n, note) => n + Y.mergeUpdates(notes.slice(i, (i += note.lengths.length))).length, 0);
  return {
    dir,
    workspaceId: stage.built.workspaceId,
    memberName: stage.built.ownerName,
    layouts: Object.fromEntries(LAYOUTS.map((l) => [l, join(layoutsDir, l)])) as Record<Layout, string>,
    stateFile: file('state.bin'),
    splitStateFile: file('split.bin'),
    conversationsFile: file('conversations.bin'),
    batchesFile: file('batches.jsonl'),
    stats: {
      stateBytes: await size('state.bin'),
      splitStateBytes: await size('split.bin'),
      conversations: conversationIndex.length,
      conversationBytes: await size('conversations.bin'),
      moved: stage.stats.moved,
      logBytes: await size('log.bin'),
      noteDocBytes,
      clients: stage.built.clients,
      monitorIncidents: stage.built.monitorIncidents,
      batches: (await readFile(file('batches.jsonl'), 'utf8')).split('\n').filter(Boolean).length,
      buildSeconds: stage.stats.buildSeconds,
      indexSeconds: indexSeconds[layouts[0] ?? 'split'] ?? NaN,
    },
  };
}

/** The monitors' history rows, oldest first. */
export async function readBatches(data: OpenBenchData): Promise<Omit<MonitorBatch, 'id'>[]> {
  return (await readFile(data.batchesFile, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Omit<MonitorBatch, 'id'>);
}

/** Copies a layout's data folder to `target` (a fresh folder per host start). */
export async function copyLayout(source: string, target: string): Promise<void> {
  const { cacheFile } = appDataLayout(target);
  await mkdir(target, { recursive: true });
  await copyFile(appDataLayout(source).cacheFile, cacheFile);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = sizesFromArgs();
  const started = performance.now();
  const data = await ensureOpenBenchData(sizes, console.log);
  console.log(JSON.stringify(data, null, 2));
  console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
}
