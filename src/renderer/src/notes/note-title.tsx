import { type FormEvent, useState } from 'react';
import { CommandError, type NoteRecord, deleteNote, renameNote } from '../../../core/workspace';
import { navigate } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';

function message(err: unknown): string {
  return err instanceof CommandError ? err.issues.map((i) => i.message).join('; ') : String(err);
}

/** The note's title as a heading, with Rename and Delete for those who may edit the note. */
export function NoteTitle({ session, note, canEdit }: { session: WorkspaceSession; note: NoteRecord; canEdit: boolean }) {
  const [mode, setMode] = useState<'show' | 'rename' | 'delete'>('show');
  const [draft, setDraft] = useState(note.title);
  const [error, setError] = useState<string | null>(null);

  const rename = (e: FormEvent) => {
    e.preventDefault();
    try {
      renameNote(session.doc, { noteId: note.id, title: draft }, session.commandContext());
      setMode('show');
      setError(null);
    } catch (err) {
      setError(message(err));
    }
  };

  if (mode === 'rename') {
    return (
      <form className="note-rename row" onSubmit={rename} aria-label="Rename note" onKeyDown={(e) => e.key === 'Escape' && setMode('show')}>
        <label>
          Title
          <input autoFocus value={draft} maxLength={300} onChange={(e) => setDraft(e.target.value)} />
        </label>
        <button type="submit">Save title</button>
        <button type="button" className="secondary" onClick={() => setMode('show')}>Cancel</button>
        {error && <p role="alert" className="error">{error}</p>}
      </form>
    );
  }

  return (
    <div className="page-header note-title">
      <h2 id="note-title">{note.title}</h2>
      {canEdit && mode === 'show' && (
        <div className="row">
          <button type="button" className="secondary" onClick={() => { setDraft(note.title); setMode('rename'); }}>Rename</button>
          <button type="button" className="secondary" onClick={() => setMode('delete')}>Delete…</button>
        </div>
      )}
      {mode === 'delete' && (
        <div className="row" role="group" aria-label="Confirm delete">
          <span>Delete this note for everyone in the workspace?</span>
          <button
            type="button"
            className="danger"
            autoFocus
            onClick={() => {
              deleteNote(session.doc, { noteId: note.id }, session.commandContext());
              navigate('w', session.connection.workspaceId, 'notes');
            }}
          >
            Delete note
          </button>
          <button type="button" className="secondary" onClick={() => setMode('show')}>Keep it</button>
        </div>
      )}
    </div>
  );
}
