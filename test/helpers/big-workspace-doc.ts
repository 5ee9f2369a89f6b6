/**
 * A big workspace doc built the way a team's grows (issue 20's room-load tests and
 * bench/room-load.ts): many sessions, each its own Yjs client id, adding incidents (a nested
 * Y.Map per incident, later overwritten and some deleted), runs and comments (plain records,
 * some deleted), and appending to a timeline (a Y.Array). Deterministic for a seed.
 */
import * as Y from 'yjs';
import { DOC_KEYS } from '../../src/core/workspace/index.ts';
import { prng } from './prng.ts';

const WORDS = 'drift psi threshold reference current window batch feature pipeline retrain rollback calibration latency schema upstream backfill monitor incident owner review'.split(' ');

/** The root maps the generator writes (for comparing docs key by key). */
export const BIG_DOC_MAPS = [DOC_KEYS.incidents, DOC_KEYS.runs, DOC_KEYS.comments] as const;
export const BIG_DOC_TIMELINE = 'timeline';

/** Writes sessions into `doc` until its encoded state reaches `targetBytes`; returns the sessions written. */
export function growBigWorkspaceDoc(doc: Y.Doc, targetBytes: number, seed = 20): number {
  const r = prng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const sentence = (words: number) => Array.from({ length: words }, () => WORDS[int(WORDS.length)]).join(' ');
  const incidents = doc.getMap<Y.Map<string>>(DOC_KEYS.incidents);
  const runs = doc.getMap<Record<string, string | number>>(DOC_KEYS.runs);
  const comments = doc.getMap<Record<string, string | number>>(DOC_KEYS.comments);
  const timeline = doc.getArray<string>(BIG_DOC_TIMELINE);
  const ownClient = doc.clientID;
  let ids = 0;
  let session = 0;
  let bytes = Y.encodeStateAsUpdate(doc).byteLength;
  // Encoding to measure is costly: measure again only when the last measure says we are close.
  let sessionsToMeasure = 0;
  for (; ; session++) {
    doc.clientID = 2 + int(2 ** 31 - 2);
    doc.transact(() => {
      for (let k = 0; k < 20; k++) {
        const id = `inc-${ids++}`;
        const rec = new Y.Map<string>();
        incidents.set(id, rec);
        rec.set('title', sentence(6));
        rec.set('description', sentence(40 + int(60)));
        rec.set('status', 'open');
        runs.set(`run-${id}`, { id: `run-${id}`, name: sentence(3), metric: r(), at: 1.7e12 + ids * 6e4 });
      }
      for (let k = 0; k < 10; k++) {
        const rec = incidents.get(`inc-${int(ids)}`);
        if (!rec) continue;
        rec.set('status', ['triaged', 'mitigated', 'resolved'][int(3)]!);
        if (r() < 0.3) rec.set('description', sentence(30 + int(40)));
        if (r() < 0.05) incidents.delete(`inc-${int(ids)}`);
      }
      for (let k = 0; k < 25; k++) comments.set(`c-${session}-${k}`, { target: `inc-${int(ids)}`, body: sentence(10 + int(40)), at: 1.7e12 + session * 1e6 + k });
      for (let k = 0; k < 3; k++) comments.delete(`c-${int(session + 1)}-${int(25)}`);
      timeline.push([sentence(4)]);
      if (timeline.length > 40 && r() < 0.3) timeline.delete(int(timeline.length - 10), 2);
    });
    if (--sessionsToMeasure > 0) continue;
    bytes = Y.encodeStateAsUpdate(doc).byteLength;
    if (bytes >= targetBytes) break;
    const perSession = bytes / (session + 1);
    sessionsToMeasure = Math.max(1, Math.floor((targetBytes - bytes) / perSession / 2));
  }
  doc.clientID = ownClient;
  return session + 1;
}

/** A fresh doc grown to `targetBytes`, as one v1 update. */
export function bigWorkspaceState(targetBytes: number, seed = 20): { state: Uint8Array; sessions: number } {
  const doc = new Y.Doc();
  try {
    const sessions = growBigWorkspaceDoc(doc, targetBytes, seed);
    return { state: Y.encodeStateAsUpdate(doc), sessions };
  } finally {
    doc.destroy();
  }
}
