/** Registering a version from a run, and setting a version's drift baseline. */
import { type FormEvent, useCallback, useState } from 'react';
import type * as Y from 'yjs';
import { listDatasetVersions, listModelVersions, listRuns, registerModelVersion, setDriftBaseline } from '../../../core/workspace';
import { navigate, useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { useAction, versionName } from './use-registry';

const readRuns = (doc: Y.Doc) => listRuns(doc);
const readDatasets = (doc: Y.Doc) => listDatasetVersions(doc);

export function RegisterVersionForm({ session, modelId }: { session: WorkspaceSession; modelId: string }) {
  const runs = useDocValue(session.doc, readRuns);
  const [runId, setRunId] = useState('');
  const [label, setLabel] = useState('');
  const [description, setDescription] = useState('');
  const { error, act } = useAction();
  const ws = session.connection.workspaceId;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let id = '';
    const ok = act(() => {
      id = registerModelVersion(session.doc, { modelId, ...(runId ? { runId } : {}), ...(label.trim() ? { label } : {}), description }, session.commandContext()).id;
    });
    if (ok) navigate('w', ws, 'model-versions', id);
  };
  return (
    <form className="card registry-form" onSubmit={submit} aria-label="Register a version">
      <h3>Register a version from a run</h3>
      {runs.length === 0 && <p className="muted small">No runs in this workspace yet: import them (<code>driftdesk import mlflow</code>) or send them to the runs API. A version without a run fails every run-based handoff check.</p>}
      <div className="row">
        <label className="grow">
          Run
          <select value={runId} onChange={(e) => setRunId(e.target.value)} required={runs.length > 0}>
            <option value="">{runs.length > 0 ? 'Pick the run that trained it' : 'No run'}</option>
            {runs.map((r) => <option key={r.id} value={r.id}>{r.name}{r.experiment ? ` — ${r.experiment}` : ''} ({new Date(r.startedAt).toLocaleDateString()})</option>)}
          </select>
        </label>
        <label>Label (optional)<input value={label} onChange={(e) => setLabel(e.target.value)} maxLength={100} placeholder="v1.2.0" /></label>
      </div>
      <label>Description (optional)<input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={5000} placeholder="What changed since the last version" /></label>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit">Register version</button>
    </form>
  );
}

/** Picks the dataset version monitors compare this model version's production data against. */
export function BaselineForm({ session, modelId, versionId }: { session: WorkspaceSession; modelId: string; versionId?: string }) {
  const datasets = useDocValue(session.doc, readDatasets);
  const versions = useDocValue(session.doc, useCallback((doc: Y.Doc) => listModelVersions(doc, modelId), [modelId]));
  const [picked, setPicked] = useState('');
  const target = versionId ?? (picked || versions[0]?.id || '');
  const current = versions.find((v) => v.id === target)?.baselineDatasetVersionId ?? '';
  const [dataset, setDataset] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const { error, act } = useAction();
  if (versions.length === 0) return null;
  const chosen = dataset ?? current;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(act(() => setDriftBaseline(session.doc, { versionId: target, datasetVersionId: chosen || null }, session.commandContext())));
    setDataset(null);
  };
  return (
    <form className="card registry-form" onSubmit={submit} aria-label="Drift baseline">
      <h3>Drift baseline</h3>
      <p className="muted small">The dataset version production data is compared against when this model version is monitored.</p>
      {datasets.length === 0 ? (
        <p className="empty">No dataset versions yet: add the training data on the <a href={`#/w/${session.connection.workspaceId}/datasets`}>Datasets</a> page first.</p>
      ) : (
        <div className="row">
          {!versionId && (
            <label>
              Model version
              <select value={target} onChange={(e) => { setPicked(e.target.value); setDataset(null); }}>
                {versions.map((v) => <option key={v.id} value={v.id}>{versionName(v)}</option>)}
              </select>
            </label>
          )}
          <label className="grow">
            Baseline dataset version
            <select value={chosen} onChange={(e) => { setDataset(e.target.value); setDone(false); }}>
              <option value="">None</option>
              {datasets.map((d) => <option key={d.id} value={d.id}>{d.dataset} · {d.fileName} ({d.rows} rows, {d.md5.slice(0, 8)})</option>)}
            </select>
          </label>
          <button type="submit">Set baseline</button>
        </div>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      {done && !error && <p role="status" className="ok">Baseline saved.</p>}
    </form>
  );
}
