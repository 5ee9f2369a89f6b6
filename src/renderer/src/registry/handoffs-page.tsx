/** Every handoff, filtered: waiting for me (the default), open, or all. The filter lives in the URL. */
import { useCallback } from 'react';
import type * as Y from 'yjs';
import { listHandoffStates, waitingFor } from '../../../core/workspace';
import { setHashQuery, useDocValue, useHashQuery } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { HandoffList } from './registry-bits';
import './registry.css';

const FILTERS = [
  { id: 'waiting', label: 'Waiting for me' },
  { id: 'open', label: 'Open' },
  { id: 'all', label: 'All' },
] as const;
type Filter = (typeof FILTERS)[number]['id'];

const EMPTY: Record<Filter, string> = {
  waiting: 'Nothing waits for you. Handoffs to your team role, and your requests that need changes, appear here.',
  open: 'No open handoffs. Request one from a model version’s page.',
  all: 'No handoffs yet. Request one from a model version’s page.',
};

export function HandoffsPage({ session }: { session: WorkspaceSession }) {
  const query = useHashQuery();
  const filter: Filter = FILTERS.some((f) => f.id === query.get('filter')) ? (query.get('filter') as Filter) : 'waiting';
  const me = session.connection.memberId;
  const read = useCallback((doc: Y.Doc) => ({ all: listHandoffStates(doc), waiting: waitingFor(doc, me) }), [me]);
  const { all, waiting } = useDocValue(session.doc, read);
  const shown = filter === 'waiting' ? waiting : filter === 'open' ? all.filter((s) => s.status === 'pending' || s.status === 'changes-requested') : all;
  return (
    <section aria-labelledby="handoffs-title" className="registry">
      <div className="page-header">
        <h2 id="handoffs-title">Handoffs</h2>
        <a href={`#/w/${session.connection.workspaceId}/models`}>Models →</a>
      </div>
      <div role="group" aria-label="Show" className="filter-buttons">
        {FILTERS.map((f) => (
          <button key={f.id} type="button" className={filter === f.id ? undefined : 'secondary'} aria-pressed={filter === f.id} onClick={() => setHashQuery(f.id === 'waiting' ? [] : [['filter', f.id]])}>
            {f.label}{f.id === 'waiting' && waiting.length > 0 ? ` (${waiting.length})` : ''}
          </button>
        ))}
      </div>
      <HandoffList doc={session.doc} states={shown} workspaceId={session.connection.workspaceId} label="Handoffs" empty={EMPTY[filter]} />
    </section>
  );
}
