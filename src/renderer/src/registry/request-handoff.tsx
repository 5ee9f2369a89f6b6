/**
 * Asking the next role to take a model version. Who may ask is said before anyone types: the
 * stage's "from" team role (and which members have it), and what must come first. The checklist
 * the request will carry is evaluated from the version's run now and shown before sending.
 */
import { type FormEvent, useCallback, useState } from 'react';
import type * as Y from 'yjs';
import { buildHandoffChecklist, roleName } from '../../../core/handoff';
import { HANDOFF_ROUTES, HANDOFF_STAGES, type HandoffStage, listHandoffStates, listMembers, listTeamRoles, requestHandoff, teamRoleOf } from '../../../core/workspace';
import { navigate, useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { ChecklistView } from './checklist-view';
import { STAGE_TEXT } from './registry-bits';
import { type FactsState, useAction } from './use-registry';
import { MentionTextarea } from '../components/mention-textarea';

/** Why this person cannot ask for this stage now, or null when they can. Mirrors requestHandoff's checks, worded for the page. */
function stageBlocker(doc: Y.Doc, versionId: string, stage: HandoffStage, memberId: string, role: string): string | null {
  const route = HANDOFF_ROUTES[stage];
  if (role !== 'owner' && role !== 'editor') return 'Only owners and editors can request handoffs.';
  if (teamRoleOf(doc, memberId) !== route.from) {
    const names = new Map(listMembers(doc).map((m) => [m.id, m.name]));
    const who = listTeamRoles(doc).filter((r) => r.teamRole === route.from).map((r) => names.get(r.memberId)).filter(Boolean);
    return `Only ${route.from === 'data-scientist' ? 'a' : 'an'} ${roleName(route.from)} can request this handoff${who.length > 0 ? ` (here: ${who.join(', ')})` : ' — nobody has that team role yet; an owner sets team roles on the Members page'}.`;
  }
  const states = listHandoffStates(doc).filter((s) => s.handoff.versionId === versionId);
  if (stage === 'to-ops' && !states.some((s) => s.handoff.stage === 'to-ml-engineering' && s.status === 'accepted')) return 'ML engineering has not accepted this version yet: hand it to ML engineering first.';
  if (states.some((s) => s.handoff.stage === stage && (s.status === 'pending' || s.status === 'changes-requested'))) return 'This version already has an open handoff at this stage.';
  return null;
}

export function RequestHandoff({ session, versionId, facts }: { session: WorkspaceSession; versionId: string; facts: FactsState }) {
  const me = session.connection.memberId;
  const role = session.connection.role;
  const read = useCallback((doc: Y.Doc) => Object.fromEntries(HANDOFF_STAGES.map((s) => [s, stageBlocker(doc, versionId, s, me, role)])) as Record<HandoffStage, string | null>, [versionId, me, role]);
  const blockers = useDocValue(session.doc, read);
  const [stage, setStage] = useState<HandoffStage>(() => (blockers['to-ml-engineering'] && !blockers['to-ops'] ? 'to-ops' : 'to-ml-engineering'));
  const [message, setMessage] = useState('');
  const [extra, setExtra] = useState('');
  const { error, act } = useAction();
  const extraItems = extra.split('\n').map((l) => l.trim()).filter(Boolean);
  const blocker = blockers[stage];
  const route = HANDOFF_ROUTES[stage];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (facts.kind !== 'ready') return;
    let id = '';
    if (act(() => (id = requestHandoff(session.doc, { versionId, stage, message, extraItems }, facts.facts, session.commandContext()).id))) {
      navigate('w', session.connection.workspaceId, 'handoffs', id);
    }
  };

  return (
    <form className="card registry-form" onSubmit={submit} aria-label="Request a handoff">
      <h3>Request a handoff</h3>
      <fieldset className="stage-choice">
        <legend>Hand this version</legend>
        {HANDOFF_STAGES.map((s) => (
          <label key={s} className="inline">
            <input type="radio" name="stage" value={s} checked={stage === s} onChange={() => setStage(s)} />
            {' '}{STAGE_TEXT[s]} <span className="muted small">({roleName(HANDOFF_ROUTES[s].from)} → {roleName(HANDOFF_ROUTES[s].to)})</span>
          </label>
        ))}
      </fieldset>
      {blocker ? <p id="request-blocker" className="blocker">{blocker}</p> : (
        <>
          <label>Message to the {roleName(route.to)}<MentionTextarea session={session} value={message} onValue={setMessage} rows={3} maxLength={20000} placeholder="What it is for, what you checked, what to look at; @Name mentions a teammate" /></label>
          <label>Extra checklist items (one per line, optional)<textarea value={extra} onChange={(e) => setExtra(e.target.value)} rows={2} placeholder="Fairness report reviewed" /></label>
        </>
      )}
      <h4>Checklist this request will carry</h4>
      {facts.kind === 'loading' && <p role="status" className="muted">Evaluating the checklist from the run…</p>}
      {facts.kind === 'error' && <p role="alert" className="error">{facts.message}</p>}
      {facts.kind === 'ready' && (
        <>
          {facts.note && <p className="muted small">{facts.note}</p>}
          <ChecklistView items={buildHandoffChecklist(stage, facts.facts, extraItems)} label="Preview" />
          <p className="muted small">The receiver can accept only when every automatic check passes and every manual item is ticked; failing checks can be fixed and the request resubmitted.</p>
        </>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit" disabled={blocker !== null || facts.kind !== 'ready'} aria-describedby={blocker ? 'request-blocker' : undefined}>
        Request handoff {STAGE_TEXT[stage]}
      </button>
    </form>
  );
}
