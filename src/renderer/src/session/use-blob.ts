import { useEffect, useState } from 'react';
import type { WorkspaceSession } from './workspace-session';

export type BlobState<T> = { kind: 'loading' } | { kind: 'ready'; value: T } | { kind: 'error'; message: string };

const decoder = new TextDecoder();

/** Loads a JSON blob (profile, drift report) through the host: local cache first, then the server. */
export function useJsonBlob<T>(session: WorkspaceSession, sha256: string | undefined): BlobState<T> {
  const [state, setState] = useState<BlobState<T>>({ kind: 'loading' });
  useEffect(() => {
    if (!sha256) return;
    let cancelled = false;
    setState({ kind: 'loading' });
    session.host
      .call('blobs.get', { workspaceId: session.connection.workspaceId, sha256 })
      .then(({ data }) => !cancelled && setState({ kind: 'ready', value: JSON.parse(decoder.decode(data)) as T }))
      .catch((err: Error) => !cancelled && setState({ kind: 'error', message: err.message }));
    return () => {
      cancelled = true;
    };
  }, [session, sha256]);
  return state;
}
