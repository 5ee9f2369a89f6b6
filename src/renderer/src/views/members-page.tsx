import { type FormEvent, useState } from 'react';
import type * as Y from 'yjs';
import { ROLES, type Role, listMembers } from '../../../core/workspace';
import { RoleBadge, TimeAgo } from '../components/badges';
import { useDocValue } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';

const readMembers = (doc: Y.Doc) => listMembers(doc);

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
  const members = useDocValue(session.doc, readMembers);
  const online = new Set(session.presence().map((p) => p.memberId));
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <p className="muted">
        Roles: owners and editors change anything, commenters comment, viewers read. Owners invite people here;
        on the server, <code>driftdesk token list|revoke|role</code> manage them.
      </p>
      {session.connection.role === 'owner' && <InviteForm session={session} />}
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
