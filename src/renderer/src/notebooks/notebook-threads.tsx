/**
 * The notebook's discussion, beside its cells: every thread with where it stands in the version
 * shown (thread-placement.ts) — on its cell as it was, on a cell that changed since (the diff one
 * click away), or on a cell removed in some version — and the box to start one, on the cell,
 * words or output chosen in the notebook. Threads, replies, reactions, resolve and @mentions are
 * the incidents' (CommentThreadView); commenters comment, viewers read.
 */
import { type FormEvent, useState } from 'react';
import { type Notebook, cellHeadline } from '../../../core/notebook';
import { CommandError, type CommentThread, type MemberRecord, type NotebookVersionRecord, addComment } from '../../../core/workspace';
import { CommentThreadView } from '../components/comment-thread';
import { MentionTextarea } from '../components/mention-textarea';
import type { WorkspaceSession } from '../session/workspace-session';
import { useConversationDoc } from '../session/use-conversation';
import type { PendingAnchor } from './notebook-cell';
import type { Placement } from './thread-placement';

export interface PlacedThread {
  thread: CommentThread;
  placement: Placement;
}

const message = (err: unknown) => (err instanceof CommandError ? err.issues.map((i) => i.message).join('; ') : String(err));

export function NotebookThreads({ session, notebookId, threads, members, shown, versions, notebook, pending, onClearPending, onGoToCell, diffHref }: {
  session: WorkspaceSession;
  notebookId: string;
  threads: PlacedThread[];
  members: MemberRecord[];
  /** The version on screen. */
  shown: NotebookVersionRecord;
  versions: readonly NotebookVersionRecord[];
  notebook: Notebook;
  pending: PendingAnchor | null;
  onClearPending: () => void;
  onGoToCell: (index: number) => void;
  diffHref: (fromVersion: number, toVersion: number, cellIndex?: number) => string;
}) {
  const [error, setError] = useState<string | null>(null);
  const memberNames = new Map(members.map((m) => [m.id, m.name]));
  const role = session.connection.role;
  const can = { comment: role !== 'viewer', resolveAny: role === 'owner' || role === 'editor' };
  const versionOf = (id: string) => versions.find((v) => v.id === id)?.version;

  return (
    <aside className="nb-discussion" aria-label="Discussion">
      <h3>Discussion</h3>
      {can.comment ? (
        <CommentBox session={session} notebookId={notebookId} shown={shown} notebook={notebook} pending={pending} onClearPending={onClearPending} onError={setError} />
      ) : (
        <p className="muted small">Viewers read the discussion; commenters, editors and owners take part.</p>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      {threads.length === 0 ? (
        <p className="empty small">No comments yet.{can.comment ? ' Choose “Comment” on a cell (select words in it first to comment on them) or “Comment on this output”.' : ''}</p>
      ) : (
        <ol className="comments nb-threads" aria-label="Threads">
          {threads.map(({ thread, placement }) => {
            const anchor = thread.root.target.kind === 'notebook' ? thread.root.target.anchor : undefined;
            const made = anchor ? versionOf(anchor.versionId) : undefined;
            const state = placement.kind === 'here' ? placement.fate.kind : placement.kind;
            return (
              <li key={thread.root.id} data-testid="notebook-thread" data-state={state} data-cell-index={placement.kind === 'here' ? placement.index : undefined}>
                <p className="nb-thread-where small">
                  {placement.kind === 'here' && (
                    <button type="button" className="link" onClick={() => onGoToCell(placement.index)}>
                      Cell {placement.index + 1}{anchor?.part === 'output' ? `, output ${(anchor.outputIndex ?? 0) + 1}` : ''} · {cellHeadline(notebook.cells[placement.index]?.source ?? '', 40)}
                    </button>
                  )}
                  {placement.kind === 'notebook' && <span className="muted">On the notebook</span>}
                  {placement.kind === 'later' && <span className="muted">Made on v{placement.version}, a later version</span>}
                  {placement.kind === 'unknown' && <span className="muted">On a cell this version cannot place</span>}
                  {placement.kind === 'removed' && (
                    <span className="nb-removed" data-testid="thread-removed">
                      The cell was removed in v{placement.inVersion} <span className="muted">(“{placement.headline}”)</span>
                      {made !== undefined && <> · <a href={diffHref(made, placement.inVersion)}>Show the diff</a></>}
                    </span>
                  )}
                </p>
                {placement.kind === 'here' && placement.fate.kind === 'changed' && made !== undefined && (
                  <p className="nb-changed small" data-testid="thread-changed">
                    The cell changed since v{made} (in v{placement.fate.since}) · <a href={diffHref(made, shown.version, placement.index)} data-testid="thread-diff-link">Show the diff</a>
                  </p>
                )}
                {anchor?.quote && <p className={`quote small${placement.kind === 'removed' ? ' removed' : ''}`}><q>{anchor.quote.text}</q></p>}
                <CommentThreadView session={session} thread={thread} memberNames={memberNames} can={can} onError={(err) => setError(message(err))} />
              </li>
            );
          })}
        </ol>
      )}
    </aside>
  );
}

function CommentBox({ session, notebookId, shown, notebook, pending, onClearPending, onError }: {
  session: WorkspaceSession;
  notebookId: string;
  shown: NotebookVersionRecord;
  notebook: Notebook;
  pending: PendingAnchor | null;
  onClearPending: () => void;
  onError: (message: string | null) => void;
}) {
  const [body, setBody] = useState('');
  const conversation = useConversationDoc();
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    try {
      const anchor = pending ? { ...pending, versionId: shown.id, version: shown.version } : undefined;
      addComment(session.doc, { target: { kind: 'notebook', id: notebookId, ...(anchor ? { anchor } : {}) }, body }, session.commandContext(), conversation ?? session.doc);
      setBody('');
      onError(null);
      onClearPending();
    } catch (err) {
      onError(message(err));
    }
  };
  const cell = pending ? notebook.cells[pending.cellIndex] : undefined;
  return (
    <form onSubmit={submit} className="comment-box" aria-label="Add a comment">
      <p className="quote small" data-testid="pending-anchor">
        {pending && cell ? (
          <>
            <span className="muted">On cell {pending.cellIndex + 1}{pending.part === 'output' ? `, output ${(pending.outputIndex ?? 0) + 1}` : ''}:</span>{' '}
            {pending.quote ? <q>{pending.quote.text}</q> : <code>{cellHeadline(cell.source, 50)}</code>}{' '}
            <button type="button" className="link" onClick={onClearPending}>Comment on the whole notebook instead</button>
          </>
        ) : <span className="muted">On the whole notebook (choose “Comment” on a cell to comment on it)</span>}
      </p>
      <label>
        Comment
        <MentionTextarea session={session} value={body} onValue={setBody} rows={3} placeholder="Write a comment; @Name mentions a teammate (Ctrl+Enter to send)"
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(); if (e.key === 'Escape' && pending) onClearPending(); }} />
      </label>
      <button type="submit">Comment</button>
    </form>
  );
}
