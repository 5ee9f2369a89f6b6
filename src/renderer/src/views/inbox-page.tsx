import { noteNotificationPermission, notificationPermission } from '../components/notification-permission';
import { useEffect, useState } from 'react';
import type { InboxItem } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { inboxItemHref, useInbox } from '../session/use-inbox';
import type { WorkspaceSession } from '../session/workspace-session';

const WHERE = { incident: 'the incident', run: 'the run', datasetVersion: 'the dataset version', note: 'the note', modelVersion: 'the model version', handoff: 'the handoff of', notebook: 'the notebook' } as const;
const SOME = { incident: 'an incident', run: 'a run', datasetVersion: 'a dataset version', note: 'a note', modelVersion: 'a model version', handoff: 'a handoff', notebook: 'a notebook' } as const;

/** "mentioned you in a comment on the incident “Drift on age”": what it is, by name. */
function describe(item: InboxItem): string {
  if (item.kind === 'note') return `mentioned you in the note “${item.noteTitle}”`;
  if (item.kind === 'handoff') return `mentioned you in the handoff of ${item.handoffTitle || 'a model version'}`;
  return item.targetTitle ? `mentioned you in a comment on ${WHERE[item.target.kind]} “${item.targetTitle}”` : `mentioned you in a comment on ${SOME[item.target.kind]}`;
}

/** The mention itself, on one line (the page shows the rest). */
function quote(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return `“${line.length > 160 ? `${line.slice(0, 159)}…` : line}”`;
}

/** Mentions of this person, newest first; opening one marks it read. */
export function InboxPage({ session }: { session: WorkspaceSession }) {
  const { items, unread } = useInbox(session);
  const unreadIds = new Set(unread.map((i) => i.id));
  const ws = session.connection.workspaceId;
  const [permission, setPermission] = useState(notificationPermission);
  useEffect(() => session.setViewing('inbox'), [session]);

  return (
    <section aria-labelledby="inbox-title">
      <header className="page-header">
        <h2 id="inbox-title">Inbox</h2>
        {unread.length > 0 && (
          <button type="button" onClick={() => void session.markInboxRead(unread.map((i) => i.id))}>
            Mark all as read
          </button>
        )}
      </header>
      {permission === 'default' && (
        <p className="muted">
          Want a desktop notification when someone mentions you?{' '}
          <button type="button" className="link" onClick={() => void Notification.requestPermission().then((p) => {
            noteNotificationPermission(p);
            setPermission(p);
          })}>
            Turn on notifications
          </button>
        </p>
      )}
      {items.length === 0 ? (
        <div className="empty">
          <p>Nothing here yet. When someone writes @{session.connection.memberName} in a comment or a note, it lands here.</p>
        </div>
      ) : (
        <ul className="inbox-list" aria-label="Mentions">
          {items.map((item) => (
            <li key={item.id} className={unreadIds.has(item.id) ? 'unread' : undefined} data-unread={unreadIds.has(item.id) || undefined}>
              <a href={inboxItemHref(ws, item)} onClick={() => void session.markInboxRead([item.id])}>
                <span className="inbox-who">
                  {unreadIds.has(item.id) && <span className="sr-only">Unread: </span>}
                  <strong>{item.byName}</strong> {describe(item)}
                </span>
                <span className="muted small"><TimeAgo at={item.at} /></span>
                <span className="inbox-text">{quote(item.text)}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
