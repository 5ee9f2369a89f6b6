import { useEffect, useState } from 'react';
import { type RunDetailRecord, parseRunDetail } from '../../../core/workspace';
import type { WorkspaceSession } from '../session/workspace-session';

export type DetailState = { kind: 'loading' } | { kind: 'missing' } | { kind: 'ready'; detail: RunDetailRecord } | { kind: 'error'; message: string };

const decoder = new TextDecoder();

/**
 * Loads and checks the detail blobs of several runs at once (compare needs up to ten; the run
 * page one), through the host: local cache first, then the server. A blob that is not a run
 * detail is an error naming what is wrong, never a crash. Results follow `blobs` by position.
 */
export function useRunDetails(session: WorkspaceSession, blobs: readonly (string | undefined)[]): DetailState[] {
  // JSON, not a join: [undefined] must stay one "missing" entry, not collapse to no entries.
  const key = JSON.stringify(blobs.map((b) => b ?? null));
  const [states, setStates] = useState<DetailState[]>(() => blobs.map((b) => (b ? { kind: 'loading' } : { kind: 'missing' })));
  useEffect(() => {
    let cancelled = false;
    const list = (JSON.parse(key) as (string | null)[]).map((b) => b ?? undefined);
    setStates(list.map((b) => (b ? { kind: 'loading' } : { kind: 'missing' })));
    list.forEach((sha256, i) => {
      if (!sha256) return;
      session.host
        .call('blobs.get', { workspaceId: session.connection.workspaceId, sha256 })
        .then(({ data }) => ({ kind: 'ready', detail: parseRunDetail(JSON.parse(decoder.decode(data))) }) as DetailState)
        .catch((err: Error) => ({ kind: 'error', message: err.message }) as DetailState)
        .then((state) => !cancelled && setStates((before) => before.map((s, j) => (j === i ? state : s))));
    });
    return () => {
      cancelled = true;
    };
  }, [session, key]);
  return states;
}
