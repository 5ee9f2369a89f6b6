/**
 * Moving an alias (`staging`, `champion`, `production` …) to a version, or removing it. The rule
 * for `production` is said next to the form, not discovered from an error: it moves only to a
 * version with an accepted handoff to ops; an owner may override, and must say why (recorded).
 */
import { type FormEvent, useCallback, useState } from 'react';
import type * as Y from 'yjs';
import { PROTECTED_ALIASES, aliasContext, currentAliases, listModelVersions, moveAlias } from '../../../core/workspace';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { acceptedOpsHandoff, useAction, versionName } from './use-registry';

const SUGGESTED = ['staging', 'production', 'champion', 'challenger'];

export function AliasForm({ session, modelId }: { session: WorkspaceSession; modelId: string }) {
  const read = useCallback((doc: Y.Doc) => ({ versions: listModelVersions(doc, modelId), aliases: [...currentAliases(doc, modelId).keys()], doc }), [modelId]);
  const { versions, aliases, doc } = useDocValue(session.doc, read);
  const [alias, setAlias] = useState('staging');
  const [versionId, setVersionId] = useState('');
  const [override, setOverride] = useState(false);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const { error, act } = useAction();
  const owner = session.connection.role === 'owner';
  const isProtected = PROTECTED_ALIASES.includes(alias.trim());
  const target = versionId || versions[0]?.id || '';
  const handoff = target && target !== '-' ? acceptedOpsHandoff(doc, target) : undefined;

  if (versions.length === 0) return <p className="muted">Register a version first; then aliases can point at it.</p>;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const name = alias.trim();
    const to = target === '-' ? null : target;
    const ok = act(() => {
      moveAlias(session.doc, {
        modelId, alias: name, versionId: to,
        ...(isProtected && handoff && to && !override ? { handoffId: handoff.handoff.id } : {}),
        ...(isProtected && override ? { overrideReason: reason } : {}),
      }, aliasContext(session.doc, session.commandContext()));
    });
    if (ok) {
      const v = versions.find((x) => x.id === to);
      setDone(to === null ? `Removed ${name}.` : `Moved ${name} to ${v ? versionName(v) : 'the version'}.`);
      setReason('');
      setOverride(false);
    } else setDone(null);
  };

  return (
    <form className="card registry-form" onSubmit={submit} aria-label="Move an alias">
      <h3>Move an alias</h3>
      <div className="row">
        <label>
          Alias
          <input value={alias} onChange={(e) => setAlias(e.target.value)} list="alias-suggestions" required maxLength={100} pattern="[A-Za-z0-9_\-]+" title='letters, digits, "_" or "-"' />
          <datalist id="alias-suggestions">{[...new Set([...aliases, ...SUGGESTED])].map((a) => <option key={a} value={a} />)}</datalist>
        </label>
        <label>
          To version
          <select value={target} onChange={(e) => setVersionId(e.target.value)}>
            {versions.map((v) => <option key={v.id} value={v.id}>{versionName(v)}</option>)}
            <option value="-">— remove the alias —</option>
          </select>
        </label>
        <button type="submit">{target === '-' ? 'Remove alias' : 'Move alias'}</button>
      </div>
      {isProtected && (
        <div className="rule" id="production-rule">
          <p className="small">
            <strong>{alias.trim()}</strong> is protected: it moves only to a version whose handoff to ops was accepted.{' '}
            {target === '-' ? 'Removing it takes an owner’s override.' : handoff
              ? <span className="ok">This version has one (accepted by {handoff.decisions.filter((d) => d.decision === 'accepted').at(-1)?.byName ?? 'ops'}).</span>
              : <span className="error">This version has no accepted handoff to ops yet.</span>}
            {owner ? ' As an owner you may override; the override and your reason are recorded in the audit trail.' : ' An owner may override, with a recorded reason.'}
          </p>
          {owner && (
            <>
              <label className="inline">
                <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} /> Override the handoff rule
              </label>
              {override && (
                <label>Reason for the override (required, recorded)<textarea value={reason} onChange={(e) => setReason(e.target.value)} required rows={2} maxLength={2000} /></label>
              )}
            </>
          )}
        </div>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      {done && !error && <p role="status" className="ok">{done}</p>}
    </form>
  );
}
