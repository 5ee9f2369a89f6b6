/** Small pieces the registry pages share: alias and status badges, and the "waiting for me" list. */
import { type HandoffState, type HandoffStatus, roleName } from '../../../core/handoff';
import { type HandoffStage, type ModelVersionRecord, PROTECTED_ALIASES, getModel, getModelVersion } from '../../../core/workspace';
import type * as Y from 'yjs';
import { TimeAgo } from '../components/badges';

export function AliasBadge({ alias, version }: { alias: string; version?: Pick<ModelVersionRecord, 'version'> }) {
  const protectedAlias = PROTECTED_ALIASES.includes(alias);
  return (
    <span className={`badge alias${protectedAlias ? ' alias-protected' : ''}`} title={protectedAlias ? 'Protected: moves only with an accepted handoff to ops' : undefined}>
      {protectedAlias && <span aria-hidden="true">🔒 </span>}@{alias}{version ? ` → v${version.version}` : ''}
    </span>
  );
}

const STATUS_TEXT: Record<HandoffStatus, string> = {
  pending: 'waiting for review',
  'changes-requested': 'changes requested',
  accepted: 'accepted',
  rejected: 'rejected',
  withdrawn: 'withdrawn',
};

export function HandoffStatusBadge({ status }: { status: HandoffStatus }) {
  return <span className={`badge handoff-${status}`}>{STATUS_TEXT[status]}</span>;
}

export const STAGE_TEXT: Record<HandoffStage, string> = { 'to-ml-engineering': 'to ML engineering', 'to-ops': 'to ops' };

/** "v3 of churn, to ops" — what a handoff is about, for lists and notifications. */
export function handoffTitle(doc: Y.Doc, state: HandoffState): string {
  const model = getModel(doc, state.handoff.modelId);
  const version = getModelVersion(doc, state.handoff.versionId);
  return `${model?.name ?? 'a model'} ${version ? versionName(version) : ''} ${STAGE_TEXT[state.handoff.stage]}`.replace(/\s+/g, ' ');
}

/** Why a handoff waits for this person, as the list says it. */
export function waitingReason(state: HandoffState): string {
  return state.status === 'changes-requested'
    ? `changes were asked for: resubmit or withdraw`
    : `${state.handoff.requestedByName} (${roleName(state.handoff.fromRole)}) asks an ${roleName(state.handoff.toRole)} to review`;
}

export function HandoffList({ doc, states, workspaceId, label, empty }: {
  doc: Y.Doc;
  states: HandoffState[];
  workspaceId: string;
  label: string;
  empty: string;
}) {
  if (states.length === 0) return <p className="empty">{empty}</p>;
  return (
    <ul className="handoff-list" aria-label={label}>
      {states.map((s) => (
        <li key={s.handoff.id}>
          <a href={`#/w/${workspaceId}/handoffs/${encodeURIComponent(s.handoff.id)}`}>{handoffTitle(doc, s)}</a>{' '}
          <HandoffStatusBadge status={s.status} />
          <span className="muted small"> · {roleName(s.handoff.fromRole)} → {roleName(s.handoff.toRole)} · asked by {s.handoff.requestedByName} <TimeAgo at={s.handoff.at} /></span>
        </li>
      ))}
    </ul>
  );
}

export function versionName(version: Pick<ModelVersionRecord, 'version' | 'label'>): string {
  return version.label ? `v${version.version} (${version.label})` : `v${version.version}`;
}

/** A model's or version's tags (MLflow registry tags come in with an import), as key/value rows. */
export function RegistryTags({ tags, label }: { tags: Record<string, string> | undefined; label: string }) {
  const entries = Object.entries(tags ?? {});
  if (entries.length === 0) return null;
  return (
    <table className="kv-table" aria-label={label}>
      <tbody>{entries.map(([k, v]) => <tr key={k}><td className="mono">{k}</td><td className="mono">{v}</td></tr>)}</tbody>
    </table>
  );
}
