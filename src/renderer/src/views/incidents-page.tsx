import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type * as Y from 'yjs';
import {
  CommandError,
  INCIDENT_STATUSES,
  SEVERITIES,
  countCommentsByIncident,
  createIncident,
  listIncidents,
} from '../../../core/workspace';
import { SeverityBadge, StatusBadge, TimeAgo } from '../components/badges';
import { navigate, useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';

const readIncidents = (doc: Y.Doc) => ({ incidents: listIncidents(doc), comments: countCommentsByIncident(doc) });

// The command palette's "New incident" may ask before this page is mounted (it navigates here
// first), so the request waits in a flag as well as going out as an event.
let newIncidentAsked = false;
const NEW_INCIDENT_EVENT = 'driftdesk:new-incident';

/** Opens the new-incident form on the incidents page: at once if it is showing, else when it mounts. */
export function requestNewIncident(): void {
  newIncidentAsked = true;
  window.dispatchEvent(new Event(NEW_INCIDENT_EVENT));
}

export function IncidentsPage({ session }: { session: WorkspaceSession }) {
  const { incidents, comments } = useDocValue(session.doc, readIncidents);
  const [creating, setCreating] = useState(false);
  const canCreate = session.connection.role === 'owner' || session.connection.role === 'editor';
  const ws = session.connection.workspaceId;

  useEffect(() => {
    const take = () => {
      if (newIncidentAsked && canCreate) setCreating(true);
      newIncidentAsked = false;
    };
    take();
    window.addEventListener(NEW_INCIDENT_EVENT, take);
    return () => window.removeEventListener(NEW_INCIDENT_EVENT, take);
  }, [canCreate]);

  useEffect(() => {
    if (!canCreate) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === 'n' && !e.ctrlKey && !e.metaKey && !e.altKey && !/INPUT|TEXTAREA|SELECT/.test(target.tagName)) {
        e.preventDefault();
        setCreating(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [canCreate]);

  return (
    <section aria-labelledby="incidents-title">
      <div className="page-header">
        <h2 id="incidents-title">Drift incidents</h2>
        {canCreate && !creating && (
          <button type="button" onClick={() => setCreating(true)} aria-keyshortcuts="n">New incident <kbd>N</kbd></button>
        )}
      </div>
      {!canCreate && <p className="muted">As a {session.connection.role} you can read incidents{session.connection.role === 'commenter' ? ' and comment on them' : ''}.</p>}
      {creating && (
        <NewIncidentForm
          session={session}
          onDone={(id) => {
            setCreating(false);
            if (id) navigate('w', ws, 'incidents', id);
          }}
        />
      )}
      {incidents.length === 0 ? (
        <p className="empty">
          No incidents yet. When a monitor or a teammate spots drift, open one here{canCreate ? ' with "New incident"' : ''} so the team can triage it together.
        </p>
      ) : (
        <table className="incidents">
          <thead>
            <tr><th scope="col">Severity</th><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Comments</th><th scope="col">Opened</th></tr>
          </thead>
          <tbody>
            {incidents.map((i) => (
              <tr key={i.id}>
                <td><SeverityBadge severity={i.severity} /></td>
                <td><a href={`#/w/${ws}/incidents/${i.id}`}>{i.title}</a></td>
                <td><StatusBadge status={i.status} /></td>
                <td>{comments.get(i.id) ?? 0}</td>
                <td className="muted"><TimeAgo at={i.createdAt} /> by {i.createdByName}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function NewIncidentForm({ session, onDone }: { session: WorkspaceSession; onDone: (id?: string) => void }) {
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState('high');
  const [status, setStatus] = useState('open');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = useCallback(
    (e: FormEvent) => {
      e.preventDefault();
      try {
        const incident = createIncident(session.doc, { title, severity: severity as never, status: status as never, description }, session.commandContext());
        onDone(incident.id);
      } catch (err) {
        setError(err instanceof CommandError ? err.issues.map((i) => `${i.path || 'input'}: ${i.message}`).join('; ') : String(err));
      }
    },
    [session, title, severity, status, description, onDone],
  );

  return (
    <form className="card new-incident" onSubmit={submit} aria-label="New incident" onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      <label>
        Title
        <input autoFocus value={title} onChange={(e) => setTitle(e.target.value)} maxLength={300} placeholder="PSI on income above 0.2 since Monday" />
      </label>
      <div className="row">
        <label>
          Severity
          <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
            {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {INCIDENT_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      </div>
      <label>
        Description
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={4} placeholder="What drifted, since when, which model is affected" />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="row">
        <button type="submit">Create incident</button>
        <button type="button" className="secondary" onClick={() => onDone()}>Cancel</button>
      </div>
    </form>
  );
}
