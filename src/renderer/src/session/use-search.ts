import { useEffect, useRef, useState } from 'react';
import type { HostApi, SearchHit } from '../../../shared/host-contract';

/** Wait this long after the last keystroke before asking the host (typing fast asks once). */
export const SEARCH_DEBOUNCE_MS = 80;

export interface SearchState {
  /** The text these hits answer (hits of an older text are never shown for a newer one). */
  text: string;
  hits: SearchHit[];
  busy: boolean;
  error: string | null;
}

/**
 * Full-text search of the workspace as someone types: debounced, and an answer that arrives
 * after a newer question was asked is dropped. `refresh` changing asks again with the same
 * text (the palette bumps it when saves land, so results follow the doc). Off while `enabled`
 * is false.
 */
export function useSearch(host: HostApi, workspaceId: string, text: string, enabled: boolean, refresh = 0): SearchState {
  const [state, setState] = useState<SearchState>({ text: '', hits: [], busy: false, error: null });
  const latest = useRef(0);

  useEffect(() => {
    const asked = ++latest.current;
    if (!enabled || text.trim() === '') {
      setState({ text, hits: [], busy: false, error: null });
      return;
    }
    setState((s) => ({ ...s, busy: true }));
    const timer = setTimeout(() => {
      host.call('search.query', { workspaceId, text, limit: 20 }).then(
        ({ hits }) => asked === latest.current && setState({ text, hits, busy: false, error: null }),
        (err: Error) => asked === latest.current && setState({ text, hits: [], busy: false, error: err.message }),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [host, workspaceId, text, enabled, refresh]);

  return state;
}
