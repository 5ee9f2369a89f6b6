/**
 * Yjs updates grouped by size, for both sides of a cached doc's handover: the host cuts what
 * `cache.load` answers into pages (src/node/cache-pages.ts) and the window applies each page in
 * batches, one per task (src/renderer/src/session/doc-sync.ts).
 */

/**
 * Groups updates, in order, into batches of at most `maxBytes` (an update larger than that is a
 * batch alone): the cache's snapshot comes as slices, and its log as many small rows, which
 * would otherwise cost a task (or a message) each.
 */
export function batchUpdates(updates: readonly Uint8Array[], maxBytes: number): Uint8Array[][] {
  const batches: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let bytes = 0;
  for (const u of updates) {
    if (current.length > 0 && bytes + u.length > maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(u);
    bytes += u.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
