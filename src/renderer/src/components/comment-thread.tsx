/**
 * One comment thread: its first comment, the replies, reactions on each, and resolve/reopen.
 * A resolved thread folds to one line (who resolved it, when) that opens on request, so the
 * timeline reads as what is still open. Bodies are text: @mentions of members are marked up
 * by splitting the text, never by parsing it as markup.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { type CommentRecord, type CommentThread, type ReactionSummary, docOfComment, reopenThread, replyToComment, resolveThread } from '../../../core/workspace';
import { useConversationDoc } from '../session/use-conversation';
import { useHashQuery } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { TimeAgo } from './badges';
import { Reactions } from './reactions';
import { MentionTextarea } from './mention-textarea';

export interface ThreadPermissions {
  comment: boolean;
  /** Owners and editors resolve any thread; a commenter only the ones they started. */
  resolveAny: boolean;
}

export function CommentThreadView({ session, thread, memberNames, can, onError }: {
  session: WorkspaceSession;
  thread: CommentThread;
  memberNames: Map<string, string>;
  can: ThreadPermissions;
  onError: (err: unknown) => void;
}) {
  const { root, replies, resolution } = thread;
  const resolved = resolution?.resolved ?? false;
  // Opened from the inbox on a comment of this thread: a resolved thread shows it.
  const focus = useHashQuery().get('comment');
  const [expanded, setExpanded] = useState(() => focus !== null && (root.id === focus || replies.some((r) => r.id === focus)));
  const [replying, setReplying] = useState(false);
  const canResolve = can.resolveAny || (can.comment && root.authorId === session.connection.memberId);
  const conversation = useConversationDoc();
  const home = () => docOfComment(session.doc, conversation, root.id);
  const run = (f: () => void) => {
    try {
      f();
    } catch (err) {
      onError(err);
    }
  };
  const item = (c: CommentRecord) => (
    <CommentItem session={session} comment={c} reactions={thread.reactions.get(c.id) ?? []} memberNames={memberNames} canReact={can.comment} onError={onError} />
  );

  return (
    <article className={resolved ? 'thread resolved' : 'thread'} aria-label={`Thread started by ${root.authorName}`}>
      {resolved && (
        <p className="thread-state small">
          <span aria-hidden="true">✓ </span>Resolved by {resolution!.byName} <TimeAgo at={resolution!.at} />
          {!expanded && <span className="muted"> · {root.authorName}: “{excerpt(root.body)}”</span>}
          {' · '}
          <button type="button" className="link" aria-expanded={expanded} onClick={() => setExpanded((e) => !e)}>
            {expanded ? 'Hide thread' : `Show thread (${1 + replies.length} ${replies.length === 0 ? 'comment' : 'comments'})`}
          </button>
        </p>
      )}
      {(!resolved || expanded) && (
        <>
          {item(root)}
          {replies.length > 0 && (
            <ol className="replies" aria-label={`Replies to ${root.authorName}`}>
              {replies.map((r) => <li key={r.id}>{item(r)}</li>)}
            </ol>
          )}
          {!resolved && resolution && !resolution.resolved && (
            <p className="muted small">Reopened by {resolution.byName} <TimeAgo at={resolution.at} /></p>
          )}
          <div className="thread-actions">
            {can.comment && !replying && <button type="button" className="secondary small-button" onClick={() => setReplying(true)}>Reply</button>}
            {canResolve && (resolved
              ? <button type="button" className="secondary small-button" onClick={() => run(() => reopenThread(home(), { commentId: root.id }, session.commandContext()))}>Reopen thread</button>
              : <button type="button" className="secondary small-button" onClick={() => run(() => resolveThread(home(), { commentId: root.id }, session.commandContext()))}>Resolve thread</button>)}
          </div>
          {replying && <ReplyForm session={session} root={root} onDone={() => setReplying(false)} onError={onError} />}
        </>
      )}
    </article>
  );
}

function CommentItem({ session, comment, reactions, memberNames, canReact, onError }: {
  session: WorkspaceSession;
  comment: CommentRecord;
  reactions: ReactionSummary[];
  memberNames: Map<string, string>;
  canReact: boolean;
  onError: (err: unknown) => void;
}) {
  // Opened from the inbox (`?comment=<id>`): scroll to this comment, mark it, and move focus to it.
  const focused = useHashQuery().get('comment') === comment.id;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!focused) return;
    ref.current?.scrollIntoView({ block: 'center' });
    ref.current?.focus({ preventScroll: true });
  }, [focused]);
  return (
    <div className={focused ? 'comment highlighted' : 'comment'} id={`comment-${comment.id}`} ref={ref} tabIndex={focused ? -1 : undefined} data-focused={focused || undefined}>
      <p className="small"><strong>{comment.authorName}</strong> <span className="muted"><TimeAgo at={comment.createdAt} /></span></p>
      <p className="prose"><CommentBody body={comment.body} mentioned={(comment.mentions ?? []).flatMap((id) => memberNames.get(id) ?? [])} /></p>
      <Reactions session={session} commentId={comment.id} summary={reactions} canReact={canReact} onError={onError} />
    </div>
  );
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/** The body as text, with each @Name of a mentioned member marked. */
export function CommentBody({ body, mentioned }: { body: string; mentioned: string[] }) {
  if (mentioned.length === 0) return <>{body}</>;
  const names = [...mentioned].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const parts = body.split(new RegExp(`(@(?:${names.join('|')}))(?![\\p{L}\\p{N}_])`, 'giu'));
  return <>{parts.map((part, i) => (i % 2 === 1 ? <span key={i} className="mention">{part}</span> : part))}</>;
}

function ReplyForm({ session, root, onDone, onError }: { session: WorkspaceSession; root: CommentRecord; onDone: () => void; onError: (err: unknown) => void }) {
  const [body, setBody] = useState('');
  const conversation = useConversationDoc();
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    try {
      // Into the doc that holds the thread: its conversation doc once there is one (the workspace
      // doc still gives the target and the members).
      replyToComment(session.doc, { commentId: root.id, body }, session.commandContext(), docOfComment(session.doc, conversation, root.id));
      setBody('');
      onDone();
    } catch (err) {
      onError(err);
    }
  };
  return (
    <form className="reply-box" aria-label={`Reply to ${root.authorName}`} onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      <label>
        Reply
        <MentionTextarea
          session={session}
          autoFocus
          rows={2}
          value={body}
          onValue={setBody}
          placeholder="Write a reply; @Name mentions a teammate (Ctrl+Enter to send)"
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
          }}
        />
      </label>
      <div className="row">
        <button type="submit">Send reply</button>
        <button type="button" className="secondary" onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}
