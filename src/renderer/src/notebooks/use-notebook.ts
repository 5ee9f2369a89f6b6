/**
 * Loading notebook versions: each version's light form from the host (src/node/notebook-reader.ts:
 * the file parsed once there, large outputs left out and fetched when drawn, lazy-output.tsx),
 * kept per content hash for the session, so switching versions, following threads across
 * versions and comparing do not fetch twice.
 */
import { useEffect, useState } from 'react';
import type { Notebook } from '../../../core/notebook';
import type { NotebookVersionRecord } from '../../../core/workspace';
import type { WorkspaceSession } from '../session/workspace-session';

export type Loaded<T> = { kind: 'loading' } | { kind: 'ready'; value: T } | { kind: 'error'; message: string };

const parsed = new Map<string, Promise<Notebook>>();
const PARSED_LIMIT = 12;

/** The light form of one version (shared by every caller asking for the same bytes). */
export function loadNotebook(session: WorkspaceSession, version: Pick<NotebookVersionRecord, 'blob' | 'version'>, name: string): Promise<Notebook> {
  let p = parsed.get(version.blob);
  if (!p) {
    // Marks for bench/notebook.ts: where an open's time goes (asking the host, its answer decoded).
    performance.mark('notebook:fetch');
    p = session.host.call('notebooks.index', { workspaceId: session.connection.workspaceId, sha256: version.blob, name: `${name} v${version.version}` }).then(({ notebook }) => {
      performance.mark('notebook:fetched');
      return notebook;
    });
    p.catch(() => parsed.delete(version.blob));
    if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value!);
    parsed.set(version.blob, p);
  }
  return p;
}

/** Loads the given versions (in order); ready when all are. */
export function useNotebooks(session: WorkspaceSession, versions: readonly NotebookVersionRecord[], name: string): Loaded<Notebook[]> {
  const [state, setState] = useState<Loaded<Notebook[]>>({ kind: 'loading' });
  const key = versions.map((v) => v.blob).join(',');
  useEffect(() => {
    let cancelled = false;
    if (versions.length === 0) return;
    setState({ kind: 'loading' });
    Promise.all(versions.map((v) => loadNotebook(session, v, name)))
      .then((value) => !cancelled && setState({ kind: 'ready', value }))
      .catch((err: Error) => !cancelled && setState({ kind: 'error', message: err.message }));
    return () => {
      cancelled = true;
    };
    // The blobs say it all: a new record with the same bytes needs no reload.
  }, [session, key, name]);
  return state;
}
