/**
 * The model registry: what waits for me first, then every model with where its aliases point and
 * its latest version, and a form to register a new model.
 */
import { type FormEvent, useState } from 'react';
import type * as Y from 'yjs';
import { createModel, currentAliases, getModelVersion, listModelVersions, listModels } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { navigate, useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { AliasBadge, HandoffList } from './registry-bits';
import { useAction, useWaitingForMe, versionName } from './use-registry';
import './registry.css';

const readModels = (doc: Y.Doc) =>
  listModels(doc).map((model) => {
    const versions = listModelVersions(doc, model.id);
    const aliases = [...currentAliases(doc, model.id)].map(([alias, e]) => ({ alias, version: e.versionId ? getModelVersion(doc, e.versionId) : undefined }));
    return { model, latest: versions[0], count: versions.length, aliases };
  });

function NewModelForm({ session }: { session: WorkspaceSession }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const { error, act } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let id = '';
    if (act(() => (id = createModel(session.doc, { name, description }, session.commandContext()).id))) navigate('w', session.connection.workspaceId, 'models', id);
  };
  return (
    <form className="card registry-form" onSubmit={submit} aria-label="New model">
      <h3>New model</h3>
      <div className="row">
        <label>Name<input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder="churn-classifier" aria-describedby="model-name-help" /></label>
        <label className="grow">Description<input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={5000} placeholder="What it predicts, for whom" /></label>
        <button type="submit">Create model</button>
      </div>
      <p id="model-name-help" className="muted small">Letters, digits, “.”, “_”, “-” or “/”, as MLflow and GTO name models. Names are unique, ignoring case.</p>
      {error && <p role="alert" className="error">{error}</p>}
    </form>
  );
}

export function ModelsPage({ session }: { session: WorkspaceSession }) {
  const models = useDocValue(session.doc, readModels);
  const waiting = useWaitingForMe(session);
  const ws = session.connection.workspaceId;
  const canEdit = session.connection.role === 'owner' || session.connection.role === 'editor';
  return (
    <section aria-labelledby="models-title" className="registry">
      <div className="page-header">
        <h2 id="models-title">Models</h2>
        <a href={`#/w/${ws}/handoffs`}>All handoffs →</a>
      </div>
      <section aria-labelledby="waiting-title" className="waiting card">
        <h3 id="waiting-title">Waiting for me{waiting.length > 0 && <span className="count-badge">{waiting.length}</span>}</h3>
        <HandoffList doc={session.doc} states={waiting} workspaceId={ws} label="Handoffs waiting for me" empty="Nothing waits for you. Handoffs to your team role, and your own requests that need changes, appear here." />
      </section>
      {canEdit ? <NewModelForm session={session} /> : <p className="muted">Owners and editors register models; you can read them and comment.</p>}
      {models.length === 0 ? (
        <p className="empty">No models yet. Create one above, then register its versions from runs — or import a GTO registry with <code>driftdesk import gto</code>.</p>
      ) : (
        <table aria-label="Models">
          <thead><tr><th scope="col">Model</th><th scope="col">Aliases</th><th scope="col">Latest version</th><th scope="col">Versions</th><th scope="col">Created</th></tr></thead>
          <tbody>
            {models.map(({ model, latest, count, aliases }) => (
              <tr key={model.id}>
                <td>
                  <a href={`#/w/${ws}/models/${encodeURIComponent(model.id)}`}>{model.name}</a>
                  {model.description && <div className="muted small">{model.description}</div>}
                </td>
                <td>{aliases.length === 0 ? <span className="muted">—</span> : <span className="badges">{aliases.map((a) => <AliasBadge key={a.alias} alias={a.alias} version={a.version} />)}</span>}</td>
                <td>{latest ? <a href={`#/w/${ws}/model-versions/${encodeURIComponent(latest.id)}`}>{versionName(latest)}</a> : <span className="muted">none yet</span>}</td>
                <td>{count}</td>
                <td className="muted">{model.createdByName} <TimeAgo at={model.createdAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
