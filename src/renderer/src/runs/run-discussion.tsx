/**
 * What people add to a run: a short note (one per run, editable by owners and editors) and
 * comment threads (anyone who may comment), synced like every other part of the workspace.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { CommandError, RUN_NOTE_MAX, addComment, annotateRun, getRunAnnotation, listMembers, listThreads } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { CommentThreadView } from '../components/comment-thread';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { ConversationContext, useConversation } from '../session/use-conversation';
import { MentionTextarea } from '../components/mention-textarea';

function message(err: unknown): string {
  return err instanceof CommandError ? err.issues.map((i) => i.message).join('; ') : String(err);
}

export function RunNote({ session, runId }: { session: WorkspaceSession; runId: string }) {
  const note = useDocValue(session.doc, useCallback((doc: Y.Doc) => getRunAnnotation(doc, runId), [runId]));
  const canEdit = session.connection.role === 'owner' || session.connection.role === 'editor';
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Someone else saved while this person was not editing: show theirs.
  useEffect(() => setError(null), [note?.text]);
  const save = (e: FormEvent) => {
    e.preventDefault();
    try {
      annotateRun(session.doc, { runId, text: draft ?? '' }, session.commandContext());
      setDraft(null);
    } catch (err) {
      setError(message(err));
    }
  };
  return (
    <section className="card run-section run-note" aria-labelledby="run-note-title">
      <h3 id="run-note-title">Run note</h3>
      {draft === null ? (
        <>
          {note ? (
            <>
              <p className="prose" data-testid="run-note-text">{note.text}</p>
              <p className="muted small">{note.updatedByName}, <TimeAgo at={note.updatedAt} /></p>
            </>
          ) : (
            <p className="muted small">No note yet. A line on what this run is for, or what went wrong, saves the next person a look through its params.</p>
          )}
          {canEdit && <button type="button" className="secondary" onClick={() => setDraft(note?.text ?? '')}>{note ? 'Edit note' : 'Add a note'}</button>}
        </>
      ) : (
        <form onSubmit={save} aria-label="Edit the run note">
          <label>
            Note
            <textarea value={draft} rows={4} maxLength={RUN_NOTE_MAX + 100} onChange={(e) => setDraft(e.target.value)} aria-describedby="run-note-count" />
          </label>
          <p id="run-note-count" className={draft.length > RUN_NOTE_MAX ? 'error small' : 'muted small'}>{draft.length} / {RUN_NOTE_MAX} characters</p>
          {error && <p role="alert" className="error">{error}</p>}
          <div className="row">
            <button type="submit">Save note</button>
            <button type="button" className="secondary" onClick={() => { setDraft(null); setError(null); }}>Cancel</button>
          </div>
        </form>
      )}
    </section>
  );
}

export function RunComments({ session, runId }: { session: WorkspaceSession; runId: string }) {
  const read = useCallback((doc: Y.Doc, conversation: Y.Doc | null) => ({ threads: listThreads(doc, 'run', runId, conversation), members: listMembers(doc) }), [runId]);
  const { value: { threads, members }, conversation } = useConversation(session, { kind: 'run', id: runId }, read);
  const memberNames = new Map(members.map((m) => [m.id, m.name]));
  const role = session.connection.role;
  const can = { comment: role !== 'viewer', resolveAny: role === 'owner' || role === 'editor' };
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    try {
      addComment(session.doc, { target: { kind: 'run', id: runId }, body }, session.commandContext(), conversation ?? session.doc);
      setBody('');
      setError(null);
    } catch (err) {
      setError(message(err));
    }
  };
  return (
    <ConversationContext.Provider value={conversation}>
    <section className="card run-section" aria-labelledby="run-comments-title">
      <h3 id="run-comments-title">Comments</h3>
      {threads.length === 0 ? <p className="muted small">No comments yet. Ask about a number, or say what you checked.</p> : (
        <ol className="comments" aria-label="Comments on this run">
          {threads.map((t) => (
            <li key={t.root.id}><CommentThreadView session={session} thread={t} memberNames={memberNames} can={can} onError={(err) => setError(message(err))} /></li>
          ))}
        </ol>
      )}
      {can.comment ? (
        <form onSubmit={submit} className="comment-box" aria-label="Comment on this run">
          <label>
            Comment
            <MentionTextarea
              session={session}
              value={body}
              rows={3}
              onValue={setBody}
              placeholder="Write a comment; @Name mentions a teammate (Ctrl+Enter to send)"
              onKeyDown={(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && submit()}
            />
          </label>
          {error && <p role="alert" className="error">{error}</p>}
          <button type="submit">Comment</button>
        </form>
      ) : <p className="muted small">Viewers cannot comment.</p>}
    </section>
    </ConversationContext.Provider>
  );
}
