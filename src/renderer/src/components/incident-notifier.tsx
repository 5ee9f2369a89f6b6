import { notificationsGranted } from './notification-permission';
import { useCallback, useEffect, useRef } from 'react';
import type * as Y from 'yjs';
import { incidentDigest } from '../../../core/workspace';
import { useDocValue } from '../session/hooks';
import { incidentsOf } from '../session/incidents-model';
import type { WorkspaceSession } from '../session/workspace-session';

interface Alert {
  key: string;
  title: string;
  body: string;
  incidentId: string;
}

/**
 * Desktop notifications for incidents that need this person: one assigned to them by someone
 * else, and — for owners and editors, who can act on it — one a monitor opened. Only what
 * happens after the workspace was opened, so opening it does not replay the past. Renders nothing.
 */
export function IncidentNotifier({ session }: { session: WorkspaceSession }) {
  const me = session.connection.memberId;
  const canAct = session.connection.role === 'owner' || session.connection.role === 'editor';
  const since = session.startedAt;
  const alerts = useDocValue(
    session.doc,
    useCallback(
      (doc: Y.Doc): Alert[] => {
        const out: Alert[] = [];
        for (const incident of incidentsOf(doc)) {
          if (incident.updatedAt < since) continue;
          if (canAct && incident.monitorId && incident.createdAt >= since) {
            out.push({ key: `opened:${incident.id}`, incidentId: incident.id, title: `New ${incident.severity} incident`, body: incident.title });
          }
          // The latest assignment, from the workspace doc or the server's digest of the incident's
          // conversation doc (timelines split: incident-digest.ts), so nobody has to have it open.
          const e = incidentDigest(doc, incident.id).assigned;
          if (e && e.assigneeId === me && incident.assigneeId === me && e.byId !== me && e.at >= since) {
            out.push({ key: `assigned:${e.id}`, incidentId: incident.id, title: `${e.byName} assigned you an incident`, body: incident.title });
          }
        }
        return out;
      },
      [me, canAct, since],
    ),
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
        location.hash = `#/w/${session.connection.workspaceId}/incidents/${encodeURIComponent(alert.incidentId)}`;
      };
    }
  }, [alerts, session]);
  return null;
}
