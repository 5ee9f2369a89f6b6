import { type FormEvent, useCallback, useState } from 'react';
import type * as Y from 'yjs';
import {
  CommandError,
  INCIDENT_STATUSES,
  SEVERITIES,
  addComment,
  getIncident,
  listComments,
  updateIncident,
} from '../../../core/workspace';
import { SeverityBadge, StatusBadge, TimeAgo } from '../components/badges';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';

function message(err: unknown): string {
  return err instanceof CommandError ? err.issues.map((i) => i.message).join('; ') : String(err);
}

/** One incident: its fields (editable by owners and editors) and its comment thread. */
export function IncidentDetail({ session, incidentId }: { session: WorkspaceSession; incidentId: string }) {
  const read = useCallback((doc: Y.Doc) => ({ incident: getIncident(doc, incidentId), comments: listComments(doc, incidentId) }), [incidentId]);
  const { incident, comments } = useDocValue(session.doc, read);
  const role = session.connection.role;
  const canEdit = role === 'owner' || role === 'editor';
  const canComment = canEdit || role === 'commenter';
  const [error, setError] = useState<string | null>(null);
  const ws = session.connection.workspaceId;

  if (!incident) {
    return (
      <section>
        <p className="empty">This incident is not here (yet). If a teammate just opened it, it appears once the workspace syncs.</p>
        <a href={`#/w/${ws}/incidents`}>Back to incidents</a>
      </section>
    );
  }

  const change = (fields: { status?: string; severity?: string }) => {
    try {
      updateIncident(session.doc, { incidentId, ...(fields as object) }, session.commandContext());
      setError(null);
    } catch (err) {
      setError(message(err));
    }
  };

  return (
    <article aria-labelledby="incident-title" className="incident">
      <a href={`#/w/${ws}/incidents`} className="muted small">← Incidents</a>
      <h2 id="incident-title">{incident.title}</h2>
      <p className="meta">
        <SeverityBadge severity={incident.severity} /> <StatusBadge status={incident.status} /> opened <TimeAgo at={incident.createdAt} /> by {incident.createdByName}
      </p>
      {canEdit && (
        <div className="row">
          <label>
            Status
            <select value={incident.status} onChange={(e) => change({ status: e.target.value })}>
              {INCIDENT_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </label>
          <label>
            Severity
            <select value={incident.severity} onChange={(e) => change({ severity: e.target.value })}>
              {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </label>
        </div>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      <h3>Description</h3>
      {incident.description ? <p className="prose">{incident.description}</p> : <p className="muted">No description.</p>}
      <h3>Comments ({comments.length})</h3>
      {comments.length === 0 ? (
        <p className="empty">No comments yet. Share what you checked, so nobody checks it twice.</p>
      ) : (
        <ol className="comments" aria-label="Comments">
          {comments.map((c) => (
            <li key={c.id}>
              <p className="small"><strong>{c.authorName}</strong> <span className="muted"><TimeAgo at={c.createdAt} /></span></p>
              <p className="prose">{c.body}</p>
            </li>
          ))}
        </ol>
      )}
      {canComment ? <CommentBox session={session} incidentId={incidentId} /> : <p className="muted">Viewers cannot comment.</p>}
    </article>
  );
}

function CommentBox({ session, incidentId }: { session: WorkspaceSession; incidentId: string }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    try {
      addComment(session.doc, { target: { kind: 'incident', id: incidentId }, body }, session.commandContext());
      setBody('');
      setError(null);
    } catch (err) {
      setError(message(err));
    }
  };
  return (
    <form onSubmit={submit} className="comment-box" aria-label="Add a comment">
      <label>
        Comment
        <textarea
          value={body}
          onChange={(e) => setBody(e.target.value)}
          rows={3}
          placeholder="Write a comment (Ctrl+Enter to send)"
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
          }}
        />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit">Comment</button>
    </form>
  );
}
