import type { WorkspaceSession } from '../session/workspace-session';
import { useWaitingForMe } from './use-registry';

/** The sidebar's "Models" link, with how many handoffs wait for this person (like the inbox's unread count). */
export function ModelsNavLink({ session, section }: { session: WorkspaceSession; section: string }) {
  const waiting = useWaitingForMe(session).length;
  const current = section === 'models' || section === 'model-versions' || section === 'handoffs';
  return (
    <a href={`#/w/${session.connection.workspaceId}/models`} aria-current={current ? 'page' : undefined}>
      Models{waiting > 0 && <span className="count-badge" data-testid="handoffs-waiting" aria-label={`${waiting} waiting for you`}>{waiting}</span>}
    </a>
  );
}
