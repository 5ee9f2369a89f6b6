/**
 * One model: its versions (with run, aliases, who registered them and where their handoffs
 * stand), registering a version from a run, the drift baseline, moving aliases, and the audit trail.
 */
import { useCallback } from 'react';
import type * as Y from 'yjs';
import type { HandoffState } from '../../../core/handoff';
import { aliasesOfVersion, getModel, listHandoffStates, listModelVersions, listRuns } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { AliasForm } from './alias-form';
import { AuditTrail } from './audit-trail';
import { AliasBadge, HandoffStatusBadge, RegistryTags, STAGE_TEXT } from './registry-bits';
import { BaselineForm, RegisterVersionForm } from './version-forms';
import './registry.css';

export function ModelPage({ session, modelId }: { session: WorkspaceSession; modelId: string }) {
  const read = useCallback((doc: Y.Doc) => {
    const runs = new Map(listRuns(doc).map((r) => [r.id, r]));
    const handoffs = new Map<string, HandoffState>();
    // Newest request first: the first seen per version is its latest handoff.
    for (const s of listHandoffStates(doc)) if (s.handoff.modelId === modelId && !handoffs.has(s.handoff.versionId)) handoffs.set(s.handoff.versionId, s);
    return {
      model: getModel(doc, modelId),
      versions: listModelVersions(doc, modelId).map((v) => ({ v, run: v.runId ? runs.get(v.runId) : undefined, aliases: aliasesOfVersion(doc, v), handoff: handoffs.get(v.id) })),
    };
  }, [modelId]);
  const { model, versions } = useDocValue(session.doc, read);
  const ws = session.connection.workspaceId;
  const canEdit = session.connection.role === 'owner' || session.connection.role === 'editor';
  if (!model) {
    return <section><p className="empty">No such model here. It may not have synced yet, or the link is wrong. <a href={`#/w/${ws}/models`}>All models</a></p></section>;
  }
  return (
    <section aria-labelledby="model-title" className="registry">
      <p><a href={`#/w/${ws}/models`}>← Models</a></p>
      <h2 id="model-title">{model.name}</h2>
      {model.description && <p className="prose">{model.description}</p>}
      <p className="muted small">Created by {model.createdByName} <TimeAgo at={model.createdAt} />{model.source ? ` · imported from ${model.source}` : ''}</p>
      <RegistryTags tags={model.tags} label="Model tags" />
      <h3>Versions</h3>
      {versions.length === 0 ? (
        <p className="empty">No versions yet. {canEdit ? 'Register one from the run that trained it, below.' : 'An editor registers them from runs.'}</p>
      ) : (
        <table aria-label="Versions">
          <thead><tr><th scope="col">Version</th><th scope="col">Label</th><th scope="col">Run</th><th scope="col">Aliases</th><th scope="col">Created</th><th scope="col">Handoff</th></tr></thead>
          <tbody>
            {versions.map(({ v, run, aliases, handoff }) => (
              <tr key={v.id}>
                <td><a href={`#/w/${ws}/model-versions/${encodeURIComponent(v.id)}`}>v{v.version}</a></td>
                <td>{v.label ?? <span className="muted">—</span>}</td>
                <td>{v.runId ? <a href={`#/w/${ws}/runs/${encodeURIComponent(v.runId)}`}>{run?.name ?? 'run (not synced)'}</a> : <span className="muted">{v.source ? 'imported' : 'no run'}</span>}</td>
                <td>{aliases.length === 0 ? <span className="muted">—</span> : <span className="badges">{aliases.map((a) => <AliasBadge key={a} alias={a} />)}</span>}</td>
                <td className="muted">{v.createdByName} <TimeAgo at={v.createdAt} /></td>
                <td>{handoff ? <a href={`#/w/${ws}/handoffs/${encodeURIComponent(handoff.handoff.id)}`}>{STAGE_TEXT[handoff.handoff.stage]}: <HandoffStatusBadge status={handoff.status} /></a> : <span className="muted">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && (
        <div className="registry-forms">
          <RegisterVersionForm session={session} modelId={modelId} />
          <BaselineForm session={session} modelId={modelId} />
          <AliasForm session={session} modelId={modelId} />
        </div>
      )}
      <AuditTrail session={session} modelId={modelId} />
    </section>
  );
}

