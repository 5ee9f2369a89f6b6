/**
 * One model version: what it is (model, run, label, drift baseline), where its aliases point,
 * its handoffs, requesting the next one with the checklist previewed, and comments.
 */
import { useCallback } from 'react';
import type * as Y from 'yjs';
import { aliasesOfVersion, getDatasetVersion, getModel, getModelVersion, listHandoffStates, listRuns } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { RunRepro } from '../repro/run-repro';
import { useRunDetails } from '../runs/use-run-detail';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { productionComparison } from './production-compare';
import { AliasBadge, HandoffList, RegistryTags } from './registry-bits';
import { RequestHandoff } from './request-handoff';
import { TargetComments } from './target-comments';
import { useVersionFacts, versionName } from './use-registry';
import { BaselineForm } from './version-forms';
import './registry.css';

export function ModelVersionPage({ session, versionId }: { session: WorkspaceSession; versionId: string }) {
  const read = useCallback((doc: Y.Doc) => {
    const version = getModelVersion(doc, versionId);
    if (!version) return undefined;
    return {
      version,
      model: getModel(doc, version.modelId),
      run: version.runId ? listRuns(doc).find((r) => r.id === version.runId) : undefined,
      baseline: version.baselineDatasetVersionId ? getDatasetVersion(doc, version.baselineDatasetVersionId) : undefined,
      aliases: aliasesOfVersion(doc, version),
      handoffs: listHandoffStates(doc).filter((s) => s.handoff.versionId === versionId),
      vsProduction: productionComparison(doc, session.connection.workspaceId, version),
    };
  }, [versionId, session]);
  const data = useDocValue(session.doc, read);
  const facts = useVersionFacts(session, versionId);
  const [detail] = useRunDetails(session, [data?.run?.detailBlob]);
  const ws = session.connection.workspaceId;
  const canEdit = session.connection.role === 'owner' || session.connection.role === 'editor';
  if (!data) return <section><p className="empty">No such model version here. It may not have synced yet, or the link is wrong. <a href={`#/w/${ws}/models`}>All models</a></p></section>;
  const { version, model, run, baseline, aliases, handoffs, vsProduction } = data;
  return (
    <section aria-labelledby="version-title" className="registry">
      <p><a href={`#/w/${ws}/models/${encodeURIComponent(version.modelId)}`}>← {model?.name ?? 'Model'}</a></p>
      <h2 id="version-title">{model?.name ?? 'Model'} {versionName(version)}</h2>
      {version.description && <p className="prose">{version.description}</p>}
      <dl className="facts" aria-label="Summary">
        <dt>Run</dt>
        <dd>{version.runId ? <a href={`#/w/${ws}/runs/${encodeURIComponent(version.runId)}`}>{run?.name ?? 'the run (not synced yet)'}</a> : <span className="muted">none{version.source ? ` — imported from ${version.source}` : ''}</span>}</dd>
        {run && Object.keys(run.metrics).length > 0 && (<><dt>Metrics</dt><dd>{Object.entries(run.metrics).slice(0, 6).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(' · ')}</dd></>)}
        <dt>Aliases</dt>
        <dd>{aliases.length === 0 ? <span className="muted">none</span> : <span className="badges" aria-label="Aliases">{aliases.map((a) => <AliasBadge key={a} alias={a} />)}</span>}</dd>
        <dt>Drift baseline</dt>
        <dd>{baseline ? <a href={`#/w/${ws}/datasets/${encodeURIComponent(baseline.id)}`}>{baseline.dataset} · {baseline.fileName}</a> : <span className="muted">not set</span>}</dd>
        {version.artifactUri && (<><dt>Model files</dt><dd className="mono">{version.artifactUri}</dd></>)}
        {version.status && (<><dt>Status</dt><dd>{version.status}</dd></>)}
        <dt>Registered</dt>
        <dd>by {version.createdByName} <TimeAgo at={version.createdAt} />{version.source?.startsWith('mlflow:') ? ' (imported from MLflow)' : ''}</dd>
        {version.tags && (<><dt>Tags</dt><dd><RegistryTags tags={version.tags} label="Version tags" /></dd></>)}
        {vsProduction && (<><dt>Production</dt><dd><a href={vsProduction.href}>Compare with production ({versionName(vsProduction.production)}): params, metrics, environment diff</a></dd></>)}
      </dl>
      {detail?.kind === 'ready' && <RunRepro session={session} detail={detail.detail} />}
      <section aria-labelledby="version-handoffs">
        <h3 id="version-handoffs">Handoffs</h3>
        <HandoffList doc={session.doc} states={handoffs} workspaceId={ws} label="Handoffs of this version" empty="No handoffs yet. A data scientist hands a version to ML engineering, who hand it to ops." />
      </section>
      {canEdit && <BaselineForm session={session} modelId={version.modelId} versionId={version.id} />}
      {/* Only owners and editors request handoffs: nobody else is shown a form they cannot use. */}
      {canEdit && <RequestHandoff session={session} versionId={version.id} facts={facts} />}
      <TargetComments session={session} kind="modelVersion" id={version.id} empty="No comments on this version yet. Ask about its evaluation, or @mention who should look." />
    </section>
  );
}
