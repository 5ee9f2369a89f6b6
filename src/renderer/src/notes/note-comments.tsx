/**
 * A note's comment threads. A thread may hang on a range of the note (an anchor): it shows the
 * words it was made on, and a button that highlights where those words are now; when they were
 * deleted it says so and keeps the quote, so the comment still makes sense.
 */
import { type FormEvent, type RefObject, useCallback, useState } from 'react';
import type * as Y from 'yjs';
import { type CommentRecord, CommandError, type NoteAnchor, addComment, listMembers, listThreads, resolveNoteAnchor } from '../../../core/workspace';
import { CommentThreadView } from '../components/comment-thread';
import { useConversationDoc, useWithConversation } from '../session/use-conversation';
import type { WorkspaceSession } from '../session/workspace-session';
import { MentionTextarea } from '../components/mention-textarea';

function message(err: unknown): string {
  return err instanceof CommandError ? err.issues.map((i) => i.message).join('; ') : String(err);
}

interface ThreadProps {
  session: WorkspaceSession;
  noteId: string;
  text: Y.Text;
  activeId: string | null;
  onShow: (comment: CommentRecord) => void;
}

/**
 * The note's comment threads, as incidents have them (replies, reactions, resolve, @mentions:
 * CommentThreadView); a thread started on words shows them above it.
 */
export function NoteCommentThread({ session, noteId, text, activeId, onShow }: ThreadProps) {
  const conversation = useConversationDoc();
  const read = useCallback((doc: Y.Doc, c: Y.Doc | null) => ({ threads: listThreads(doc, 'note', noteId, c), members: listMembers(doc) }), [noteId]);
  const { threads, members } = useWithConversation(session, conversation, read);
  const [error, setError] = useState<string | null>(null);
  const memberNames = new Map(members.map((m) => [m.id, m.name]));
  const role = session.connection.role;
  const can = { comment: role !== 'viewer', resolveAny: role === 'owner' || role === 'editor' };
  if (threads.length === 0) {
    return <p className="empty">No comments yet. Select words in the note and choose “Comment on selection” to ask about them, or comment on the whole note below.</p>;
  }
  return (
    <>
      {error && <p role="alert" className="error">{error}</p>}
      <ol className="comments note-comments" aria-label="Comments">
        {threads.map((t) => {
          const c = t.root;
          const anchor = c.target.kind === 'note' ? c.target.anchor : undefined;
          const gone = anchor !== undefined && resolveNoteAnchor(text, anchor) === null;
          return (
            <li key={c.id} className={c.id === activeId ? 'active' : undefined} data-testid="note-comment">
              {anchor && (gone ? (
                <p className="quote removed small">
                  <span className="muted">Text was removed:</span> <q>{anchor.quote}</q>
                </p>
              ) : (
                <button type="button" className="quote small" aria-pressed={c.id === activeId} title="Highlight these words in the note" onClick={() => onShow(c)}>
                  <q>{anchor.quote}</q>
                </button>
              ))}
              <CommentThreadView session={session} thread={t} memberNames={memberNames} can={can} onError={(err) => setError(message(err))} />
            </li>
          );
        })}
      </ol>
    </>
  );
}

interface BoxProps {
  session: WorkspaceSession;
  noteId: string;
  /** The words the next comment is about, when the person chose "Comment on selection". */
  anchor: NoteAnchor | null;
  onClearAnchor: () => void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
}

export function NoteCommentBox({ session, noteId, anchor, onClearAnchor, inputRef }: BoxProps) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const conversation = useConversationDoc();
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    try {
      addComment(session.doc, { target: { kind: 'note', id: noteId, ...(anchor ? { anchor } : {}) }, body }, session.commandContext(), conversation ?? session.doc);
      setBody('');
      setError(null);
      onClearAnchor();
    } catch (err) {
      setError(message(err));
    }
  };
  return (
    <form onSubmit={submit} className="comment-box" aria-label="Add a comment">
      {anchor && (
        <p className="quote small" data-testid="pending-quote">
          <span className="muted">On</span> <q>{anchor.quote}</q>{' '}
          <button type="button" className="link" onClick={onClearAnchor}>Comment on the whole note instead</button>
        </p>
      )}
      <label>
        Comment
        <MentionTextarea
          session={session}
          textareaRef={inputRef}
          value={body}
          onValue={setBody}
          rows={3}
          placeholder="Write a comment; @Name mentions a teammate (Ctrl+Enter to send)"
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
            if (e.key === 'Escape' && anchor) onClearAnchor();
          }}
        />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit">Comment</button>
    </form>
  );
}
