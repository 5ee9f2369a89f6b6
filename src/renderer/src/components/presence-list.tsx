import { useCallback, useEffect } from 'react';
import type * as Y from 'yjs';
import { listMembers } from '../../../core/workspace';
import { useDocValue } from '../session/hooks';
import { memberColor } from '../session/member-colors';
import type { WorkspaceSession } from '../session/workspace-session';

function describeView(viewing: string): string {
  if (viewing.startsWith('incidents/')) return 'viewing an incident';
  if (viewing === 'members') return 'viewing members';
  if (viewing.startsWith('monitors/')) return 'viewing a monitor';
  if (viewing === 'monitors') return 'viewing monitors';
  if (viewing.startsWith('datasets')) return 'viewing datasets';
  if (viewing.startsWith('comparisons')) return 'viewing a drift comparison';
  if (viewing.startsWith('notes/')) return 'viewing a note';
  if (viewing === 'notes') return 'viewing notes';
  if (viewing.startsWith('notebooks/')) return 'reading a notebook';
  if (viewing === 'notebooks') return 'viewing notebooks';
  if (viewing === 'inbox') return 'reading their inbox';
  if (viewing === 'webhooks') return 'viewing webhooks';
  if (viewing.startsWith('models') || viewing.startsWith('model-versions/')) return 'viewing models';
  if (viewing.startsWith('handoffs/')) return 'viewing a handoff';
  if (viewing === 'handoffs') return 'viewing handoffs';
  if (viewing.startsWith('runs/')) return 'viewing a run';
  if (viewing === 'runs') return 'viewing runs';
  if (viewing === 'compare') return 'comparing runs';
  return 'viewing incidents';
}

/** Who else has this workspace open right now, and what they look at. */
export function PresenceList({ session }: { session: WorkspaceSession }) {
  const people = session.presence();
  const members = useDocValue(session.doc, useCallback((doc: Y.Doc) => listMembers(doc), []));
  const mine = memberColor(session.connection.memberId, members);
  // Others draw this person's cursor in a note with the colour their presence carries.
  useEffect(() => session.setColor(mine), [session, mine]);
  return (
    <section className="presence" aria-labelledby="presence-title" data-splash="skip">
      <h2 id="presence-title" className="small-heading">Here now</h2>
      {people.length === 0 ? (
        <p className="muted small">Nobody, not even you: waiting for the server.</p>
      ) : (
        <ul data-testid="presence">
          {people.map((p) => (
            <li key={p.clientId}>
              <span className="avatar" style={{ background: memberColor(p.memberId, members) }} aria-hidden="true">{p.name.slice(0, 1).toUpperCase()}</span>
              <span>
                {p.name}{p.self ? ' (you)' : ''} <span className="muted small">· {p.role} · {describeView(p.viewing)}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
