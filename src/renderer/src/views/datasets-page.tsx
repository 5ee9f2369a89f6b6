import { type FormEvent, useEffect, useState } from 'react';
import type * as Y from 'yjs';
import {
  CommandError,
  type DatasetVersionRecord,
  addDatasetVersion,
  listComparisons,
  listDatasetVersions,
  recordComparison,
} from '../../../core/workspace';
import type { ComparedFiles, ProfiledFile } from '../../../shared/host-contract';
import { TimeAgo } from '../components/badges';
import { formatBytes } from '../components/format';
import { JobProgress } from '../components/job-progress';
import { navigate, useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';

const readDatasets = (doc: Y.Doc) => ({ versions: listDatasetVersions(doc), comparisons: listComparisons(doc) });


const versionLabel = (v: DatasetVersionRecord) => `${v.dataset} · ${v.fileName} (${v.md5.slice(0, 8)})`;

/** Dataset versions (hash, size, rows, who added it and when), adding one, and comparing two. */
export function DatasetsPage({ session }: { session: WorkspaceSession }) {
  const { versions, comparisons } = useDocValue(session.doc, readDatasets);
  const canEdit = session.connection.role === 'owner' || session.connection.role === 'editor';
  const ws = session.connection.workspaceId;
  const byId = new Map(versions.map((v) => [v.id, v]));

  return (
    <section aria-labelledby="datasets-title">
      <div className="page-header"><h2 id="datasets-title">Datasets</h2></div>
      {canEdit && <AddVersionForm session={session} />}
      {versions.length === 0 ? (
        <p className="empty">
          No dataset versions yet.{canEdit ? ' Add one from a CSV, TSV, Parquet or JSON file: Driftdesk hashes it (DVC-compatible md5), profiles every column and shares the profile with the team.' : ' An editor can add one from a data file.'}
        </p>
      ) : (
        <table aria-label="Dataset versions">
          <thead>
            <tr><th scope="col">Dataset</th><th scope="col">File</th><th scope="col">Rows</th><th scope="col">Columns</th><th scope="col">Size</th><th scope="col">md5</th><th scope="col">Added</th></tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <td>{v.dataset}</td>
                <td><a href={`#/w/${ws}/datasets/${v.id}`}>{v.fileName}</a></td>
                <td>{v.rows.toLocaleString()}</td>
                <td>{v.columns}</td>
                <td>{formatBytes(v.size)}</td>
                <td><code title={v.md5}>{v.md5.slice(0, 10)}</code></td>
                <td className="muted"><TimeAgo at={v.addedAt} /> by {v.addedByName}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {versions.length >= 2 && canEdit && <CompareForm session={session} versions={versions} />}
      <h3>Comparisons</h3>
      {comparisons.length === 0 ? (
        <p className="empty">No comparisons yet. Compare two versions to see which columns drifted.</p>
      ) : (
        <table aria-label="Comparisons">
          <thead><tr><th scope="col">Reference → current</th><th scope="col">Drift</th><th scope="col">Columns drifted</th><th scope="col">Run</th></tr></thead>
          <tbody>
            {comparisons.map((c) => (
              <tr key={c.id}>
                <td>
                  <a href={`#/w/${ws}/comparisons/${c.id}`}>
                    {byId.get(c.referenceVersionId)?.fileName ?? 'unknown'} → {byId.get(c.currentVersionId)?.fileName ?? 'unknown'}
                  </a>
                </td>
                <td>{c.datasetDrift ? <span className="badge severity-critical">dataset drift</span> : <span className="badge status-resolved">no drift</span>}</td>
                <td>{c.driftedColumns} of {c.testedColumns}</td>
                <td className="muted"><TimeAgo at={c.createdAt} /> by {c.createdByName}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function AddVersionForm({ session }: { session: WorkspaceSession }) {
  const [path, setPath] = useState('');
  const [dataset, setDataset] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setMessage(null);
    try {
      const { jobId: id } = await session.host.call('datasets.profile', { workspaceId: session.connection.workspaceId, path });
      setJobId(id);
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  }

  function done(result: unknown) {
    setJobId(null);
    const file = result as ProfiledFile;
    try {
      const { uploadError, fileBlob, fileUploadError, ...fields } = file;
      const name = dataset.trim() || file.fileName.replace(/\.[^.]+$/, '');
      const version = addDatasetVersion(session.doc, { ...fields, ...(fileBlob ? { fileBlob } : {}), dataset: name }, session.commandContext());
      setPath('');
      const notes = [
        uploadError ? ` The profile is kept on this device for now: ${uploadError}` : '',
        fileUploadError ? ` Not shared: ${fileUploadError}.` : ' The file is shared with the team, so anyone can compare it.',
      ];
      setMessage({ kind: 'ok', text: `Added ${version.fileName}: ${version.rows.toLocaleString()} rows, ${version.columns} columns.${notes.join('')}` });
    } catch (err) {
      setMessage({ kind: 'error', text: err instanceof CommandError ? err.message : String(err) });
    }
  }

  return (
    <form className="card add-version" onSubmit={submit} aria-label="Add a dataset version">
      <div className="row">
        <label className="grow">
          File on this machine
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/data/transactions/2026-11-24.parquet" required disabled={jobId !== null} />
        </label>
        <label>
          Dataset
          <input value={dataset} onChange={(e) => setDataset(e.target.value)} placeholder="from the file name" disabled={jobId !== null} />
        </label>
        <button type="submit" disabled={jobId !== null}>Profile and add</button>
      </div>
      <p className="muted small">CSV, TSV, Parquet, JSON or JSON Lines. Hashing and profiling run in the background.</p>
      {jobId && <JobProgress host={session.host} jobId={jobId} onDone={done} onFailed={(text) => { setJobId(null); setMessage({ kind: 'error', text }); }} />}
      {message && <p role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'error' : 'ok'}>{message.text}</p>}
    </form>
  );
}

function CompareForm({ session, versions }: { session: WorkspaceSession; versions: DatasetVersionRecord[] }) {
  const [reference, setReference] = useState(versions[versions.length - 1]!.id);
  const [current, setCurrent] = useState(versions[0]!.id);
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [local, setLocal] = useState<Set<string>>(new Set());

  useEffect(() => {
    session.host.call('datasets.localFiles', { md5s: versions.map((v) => v.md5) }).then((r) => setLocal(new Set(r.available)), () => {});
  }, [session, versions]);

  const find = (id: string) => versions.find((v) => v.id === id)!;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (reference === current) return setError('Pick two different versions.');
    try {
      const side = (v: DatasetVersionRecord) => ({ md5: v.md5, fileName: v.fileName, profileBlob: v.profileBlob, ...(v.fileBlob ? { fileBlob: v.fileBlob } : {}) });
      const { jobId: id } = await session.host.call('datasets.compare', {
        workspaceId: session.connection.workspaceId,
        reference: side(find(reference)),
        current: side(find(current)),
      });
      setJobId(id);
    } catch (err) {
      setError((err as Error).message);
    }
  }

  function done(result: unknown) {
    setJobId(null);
    const r = result as ComparedFiles;
    try {
      const record = recordComparison(session.doc, {
        referenceVersionId: reference, currentVersionId: current, reportBlob: r.reportBlob,
        datasetDrift: r.datasetDrift, driftedColumns: r.driftedColumns, testedColumns: r.testedColumns,
      }, session.commandContext());
      navigate('w', session.connection.workspaceId, 'comparisons', record.id);
    } catch (err) {
      setError(String(err));
    }
  }

  const option = (v: DatasetVersionRecord) => (
    <option key={v.id} value={v.id}>{versionLabel(v)}{local.has(v.md5) ? '' : v.fileBlob ? ' — file downloads from the team' : ' — file not shared: profile only'}</option>
  );
  return (
    <form className="card compare" onSubmit={submit} aria-label="Compare two versions">
      <h3>Compare two versions</h3>
      <div className="row">
        <label>Reference<select value={reference} onChange={(e) => setReference(e.target.value)}>{versions.map(option)}</select></label>
        <label>Current<select value={current} onChange={(e) => setCurrent(e.target.value)}>{versions.map(option)}</select></label>
        <button type="submit" disabled={jobId !== null}>Compare</button>
      </div>
      {jobId && <JobProgress host={session.host} jobId={jobId} onDone={done} onFailed={(m) => { setJobId(null); setError(m); }} />}
      {error && <p role="alert" className="error">{error}</p>}
    </form>
  );
}
