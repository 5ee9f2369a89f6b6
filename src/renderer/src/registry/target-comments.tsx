/**
 * The comment threads on a model version or a handoff, and the box to start one. Same threads,
 * replies, reactions and @mentions as incidents (CommentThreadView); a mention reaches the inbox,
 * which links back here.
 */
import { type FormEvent, useCallback, useState } from 'react';
import type * as Y from 'yjs';
import { addComment, listMembers, listThreads } from '../../../core/workspace';
import { CommentThreadView } from '../components/comment-thread';
import { ConversationContext, useConversation } from '../session/use-conversation';
import type { WorkspaceSession } from '../session/workspace-session';
import { errorText } from './use-registry';
import { MentionTextarea } from '../components/mention-textarea';

export function TargetComments({ session, kind, id, empty }: { session: WorkspaceSession; kind: 'modelVersion' | 'handoff'; id: string; empty: string }) {
  const read = useCallback((doc: Y.Doc, conversation: Y.Doc | null) => ({ threads: listThreads(doc, kind, id, conversation), members: listMembers(doc) }), [kind, id]);
  const { value: { threads, members }, conversation } = useConversation(session, { kind, id }, read);
  const memberNames = new Map(members.map((m) => [m.id, m.name]));
  const role = session.connection.role;
  const can = { comment: role !== 'viewer', resolveAny: role === 'owner' || role === 'editor' };
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    try {
      addComment(session.doc, { target: { kind, id }, body }, session.commandContext(), conversation ?? session.doc);
      setBody('');
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <ConversationContext.Provider value={conversation}>
    <section aria-labelledby={`comments-${id}`}>
      <h3 id={`comments-${id}`}>Comments</h3>
      {threads.length === 0 ? <p className="empty">{empty}</p> : (
        <ol className="timeline" aria-label="Comments">
          {threads.map((t) => <li key={t.root.id} className="thread-entry"><CommentThreadView session={session} thread={t} memberNames={memberNames} can={can} onError={(err) => setError(errorText(err))} /></li>)}
        </ol>
      )}
      {can.comment ? (
        <form onSubmit={submit} className="comment-box" aria-label="Add a comment">
          <label>
            Comment
            <MentionTextarea session={session} value={body} onValue={setBody} rows={3} placeholder="Write a comment; @Name mentions a teammate (Ctrl+Enter to send)"
              onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(); }} />
          </label>
          {error && <p role="alert" className="error">{error}</p>}
          <button type="submit">Comment</button>
        </form>
      ) : <p className="muted">Viewers cannot comment.</p>}
    </section>
    </ConversationContext.Provider>
  );
}
