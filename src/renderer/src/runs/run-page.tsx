import type { WorkspaceSession } from '../session/workspace-session';

export function RunPage({ session, runId }: { session: WorkspaceSession; runId: string }) {
  return <p className="empty">Run {runId} in {session.connection.workspaceId}: the run page comes next.</p>;
}
