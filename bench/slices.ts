/**
 * `npx tsx bench/slices.ts` (issue 20): what applying a big workspace state in slices
 * (`sliceUpdate`, src/core/workspace/update-slices.ts) costs and buys against one
 * `Y.applyUpdate` of it.
 *
 * Docs:
 * - `synthetic`: built here, deterministic: ~15 MB of map records (a nested Y.Map per record with
 *   string fields, overwritten and deleted by later sessions), a comment log (a Y.Array of plain
 *   records) and notes (Y.Text edited in the middle, with deletes), written by a few hundred
 *   sessions, each with its own client id as a team's doc has.
 * - `open`: bench:open's one-year workspace (`open-data.ts`, state.bin), if it has been generated
 *   (`npm run bench:open` or `npx tsx bench/open-data.ts`); read only, never regenerated here.
 *   `--state FILE` names another v1 update instead.
 *
 * Baseline, in the same run: `Y.applyUpdate` of the whole update into a fresh doc. Against it:
 * `sliceUpdate` itself, and applying its slices one after the other into a fresh doc at
 * maxBytes = 256 KB and 1 MB (the sum of the slices' apply times, and the longest single one:
 * that is the longest task the page would see). Every sliced doc is checked against the whole
 * one (same `Y.encodeStateAsUpdate`, nothing pending after any slice). Medians of 3.
 */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { sliceUpdate } from '../src/core/workspace/update-slices.ts';
import { DEFAULT_SIZES } from './open-data.ts';
import { prng } from '../test/helpers/prng.ts';

const REPS = 3;
const SIZES = [256 * 1024, 1024 * 1024];


const WORDS = 'drift psi threshold reference current window batch feature pipeline retrain rollback calibration latency schema upstream backfill monitor incident owner review'.split(' ');

