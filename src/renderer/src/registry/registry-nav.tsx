/**
 * What the sidebar needs of the registry, kept apart from its pages: they carry the environment
 * parsers (YAML) and load when one of them is opened (workspace-shell.tsx).
 */
import { useCallback } from 'react';
import type * as Y from 'yjs';
import { waitingFor } from '../../../core/workspace';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';

/** The route sections the registry's pages answer (registry-routes.tsx). */
export const REGISTRY_SECTIONS = ['models', 'model-versions', 'handoffs'];

/** Handoffs waiting for this person (to review, or to rework after "changes requested"). */
export function useWaitingForMe(session: WorkspaceSession) {
  const me = session.connection.memberId;
  return useDocValue(session.doc, useCallback((doc: Y.Doc) => waitingFor(doc, me), [me]));
}

/** The sidebar's "Models" link, with how many handoffs wait for this person (like the inbox's unread count). */
export function ModelsNavLink({ session, section }: { session: WorkspaceSession; section: string }) {
  const waiting = useWaitingForMe(session).length;
  const current = REGISTRY_SECTIONS.includes(section);
  return (
    <a href={`#/w/${session.connection.workspaceId}/models`} aria-current={current ? 'page' : undefined}>
      Models{waiting > 0 && <span className="count-badge" data-testid="handoffs-waiting" aria-label={`${waiting} waiting for you`}>{waiting}</span>}
    </a>
  );
}
