/**
 * Changes to a doc's top-level maps, counted per map from the first time anyone asks about it
 * (one `observeDeep` per map and doc, living as long as the doc). What a view derives from a few
 * maps — the runs model, the inbox, the kept incidents preview — is kept while the count for
 * those maps stays the same, so a change elsewhere in a workspace of years does not make it walk
 * every record again.
 */
import type * as Y from 'yjs';

const counters = new WeakMap<Y.Doc, Map<string, { n: number }>>();

/**
 * The changes so far to the maps `keys` of `doc` (deep: a change inside a Y.Map record counts),
 * summed: it grows with every change to any of them, so a reader that keeps the number it read
 * with what it derived knows whether that is still current.
 */
export function changesTo(doc: Y.Doc, keys: readonly string[]): number {
  let byKey = counters.get(doc);
  if (!byKey) counters.set(doc, (byKey = new Map()));
  let sum = 0;
  for (const key of keys) {
    let counter = byKey.get(key);
    if (!counter) {
      const c = { n: 0 };
      counter = c;
      byKey.set(key, c);
      doc.getMap(key).observeDeep(() => void c.n++);
    }
    sum += counter.n;
  }
  return sum;
}