/** The synthetic workspace: records, comments and notes written by many sessions. */
function syntheticState(targetBytes = 15 * 1024 * 1024): { state: Uint8Array; sessions: number } {
  const r = prng(20);
  const int = (n: number) => Math.floor(r() * n);
  const sentence = (words: number) => Array.from({ length: words }, () => WORDS[int(WORDS.length)]).join(' ');
  const doc = new Y.Doc();
  const records = doc.getMap<Y.Map<string>>('records');
  const comments = doc.getArray<Record<string, string | number>>('comments');
  const notes = doc.getMap<Y.Text>('notes');
  let ids = 0;
  let session = 0;
  for (; ; session++) {
    doc.clientID = 1 + int(2 ** 31);
    doc.transact(() => {
      for (let k = 0; k < 40; k++) {
        const rec = new Y.Map<string>();
        records.set(`rec-${ids++}`, rec);
        rec.set('title', sentence(6));
        rec.set('description', sentence(60 + int(80)));
        rec.set('owner', `member-${int(12)}`);
        rec.set('status', 'open');
        rec.set('createdAt', new Date(1.7e12 + ids * 6e4).toISOString());
      }
      for (let k = 0; k < 10 && ids > 0; k++) {
        const rec = records.get(`rec-${int(ids)}`);
        if (!rec) continue;
        rec.set('status', ['triaged', 'mitigated', 'resolved'][int(3)]!);
        if (r() < 0.3) rec.set('description', sentence(40 + int(60)));
        if (r() < 0.05) records.delete(`rec-${int(ids)}`);
      }
      for (let k = 0; k < 30; k++) comments.push([{ id: `c-${session}-${k}`, target: `rec-${int(ids)}`, author: `member-${int(12)}`, body: sentence(10 + int(50)), at: 1.7e12 + session * 1e6 + k }]);
      for (let k = 0; k < 3; k++) {
        const key = `note-${int(150)}`;
        let text = notes.get(key);
        if (!text) {
          text = new Y.Text();
          notes.set(key, text);
        }
        for (let e = 0; e < 8; e++) {
          const at = int(text.length + 1);
          if (r() < 0.25 && text.length > 20) text.delete(int(text.length - 10), 1 + int(10));
          else text.insert(at, `${sentence(3 + int(10))}${r() < 0.2 ? '\n' : ' '}`);
        }
      }
    });
    if (session % 50 === 49 && Y.encodeStateAsUpdate(doc).length >= targetBytes) break;
  }
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return { state, sessions: session + 1 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function applyWhole(update: Uint8Array): { ms: number; doc: Y.Doc } {
  const doc = new Y.Doc();
  const t = performance.now();
  Y.applyUpdate(doc, update);
  return { ms: performance.now() - t, doc };
}

function applySlices(slices: Uint8Array[]): { sum: number; max: number; doc: Y.Doc } {
  const doc = new Y.Doc();
  let sum = 0;
  let max = 0;
  for (const slice of slices) {
    const t = performance.now();
    Y.applyUpdate(doc, slice);
    const ms = performance.now() - t;
    sum += ms;
    max = Math.max(max, ms);
    if (doc.store.pendingStructs || doc.store.pendingDs) throw new Error('a slice left something pending');
  }
  return { sum, max, doc };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
const ratio = (x: number, base: number) => `${(x / base).toFixed(2)}×`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

function bench(name: string, update: Uint8Array): void {
  const wholeTimes: number[] = [];
  let reference: Uint8Array | undefined;
  for (let i = 0; i < REPS; i++) {
    const { ms, doc } = applyWhole(update);
    wholeTimes.push(ms);
    reference ??= Y.encodeStateAsUpdate(doc);
    doc.destroy();
  }
  const baseline = median(wholeTimes);
  console.log(`\n${name}: ${mb(update.length)}; medians of ${REPS}`);
  console.log('| what | maxBytes | slices | sliceUpdate (ms) | sum of slice applies (ms) | longest slice apply (ms) | sum / baseline | longest / baseline | same doc |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  console.log(`| Y.applyUpdate of the whole update (baseline) | – | 1 | – | ${fmt(baseline)} | ${fmt(baseline)} | 1.00× | 1.00× | – |`);
  for (const maxBytes of SIZES) {
    const cut: number[] = [];
    let slices: Uint8Array[] = [];
    for (let i = 0; i < REPS; i++) {
      const t = performance.now();
      slices = sliceUpdate(update, maxBytes);
      cut.push(performance.now() - t);
    }
    const sums: number[] = [];
    const maxes: number[] = [];
    let same = true;
    for (let i = 0; i < REPS; i++) {
      const { sum, max, doc } = applySlices(slices);
      sums.push(sum);
      maxes.push(max);
      if (i === 0) same = sameBytes(Y.encodeStateAsUpdate(doc), reference!);
      doc.destroy();
    }
    const sum = median(sums);
    const max = median(maxes);
    console.log(`| sliceUpdate, then each slice | ${maxBytes / 1024} KB | ${slices.length} | ${fmt(median(cut))} | ${fmt(sum)} | ${fmt(max)} | ${ratio(sum, baseline)} | ${ratio(max, baseline)} | ${same ? 'yes' : 'NO'} |`);
  }
}

function main(): void {
  const { values } = parseArgs({ options: { state: { type: 'string' } } });
  console.log(`Node ${process.version}`);
  const t = performance.now();
  const synthetic = syntheticState();
  console.log(`synthetic doc built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  bench(`synthetic (records with string fields, comments, notes as Y.Text; ${synthetic.sessions} sessions, one client id each)`, synthetic.state);
  const s = DEFAULT_SIZES;
  const openState = values.state ?? join(tmpdir(), 'driftdesk-bench', `open-${s.runs}-${s.incidents}-${s.comments}-${s.notes}`, 'state.bin');
  if (existsSync(openState)) {
    bench(`bench:open's workspace (${openState})`, new Uint8Array(readFileSync(openState)));
  } else {
    console.log(`\n(no ${openState}: run \`npx tsx bench/open-data.ts\` to add bench:open's workspace)`);
  }
}

main();
