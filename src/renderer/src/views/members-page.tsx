import { type FormEvent, useState } from 'react';
import type * as Y from 'yjs';
import { roleName } from '../../../core/handoff';
import { type MemberRecord, ROLES, type Role, TEAM_ROLES, type TeamRole, listMembers, listTeamRoles, setTeamRole } from '../../../core/workspace';
import { RoleBadge, TimeAgo } from '../components/badges';
import { errorText } from '../components/format';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { MoveWorkspaceForm } from './move-workspace-form';

const readMembers = (doc: Y.Doc) => ({ members: listMembers(doc), teamRoles: new Map(listTeamRoles(doc).map((r) => [r.memberId, r.teamRole])) });

/** What a member does on the team (who handoffs go to). Owners set it; everyone sees it. */
function TeamRoleCell({ session, member, teamRole, onError }: { session: WorkspaceSession; member: MemberRecord; teamRole: TeamRole | undefined; onError: (m: string | null) => void }) {
  if (session.connection.role !== 'owner') return teamRole ? <>{roleName(teamRole)}</> : <span className="muted">not set</span>;
  return (
    <select
      aria-label={`Team role of ${member.name}`}
      value={teamRole ?? ''}
      onChange={(e) => {
        try {
          setTeamRole(session.doc, { memberId: member.id, teamRole: (e.target.value || null) as TeamRole | null }, session.commandContext());
          onError(null);
        } catch (err) {
          onError(errorText(err));
        }
      }}
    >
      <option value="">not set</option>
      {TEAM_ROLES.map((r) => <option key={r} value={r}>{roleName(r)}</option>)}
    </select>
  );
}

function InviteForm({ session }: { session: WorkspaceSession }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [result, setResult] = useState<{ link: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setCopied(false);
    try {
      setResult(await session.host.call('workspaces.invite', { workspaceId: session.connection.workspaceId, name, role }));
      setName('');
    } catch (err) {
      setResult(null);
      setError((err as Error).message);
    }
  }

  return (
    <form className="card invite" onSubmit={submit} aria-label="Invite someone">
      <h3>Invite someone</h3>
      <div className="row">
        <label className="grow">Their name<input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder="Grace Hopper" /></label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
        <button type="submit">Create invite</button>
      </div>
      {session.connection.local && (
        <p className="muted small">This workspace lives on this machine's server, which listens on loopback only: the invite works on this computer. For a team, run <code>driftdesk server</code> where everyone can reach it.</p>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      {result && (
        <div className="invite-link">
          <label>Invite link (send it privately: it grants access)<input readOnly value={result.link} onFocus={(e) => e.target.select()} /></label>
          <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(result.link).then(() => setCopied(true), () => setCopied(false))}>
            {copied ? 'Copied' : 'Copy link'}
          </button>
        </div>
      )}
    </form>
  );
}

export function MembersPage({ session }: { session: WorkspaceSession }) {
  const { members, teamRoles } = useDocValue(session.doc, readMembers);
  const [teamRoleError, setTeamRoleError] = useState<string | null>(null);
  const online = new Set(session.presence().map((p) => p.memberId));
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <p className="muted">
        Roles: owners and editors change anything, commenters comment, viewers read. Owners invite people here;
        on the server, <code>driftdesk token list|revoke|role</code> manage them. Team roles (data scientist, ML engineer,
        ops) say who a model handoff goes to; owners set them.
      </p>
      {session.connection.role === 'owner' && <InviteForm session={session} />}
      {session.connection.role === 'owner' && session.connection.local && <MoveWorkspaceForm session={session} />}
      {teamRoleError && <p role="alert" className="error">{teamRoleError}</p>}
      {members.length === 0 ? (
        <p className="empty">No members listed yet: they appear once the workspace syncs with its server.</p>
      ) : (
        <table>
          <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Team role</th><th scope="col">Joined</th><th scope="col">Online</th></tr></thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.id}>
                <td>{m.name}</td>
                <td><RoleBadge role={m.role} /></td>
                <td><TeamRoleCell session={session} member={m} teamRole={teamRoles.get(m.id)} onError={setTeamRoleError} /></td>
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
