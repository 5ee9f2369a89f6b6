import { useEffect, useState } from 'react';
import type { InboxItem } from '../../../core/workspace';
import { TimeAgo } from '../components/badges';
import { inboxItemHref, useInbox } from '../session/use-inbox';
import type { WorkspaceSession } from '../session/workspace-session';

const WHERE = { incident: 'an incident', run: 'a run', datasetVersion: 'a dataset version', note: 'a note', modelVersion: 'a model version', handoff: 'a handoff' } as const;

function describe(item: InboxItem): string {
  return item.kind === 'note' ? `mentioned you in the note “${item.noteTitle}”` : `mentioned you in a comment on ${WHERE[item.target.kind]}`;
}

/** Mentions of this person, newest first; opening one marks it read. */
export function InboxPage({ session }: { session: WorkspaceSession }) {
  const { items, unread } = useInbox(session);
  const unreadIds = new Set(unread.map((i) => i.id));
  const ws = session.connection.workspaceId;
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission));
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
          <button type="button" className="link" onClick={() => void Notification.requestPermission().then(setPermission)}>
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
                <span className="inbox-text">{item.text}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
