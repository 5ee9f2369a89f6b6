import { useEffect, useMemo, useReducer, useState, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import type { WorkspaceSession } from './workspace-session';

/** Re-reads `read(doc)` whenever the doc changes. `read` should be a stable function. */
export function useDocValue<T>(doc: Y.Doc, read: (doc: Y.Doc) => T): T {
  const [version, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    doc.on('update', bump);
    // An update applied between this render and the subscription (say, the local cache
    // arriving) would otherwise never be seen: read once more now that we listen.
    bump();
    return () => doc.off('update', bump);
  }, [doc]);
  return useMemo(() => read(doc), [doc, read, version]);
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

/** Reads the hash route (`#/w/<id>/incidents/<incidentId>`) and keeps it current. */
export function useHashRoute(): string[] {
  const hash = useSyncExternalStore(
    (cb) => {
      window.addEventListener('hashchange', cb);
      return () => window.removeEventListener('hashchange', cb);
    },
    () => location.hash,
  );
  return useMemo(() => hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(safeDecode), [hash]);
}

export function navigate(...parts: string[]): void {
  location.hash = `#/${parts.map(encodeURIComponent).join('/')}`;
}

/** A typed or pasted hash with a broken escape (`%E0`) is taken as written rather than thrown on. */
function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
