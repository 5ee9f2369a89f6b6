import { notificationsGranted } from '../components/notification-permission';
import { useCallback, useEffect, useRef } from 'react';
import type * as Y from 'yjs';
import { waitingFor } from '../../../core/workspace';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { handoffTitle, waitingReason } from './registry-bits';

/**
 * A desktop notification when a handoff starts waiting for this person: a request to their team
 * role, or "changes requested" on their own. Only what starts waiting after the workspace was
 * opened (the latest step is newer than the session), so opening it does not replay the past.
 * Renders nothing.
 */
export function HandoffNotifier({ session }: { session: WorkspaceSession }) {
  const me = session.connection.memberId;
  const since = session.startedAt;
  const alerts = useDocValue(
    session.doc,
    useCallback((doc: Y.Doc) => waitingFor(doc, me).flatMap((s) => {
      const last = s.decisions.at(-1);
      const at = last?.at ?? s.handoff.at;
      // Keyed by the step that made it wait, so a resubmission after changes notifies again.
      return at >= since && (last?.byId ?? s.handoff.requestedById) !== me
        ? [{ key: `${s.handoff.id}:${last?.id ?? 'request'}`, handoffId: s.handoff.id, title: `Waiting for you: ${handoffTitle(doc, s)}`, body: waitingReason(s) }]
        : [];
    }), [me, since]),
  );
  const shown = useRef(new Set<string>());
  useEffect(() => {
    if (!notificationsGranted()) return;
    for (const alert of alerts) {
      if (shown.current.has(alert.key)) continue;
      shown.current.add(alert.key);
      const n = new Notification(alert.title, { body: alert.body, tag: alert.key });
      n.onclick = () => {
        window.focus();
        location.hash = `#/w/${session.connection.workspaceId}/handoffs/${encodeURIComponent(alert.handoffId)}`;
      };
    }
  }, [alerts, session]);
  return null;
}
