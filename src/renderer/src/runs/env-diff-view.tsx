/** An environment diff between a baseline run and another (diffEnvironments), ML packages first. */
import { type EnvironmentDiff, type PackageChange, type PackageState, describeOrigin } from '../../../core/repro';

const show = (s: PackageState) => s.version ?? describeOrigin({ ...s, name: '', key: '' });

export function EnvDiffView({ diff, from, to }: { diff: EnvironmentDiff; from: string; to: string }) {
  const { python, counts } = diff;
  return (
    <div className="env-diff" data-testid="env-diff">
      <h4>{from} → {to}</h4>
      {diff.same ? <p className="ok">Same environment.</p> : (
        <p className="small">
          {counts.added} added · {counts.removed} removed · {counts.changed} changed
          {counts.changed > 0 && ` (${counts.major} major, ${counts.minor} minor, ${counts.patch} patch${counts.other ? `, ${counts.other} other` : ''})`}
        </p>
      )}
      <p className="small">
        Python: {python.from ?? '?'} → {python.to ?? '?'}{' '}
        {python.level ? <span className={`badge lvl-${python.level}`}>{python.level}</span> : python.from && python.to ? <span className="muted">same</span> : <span className="muted">(one side does not record it)</span>}
      </p>
      {diff.changes.length > 0 && (
        <table className="compare-table" aria-label={`Package changes from ${from} to ${to}`}>
          <thead><tr><th scope="col">Package</th><th scope="col">Change</th><th scope="col">{from}</th><th scope="col">{to}</th></tr></thead>
          <tbody>{diff.changes.map((c) => <ChangeRow key={`${c.kind}:${c.key}`} change={c} />)}</tbody>
        </table>
      )}
    </div>
  );
}

function ChangeRow({ change: c }: { change: PackageChange }) {
  return (
    <tr>
      <td className="mono">{c.name}{c.ml && <span className="muted small" title="An ML framework or library: its changes often change results"> · ML</span>}</td>
      <td>
        {c.kind === 'changed' ? (
          <><span className={`badge lvl-${c.level}`}>{c.level}</span> <span className="small">{c.what === 'version' ? c.direction : c.what}</span></>
        ) : <span className={`chg-${c.kind}`}>{c.kind}</span>}
      </td>
      <td className="mono">{c.kind === 'added' ? '—' : show(c.from)}</td>
      <td className="mono">{c.kind === 'removed' ? '—' : show(c.to)}</td>
    </tr>
  );
}
