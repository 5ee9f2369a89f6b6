import { useEffect, useMemo, useReducer, useState, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import { parseHashQuery, parseHashRoute } from './hash-route';
import { docChanges, isHydrating, onHydrated } from './hydration';
import type { WorkspaceSession } from './workspace-session';

/** Re-reads `read(doc)` whenever the doc changes. `read` should be a stable function. */
export function useDocValue<T>(doc: Y.Doc, read: (doc: Y.Doc) => T): T {
  const version = useDocVersion(doc);
  return useMemo(() => read(doc), [doc, read, version]);
}

/** Counts the doc's visible changes, so a reader can depend on them (0 for no doc). */
export function useDocVersion(doc: Y.Doc | null): number {
  const [version, bump] = useReducer((n: number) => n + 1, 0);
  // The doc's change count when this view first rendered it (hydration.ts: docChanges).
  const renderedAt = useMemo(() => (doc ? docChanges(doc) : 0), [doc]);
  useEffect(() => {
    if (!doc) return;
    // 'afterTransaction', not 'update': a listener to 'update' makes Yjs encode every
    // transaction into an update, which for the cached state of a large workspace costs as much
    // as applying it (see DocSync.applyCached). `changed` is empty when nothing visible changed.
    // While the cached state arrives in slices, the view waits and reads it once at the end.
    const onTransaction = (tr: Y.Transaction) => tr.changed.size > 0 && !isHydrating(doc) && bump();
    doc.on('afterTransaction', onTransaction);
    // DocSync ends hydration inside a transition (see DocSync.start).
    const stopHydrated = onHydrated(doc, bump);
    // An update applied between this render and the subscription (say, the local cache
    // arriving) would otherwise never be seen: read once more if the doc changed meanwhile —
    // only then: a second read of a workspace of years at every mount was a long task of its own.
    if (docChanges(doc) !== renderedAt && !isHydrating(doc)) bump();
    return () => {
      doc.off('afterTransaction', onTransaction);
      stopHydrated();
    };
  }, [doc, renderedAt]);
  return version;
}

/** Re-renders when the session's sync state, saves or presence change. */
export function useSessionVersion(session: WorkspaceSession): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const unsubscribe = session.subscribe(() => setVersion((v) => v + 1));
    setVersion((v) => v + 1); // catch up on changes made before the subscription
    return unsubscribe;
  }, [session]);
  return version;
}

function subscribeHash(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

/** Reads the hash route (`#/w/<id>/incidents/<incidentId>`), without its query, and keeps it current. */
export function useHashRoute(): string[] {
  const hash = useSyncExternalStore(subscribeHash, () => location.hash);
  return useMemo(() => parseHashRoute(hash), [hash]);
}


/**
 * The query of the hash route (`#/w/<id>/incidents?view=board&severity=critical`): how a page
 * is shown, kept in the URL so a reload, Back and a copied link all bring the same view back.
 */
export function useHashQuery(): URLSearchParams {
  const hash = useSyncExternalStore(subscribeHash, () => location.hash);
  return useMemo(() => parseHashQuery(hash), [hash]);
}

/**
 * Sets the query of the current hash route (entries with an empty value are left out).
 * `replace` changes the URL without a history entry — for a filter being typed, where Back
 * should not step through every letter.
 */
export function setHashQuery(entries: [string, string][], { replace = false }: { replace?: boolean } = {}): void {
  const path = location.hash.replace(/\?.*$/, '') || '#/';
  const query = new URLSearchParams(entries.filter(([, v]) => v !== '')).toString();
  const next = query ? `${path}?${query}` : path;
  if (next === location.hash) return;
  // Not `location.hash = next`: its hashchange comes a task later, and a controlled input (a
  // checkbox bound to the query) would be put back by React in between — so a click seemed
  // not to take (seen in CI). push/replaceState fire nothing; the route hooks are told now.
  if (replace) history.replaceState(history.state, '', next);
  else history.pushState(history.state, '', next);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function navigate(...parts: string[]): void {
  location.hash = `#/${parts.map(encodeURIComponent).join('/')}`;
}
