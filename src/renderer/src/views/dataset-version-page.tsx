import { useCallback } from 'react';
import type * as Y from 'yjs';
import type { ColumnProfile, DatasetProfile } from '../../../core/profile';
import { getDatasetVersion } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { CategoryChart, HistogramChart, formatNumber } from '../components/charts';
import { useDocValue } from '../session/hooks';
import { useJsonBlob } from '../session/use-blob';
import type { WorkspaceSession } from '../session/workspace-session';
import { formatBytes } from '../components/format';

/** One dataset version: its hash and size, and a profile card per column. */
export function DatasetVersionPage({ session, versionId }: { session: WorkspaceSession; versionId: string }) {
  const version = useDocValue(session.doc, useCallback((doc: Y.Doc) => getDatasetVersion(doc, versionId), [versionId]));
  const profile = useJsonBlob<DatasetProfile>(session, version?.profileBlob);
  const ws = session.connection.workspaceId;
  if (!version) return <p className="empty">This dataset version is not here (yet). <a href={`#/w/${ws}/datasets`}>Back to datasets</a></p>;
  return (
    <article aria-labelledby="version-title">
      <a href={`#/w/${ws}/datasets`} className="muted small">← Datasets</a>
      <h2 id="version-title">{version.dataset} · {version.fileName}</h2>
      <p className="muted">
        {version.rows.toLocaleString()} rows · {version.columns} columns · {formatBytes(version.size)} · {version.format} · md5 <code>{version.md5}</code> · added <TimeAgo at={version.addedAt} /> by {version.addedByName}
      </p>
      {profile.kind === 'loading' && <p className="muted" role="status">Loading the profile…</p>}
      {profile.kind === 'error' && <p role="alert" className="error">Could not load the profile: {profile.message}</p>}
      {profile.kind === 'ready' && (
        <div className="column-grid">
          {profile.value.columns.map((c) => <ColumnCard key={c.name} column={c} />)}
        </div>
      )}
    </article>
  );
}

function ColumnCard({ column: c }: { column: ColumnProfile }) {
  return (
    <section className="card column-card" aria-label={`Column ${c.name}`}>
      <h3>{c.name} <span className="badge">{c.kind}</span></h3>
      <dl className="stats">
        <div><dt>missing</dt><dd>{(c.missingShare * 100).toFixed(1)}%</dd></div>
        <div><dt>distinct</dt><dd>{c.distinct.toLocaleString()}</dd></div>
        {c.kind === 'numerical' && (
          <>
            <div><dt>mean</dt><dd>{formatNumber(c.mean)}</dd></div>
            <div><dt>std</dt><dd>{formatNumber(c.std)}</dd></div>
            <div><dt>min</dt><dd>{formatNumber(c.min)}</dd></div>
            <div><dt>median</dt><dd>{formatNumber(c.quantiles?.p50)}</dd></div>
            <div><dt>max</dt><dd>{formatNumber(c.max)}</dd></div>
          </>
        )}
      </dl>
      {c.kind === 'numerical' && c.histogram && <HistogramChart histogram={c.histogram} label={`Histogram of ${c.name}`} />}
      {c.kind === 'categorical' && c.top.length > 0 && <CategoryChart values={c.top} label={`Most frequent values of ${c.name}`} />}
      {(c.kind === 'datetime' || c.kind === 'other') && <p className="muted small">{c.type}: not profiled further.</p>}
    </section>
  );
}
