/**
 * `npm run bench:split` (issue 20): what splitting a workspace into conversation docs does to
 * the cost of opening it. The data is bench:open's workspace (open-data.ts; one year of a
 * mid-size team at the default sizes: 10,000 runs, 2,000 incidents, 20,000 comments, 200 notes).
 *
 * Baseline, in the same run: today's single workspace doc, `Y.applyUpdate` of its whole state
 * (what a window does with `cache.load`, and a server room with its log). Against it: the
 * workspace doc after the split (comments, reactions and resolutions moved, summaries and mention
 * records added; once without and once with the incidents' timelines moved), and opening the
 * largest conversation doc and a typical one. The split is done in memory with the server's own
 * functions (thread-docs.ts, split-conversations.ts). Medians of 5 runs each.
 *
 * Run: `npm run bench:split [-- --preset 1y|3y --runs N --incidents N --comments N --notes N]` (the first run
 * generates the data, about a minute at the default sizes).
 */
import { readFile } from 'node:fs/promises';
import * as Y from 'yjs';
import { type ConversationPart, applyConversationRecords, conversationRecords, planConversations, writeConversationPart } from '../src/core/workspace/index.ts';
import { removeMoved } from '../server/split-conversations.ts';
import { ensureOpenBenchData, sizesFromArgs } from './open-data.ts';

const REPS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median milliseconds to apply `state` to a fresh doc. */
function applyMs(state: Uint8Array): number {
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const doc = new Y.Doc();
    const t = performance.now();
    Y.applyUpdate(doc, state);
    times.push(performance.now() - t);
    doc.destroy();
  }
  return median(times);
}

function split(state: Uint8Array, timelines: boolean): { workspace: Uint8Array; conversations: Uint8Array[]; splitMs: number } {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const t = performance.now();
  const parts: ConversationPart[] = [...planConversations(doc).parts.values()].map((p) => (timelines ? p : { ...p, events: [] }));
  const conversations: Uint8Array[] = [];
  doc.transact(() => {
    for (const part of parts) {
      const conversation = new Y.Doc();
      writeConversationPart(conversation, part);
      applyConversationRecords(doc, conversationRecords(conversation, part.target));
      conversations.push(Y.encodeStateAsUpdate(conversation));
      conversation.destroy();
      removeMoved(doc, part);
    }
    doc.getMap('meta').set('conversations', 'threads');
  });
  const splitMs = performance.now() - t;
  const workspace = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return { workspace, conversations, splitMs };
}

async function main(): Promise<void> {
  const sizes = sizesFromArgs();
  const data = await ensureOpenBenchData(sizes, (line) => console.log(line), []);
  const state = new Uint8Array(await readFile(data.stateFile));
  const baseline = applyMs(state);
  const rows: string[][] = [['today: one workspace doc (baseline)', kb(state.length), ms(baseline), '1.00×', '']];
  for (const timelines of [false, true]) {
    const { workspace, conversations, splitMs } = split(state, timelines);
    const t = applyMs(workspace);
    const what = timelines ? 'split, timelines moved too' : 'split, timelines kept (the default)';
    rows.push([`workspace doc, ${what}`, kb(workspace.length), ms(t), ratio(t, baseline), `${conversations.length} conversation docs, ${kb(conversations.reduce((n, c) => n + c.length, 0))} in all; split in ${ms(splitMs)}`]);
    if (timelines) {
      const bySize = [...conversations].sort((a, b) => a.length - b.length);
      for (const [name, doc] of [['largest conversation doc', bySize[bySize.length - 1]!], ['median conversation doc', bySize[Math.floor(bySize.length / 2)]!]] as const) {
        const t = applyMs(doc);
        rows.push([name, kb(doc.length), ms(t), ratio(t, baseline), '']);
      }
      // What of the split workspace doc is its live content, and what the deleted records' tombstones.
      const fresh = freshCopy(workspace);
      const tf = applyMs(fresh);
      rows.push(['(comparison) the same live content in a fresh doc, no tombstones', kb(fresh.length), ms(tf), ratio(tf, baseline), 'not something a live workspace can become: every client holds the old one']);
    }
  }
  console.log(`\nworkspace: ${sizes.runs} runs, ${sizes.incidents} incidents, ${sizes.comments} comments, ${sizes.notes} notes; medians of ${REPS}\n`);
  console.log('| doc | encoded | Y.applyUpdate (ms) | vs baseline | note |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

const ratio = (t: number, base: number) => `${(t / base).toPrecision(2)}×`;

/** Every top-level map's live entries, as plain values, in a new doc. */
function freshCopy(state: Uint8Array): Uint8Array {
  const from = new Y.Doc();
  Y.applyUpdate(from, state);
  const to = new Y.Doc();
  to.transact(() => {
    for (const key of from.share.keys()) {
      const map = to.getMap(key);
      for (const [k, v] of Object.entries(from.getMap(key).toJSON())) map.set(k, v);
    }
  });
  return Y.encodeStateAsUpdate(to);
}

const kb = (bytes: number) => (bytes < 100 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(2)} MB`);
const ms = (x: number) => (x < 1 ? x.toFixed(3) : x.toFixed(1));

await main();
