/**
 * The plain sections of a run page: params (searchable), tags (MLflow's own folded away), code
 * version, lineage (the dataset versions it read, linked when the workspace has them) and
 * artifacts. Each reads the run's detail blob only.
 */
import { useState } from 'react';
import type { DatasetVersionRecord, RunDetailRecord } from '../../../core/workspace';
import { formatBytes } from '../components/format';
import { linkedVersion } from './compare-rows';

export function ParamsSection({ params }: { params: Record<string, string> }) {
  const [search, setSearch] = useState('');
  const entries = Object.entries(params);
  const needle = search.trim().toLowerCase();
  const shown = needle ? entries.filter(([k, v]) => k.toLowerCase().includes(needle) || v.toLowerCase().includes(needle)) : entries;
  return (
    <section className="card run-section" aria-labelledby="params-title">
      <div className="section-tools">
        <h3 id="params-title">Params ({entries.length})</h3>
        {entries.length > 8 && (
          <input type="search" aria-label="Search params" placeholder="Search params" value={search} onChange={(e) => setSearch(e.target.value)} />
        )}
      </div>
      {entries.length === 0 ? <p className="muted">This run logged no params.</p> : (
        <div className="scroll-box">
          <table className="kv-table" aria-label="Params">
            <thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead>
            <tbody>
              {shown.map(([k, v]) => <tr key={k}><td className="mono">{k}</td><td className="mono">{v}</td></tr>)}
            </tbody>
          </table>
          {shown.length === 0 && <p className="muted small">No param matches “{search}”.</p>}
        </div>
      )}
    </section>
  );
}

/** MLflow's bookkeeping tags (`mlflow.*`): kept, but out of the way. */
const isSystemTag = (key: string) => key.startsWith('mlflow.');

export function TagsSection({ tags, experimentTags }: { tags: Record<string, string>; experimentTags?: Record<string, string> | undefined }) {
  const experiment = Object.entries(experimentTags ?? {});
  const entries = Object.entries(tags);
  const own = entries.filter(([k]) => !isSystemTag(k));
  const system = entries.filter(([k]) => isSystemTag(k));
  const table = (rows: [string, string][], label: string) => (
    <table className="kv-table" aria-label={label}>
      <tbody>{rows.map(([k, v]) => <tr key={k}><td className="mono">{k}</td><td className="mono">{v}</td></tr>)}</tbody>
    </table>
  );
  return (
    <section className="card run-section" aria-labelledby="tags-title">
      <h3 id="tags-title">Tags</h3>
      {own.length === 0 ? <p className="muted small">No tags of your own{system.length > 0 ? ' (only MLflow’s)' : ''}.</p> : table(own, 'Tags')}
      {system.length > 0 && (
        <details>
          <summary>{system.length} MLflow system tags</summary>
          <div className="scroll-box">{table(system, 'MLflow system tags')}</div>
        </details>
      )}
      {experiment.length > 0 && (
        <>
          <h4>Experiment tags</h4>
          <p className="muted small">Set on the MLflow experiment this run belongs to, not on the run.</p>
          {table(experiment, 'Experiment tags')}
        </>
      )}
    </section>
  );
}

export function CodeSection({ code, seed }: { code: RunDetailRecord['code']; seed: string | undefined }) {
  const repoLink = code?.repo && /^https?:\/\//.test(code.repo) ? code.repo.replace(/\.git$/, '') : undefined;
  return (
    <section className="card run-section" aria-labelledby="code-title">
      <h3 id="code-title">Code version</h3>
      {!code ? <p className="muted small">The run did not record its code version (no git commit).</p> : (
        <dl className="stats">
          {code.repo && <div><dt>repository</dt><dd className="mono">{repoLink ? <a href={repoLink} target="_blank" rel="noreferrer noopener">{code.repo}</a> : code.repo}</dd></div>}
          {code.commit && <div><dt>commit</dt><dd className="mono">{code.commit}{code.dirty ? ' (with uncommitted changes)' : ''}</dd></div>}
          {code.branch && <div><dt>branch</dt><dd className="mono">{code.branch}</dd></div>}
          {code.entryPoint && <div><dt>entry point</dt><dd className="mono">{code.entryPoint}</dd></div>}
        </dl>
      )}
      <p className="small">Seed: {seed === undefined ? <span className="muted">not recorded</span> : <code>{seed}</code>}</p>
    </section>
  );
}

export function LineageSection({ refs, versions, ws }: { refs: RunDetailRecord['dataVersions']; versions: readonly DatasetVersionRecord[]; ws: string }) {
  return (
    <section className="card run-section" aria-labelledby="lineage-title">
      <h3 id="lineage-title">Data versions used</h3>
      {refs.length === 0 ? <p className="muted small">The run did not record which data it read.</p> : (
        <table className="kv-table" aria-label="Data versions used">
          <thead><tr><th scope="col">Data</th><th scope="col">Version</th></tr></thead>
          <tbody>
            {refs.map((ref) => {
              const version = linkedVersion(ref, versions);
              return (
                <tr key={`${ref.name}:${ref.hash}`}>
                  <td>{ref.name}{ref.path && ref.path !== ref.name && <div className="muted small mono">{ref.path}</div>}</td>
                  <td>
                    {version ? (
                      <a href={`#/w/${ws}/datasets/${encodeURIComponent(version.id)}`}>{version.dataset} · {version.fileName}</a>
                    ) : (
                      <span className="muted small">{ref.kind === 'dvc' ? 'DVC' : ref.kind === 'url' ? 'URL' : 'not in this workspace'}</span>
                    )}
                    <div className="mono small" title={ref.hash}>{ref.hash.slice(0, 12)}{ref.hash.length > 12 ? '…' : ''}</div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ArtifactsSection({ artifacts }: { artifacts: RunDetailRecord['artifacts'] }) {
  return (
    <section className="card run-section" aria-labelledby="artifacts-title">
      <h3 id="artifacts-title">Artifacts{artifacts ? ` (${artifacts.length})` : ''}</h3>
      {artifacts === null ? <p className="muted small">The source did not list artifacts (MLflow’s database backend keeps them elsewhere).</p>
        : artifacts.length === 0 ? <p className="muted small">No artifacts.</p> : (
          <div className="scroll-box">
            <table className="kv-table" aria-label="Artifacts">
              <tbody>{artifacts.map((a) => <tr key={a.path}><td className="mono">{a.path}</td><td className="num">{formatBytes(a.bytes)}</td></tr>)}</tbody>
            </table>
          </div>
        )}
    </section>
  );
}
