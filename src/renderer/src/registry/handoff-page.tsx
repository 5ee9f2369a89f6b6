/**
 * One handoff: from which role to which, its status, the checklist (automatic results and manual
 * ticks), the decisions so far with their comments, the actions open to this person (and why the
 * others are closed), moving `production` once ops accepted, and the comment threads.
 */
import { type ReactNode, useCallback, useEffect, useRef } from 'react';
import type * as Y from 'yjs';
import { FINAL_STATUSES, roleName } from '../../../core/handoff';
import { aliasContext, aliasesOfVersion, checkHandoffItem, getHandoffState, getModel, getModelVersion, handoffActions, moveAlias } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { useDocValue, useHashQuery } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { ChecklistView } from './checklist-view';
import { HandoffActions } from './handoff-actions';
import { HandoffStatusBadge, STAGE_TEXT } from './registry-bits';
import { TargetComments } from './target-comments';
import { useAction, useVersionFacts, versionName } from './use-registry';
import './registry.css';

const DECISION_TEXT = { accepted: 'accepted', rejected: 'rejected', 'changes-requested': 'asked for changes', resubmitted: 'resubmitted', withdrawn: 'withdrew it' } as const;

export function HandoffPage({ session, handoffId }: { session: WorkspaceSession; handoffId: string }) {
  const me = session.connection.memberId;
  const read = useCallback((doc: Y.Doc) => {
    const state = getHandoffState(doc, handoffId);
    if (!state) return undefined;
    const version = getModelVersion(doc, state.handoff.versionId);
    return { state, version, model: getModel(doc, state.handoff.modelId), actions: handoffActions(doc, state, me), aliases: version ? aliasesOfVersion(doc, version) : [] };
  }, [handoffId, me]);
  const data = useDocValue(session.doc, read);
  const facts = useVersionFacts(session, data?.state.handoff.versionId ?? '');
  const { error, act } = useAction();
  // Opened from the inbox (`?mention=request` or a decision's id): that entry is scrolled to and marked.
  const mention = useHashQuery().get('mention');
  const ws = session.connection.workspaceId;
  if (!data) return <section><p className="empty">No such handoff here. It may not have synced yet, or the link is wrong. <a href={`#/w/${ws}/handoffs`}>All handoffs</a></p></section>;
  const { state, version, model, actions, aliases } = data;
  const h = state.handoff;
  const vName = version ? versionName(version) : 'a removed version';
  const canEdit = session.connection.role === 'owner' || session.connection.role === 'editor';
  const canMoveProduction = h.stage === 'to-ops' && state.status === 'accepted' && !aliases.includes('production');
  // The decision that made it final (a losing concurrent one stays in the timeline but is not it).
  const finalBy = state.decisions.filter((d) => d.decision === state.status).at(-1)?.byName;
  const tick = (itemId: string, checked: boolean) => act(() => checkHandoffItem(session.doc, { handoffId, itemId, checked }, session.commandContext()));
  const moveProduction = () => act(() => moveAlias(session.doc, { modelId: h.modelId, alias: 'production', versionId: h.versionId, handoffId }, aliasContext(session.doc, session.commandContext())));

  return (
    <section aria-labelledby="handoff-title" className="registry">
      <p><a href={`#/w/${ws}/handoffs`}>← Handoffs</a> · <a href={`#/w/${ws}/model-versions/${encodeURIComponent(h.versionId)}`}>{model?.name} {vName}</a></p>
      <h2 id="handoff-title">Handoff {STAGE_TEXT[h.stage]}: {model?.name ?? 'model'} {vName}</h2>
      <p className="handoff-route">
        <span className="badge team-role">{roleName(h.fromRole)}</span> <span aria-label="to">→</span> <span className="badge team-role">{roleName(h.toRole)}</span>{' '}
        <span data-testid="handoff-status"><HandoffStatusBadge status={state.status} /></span>
      </p>
      <div className="handoff-grid">
        <div>
          <section aria-labelledby="checklist-title">
            <h3 id="checklist-title">Checklist</h3>
            <ChecklistView items={state.checklist} checks={state.checks} canTick={canEdit && actions.check === null} tickBlocker={actions.check} onTick={tick} label="Checklist" />
          </section>
          <section aria-labelledby="decisions-title">
            <h3 id="decisions-title">Decisions</h3>
            <ol className="timeline" aria-label="Decisions">
              <Entry className="event" focused={mention === 'request'}>
                <span className="event-icon" aria-hidden="true">✉</span>
                <span><strong>{h.requestedByName}</strong> asked {STAGE_TEXT[h.stage].replace('to ', '')} to take {vName} <TimeAgo at={h.at} />{h.message && <span className="prose block">{h.message}</span>}</span>
              </Entry>
              {state.decisions.map((d) => (
                <Entry key={d.id} className={`event decision-${d.decision}`} focused={mention === d.id}>
                  <span className="event-icon" aria-hidden="true">●</span>
                  <span>
                    <strong>{d.byName}</strong>{d.byTeamRole ? ` (${roleName(d.byTeamRole)})` : ''} {DECISION_TEXT[d.decision]} <TimeAgo at={d.at} />
                    {d.decision === 'resubmitted' && <span className="muted"> — the checklist was evaluated again and the ticks start over</span>}
                    {d.comment && <span className="prose block">{d.comment}</span>}
                  </span>
                </Entry>
              ))}
            </ol>
          </section>
        </div>
        <div>
          {FINAL_STATUSES.includes(state.status) ? (
            <section className="card decide" aria-labelledby="decide-title">
              <h3 id="decide-title">Decided</h3>
              <p>This handoff was {state.status}{finalBy ? ` by ${finalBy}` : ''}; that is final. {state.status === 'accepted' ? '' : 'A new request, from the version’s page, starts over.'}</p>
            </section>
          ) : <HandoffActions session={session} state={state} actions={actions} facts={facts} />}
          {h.stage === 'to-ops' && state.status === 'accepted' && (
            <section className="card" aria-labelledby="production-title">
              <h3 id="production-title">Production</h3>
              {aliases.includes('production') ? <p className="ok">production points to {vName}.</p> : canEdit ? (
                <>
                  <p className="small">Ops accepted this version: production may move to it.</p>
                  <button type="button" onClick={moveProduction} disabled={!canMoveProduction}>Move production to {version ? `v${version.version}` : 'this version'}</button>
                </>
              ) : <p className="muted">Ops accepted it; an owner or editor moves production.</p>}
            </section>
          )}
          {error && <p role="alert" className="error">{error}</p>}
        </div>
      </div>
      <TargetComments session={session} kind="handoff" id={handoffId} empty="No comments yet. Discuss the checklist here; @mention whoever should act." />
    </section>
  );
}

/** A decisions entry; the one an inbox item named is scrolled to the middle, marked and focused, as a mentioned comment is. */
function Entry({ className, focused, children }: { className: string; focused: boolean; children: ReactNode }) {
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (!focused) return;
    ref.current?.scrollIntoView({ block: 'center' });
    ref.current?.focus({ preventScroll: true });
  }, [focused]);
  return (
    <li ref={ref} className={focused ? `${className} highlighted` : className} tabIndex={focused ? -1 : undefined} data-focused={focused || undefined}>
      {children}
    </li>
  );
}
