/**
 * One note: its title, the collaborative editor with an optional live preview, who else is in
 * it, and its comment thread (comments may hang on words of the note). Loaded lazily by the
 * workspace shell, so Monaco is fetched only when someone opens a note.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type * as Y from 'yjs';
import { type CommentRecord, NOTE_TEXT_KEY, type NoteAnchor, getNote, listMembers, listThreads, noteDocName } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { useDocValue, useHashQuery } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { ConversationContext, useConversationOpen, useWithConversation } from '../session/use-conversation';
import { NoteCommentBox, NoteCommentThread } from '../notes/note-comments';
import { type AnchoredRange, NoteEditor, type NoteEditorApi } from '../notes/note-editor';
import { useOpenDoc, useRecordMentions, useRemoteCursors, useTextVersion, useTouchOnEdit } from '../notes/note-hooks';
import { NoteHistory } from '../notes/note-history';
import { NotePreview } from '../notes/note-preview';
import { NoteTitle } from '../notes/note-title';
import '../notes/notes.css';

export function NotePage({ session, noteId }: { session: WorkspaceSession; noteId: string }) {
  const note = useDocValue(session.doc, useCallback((doc: Y.Doc) => getNote(doc, noteId), [noteId]));
  const ws = session.connection.workspaceId;
  if (!note) {
    return (
      <section>
        <p className="empty">This note is not here. It may have been deleted, or a teammate just made it and the workspace has not synced yet.</p>
        <a href={`#/w/${ws}/notes`}>Back to notes</a>
      </section>
    );
  }
  return <OpenNote session={session} noteId={noteId} />;
}

function OpenNote({ session, noteId }: { session: WorkspaceSession; noteId: string }) {
  const ws = session.connection.workspaceId;
  const note = useDocValue(session.doc, useCallback((doc: Y.Doc) => getNote(doc, noteId), [noteId]))!;
  const conversation = useConversationOpen(session, { kind: 'note', id: noteId });
  const comments = useWithConversation(session, conversation, useCallback((doc: Y.Doc, c: Y.Doc | null) => listThreads(doc, 'note', noteId, c).flatMap((t) => [t.root, ...t.replies]), [noteId]));
  const members = useDocValue(session.doc, useCallback((doc: Y.Doc) => listMembers(doc), []));
  const mentionables = useMemo(() => members.filter((m) => m.id !== session.connection.memberId), [members, session.connection.memberId]);
  const handle = useOpenDoc(session, noteDocName(ws, noteId));
  const role = session.connection.role;
  const canEdit = role === 'owner' || role === 'editor';
  const canComment = canEdit || role === 'commenter';
  useTouchOnEdit(session, noteId, handle?.doc ?? null, canEdit);
  const people = useRemoteCursors(handle?.awareness ?? null);

  const [preview, setPreview] = useState(true);
  const [history, setHistory] = useState(false);
  const [hasSelection, setHasSelection] = useState(false);
  const [pendingAnchor, setPendingAnchor] = useState<NoteAnchor | null>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [hint, setHint] = useState<string | null>(null);
  const editorApi = useRef<NoteEditorApi | null>(null);
  const commentInput = useRef<HTMLTextAreaElement | null>(null);
  const onReady = useCallback((api: NoteEditorApi | null) => (editorApi.current = api), []);
  // Opened from the inbox (`?mention=you`): this person's @mention is marked and scrolled to.
  const mentionOf = useHashQuery().get('mention') ? session.connection.memberName : null;

  const text = handle?.doc.getText(NOTE_TEXT_KEY) ?? null;
  useTextVersion(text); // re-resolves anchors ("text was removed") as the note changes
  useRecordMentions(session, noteId, text, canEdit);

  const anchors = useMemo<AnchoredRange[]>(
    () => comments.flatMap((c) => (c.target.kind === 'note' && c.target.anchor ? [{ id: c.id, anchor: c.target.anchor }] : [])),
    [comments],
  );

  const commentOnSelection = useCallback(() => {
    if (!canComment) return;
    const anchor = editorApi.current?.anchorSelection() ?? null;
    if (!anchor) {
      setHint('Select some words in the note first, then choose “Comment on selection”.');
      return;
    }
    setHint(null);
    setPendingAnchor(anchor);
    setTimeout(() => commentInput.current?.focus(), 0);
  }, [canComment]);

  const show = (comment: CommentRecord) => {
    const anchor = comment.target.kind === 'note' ? comment.target.anchor : undefined;
    setActiveId((current) => (current === comment.id ? null : comment.id));
    if (anchor) editorApi.current?.reveal(anchor);
  };

  return (
    <article className="note-page" aria-labelledby="note-title">
      <a href={`#/w/${ws}/notes`} className="muted small">← Notes</a>
      <NoteTitle key={note.id} session={session} note={note} canEdit={canEdit} />
      <p className="meta muted small">
        Started by {note.createdByName} <TimeAgo at={note.createdAt} /> · changed <TimeAgo at={note.updatedAt} />
        {handle && !handle.synced && <> · <span role="status">syncing this note…</span></>}
      </p>
      <div className="note-toolbar" role="toolbar" aria-label="Note tools">
        <button type="button" className="secondary" aria-pressed={preview} onClick={() => setPreview((p) => !p)}>
          {preview ? 'Hide preview' : 'Show preview'}
        </button>
        <button type="button" className="secondary" aria-expanded={history} aria-controls="note-history" onClick={() => setHistory((h) => !h)}>
          {history ? 'Hide history' : 'History'}
        </button>
        {canComment && (
          <button type="button" className="secondary" onClick={commentOnSelection} disabled={!hasSelection} aria-keyshortcuts="Control+Alt+M">
            Comment on selection
          </button>
        )}
        <span className="muted small">
          {canEdit ? 'In the editor, Ctrl+M then Tab moves focus out.' : `Read only: as a ${role} you can ${canComment ? 'select text and comment' : 'read'}.`}
        </span>
        <ul className="note-people" aria-label="Also in this note">
          {people.map((p) => (
            <li key={p.clientId} style={{ borderColor: p.color }}>{p.name}</li>
          ))}
        </ul>
      </div>
      {hint && <p role="alert" className="muted">{hint}</p>}
      {!handle || !text ? (
        <p className="muted" role="status">Opening the note…</p>
      ) : (
        <div className={preview ? 'note-panes split' : 'note-panes'}>
          <NoteEditor
            text={text}
            awareness={handle.awareness}
            readOnly={!canEdit}
            anchors={anchors}
            activeId={activeId}
            onReady={onReady}
            onSelectionChange={setHasSelection}
            onCommentShortcut={commentOnSelection}
            mentionables={mentionables}
            mentionOf={mentionOf}
          />
          {preview && <NotePreview text={text} />}
        </div>
      )}
      {history && (
        <div id="note-history">
          <NoteHistory session={session} noteId={noteId} text={text} canEdit={canEdit} />
        </div>
      )}
      <ConversationContext.Provider value={conversation}>
      <section aria-labelledby="note-comments-title" className="note-thread">
        <h3 id="note-comments-title">Comments ({comments.length})</h3>
        {text && <NoteCommentThread session={session} noteId={noteId} text={text} activeId={activeId} onShow={show} />}
        {canComment ? (
          <NoteCommentBox session={session} noteId={noteId} anchor={pendingAnchor} onClearAnchor={() => setPendingAnchor(null)} inputRef={commentInput} />
        ) : (
          <p className="muted">Viewers cannot comment.</p>
        )}
      </section>
      </ConversationContext.Provider>
    </article>
  );
}
