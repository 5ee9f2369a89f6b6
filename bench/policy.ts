/**
 * `npm run bench:policy` — what judging one commenter's comment costs the server on a large
 * workspace doc: today's decode-based check (server/update-structure.ts + write-policy.ts)
 * against, in the same run, the old check's core (copy the whole doc into a probe and apply the
 * update there), which blocked the event loop ~110 ms per message on a 56 MiB doc.
 * Options: --incidents N (default 20000), --description-bytes B (default 2500), --runs N (default 30).
 */
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { addComment, createIncident, upsertMember } from '../src/core/workspace/index.ts';
import { checkUpdateStructure } from '../server/update-structure.ts';
import { judgeUpdate } from '../server/write-policy.ts';

const { values: opts } = parseArgs({ options: { incidents: { type: 'string', default: '20000' }, 'description-bytes': { type: 'string', default: '2500' }, runs: { type: 'string', default: '30' } } });
const incidents = Number(opts.incidents);
const runs = Number(opts.runs);
const filler = 'x'.repeat(Number(opts['description-bytes']));

const now = Date.now();
const doc = new Y.Doc();
upsertMember(doc, { id: 'm_ada', name: 'Ada', role: 'owner', joinedAt: now - 1000 });
upsertMember(doc, { id: 'm_cleo', name: 'Cleo', role: 'commenter', joinedAt: now - 1000 });
let n = 0;
const as = (id: string, name: string) => ({ actor: { id, name }, now: () => now, newId: () => `id${++n}` });
let last = '';
doc.transact(() => {
  for (let i = 0; i < incidents; i++) last = createIncident(doc, { title: `incident ${i}`, severity: 'low', description: filler }, as('m_ada', 'Ada')).id;
});
const state = Y.encodeStateAsUpdate(doc);
const client = new Y.Doc();
Y.applyUpdate(client, state);
const updates: Uint8Array[] = [];
for (let i = 0; i < runs; i++) {
  const sv = Y.encodeStateVector(client);
  addComment(client, { target: { kind: 'incident', id: last }, body: `comment ${i}` }, as('m_cleo', 'Cleo'));
  updates.push(Y.encodeStateAsUpdate(client, sv));
}

function time(fn: (update: Uint8Array) => void): number[] {
  const ms: number[] = [];
  for (const update of updates) {
    const t = performance.now();
    fn(update);
    ms.push(performance.now() - t);
    Y.applyUpdate(doc, update); // the room takes it, as the server would after an allowed verdict
  }
  return ms.sort((a, b) => a - b);
}
const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;

const identity = { workspaceId: 'ws', workspaceName: 'W', memberId: 'm_cleo', name: 'Cleo', role: 'commenter' as const };
const ours = time((update) => {
  const s = checkUpdateStructure(doc, update);
  if (s.kind !== 'ok') throw new Error(s.reason);
  const v = judgeUpdate({ doc, isNote: false, identity, now: Date.now(), items: s.items, runs: s.runs, ds: s.ds });
  if (v.kind !== 'allowed') throw new Error(v.reason);
});
// Reset the doc and time the old way on the same updates.
const baselineDoc = new Y.Doc();
Y.applyUpdate(baselineDoc, state);
const copyAndApply = (() => {
  const ms: number[] = [];
  for (const update of updates) {
    const t = performance.now();
    const probe = new Y.Doc({ gc: false });
    Y.applyUpdate(probe, Y.encodeStateAsUpdate(baselineDoc));
    Y.applyUpdate(probe, update);
    probe.destroy();
    ms.push(performance.now() - t);
    Y.applyUpdate(baselineDoc, update);
  }
  return ms.sort((a, b) => a - b);
})();

console.log(`bench:policy — doc of ${incidents} incidents, ${(state.byteLength / 2 ** 20).toFixed(1)} MiB encoded; ${runs} commenter comments judged`);
console.log('| check | median, ms | max, ms |');
console.log('|---|---|---|');
console.log(`| decode-based (structure + write policy) | ${median(ours).toFixed(3)} | ${ours[ours.length - 1]!.toFixed(3)} |`);
console.log(`| baseline: copy the doc into a probe and apply | ${median(copyAndApply).toFixed(1)} | ${copyAndApply[copyAndApply.length - 1]!.toFixed(1)} |`);
console.log(`ratio (median): ${(median(ours) / median(copyAndApply)).toFixed(5)}×`);
