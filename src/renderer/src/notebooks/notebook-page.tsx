/**
 * A notebook read as it was run (`#/w/<ws>/notebooks/<id>?v=<n>&cell=<i>`), with its discussion
 * beside it; `?diff=<a>-<b>` shows the comparison of two versions instead (notebook-diff.tsx).
 * Only the cells in view are drawn (@tanstack/react-virtual), so a notebook of thousands of
 * cells and megabytes of outputs opens at once.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { Notebook } from '../../../core/notebook';
import { getNotebook, getRunSummary, listMembers, listNotebookVersions, listThreads } from '../../../core/workspace';
import { setHashQuery, useHashQuery } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { ConversationContext, useConversationOpen, useWithConversation } from '../session/use-conversation';
import { TimeAgo } from '../components/badges';
import { addNotebookFile } from './add-notebook';
import { NotebookCellView, type PendingAnchor } from './notebook-cell';
import { NotebookThreads, type PlacedThread } from './notebook-threads';
import { NotebookSource } from './lazy-output';
import { estimateCellHeight } from './output-plan';
import { placeThread } from './thread-placement';
import { useNotebooks } from './use-notebook';
import './notebooks.css';

const NotebookDiffView = lazy(() => import('./notebook-diff').then((m) => ({ default: m.NotebookDiffView })));

export function NotebookPage({ session, notebookId }: { session: WorkspaceSession; notebookId: string }) {
  const conversation = useConversationOpen(session, { kind: 'notebook', id: notebookId });
  const read = useCallback(
    (doc: Y.Doc, c: Y.Doc | null) => {
      const notebook = getNotebook(doc, notebookId);
      return {
        notebook,
        versions: listNotebookVersions(doc, notebookId),
        threads: listThreads(doc, 'notebook', notebookId, c),
        members: listMembers(doc),
        runs: (notebook?.runIds ?? []).map((id) => ({ id, name: getRunSummary(doc, id)?.name ?? id })),
      };
    },
    [notebookId],
  );
  const { notebook, versions, threads, members, runs } = useWithConversation(session, conversation, read);
  const query = useHashQuery();
  const ws = session.connection.workspaceId;
  const wanted = Number(query.get('v'));
  const found = versions.findIndex((v) => v.version === wanted);
  const shownIndex = found === -1 ? versions.length - 1 : found;
  const shown = versions[shownIndex];
  const diff = /^(\d+)-(\d+)$/.exec(query.get('diff') ?? '');

  if (!notebook) return <p className="empty">No such notebook here (yet): it may still be on its way from the person who added it.</p>;
  if (!shown) return <p className="muted" role="status">Waiting for the notebook's first version…</p>;
  const diffHref = (a: number, b: number, cell?: number) => `#/w/${ws}/notebooks/${encodeURIComponent(notebookId)}?diff=${a}-${b}${cell !== undefined ? `&cell=${cell}` : ''}`;

  return (
    <ConversationContext.Provider value={conversation}>
    <section className="nb-page" aria-labelledby="notebook-title">
      <header className="nb-header">
        <h2 id="notebook-title">{notebook.title}</h2>
        <p className="muted small">
          {notebook.path} · v{shown.version} of {versions.length} · {shown.cellCount} cells · nbformat {shown.nbformat} · added by {shown.addedByName} <TimeAgo at={shown.addedAt} />
          {runs.length > 0 && <> · runs: {runs.map((r, i) => <span key={r.id}>{i > 0 && ', '}<a href={`#/w/${ws}/runs/${encodeURIComponent(r.id)}`}>{r.name}</a></span>)}</>}
        </p>
        <div className="row nb-header-tools">
          <label className="small">
            Version{' '}
            <select value={shown.version} onChange={(e) => setHashQuery([['v', e.target.value]])} data-testid="notebook-version">
              {versions.map((v) => <option key={v.id} value={v.version}>v{v.version} · {v.addedByName}</option>)}
            </select>
          </label>
          {versions.length > 1 && (
            <a href={diff ? `#/w/${ws}/notebooks/${encodeURIComponent(notebookId)}?v=${shown.version}`
              : shownIndex > 0 ? diffHref(versions[shownIndex - 1]!.version, shown.version) : diffHref(shown.version, versions[1]!.version)}>
              {diff ? 'Back to the notebook' : 'Compare versions'}
            </a>
          )}
          <AddVersion session={session} path={notebook.path} />
        </div>
        {shown.notes?.map((n) => <p key={n} className="muted small" role="note">{n}</p>)}
      </header>
      {diff ? (
        <Suspense fallback={<p className="muted" role="status">Loading…</p>}>
          <NotebookDiffView session={session} notebookId={notebookId} title={notebook.title} versions={versions} from={Number(diff[1])} to={Number(diff[2])} />
        </Suspense>
      ) : (
        <NotebookReader key={shown.id} session={session} notebookId={notebookId} title={notebook.title} versions={versions} shownIndex={shownIndex} threads={threads} members={members} diffHref={diffHref} />
      )}
    </section>
    </ConversationContext.Provider>
  );
}

function NotebookReader({ session, notebookId, title, versions, shownIndex, threads, members, diffHref }: {
  session: WorkspaceSession;
  notebookId: string;
  title: string;
  versions: ReturnType<typeof listNotebookVersions>;
  shownIndex: number;
  threads: ReturnType<typeof listThreads>;
  members: ReturnType<typeof listMembers>;
  diffHref: (a: number, b: number, cell?: number) => string;
}) {
  const shown = versions[shownIndex]!;
  const current = useNotebooks(session, useMemo(() => [shown], [shown]), title);
  // Threads made on earlier versions are followed through every version since: load those.
  const earliest = useMemo(() => {
    let first = shownIndex;
    for (const t of threads) {
      const a = t.root.target.kind === 'notebook' ? t.root.target.anchor : undefined;
      const i = a ? versions.findIndex((v) => v.id === a.versionId) : -1;
      if (i !== -1 && i < first) first = i;
    }
    return first;
  }, [threads, versions, shownIndex]);
  const chain = useNotebooks(session, useMemo(() => versions.slice(earliest, shownIndex + 1), [versions, earliest, shownIndex]), title);
  const [pending, setPending] = useState<PendingAnchor | null>(null);
  const source = useMemo(() => ({ session, blob: shown.blob, name: `${title} v${shown.version}` }), [session, shown.blob, shown.version, title]);
  const query = useHashQuery();
  const focusParam = query.get('cell');
  const [focused, setFocused] = useState<number | null>(focusParam !== null ? Number(focusParam) : null);

  const placed: PlacedThread[] = useMemo(() => {
    const loaded: (Notebook | undefined)[] = versions.map((_, i) => (chain.kind === 'ready' && i >= earliest && i <= shownIndex ? chain.value[i - earliest] : undefined));
    return threads
      .map((thread) => ({ thread, placement: placeThread(thread.root.target.kind === 'notebook' ? thread.root.target.anchor : undefined, versions, loaded, shownIndex) }))
      .sort((x, y) => order(x.placement) - order(y.placement) || x.thread.root.createdAt - y.thread.root.createdAt);
  }, [threads, versions, chain, earliest, shownIndex]);
  const perCell = useMemo(() => {
    const m = new Map<number, number>();
    for (const p of placed) if (p.placement.kind === 'here') m.set(p.placement.index, (m.get(p.placement.index) ?? 0) + 1);
    return m;
  }, [placed]);

  if (current.kind === 'loading') return <p className="muted" role="status">Loading the notebook…</p>;
  if (current.kind === 'error') return <p role="alert" className="error">{current.message}</p>;
  const nb = current.value[0]!;
  return (
    <div className="nb-layout">
      <NotebookSource.Provider value={source}>
      <CellList nb={nb} perCell={perCell} canComment={session.connection.role !== 'viewer'} focused={focused} onComment={setPending}
        onShowThreads={(i) => document.querySelector(`.nb-threads li[data-cell-index="${i}"]`)?.scrollIntoView({ block: 'nearest' })} />
      </NotebookSource.Provider>
      <NotebookThreads session={session} notebookId={notebookId} threads={placed} members={members} shown={shown} versions={versions} notebook={nb}
        pending={pending} onClearPending={() => setPending(null)} diffHref={diffHref}
        onGoToCell={(i) => {
          setFocused(i);
          // In the URL, so "Copy link to this page" cites this cell (an incident or handoff can link it).
          setHashQuery([...[...query.entries()].filter(([k]) => k !== 'cell' && k !== 'v'), ['v', String(shown.version)], ['cell', String(i)]], { replace: true });
        }} />
    </div>
  );
}

/** Threads in the order of their cells; whole-notebook threads first, removed cells last. */
function order(p: PlacedThread['placement']): number {
  return p.kind === 'notebook' ? -1 : p.kind === 'here' ? p.index : 1e9;
}

