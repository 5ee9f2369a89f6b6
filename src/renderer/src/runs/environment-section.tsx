/** A run's environment: Python, then the packages that matter for a model first, then the rest. */
import { type EnvPackage, type Environment, type RunEnvironment, describeOrigin, mlPackageRank } from '../../../core/repro';

/** The run's environment as src/core/repro's runEnvironment reads it (as the checklist does). */
export function EnvironmentSection({ environment }: { environment: RunEnvironment }) {
  const { environment: env, problems } = environment;
  return (
    <section className="card run-section" aria-labelledby="env-title">
      <h3 id="env-title">Environment</h3>
      {!env && problems.length === 0 && <p className="muted small">No environment was captured with this run (no pip freeze, conda file or MLmodel).</p>}
      {problems.length > 0 && (
        <div role="alert" className="error small">
          {env ? 'Some environment files could not be read:' : 'Could not read the environment:'}
          <ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul>
        </div>
      )}
      {env && <EnvironmentBody env={env} />}
    </section>
  );
}

function EnvironmentBody({ env }: { env: Environment }) {
  const rank = (p: EnvPackage) => mlPackageRank(p.key) ?? Infinity;
  const ml = env.packages.filter((p) => rank(p) !== Infinity).sort((a, b) => rank(a) - rank(b));
  const rest = env.packages.filter((p) => rank(p) === Infinity);
  const rows = (ps: EnvPackage[], label: string) => (
    <table className="kv-table" aria-label={label}>
      <tbody>{ps.map((p) => <tr key={p.key}><td className="mono">{p.name}</td><td className="mono">{p.version ?? describeOrigin(p)}</td></tr>)}</tbody>
    </table>
  );
  return (
    <>
      <p data-testid="python-version">
        Python {env.python ? <strong>{env.python.version}{env.python.isPrefix ? '.*' : ''}</strong> : <span className="muted">not recorded</span>}
        <span className="muted small"> · from {env.files.join(', ')}</span>
      </p>
      {env.model && env.model.flavors.length > 0 && (
        <p className="small">MLflow model flavors: {env.model.flavors.map((f) => f.name).join(', ')}</p>
      )}
      <h4>ML frameworks and libraries ({ml.length})</h4>
      {ml.length === 0 ? <p className="muted small">None of the usual ML packages.</p> : rows(ml, 'ML packages')}
      {rest.length > 0 && (
        <details>
          <summary>{rest.length} other packages</summary>
          <div className="scroll-box">{rows(rest, 'Other packages')}</div>
        </details>
      )}
      {env.notes.length > 0 && (
        <ul className="small muted">{env.notes.map((n) => <li key={n}>{n}</li>)}</ul>
      )}
    </>
  );
}
