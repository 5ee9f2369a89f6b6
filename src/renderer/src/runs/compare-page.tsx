import type { WorkspaceSession } from '../session/workspace-session';

export function ComparePage({ session }: { session: WorkspaceSession }) {
  return <p className="empty">Comparing runs in {session.connection.workspaceId} comes next.</p>;
}
