/**
 * "New monitor": name, model, a reference dataset version whose file is on this machine (the
 * host uploads it; the server compares each batch with it), how often batches come, the column
 * mapping (proposed from the reference's column names and kinds; the person confirms or changes
 * it), how the reference is cut into chunks for thresholds derived from it, and rules.
 * Nothing is checked out loud until the first submit; from then on, messages follow the typing.
 */
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { type ColumnMappingInput, proposeMapping } from '../../../core/drift';
import type { AlertRule } from '../../../core/monitor';
import type { DatasetProfile } from '../../../core/profile';
import type { DatasetVersionRecord } from '../../../core/workspace';
import { navigate } from '../session/hooks';
import { useJsonBlob } from '../session/use-blob';
import type { WorkspaceSession } from '../session/workspace-session';
import { type DraftErrors, type RuleDraft, newDraft, ruleFromDraft, ruleIds } from './rule-drafts';
import { REFERENCE_FORMATS, useLocalFiles } from './local-versions';
import { MappingEditor } from './mapping-editor';
import { RuleEditor, nextRuleKey } from './rule-editor';
import { ChunkingEditor, type ChunkingDraft, chunkingDraft, chunkingFromDraft } from './chunking-editor';


export function NewMonitorForm({ session, versions, onCancel }: { session: WorkspaceSession; versions: DatasetVersionRecord[]; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [model, setModel] = useState('');
  const [referenceId, setReferenceId] = useState('');
  const [every, setEvery] = useState('');
  const [drafts, setDrafts] = useState<RuleDraft[]>(() => [newDraft('driftShare', nextRuleKey())]);
  const [chunks, setChunks] = useState<ChunkingDraft>(() => chunkingDraft(undefined));
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);

  const local = useLocalFiles(session, versions);

  const usable = (v: DatasetVersionRecord) => local?.has(v.md5) === true && REFERENCE_FORMATS.includes(v.format);
  const eligible = versions.filter(usable);
  const elsewhere = local ? versions.filter((v) => !local.has(v.md5)).length : 0;
  const firstEligible = eligible[0]?.id;
  useEffect(() => {
    if (!referenceId && firstEligible) setReferenceId(firstEligible);
  }, [referenceId, firstEligible]);
  const reference = versions.find((v) => v.id === referenceId);
  const profile = useJsonBlob<DatasetProfile>(session, reference?.profileBlob);
  const columns = useMemo(() => (profile.kind === 'ready' ? profile.value.columns.map((c) => c.name) : []), [profile]);
  // The proposal follows the reference until the person changes the mapping.
  const [mapping, setMapping] = useState<{ for: string; value: ColumnMappingInput; touched: boolean } | null>(null);
  useEffect(() => {
    if (profile.kind !== 'ready' || !reference) return;
    if (mapping && (mapping.touched || mapping.for === reference.id)) return;
    setMapping({ for: reference.id, value: proposeMapping(profile.value.columns.map((c) => ({ name: c.name, kind: c.kind }))), touched: false });
  }, [profile, reference, mapping]);

  const ids = ruleIds(drafts);
  const judged = drafts.map((d, i) => ruleFromDraft(d, ids[i]!, columns));
  const everyHours = every.trim() === '' ? undefined : Number(every);
  const fieldErrors = {
    name: name.trim() ? undefined : 'give the monitor a name',
    reference: reference && usable(reference) ? undefined : 'pick a dataset version whose file is on this machine',
    every: everyHours === undefined || (Number.isFinite(everyHours) && everyHours > 0) ? undefined : 'hours, more than 0 (or leave it empty)',
  };
  const ruleErrors: (DraftErrors | undefined)[] = judged.map((j) => ('errors' in j ? j.errors : undefined));
  const chunking = chunkingFromDraft(chunks, Boolean(mapping?.value.timestamp));
  const chunkingError = 'error' in chunking ? chunking.error : undefined;
  const shown = (message: string | undefined) => (submitted ? message : undefined);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    setError(null);
    const rules = judged.flatMap((j) => ('rule' in j ? [j.rule] : [])) as AlertRule[];
    if (Object.values(fieldErrors).some(Boolean) || rules.length !== drafts.length || 'error' in chunking) {
      // Take the person to the first thing to fix, once React has drawn the messages.
      setTimeout(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    setPending(true);
    try {
      const { monitorId } = await session.host.call('monitors.create', {
        workspaceId: session.connection.workspaceId, name, model, referenceVersionId: referenceId, rules,
        mapping: mapping && Object.keys(mapping.value).length > 0 ? mapping.value : undefined,
        expectBatchEveryMs: everyHours === undefined ? undefined : Math.round(everyHours * 3_600_000),
        chunking: chunking.chunking,
      });
      navigate('w', session.connection.workspaceId, 'monitors', monitorId);
    } catch (err) {
      setError((err as Error).message);
      setPending(false);
    }
  }

  const invalid = (id: string, message: string | undefined) => ({ id, 'aria-invalid': Boolean(message), 'aria-describedby': message ? `${id}-error` : undefined });
  const errorText = (id: string, message: string | undefined) => message && <p id={`${id}-error`} className="field-error">{message}</p>;
  return (
    <form ref={form} className="card new-monitor" onSubmit={submit} aria-label="New monitor" noValidate onKeyDown={(e) => e.key === 'Escape' && !pending && onCancel()}>
      <h3>New monitor</h3>
      <div className="row">
        <div className="field">
          <label htmlFor="monitor-name">Name</label>
          <input {...invalid('monitor-name', shown(fieldErrors.name))} autoFocus value={name} maxLength={200} disabled={pending} placeholder="Rain forecast in production" onChange={(e) => setName(e.target.value)} />
          {errorText('monitor-name', shown(fieldErrors.name))}
        </div>
        <div className="field">
          <label htmlFor="monitor-model">Model</label>
          <input id="monitor-model" value={model} maxLength={300} disabled={pending} placeholder="rain-forecast v3 (optional)" onChange={(e) => setModel(e.target.value)} />
        </div>
      </div>
      <div className="row">
        <div className="field grow">
          <label htmlFor="monitor-reference">Reference dataset version</label>
          <select {...invalid('monitor-reference', shown(fieldErrors.reference))} value={referenceId} disabled={pending} onChange={(e) => setReferenceId(e.target.value)}>
            {!reference && <option value="">{local ? 'Pick a version' : 'Checking which files are on this machine…'}</option>}
            {versions.map((v) => (
              <option key={v.id} value={v.id} disabled={!usable(v)}>
                {v.dataset} · {v.fileName} ({v.rows.toLocaleString()} rows){local && !local.has(v.md5) ? ' — file not on this machine' : !REFERENCE_FORMATS.includes(v.format) ? ` — ${v.format} cannot be a reference` : ''}
              </option>
            ))}
          </select>
          {errorText('monitor-reference', shown(fieldErrors.reference))}
        </div>
        <div className="field">
          <label htmlFor="monitor-every">A batch every (hours)</label>
          <input {...invalid('monitor-every', shown(fieldErrors.every))} inputMode="decimal" value={every} disabled={pending} placeholder="not scheduled" onChange={(e) => setEvery(e.target.value)} />
          {errorText('monitor-every', shown(fieldErrors.every))}
        </div>
      </div>
      <p className="muted small">
        Each batch is compared with the reference data, so the reference is uploaded from its file: only versions whose file is on this machine can be one.
        {elsewhere > 0 && ` ${elsewhere} ${elsewhere === 1 ? 'version is' : 'versions are'} on other machines; whoever added ${elsewhere === 1 ? 'it' : 'them'} can create a monitor on ${elsewhere === 1 ? 'it' : 'them'}.`}
        {local && eligible.length === 0 && <> No version’s file is on this machine yet: <a href={`#/w/${session.connection.workspaceId}/datasets`}>add the reference data under Datasets</a> first.</>}
      </p>
      {mapping && columns.length > 0 && (
        <>
          <p className="muted small">{mapping.touched ? 'Column mapping as you set it.' : 'Proposed from the column names: check it before creating the monitor.'}</p>
          <MappingEditor columns={columns} value={mapping.value} disabled={pending} onChange={(value) => setMapping({ for: mapping.for, value, touched: true })} />
        </>
      )}
      <ChunkingEditor value={chunks} onChange={setChunks} error={shown(chunkingError)} disabled={pending} />
      <h4>Alert rules</h4>
      <RuleEditor drafts={drafts} errors={submitted ? ruleErrors : []} columns={columns} disabled={pending} onChange={setDrafts} />
      {pending && (
        <div className="job" role="status">
          <span className="small">Uploading {reference?.fileName} and creating the monitor; the server profiles the reference first…</span>
          <progress aria-label="Creating the monitor" />
        </div>
      )}
      {submitted && !pending && (Object.values(fieldErrors).some(Boolean) || ruleErrors.some(Boolean) || chunkingError) && <p role="alert" className="error">Fix the marked fields to create the monitor.</p>}
      {error && <p role="alert" className="error">{error}</p>}
      <div className="row actions">
        <button type="submit" disabled={pending}>Create monitor</button>
        <button type="button" className="secondary" disabled={pending} onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
