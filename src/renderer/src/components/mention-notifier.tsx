import { notificationsGranted } from './notification-permission';
import { useEffect, useRef } from 'react';
import { inboxItemHref, useInbox } from '../session/use-inbox';
import type { WorkspaceSession } from '../session/workspace-session';

/**
 * A desktop notification for each new unread mention of this person (made after the workspace
 * was opened, so opening it does not replay old ones), and the unread count for the desktop
 * badge. Renders nothing.
 */
export function MentionNotifier({ session }: { session: WorkspaceSession }) {
  const { unread } = useInbox(session);
  const notified = useRef(new Set<string>());
  useEffect(() => {
    if (!notificationsGranted()) return;
    for (const item of unread) {
      if (item.at < session.startedAt || notified.current.has(item.id)) continue;
      notified.current.add(item.id);
      // Title and body are set as text by the OS; nothing here is interpreted as markup.
      const n = new Notification(`${item.byName} mentioned you`, { body: item.text.slice(0, 200), tag: item.id });
      n.onclick = () => {
        window.focus();
        location.hash = inboxItemHref(session.connection.workspaceId, item);
        void session.markInboxRead([item.id]);
      };
    }
  }, [unread, session]);
  // The desktop shell sums this over its windows into the dock/taskbar badge; leaving the
  // workspace takes its count off.
  const count = unread.length;
  const workspaceId = session.connection.workspaceId;
  useEffect(() => {
    void session.host.call('app.unreadMentions', { workspaceId, count }).catch(() => {});
  }, [session, workspaceId, count]);
  useEffect(() => () => void session.host.call('app.unreadMentions', { workspaceId: null, count: 0 }).catch(() => {}), [session, workspaceId]);
  return null;
}

