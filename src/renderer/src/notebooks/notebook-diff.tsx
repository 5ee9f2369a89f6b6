/**
 * Two versions of a notebook compared as nbdime's model has it (core diffNotebooks): cells added,
 * removed, moved and modified, in the new version's order; a modified cell's source diffed by
 * line with the changed words marked, its outputs before and after side by side (images too).
 * Runs of unchanged cells fold to one line. Metadata and execution counts only when asked for.
 */
import { type ReactElement, useMemo } from 'react';
import { type CellDiffEntry, type NotebookCell, type TextPart, cellHeadline, diffNotebooks, diffSource } from '../../../core/notebook';
import type { NotebookVersionRecord } from '../../../core/workspace';
import { setHashQuery, useHashQuery } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { NotebookSource, type NotebookSourceValue } from './lazy-output';
import { NotebookOutputView } from './notebook-output';
import { useNotebooks } from './use-notebook';

export function NotebookDiffView({ session, title, versions, from, to }: {
  session: WorkspaceSession;
  notebookId: string;
  title: string;
  versions: readonly NotebookVersionRecord[];
  from: number;
  to: number;
}) {
  const query = useHashQuery();
  const metadata = query.get('meta') === '1';
  const executionCounts = query.get('counts') === '1';
  const options = useMemo(() => ({ metadata, executionCounts }), [metadata, executionCounts]);
  const focus = query.get('cell') !== null ? Number(query.get('cell')) : null;
  const a = versions.find((v) => v.version === from);
  const b = versions.find((v) => v.version === to);
  const pair = useNotebooks(session, useMemo(() => (a && b ? [a, b] : []), [a, b]), title);
  const diff = useMemo(() => (pair.kind === 'ready' ? diffNotebooks(pair.value[0]!, pair.value[1]!, options) : null), [pair, options]);
  // Each side's large outputs come from its own file (lazy-output.tsx).
  const sources = useMemo(() => (a && b ? { before: { session, blob: a.blob, name: `${title} v${a.version}` }, after: { session, blob: b.blob, name: `${title} v${b.version}` } } : null), [session, a, b, title]);
  const toggle = (key: string, on: boolean) => setHashQuery([...[...query.entries()].filter(([k]) => k !== key), ...(on ? [[key, '1'] as [string, string]] : [])], { replace: true });

  if (!a || !b) return <p role="alert" className="error">No version {a ? to : from} of this notebook.</p>;
  const pick = (key: 'from' | 'to', value: string) => {
    const [x, y] = key === 'from' ? [value, String(to)] : [String(from), value];
    setHashQuery([...[...query.entries()].filter(([k]) => k !== 'diff' && k !== 'cell'), ['diff', `${x}-${y}`]]);
  };
  return (
    <section className="nb-diff" aria-label={`Changes from v${from} to v${to}`} data-testid="notebook-diff">
      <div className="row small nb-diff-tools">
        <label>From <select value={from} onChange={(e) => pick('from', e.target.value)}>{versions.map((v) => <option key={v.id} value={v.version}>v{v.version}</option>)}</select></label>
        <label>to <select value={to} onChange={(e) => pick('to', e.target.value)}>{versions.map((v) => <option key={v.id} value={v.version}>v{v.version}</option>)}</select></label>
        <label><input type="checkbox" checked={options.executionCounts} onChange={(e) => toggle('counts', e.target.checked)} /> execution counts</label>
        <label><input type="checkbox" checked={options.metadata} onChange={(e) => toggle('meta', e.target.checked)} /> metadata</label>
      </div>
      {pair.kind === 'loading' && <p className="muted" role="status">Loading both versions…</p>}
      {pair.kind === 'error' && <p role="alert" className="error">{pair.message}</p>}
      {diff && (
        <>
          <p className="small" data-testid="diff-counts">
            {diff.counts.modified} modified · {diff.counts.added} added · {diff.counts.removed} removed · {diff.counts.moved} moved · {diff.counts.unchanged} unchanged
            {diff.notebookMetadataChanged && ' · notebook metadata changed'}
          </p>
          <ol className="nb-diff-list">
            {fold(diff.entries).map((e, i) =>
              'folded' in e ? (
                <li key={`f${i}`} className="nb-diff-folded muted small">{e.folded} unchanged {e.folded === 1 ? 'cell' : 'cells'}</li>
              ) : (
                <DiffEntry key={`${e.kind}-${'a' in e ? e.a : ''}-${'b' in e ? e.b : ''}`} entry={e} focused={focus !== null && 'b' in e && e.b === focus} sources={sources} />
              ),
            )}
          </ol>
        </>
      )}
    </section>
  );
}