function CellList({ nb, perCell, canComment, focused, onComment, onShowThreads }: {
  nb: Notebook;
  perCell: Map<number, number>;
  canComment: boolean;
  focused: number | null;
  onComment: (a: PendingAnchor) => void;
  onShowThreads: (i: number) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: nb.cells.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => estimateCellHeight(nb.cells[i]!.source, nb.cells[i]!.outputs),
    overscan: 3,
  });
  useEffect(() => {
    performance.mark('notebook:drawn'); // for bench/notebook.ts
  }, [nb]);
  useEffect(() => {
    if (focused !== null && focused >= 0 && focused < nb.cells.length) virtualizer.scrollToIndex(focused, { align: 'start' });
  }, [focused, nb, virtualizer]);
  if (nb.cells.length === 0) return <p className="empty">This notebook has no cells.</p>;
  return (
    <div ref={scroller} className="nb-scroll" data-testid="notebook-cells" tabIndex={0} aria-label={`${nb.cells.length} cells`}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => (
          <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="nb-row" style={{ transform: `translateY(${item.start}px)` }}>
            <NotebookCellView cell={nb.cells[item.index]!} index={item.index} language={nb.language} threads={perCell.get(item.index) ?? 0} canComment={canComment}
              focused={focused === item.index} onComment={onComment} onShowThreads={onShowThreads} />
          </div>
        ))}
      </div>
    </div>
  );
}

/** Owners and editors add the next version of this notebook from a file. */
function AddVersion({ session, path }: { session: WorkspaceSession; path: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<{ error: boolean; text: string } | null>(null);
  const role = session.connection.role;
  if (role !== 'owner' && role !== 'editor') return null;
  return (
    <>
      <button type="button" className="secondary small-button" onClick={() => input.current?.click()}>Add a version…</button>
      <input ref={input} type="file" accept=".ipynb" hidden data-testid="notebook-version-file" onChange={(e) => {
        const file = e.target.files?.[0];
        e.target.value = '';
        if (!file) return;
        addNotebookFile(session, file, path)
          .then((a) => {
            setStatus({ error: false, text: a.outcome === 'unchanged' ? 'That file is already the latest version.' : `Added as v${a.version}.` });
            setHashQuery([['v', String(a.version)]]);
          })
          .catch((err: Error) => setStatus({ error: true, text: err.message }));
      }} />
      {status && <span className={status.error ? 'error small' : 'muted small'} role={status.error ? 'alert' : 'status'}>{status.text}</span>}
    </>
  );
}
