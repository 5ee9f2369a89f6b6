import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { replaceTextMinimally } from './note-history';

/** A small seeded generator (mulberry32): the same cases every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const ALPHABET = ['a', 'b', ' ', '\n', 'é', '😀', '𝔸', '#'];

describe('replaceTextMinimally', () => {
  it('makes the text read the target, touching only what differs, and keeps anchors outside it', () => {
    const next = random(7);
    const word = (n: number) => Array.from({ length: n }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
    for (let round = 0; round < 300; round++) {
      const doc = new Y.Doc();
      const text = doc.getText('body');
      const prefix = word(Math.floor(next() * 20));
      const suffix = word(Math.floor(next() * 20));
      const before = prefix + word(Math.floor(next() * 10)) + suffix;
      const target = prefix + word(Math.floor(next() * 10)) + suffix;
      text.insert(0, before);
      const first = Y.createRelativePositionFromTypeIndex(text, 0);
      const last = Y.createRelativePositionFromTypeIndex(text, Math.max(0, before.length - 1));
      const changes: number[] = [];
      doc.on('update', () => changes.push(1));
      const { removed, added } = replaceTextMinimally(text, target);
      expect(text.toString()).toBe(target);
      expect(changes.length).toBeLessThanOrEqual(1); // one transaction
      // No more than the part between the longest common prefix and suffix (±1 to keep a surrogate pair whole).
      let p = 0;
      while (p < Math.min(before.length, target.length) && before[p] === target[p]) p++;
      let q = 0;
      while (q < Math.min(before.length, target.length) - p && before[before.length - 1 - q] === target[target.length - 1 - q]) q++;
      expect(removed).toBeLessThanOrEqual(before.length - p - q + 2);
      expect(added).toBe(target.length - before.length + removed);
      // Exactly `removed` characters are gone; every other one is the same Yjs item as before,
      // so a comment anchored on it stays where it was.
      const deleted = Y.createDeleteSetFromStructStore(doc.store);
      let gone = 0;
      deleted.clients.forEach((ranges) => ranges.forEach((r) => (gone += r.len)));
      expect(gone).toBe(removed);
      const kept = (pos: Y.RelativePosition) => pos.item !== null && !Y.isDeleted(deleted, pos.item);
      if (p >= 2) expect(kept(first)).toBe(true);
      if (q >= 2 && p + q <= Math.min(before.length, target.length)) expect(kept(last)).toBe(true);
      // Every surrogate pair is whole.
      expect(() => encodeURIComponent(text.toString())).not.toThrow();
    }
  });

  it('does not split a surrogate pair when the texts differ in its low half', () => {
    const doc = new Y.Doc();
    const text = doc.getText('body');
    text.insert(0, 'x😀y'); // 😀 is \ud83d\ude00; 😁 is \ud83d\ude01: same high half
    const result = replaceTextMinimally(text, 'x😁y');
    expect(text.toString()).toBe('x😁y');
    expect(result).toEqual({ removed: 2, added: 2 });
  });
});
