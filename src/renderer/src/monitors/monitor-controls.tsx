/**
 * Pause or resume, edit (rules, column mapping and reference) and delete a monitor. Each goes to the server
 * through the host (it checks rules and mapping against the reference's columns and says which
 * field is wrong); the workspace doc then shows the change in every window.
 */
import { type FormEvent, useMemo, useState } from 'react';
import type { ColumnMappingInput } from '../../../core/drift';
import type { AlertRule, MonitorRecord } from '../../../core/monitor';
import type { DatasetProfile } from '../../../core/profile';
import { listDatasetVersions } from '../../../core/workspace';
import { navigate, useDocValue } from '../session/hooks';
import { useJsonBlob } from '../session/use-blob';
import type { WorkspaceSession } from '../session/workspace-session';
import { useLocalFiles, whyNotReference } from './local-versions';
import { MappingEditor } from './mapping-editor';
import { type DraftErrors, type RuleDraft, draftFromRule, ruleFromDraft, ruleIds } from './rule-drafts';
import { RuleEditor, nextRuleKey } from './rule-editor';
import { ChunkingEditor, type ChunkingDraft, chunkingDraft, chunkingFromDraft } from './chunking-editor';

export function MonitorControls({ session, monitor }: { session: WorkspaceSession; monitor: MonitorRecord }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const target = { workspaceId: session.connection.workspaceId, monitorId: monitor.id };

  async function run(work: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="monitor-controls">
      <div className="row actions">
        <button type="button" className="secondary" disabled={busy} onClick={() => run(() => session.host.call('monitors.update', { ...target, changes: { paused: !monitor.paused } }))}>
          {monitor.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="secondary" disabled={busy || editing} onClick={() => setEditing(true)}>Edit rules and mapping</button>
        {confirmDelete ? (
          <span role="group" aria-label="Confirm delete" className="confirm">
            Delete {monitor.name}? Its incidents and history are kept.{' '}
            <button type="button" className="danger" disabled={busy} onClick={async () => {
              if (await run(() => session.host.call('monitors.delete', target))) navigate('w', session.connection.workspaceId, 'monitors');
            }}>Delete monitor</button>{' '}
            <button type="button" className="secondary" disabled={busy} onClick={() => setConfirmDelete(false)}>Keep it</button>
          </span>
        ) : (
          <button type="button" className="secondary" disabled={busy} onClick={() => setConfirmDelete(true)}>Delete…</button>
        )}
      </div>
      {monitor.paused && <p className="warn-note small" role="status">Paused: batches, metrics and labels sent to it are refused until it is resumed.</p>}
      {error && <p role="alert" className="error">{error}</p>}
      {editing && (
        <EditMonitor session={session} monitor={monitor} onDone={() => setEditing(false)} />
      )}
    </div>
  );
}

function EditMonitor({ session, monitor, onDone }: { session: WorkspaceSession; monitor: MonitorRecord; onDone: () => void }) {
  const [drafts, setDrafts] = useState<RuleDraft[]>(() => monitor.rules.map((r) => draftFromRule(r, nextRuleKey())));
  const [mapping, setMapping] = useState<ColumnMappingInput>(() => monitor.mapping ?? {});
  const [chunks, setChunks] = useState<ChunkingDraft>(() => chunkingDraft(monitor.chunking));
  const [referenceId, setReferenceId] = useState(monitor.referenceVersionId);
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const versions = useDocValue(session.doc, listDatasetVersions);
  const local = useLocalFiles(session, versions);
  const reference = versions.find((v) => v.id === referenceId);
  const changesReference = referenceId !== monitor.referenceVersionId;
  // The current reference stays pickable wherever its file is: the server already has it.
  const why = (id: string) => {
    const v = versions.find((x) => x.id === id);
    return id === monitor.referenceVersionId || !v ? null : whyNotReference(v, local);
  };
  // Rules and mapping are checked against the columns of the reference they will have.
  const profile = useJsonBlob<DatasetProfile>(session, reference?.profileBlob);
  const columns = useMemo(() => (profile.kind === 'ready' ? profile.value.columns.map((c) => c.name) : []), [profile]);
  const ids = ruleIds(drafts);
  const judged = drafts.map((d, i) => ruleFromDraft(d, ids[i]!, columns));
  const errors: (DraftErrors | undefined)[] = judged.map((j) => ('errors' in j ? j.errors : undefined));
  const chunking = chunkingFromDraft(chunks, Boolean(mapping.timestamp));

  async function save(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    const rules = judged.flatMap((j) => ('rule' in j ? [j.rule] : [])) as AlertRule[];
    if (rules.length !== drafts.length || rules.length === 0 || 'error' in chunking) return;
    setPending(true);
    setError(null);
    try {
      await session.host.call('monitors.update', {
        workspaceId: session.connection.workspaceId, monitorId: monitor.id,
        changes: { rules, mapping: Object.keys(mapping).length ? mapping : null, chunking: chunking.chunking ?? null, ...(changesReference ? { referenceVersionId: referenceId } : {}) },
      });
      onDone();
    } catch (err) {
      setError((err as Error).message);
      setPending(false);
    }
  }

  return (
    <form className="card new-monitor" aria-label="Edit monitor" onSubmit={save} noValidate>
      <h3>Edit {monitor.name}</h3>
      <div className="field grow">
        <label htmlFor="edit-reference">Reference dataset version</label>
        <select id="edit-reference" value={referenceId} disabled={pending} onChange={(e) => setReferenceId(e.target.value)}>
          {!versions.some((v) => v.id === monitor.referenceVersionId) && <option value={monitor.referenceVersionId}>the current reference (not synced here yet)</option>}
          {versions.map((v) => {
            const not = why(v.id);
            return (
              <option key={v.id} value={v.id} disabled={not !== null}>
                {v.dataset} · {v.fileName} ({v.rows.toLocaleString()} rows){v.id === monitor.referenceVersionId ? ' — current' : not && not !== 'checking' ? ` — ${not}` : ''}
              </option>
            );
          })}
        </select>
      </div>
      <p className="muted small">
        {changesReference
          ? `Saving uploads ${reference?.fileName ?? 'the file'} from this machine; from then on batches are compared with it, and rules and mapping are checked against its columns.`
          : 'Another version can become the reference when its file is on this machine (it is uploaded on save).'}
      </p>
      {columns.length > 0 ? <MappingEditor columns={columns} value={mapping} disabled={pending} onChange={setMapping} idPrefix="edit-mapping" /> : <p className="muted small">Loading the reference’s columns…</p>}
      <ChunkingEditor value={chunks} onChange={setChunks} error={submitted && 'error' in chunking ? chunking.error : undefined} disabled={pending} idPrefix="edit-chunking" />
      <h4>Alert rules</h4>
      <RuleEditor drafts={drafts} errors={submitted ? errors : []} columns={columns} disabled={pending} onChange={setDrafts} />
      {pending && changesReference && (
        <div className="job" role="status">
          <span className="small">Uploading {reference?.fileName} and changing the reference; the server profiles it first…</span>
          <progress aria-label="Changing the reference" />
        </div>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      <div className="row actions">
        <button type="submit" disabled={pending}>Save changes</button>
        <button type="button" className="secondary" disabled={pending} onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}
