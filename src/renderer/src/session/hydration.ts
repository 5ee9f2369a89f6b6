/**
 * A doc's cached state is applied in slices, one per task, so the page answers clicks while a
 * large workspace loads (issue 20: no main-thread task over 100 ms). Meanwhile views must not
 * re-read the doc after every slice — the incidents list re-read 40 times would be the long
 * task the slicing avoids — so DocSync marks the doc as hydrating, useDocValue skips its
 * transactions, and one `hydrated` signal at the end makes every view read the whole doc once.
 */
import type * as Y from 'yjs';
import type { HostApi, HostResponses } from '../../../shared/host-contract';
export { batchUpdates } from '../../../shared/update-batches';

const hydrating = new WeakSet<Y.Doc>();
const listeners = new WeakMap<Y.Doc, Set<() => void>>();
const changes = new WeakMap<Y.Doc, { n: number }>();

/**
 * How many visible changes `doc` has had since it was first asked about (each transaction that
 * changed something, and the end of hydration), so a view can tell at mount whether the doc
 * changed since it rendered (useDocVersion) instead of reading it again regardless.
 */
export function docChanges(doc: Y.Doc): number {
  let c = changes.get(doc);
  if (!c) {
    const counter = { n: 0 };
    c = counter;
    changes.set(doc, counter);
    doc.on('afterTransaction', (tr: Y.Transaction) => void (tr.changed.size > 0 && counter.n++));
  }
  return c.n;
}

/** True while `doc`'s cached state is still being applied (views wait for `onHydrated`). */
export function isHydrating(doc: Y.Doc): boolean {
  return hydrating.has(doc);
}

export function beginHydration(doc: Y.Doc): void {
  hydrating.add(doc);
}

/** Ends hydration and tells every view to read the doc again. */
export function endHydration(doc: Y.Doc): void {
  if (!hydrating.delete(doc)) return;
  const c = changes.get(doc);
  if (c) c.n++;
  for (const l of [...(listeners.get(doc) ?? [])]) l();
}

/** Calls `listener` when `doc` finishes hydrating; returns the unsubscribe. */
export function onHydrated(doc: Y.Doc, listener: () => void): () => void {
  let set = listeners.get(doc);
  if (!set) listeners.set(doc, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}


/** `scheduler.postTask` (Chromium, Electron, Firefox): tasks by priority. */
type PostTask = (callback: () => void, options: { priority: 'background' }) => Promise<void>;

/**
 * Lets the page handle input, paint and run React's own work before the next slice — and V8
 * its garbage collector: a `background` task of `scheduler.postTask`, which runs after every
 * task of higher priority already waiting. V8 finalizes a major GC in a task it posts once its
 * concurrent marking is done, and forces it into whatever JavaScript runs next (the "stack
 * guard") when that task has not run within ~50 ms: with slices queued as ordinary tasks it
 * rarely ran in time, and the GC's 40–90 ms atomic pause landed inside a slice's task (Chrome
 * traces of eight three-year opens: 16 of 16 such pauses forced into a slice); with the slices
 * in the background, 22 of 24 ran as tasks of their own. Where postTask is missing, a
 * message-channel task, queued behind whatever is already waiting. Not `scheduler.yield()`,
 * whose continuation runs ahead of other tasks — React's renders (the progress line) starved
 * until the last slice; not setTimeout, which is clamped to 4 ms after a few nested calls.
 */
export function yieldToPage(): Promise<void> {
  const postTask = (globalThis as { scheduler?: { postTask?: PostTask } }).scheduler?.postTask;
  if (postTask) return postTask.call((globalThis as unknown as { scheduler: object }).scheduler, () => {}, { priority: 'background' });
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * A doc's cached state as pages, in order: the first as `cache.load` answered, then the rest,
 * each asked for while the one before is being applied (src/node/cache-pages.ts: one 50 MiB
 * message held the page for a quarter of a second just to arrive).
 */
export async function* cachedPages(host: HostApi, docName: string, first: HostResponses['cache.load']): AsyncGenerator<Uint8Array[]> {
  yield first.updates;
  const more = first.more;
  if (!more) return;
  const ask = (page: number) => {
    const call = host.call('cache.loadPage', { loadId: more.loadId, page });
    call.catch(() => {}); // awaited below; a page left behind by a disposed window is no error
    return call;
  };
  let next = ask(1);
  for (let page = 1; page < more.pages; page++) {
    const { updates } = await next;
    if (page + 1 < more.pages) next = ask(page + 1);
    performance.mark('driftdesk:cache-page', { detail: docName });
    yield updates;
  }
}
