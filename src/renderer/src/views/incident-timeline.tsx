/**
 * An incident's timeline: who opened it, every status change and assignment with who and when,
 * monitor findings and actions, and people's comment threads, in time order; then the box to
 * add a comment. Events are short sentences ("Bob acknowledged"), so the page reads as a log.
 */
import { type FormEvent, useCallback, useState } from 'react';
import type * as Y from 'yjs';
import {
  CommandError,
  INCIDENT_STATUSES,
  SEVERITIES,
  type IncidentEvent,
  type IncidentRecord,
  type IncidentStatus,
  addComment,
  incidentThreadedTimeline,
  listMembers,
} from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { CommentThreadView, type ThreadPermissions } from '../components/comment-thread';
import { ConversationContext, useConversation } from '../session/use-conversation';
import type { WorkspaceSession } from '../session/workspace-session';
import { MentionTextarea } from '../components/mention-textarea';

export function IncidentTimeline({ session, incident, can, shownReport, onShowReport, onError }: {
  session: WorkspaceSession;
  incident: IncidentRecord;
  can: ThreadPermissions;
  /** The report the page shows now; a finding with another one offers to show that instead. */
  shownReport: string | undefined;
  onShowReport: (sha256: string) => void;
  onError: (err: unknown) => void;
}) {
  const read = useCallback(
    (doc: Y.Doc, conversation: Y.Doc | null) => ({ entries: incidentThreadedTimeline(doc, incident.id, conversation), members: listMembers(doc) }),
    [incident.id],
  );
  const { value: { entries, members }, conversation } = useConversation(session, { kind: 'incident', id: incident.id }, read);
  const memberNames = new Map(members.map((m) => [m.id, m.name]));
  const threads = entries.filter((e) => e.kind === 'thread').length;

  return (
    <ConversationContext.Provider value={conversation}>
    <section aria-labelledby="timeline-heading">
      <h3 id="timeline-heading">Timeline</h3>
      <ol className="timeline" aria-label="Timeline">
        <li className="event event-opened">
          <span className="event-icon" aria-hidden="true">✚</span>
          <span><strong>{incident.createdByName}</strong> opened this incident <TimeAgo at={incident.createdAt} /></span>
        </li>
        {entries.map((entry) =>
          entry.kind === 'event' ? (
            <li key={entry.event.id} className={`event event-${entry.event.kind}`}>
              <span className={`event-icon ${entry.event.kind === 'status' ? `status-${entry.event.to}` : ''}`} aria-hidden="true">{ICONS[entry.event.kind]}</span>
              <span>
                <EventText event={entry.event} /> <TimeAgo at={entry.at} />
                {entry.event.kind === 'finding' && entry.event.reportBlob && entry.event.reportBlob !== shownReport && (
                  <> · <button type="button" className="link" onClick={() => onShowReport((entry.event as { reportBlob: string }).reportBlob)}>Show this report</button></>
                )}
              </span>
            </li>
          ) : (
            <li key={entry.thread.root.id} className="thread-entry">
              <CommentThreadView session={session} thread={entry.thread} memberNames={memberNames} can={can} onError={onError} />
            </li>
          ),
        )}
      </ol>
      {threads === 0 && <p className="empty">No comments yet. Share what you checked, so nobody checks it twice.</p>}
      {can.comment ? <CommentBox session={session} incidentId={incident.id} conversation={conversation} /> : <p className="muted">Viewers cannot comment.</p>}
    </section>
    </ConversationContext.Provider>
  );
}

const ICONS: Record<IncidentEvent['kind'], string> = { status: '●', severity: '▲', assigned: '⇢', finding: '⚠', action: '⚙' };
const OUTCOME = { ok: 'done', failed: 'failed', pending: 'not delivered yet' } as const;

const order = (s: IncidentStatus) => INCIDENT_STATUSES.indexOf(s);

/** The event as a sentence, with the person (or the monitor) first. */
function EventText({ event: e }: { event: IncidentEvent }) {
  const who = <strong>{e.byName}</strong>;
  switch (e.kind) {
    case 'status': {
      const verb = e.to === 'open' ? 'reopened it'
        : order(e.to) < order(e.from) ? `moved it back to ${e.to}`
        : { acknowledged: 'acknowledged', investigating: 'started investigating', mitigated: 'marked it mitigated', resolved: 'resolved it' }[e.to];
      return <>{who} {verb}</>;
    }
    case 'severity':
      return <>{who} {SEVERITIES.indexOf(e.to) < SEVERITIES.indexOf(e.from) ? 'raised' : 'lowered'} the severity from {e.from} to {e.to}</>;
    case 'assigned':
      return e.assigneeId === null ? <>{who} unassigned it</>
        : e.assigneeId === e.byId ? <>{who} took it</>
        : <>{who} assigned it to <strong>{e.assigneeName}</strong></>;
    case 'finding':
      return <>{who} reported a {e.band} finding: {e.summary}</>;
    case 'action':
      return <>{who} {e.action}: {OUTCOME[e.outcome]}{e.detail ? ` — ${e.detail}` : ''}</>;
  }
}

function CommentBox({ session, incidentId, conversation }: { session: WorkspaceSession; incidentId: string; conversation: Y.Doc | null }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    try {
      addComment(session.doc, { target: { kind: 'incident', id: incidentId }, body }, session.commandContext(), conversation ?? session.doc);
      setBody('');
      setError(null);
    } catch (err) {
      setError(err instanceof CommandError ? err.issues.map((i) => i.message).join('; ') : String(err));
    }
  };
  return (
    <form onSubmit={submit} className="comment-box" aria-label="Add a comment">
      <label>
        Comment
        <MentionTextarea
          session={session}
          value={body}
          onValue={setBody}
          rows={3}
          placeholder="Write a comment; @Name mentions a teammate (Ctrl+Enter to send)"
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