function fold(entries: CellDiffEntry[]): (CellDiffEntry | { folded: number })[] {
  const out: (CellDiffEntry | { folded: number })[] = [];
  for (const e of entries) {
    const last = out[out.length - 1];
    if (e.kind === 'unchanged') {
      if (last && 'folded' in last) last.folded++;
      else out.push({ folded: 1 });
    } else out.push(e);
  }
  return out;
}

const LABEL = { added: 'Added', removed: 'Removed', moved: 'Moved', modified: 'Modified', unchanged: 'Unchanged' } as const;

type Sources = { before: NotebookSourceValue; after: NotebookSourceValue } | null;

function DiffEntry({ entry, focused, sources }: { entry: CellDiffEntry; focused: boolean; sources: Sources }) {
  const where = entry.kind === 'removed' ? `was cell ${entry.a + 1}` : entry.kind === 'added' ? `cell ${entry.b + 1}` : 'a' in entry && entry.a !== entry.b ? `cell ${entry.a + 1} → ${entry.b + 1}` : `cell ${entry.b + 1}`;
  const moved = entry.kind === 'moved' || (entry.kind === 'modified' && entry.moved);
  return (
    <li className={`nb-diff-entry ${entry.kind}${focused ? ' focused' : ''}`} data-testid="diff-entry" data-kind={entry.kind} ref={focused ? (el) => el?.scrollIntoView({ block: 'start' }) : undefined}>
      <p className="small"><strong>{LABEL[entry.kind]}</strong>{moved && entry.kind === 'modified' && ' and moved'} · {where} · <code>{cellHeadline(entry.cell.source, 60)}</code></p>
      {entry.kind === 'added' && <Source parts={[{ kind: 'added', text: entry.cell.source }]} />}
      {entry.kind === 'removed' && <Source parts={[{ kind: 'removed', text: entry.cell.source }]} />}
      {entry.kind === 'modified' && (
        <>
          {entry.source && <LineDiff before={entry.before.source} after={entry.cell.source} />}
          {entry.executionCount && <p className="small muted">Execution count {entry.executionCount.from ?? '–'} → {entry.executionCount.to ?? '–'}</p>}
          {entry.metadata && <pre className="nb-json small">{JSON.stringify(entry.metadata.from)} → {JSON.stringify(entry.metadata.to)}</pre>}
          {entry.outputs && <Outputs before={entry.before} after={entry.cell} sources={sources} />}
        </>
      )}
    </li>
  );
}

function Source({ parts }: { parts: TextPart[] }) {
  return <pre className="nb-diff-source">{parts.map((p, i) => (p.kind === 'same' ? <span key={i}>{p.text}</span> : p.kind === 'added' ? <ins key={i}>{p.text}</ins> : <del key={i}>{p.text}</del>))}</pre>;
}

/** By line; a run of removed lines followed by added ones shows which words changed. */
function LineDiff({ before, after }: { before: string; after: string }) {
  const { lines } = diffSource(before, after);
  const rows: ReactElement[] = [];
  for (let i = 0; i < lines.length; i++) {
    const p = lines[i]!;
    const next = lines[i + 1];
    if (p.kind === 'removed' && next?.kind === 'added') {
      const words = diffSource(p.text, next.text).words;
      rows.push(<div key={i} className="nb-line removed"><Words parts={words.filter((w) => w.kind !== 'added')} /></div>);
      rows.push(<div key={`${i}+`} className="nb-line added"><Words parts={words.filter((w) => w.kind !== 'removed')} /></div>);
      i++;
    } else rows.push(<div key={i} className={`nb-line ${p.kind}`}>{p.text}</div>);
  }
  return <pre className="nb-diff-source" data-testid="line-diff">{rows}</pre>;
}

function Words({ parts }: { parts: TextPart[] }) {
  return <>{parts.map((w, i) => (w.kind === 'same' ? <span key={i}>{w.text}</span> : w.kind === 'added' ? <ins key={i}>{w.text}</ins> : <del key={i}>{w.text}</del>))}</>;
}

function Outputs({ before, after, sources }: { before: NotebookCell; after: NotebookCell; sources: Sources }) {
  return (
    <div className="nb-diff-outputs" data-testid="outputs-diff">
      <NotebookSource.Provider value={sources?.before ?? null}>
        <div><p className="small muted">Outputs before</p>{before.outputs.map((o, i) => <NotebookOutputView key={i} output={o} />)}</div>
      </NotebookSource.Provider>
      <NotebookSource.Provider value={sources?.after ?? null}>
        <div><p className="small muted">Outputs after</p>{after.outputs.map((o, i) => <NotebookOutputView key={i} output={o} />)}</div>
      </NotebookSource.Provider>
    </div>
  );
}
