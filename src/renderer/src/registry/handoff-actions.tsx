/**
 * The decisions on a handoff as buttons. Every button is always shown; one that is closed to this
 * person now is disabled with its reason next to it (and tied to it with aria-describedby), so
 * nobody has to guess why they cannot accept. Rejecting and asking for changes need a comment.
 */
import { useState } from 'react';
import type { HandoffAction, HandoffState } from '../../../core/handoff';
import { decideHandoff } from '../../../core/workspace';
import type { WorkspaceSession } from '../session/workspace-session';
import { type FactsState, useAction } from './use-registry';
import { MentionTextarea } from '../components/mention-textarea';

type Decision = Exclude<HandoffAction, 'check'>;
const BUTTONS: { action: Decision; label: string; needsComment?: boolean }[] = [
  { action: 'accept', label: 'Accept' },
  { action: 'request-changes', label: 'Ask for changes', needsComment: true },
  { action: 'reject', label: 'Reject', needsComment: true },
  { action: 'resubmit', label: 'Resubmit' },
  { action: 'withdraw', label: 'Withdraw' },
];

export function HandoffActions({ session, state, actions, facts }: {
  session: WorkspaceSession;
  state: HandoffState;
  actions: Record<HandoffAction, string | null>;
  facts: FactsState;
}) {
  const [comment, setComment] = useState('');
  const { error, act } = useAction();
  const id = state.handoff.id;
  const reasonOf = (b: (typeof BUTTONS)[number]): string | null => {
    const blocker = actions[b.action];
    if (blocker) return blocker;
    if (b.needsComment && comment.trim() === '') return 'say why in the comment box first';
    if (b.action === 'resubmit' && facts.kind !== 'ready') return facts.kind === 'loading' ? 'evaluating the checklist again…' : facts.message;
    return null;
  };
  const decide = (action: Decision) => {
    const ok = act(() => decideHandoff(session.doc, { handoffId: id, action, comment }, session.commandContext(), facts.kind === 'ready' ? facts.facts : undefined));
    if (ok) setComment('');
  };
  return (
    <section aria-labelledby="decide-title" className="card decide">
      <h3 id="decide-title">Decide</h3>
      <label>
        Comment (required to reject or ask for changes)
        <MentionTextarea session={session} value={comment} onValue={setComment} rows={3} maxLength={20000} placeholder="What to change, or why; @Name mentions a teammate" />
      </label>
      <ul className="plain action-list" aria-label="Actions">
        {BUTTONS.map((b) => {
          const reason = reasonOf(b);
          const reasonId = `reason-${b.action}`;
          return (
            <li key={b.action}>
              <button type="button" className={b.action === 'accept' ? undefined : 'secondary'} disabled={reason !== null} aria-describedby={reason ? reasonId : undefined} onClick={() => decide(b.action)}>
                {b.label}
              </button>
              {reason && <span id={reasonId} className="muted small reason">{cap(reason)}</span>}
            </li>
          );
        })}
      </ul>
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
