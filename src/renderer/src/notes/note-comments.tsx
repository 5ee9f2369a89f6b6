/**
 * A note's comment thread. A comment may hang on a range of the note (an anchor): it shows the
 * words it was made on, and a button that highlights where those words are now; when they were
 * deleted it says so and keeps the quote, so the comment still makes sense.
 */
import { type FormEvent, type RefObject, useState } from 'react';
import type * as Y from 'yjs';
import { type CommentRecord, CommandError, type NoteAnchor, addComment, resolveNoteAnchor } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import type { WorkspaceSession } from '../session/workspace-session';
import { MentionTextarea } from '../components/mention-textarea';

function message(err: unknown): string {
  return err instanceof CommandError ? err.issues.map((i) => i.message).join('; ') : String(err);
}

interface ThreadProps {
  comments: readonly CommentRecord[];
  text: Y.Text;
  activeId: string | null;
  onShow: (comment: CommentRecord) => void;
}

export function NoteCommentThread({ comments, text, activeId, onShow }: ThreadProps) {
  if (comments.length === 0) {
    return <p className="empty">No comments yet. Select words in the note and choose “Comment on selection” to ask about them, or comment on the whole note below.</p>;
  }
  return (
    <ol className="comments note-comments" aria-label="Comments">
      {comments.map((c) => {
        const anchor = c.target.kind === 'note' ? c.target.anchor : undefined;
        const gone = anchor !== undefined && resolveNoteAnchor(text, anchor) === null;
        return (
          <li key={c.id} className={c.id === activeId ? 'active' : undefined} data-testid="note-comment">
            <p className="small"><strong>{c.authorName}</strong> <span className="muted"><TimeAgo at={c.createdAt} /></span></p>
            {anchor && (gone ? (
              <p className="quote removed small">
                <span className="muted">Text was removed:</span> <q>{anchor.quote}</q>
              </p>
            ) : (
              <button
                type="button"
                className="quote small"
                aria-pressed={c.id === activeId}
                title="Highlight these words in the note"
                onClick={() => onShow(c)}
              >
                <q>{anchor.quote}</q>
              </button>
            ))}
            <p className="prose">{c.body}</p>
          </li>
        );
      })}
    </ol>
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
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    try {
      addComment(session.doc, { target: { kind: 'note', id: noteId, ...(anchor ? { anchor } : {}) }, body }, session.commandContext());
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
