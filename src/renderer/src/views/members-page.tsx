import type * as Y from 'yjs';
import { listMembers } from '../../../core/workspace';
import { RoleBadge, TimeAgo } from '../components/badges';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';

const readMembers = (doc: Y.Doc) => listMembers(doc);

export function MembersPage({ session }: { session: WorkspaceSession }) {
  const members = useDocValue(session.doc, readMembers);
  const online = new Set(session.presence().map((p) => p.memberId));
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <p className="muted">
        Roles: owners and editors change anything, commenters comment, viewers read. New members are added with
        {' '}<code>driftdesk token create</code> on the server.
      </p>
      {members.length === 0 ? (
        <p className="empty">No members listed yet: they appear once the workspace syncs with its server.</p>
      ) : (
        <table>
          <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Joined</th><th scope="col">Online</th></tr></thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.id}>
                <td>{m.name}</td>
                <td><RoleBadge role={m.role} /></td>
                <td className="muted"><TimeAgo at={m.joinedAt} /></td>
                <td>{online.has(m.id) ? 'online' : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
