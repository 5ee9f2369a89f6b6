import { type FormEvent, useState } from 'react';
import type { MoveResult } from '../../../shared/host-contract';
import type { WorkspaceSession } from '../session/workspace-session';

/**
 * "Move to a team server…": a workspace on this computer's own server goes to a team server where
 * the person holds the owner token of an empty workspace (src/node/move-workspace.ts). Nothing
 * here changes until the team server has everything; the others get new invites.
 */
export function MoveWorkspaceForm({ session }: { session: WorkspaceSession }) {
  const [serverUrl, setServerUrl] = useState('');
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [moved, setMoved] = useState<MoveResult | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      setMoved(await session.host.call('workspaces.move', { workspaceId: session.connection.workspaceId, serverUrl, token }));
    } catch (err) {
      setError(`${(err as Error).message}. Nothing was changed here; you can try again.`);
    } finally {
      setBusy(false);
    }
  }

  if (moved) {
    return (
      <section className="card move-workspace" aria-label="Moved to a team server" data-testid="moved">
        <h3>Moved to {moved.connection.serverUrl}</h3>
        <p>The team server has the whole workspace now. A copy stays on this computer’s server.</p>
        {moved.invites.length > 0 && (
          <>
            <p>The others who were in it need new invites (send each privately: it grants access):</p>
            <ul className="invites">
              {moved.invites.map((i) => (
                <li key={i.link}>
                  <label>{i.name} ({i.role})<input readOnly value={i.link} onFocus={(e) => e.target.select()} /></label>
                </li>
              ))}
            </ul>
          </>
        )}
        <a className="button" href={`#/w/${encodeURIComponent(moved.connection.workspaceId)}/incidents`}>Open it on the team server</a>
      </section>
    );
  }
  return (
    <form className="card move-workspace" onSubmit={submit} aria-label="Move to a team server" aria-busy={busy}>
      <h3>Move to a team server…</h3>
      <p className="muted small">
        This workspace lives on this computer. To work on it with a team, ask your server’s admin for an empty workspace
        (<code>driftdesk workspace create</code>) and its owner token; everything here — incidents, runs, notes, history,
        files — moves there, and you stay its owner.
      </p>
      <div className="row">
        <label className="grow">Team server address or invite link<input value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} required placeholder="https://driftdesk.example.com" /></label>
        <label>Owner token<input type="password" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" /></label>
        <button type="submit" disabled={busy}>{busy ? 'Moving…' : 'Move workspace'}</button>
      </div>
      {busy && <p className="muted small" role="status">Uploading files and sending the workspace; this can take a while for large files.</p>}
      {error && <p role="alert" className="error">{error}</p>}
    </form>
  );
}
