import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { type ColumnMappingInput, proposeMapping } from '../../../core/drift';
import type { DatasetProfile } from '../../../core/profile';
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
import { sendFileToHost } from '../host/send-file';
import { MappingEditor } from '../monitors/mapping-editor';
import { navigate, useDocValue } from '../session/hooks';
import { useJsonBlob } from '../session/use-blob';
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

/** Formats the profiler reads (dataset-reader.ts), for the file picker's filter. */
const DATA_FILES = '.csv,.tsv,.tab,.txt,.parquet,.pq,.json,.jsonl,.ndjson,.arrow,.feather,.ipc';

/**
 * Adds versions from a path on the host's machine, from the file picker, or from files dropped
 * anywhere on the page. Picked and dropped files are handed to the host first (send-file.ts),
 * then profiled, one after another, each with its progress.
 */
function AddVersionForm({ session }: { session: WorkspaceSession }) {
  const [path, setPath] = useState('');
  const [dataset, setDataset] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const [queue, setQueue] = useState<File[]>([]);
  const [sending, setSending] = useState<{ name: string; sent: number; total: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const busy = jobId !== null || sending !== null;

  async function profile(hostPath: string) {
    const { jobId: id } = await session.host.call('datasets.profile', { workspaceId: session.connection.workspaceId, path: hostPath });
    setJobId(id);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setMessage(null);
    try {
      await profile(path);
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  }

  // The next picked or dropped file goes once the one before is added (or failed).
  useEffect(() => {
    if (busy || queue.length === 0) return;
    const [file, ...rest] = queue as [File, ...File[]];
    setQueue(rest);
    setSending({ name: file.name, sent: 0, total: file.size });
    sendFileToHost(session.host, file, (sent, total) => setSending({ name: file.name, sent, total }))
      .then((hostPath) => profile(hostPath))
      .catch((err: Error) => setMessage({ kind: 'error', text: `${file.name}: ${err.message}` }))
      .finally(() => setSending(null));
  }, [busy, queue]);

  // Files dropped anywhere on the page (the browser would otherwise open them in place of the app).
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer?.files.length) return;
      e.preventDefault();
      setDragging(false);
      setMessage(null);
      const files = [...e.dataTransfer.files];
      setQueue((q) => [...q, ...files]);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

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
    <form className={`card add-version${dragging ? ' dropping' : ''}`} onSubmit={submit} aria-label="Add a dataset version">
      <div className="row">
        <label className="grow">
          File on this machine
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/data/transactions/2026-11-24.parquet" required disabled={busy} />
        </label>
        <label>
          Dataset
          <input value={dataset} onChange={(e) => setDataset(e.target.value)} placeholder="from the file name" disabled={busy} />
        </label>
        <button type="submit" disabled={busy}>Profile and add</button>
      </div>
      <p className="muted small">
        Or <label className="file-pick">choose files<input type="file" multiple accept={DATA_FILES} aria-label="Choose data files"
          onChange={(e) => { const files = [...(e.target.files ?? [])]; e.target.value = ''; setMessage(null); setQueue((q) => [...q, ...files]); }} /></label>{' '}
        or drop them anywhere on this page. CSV, TSV, Parquet, JSON, JSON Lines or Arrow. Hashing, profiling and sharing the file run in the background.
      </p>
      {dragging && <p className="drop-hint" role="status">Drop to add as dataset versions</p>}
      {sending && (
        <div className="job" role="status" aria-live="polite">
          <span className="small">Handing {sending.name} to the app: {formatBytes(sending.sent)} of {formatBytes(sending.total)}</span>
          <progress max={Math.max(1, sending.total)} value={sending.sent} aria-label={`Handing ${sending.name} to the app`} />
        </div>
      )}
      {queue.length > 0 && <p className="muted small">{queue.length} more file{queue.length === 1 ? '' : 's'} waiting.</p>}
      {jobId && <JobProgress host={session.host} jobId={jobId} onDone={done} onFailed={(text) => { setJobId(null); setMessage({ kind: 'error', text }); }} />}
      {message && <p role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'error' : 'ok'}>{message.text}</p>}
    </form>
  );
}

/** One line for the mapping's summary: what is left out of the drift tests. */
function describeMapping(m: ColumnMappingInput): string {
  const out = [m.timestamp && `timestamp ${m.timestamp}`, m.id && `id ${m.id}`, ...(m.ignored ?? []).map((c) => `${c} ignored`)].filter(Boolean);
  return out.length ? `${out.join(', ')} (not tested)` : 'every column is tested';
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
  // The same column mapping as monitors take: proposed from the reference's columns (a date is a
  // timestamp, row_id an id), never tested; the person may change or clear any role.
  const profile = useJsonBlob<DatasetProfile>(session, find(reference).profileBlob);
  const columns = useMemo(() => (profile.kind === 'ready' ? profile.value.columns.map((c) => c.name) : []), [profile]);
  const [mapping, setMapping] = useState<{ for: string; value: ColumnMappingInput; touched: boolean } | null>(null);
  useEffect(() => {
    if (profile.kind !== 'ready') return;
    if (mapping && (mapping.touched || mapping.for === reference)) return;
    setMapping({ for: reference, value: proposeMapping(profile.value.columns.map((c) => ({ name: c.name, kind: c.kind }))), touched: false });
  }, [profile, reference, mapping]);

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
        ...(mapping ? { mapping: mapping.value } : {}),
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
      {mapping && (
        <details className="compare-mapping">
          <summary>
            Column mapping: {describeMapping(mapping.value)}
          </summary>
          <MappingEditor columns={columns} value={mapping.value} idPrefix="compare-mapping" disabled={jobId !== null} onChange={(value) => setMapping({ for: mapping.for, value, touched: true })} />
        </details>
      )}
      {jobId && <JobProgress host={session.host} jobId={jobId} onDone={done} onFailed={(m) => { setJobId(null); setError(m); }} />}
      {error && <p role="alert" className="error">{error}</p>}
    </form>
  );
}
