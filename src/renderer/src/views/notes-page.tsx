import { type FormEvent, useState } from 'react';
import { CommandError, createNote, listNotes } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { navigate, useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import '../notes/notes.css';

/** The workspace's notes, most recently changed first, and "New note" for owners and editors. */
export function NotesPage({ session }: { session: WorkspaceSession }) {
  const notes = useDocValue(session.doc, listNotes);
  const [creating, setCreating] = useState(false);
  const role = session.connection.role;
  const canCreate = role === 'owner' || role === 'editor';
  const ws = session.connection.workspaceId;

  return (
    <section aria-labelledby="notes-title">
      <div className="page-header">
        <h2 id="notes-title">Notes</h2>
        {canCreate && !creating && <button type="button" onClick={() => setCreating(true)}>New note</button>}
      </div>
      {!canCreate && <p className="muted">As a {role} you can read notes{role === 'commenter' ? ' and comment on them' : ''}.</p>}
      {creating && (
        <NewNoteForm
          session={session}
          onDone={(id) => {
            setCreating(false);
            if (id) navigate('w', ws, 'notes', id);
          }}
        />
      )}
      {notes.length === 0 ? (
        <p className="empty">
          No notes yet.{' '}
          {canCreate
            ? 'Choose “New note” to write up an experiment plan, a postmortem or a handoff; everyone in the workspace can edit it with you, live.'
            : 'When an owner or editor writes one, it shows up here.'}
        </p>
      ) : (
        <ul className="note-list" aria-label="Notes">
          {notes.map((n) => (
            <li key={n.id}>
              <a href={`#/w/${ws}/notes/${n.id}`}>{n.title}</a>
              <span className="muted small">changed <TimeAgo at={n.updatedAt} /> · started by {n.createdByName}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function NewNoteForm({ session, onDone }: { session: WorkspaceSession; onDone: (id?: string) => void }) {
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    try {
      onDone(createNote(session.doc, { title }, session.commandContext()).id);
    } catch (err) {
      setError(err instanceof CommandError ? err.issues.map((i) => i.message).join('; ') : String(err));
    }
  };
  return (
    <form className="card new-note" onSubmit={submit} aria-label="New note" onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      <label>
        Title
        <input autoFocus value={title} onChange={(e) => setTitle(e.target.value)} maxLength={300} placeholder="Retraining plan for the churn model" />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="row">
        <button type="submit">Create note</button>
        <button type="button" className="secondary" onClick={() => onDone()}>Cancel</button>
      </div>
    </form>
  );
}
