import { type FormEvent, useEffect, useState } from 'react';
import type { AppInfo, HostApi, WorkspaceConnection } from '../../../shared/host-contract';
import { hashOf, parseDeepLink } from '../../../shared/deep-link';
import { RoleBadge } from '../components/badges';

/** Pick a workspace, create one on this machine's server, or join one with a URL and a token. */
export function StartPage({ host, onOpen }: { host: HostApi; onOpen: (workspaceId: string) => void }) {
  const [workspaces, setWorkspaces] = useState<WorkspaceConnection[] | null>(null);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    host.call('workspaces.list', {}).then(setWorkspaces, (e: Error) => setLoadError(e.message));
    host.call('app.info', {}).then(setInfo, () => {});
  }, [host]);

  return (
    <main className="start-page">
      <header>
        <h1>Driftdesk</h1>
        <p className="muted">Shared workspaces for data science, ML engineering and ops.</p>
      </header>
      {loadError && <p role="alert" className="error">{loadError}</p>}
      <section aria-labelledby="your-workspaces">
        <h2 id="your-workspaces">Your workspaces</h2>
        {workspaces === null ? (
          <p className="muted">Loading…</p>
        ) : workspaces.length === 0 ? (
          <p className="empty">No workspaces on this device yet. Create one below, or join your team's with the server URL and token they sent you.</p>
        ) : (
          <ul className="workspace-list">
            {workspaces.map((w) => (
              <li key={w.workspaceId}>
                <button type="button" className="workspace-card" onClick={() => onOpen(w.workspaceId)}>
                  <strong>{w.name}</strong>
                  <span className="muted">
                    {w.local ? 'on this machine' : w.serverUrl} · you are {w.memberName} <RoleBadge role={w.role} />
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {info?.localServerUrl && (
        <p className="muted small">
          This machine's sync server: <code data-testid="local-server-url">{info.localServerUrl}</code> (loopback only) · data in <code>{info.dataDir}</code>
        </p>
      )}
      <div className="two-columns">
        <CreateWorkspaceForm host={host} onCreated={onOpen} disabled={info !== null && info.localServerUrl === null} />
        <JoinWorkspaceForm host={host} onJoined={onOpen} />
      </div>
    </main>
  );
}

/** A form that creates or joins a workspace: busy while the host works, its error, then open it. */
function useOpenWorkspace(call: () => Promise<WorkspaceConnection>, onOpen: (workspaceId: string) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onOpen((await call()).workspaceId);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, submit };
}

function CreateWorkspaceForm({ host, onCreated, disabled }: { host: HostApi; onCreated: (id: string) => void; disabled: boolean }) {
  const [name, setName] = useState('');
  const [yourName, setYourName] = useState('');
  const { busy, error, submit } = useOpenWorkspace(() => host.call('workspaces.create', { name, yourName }), onCreated);

  return (
    <form className="card" onSubmit={submit} aria-labelledby="create-title">
      <h2 id="create-title">Create a workspace</h2>
      <p className="muted">Hosted by the sync server inside this app.</p>
      <label>
        Workspace name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder="churn-model" />
      </label>
      <label>
        Your name
        <input value={yourName} onChange={(e) => setYourName(e.target.value)} required maxLength={200} placeholder="Ada Lovelace" />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit" disabled={busy || disabled}>{busy ? 'Creating…' : 'Create workspace'}</button>
    </form>
  );
}

function JoinWorkspaceForm({ host, onJoined }: { host: HostApi; onJoined: (id: string) => void }) {
  const [serverUrl, setServerUrl] = useState('');
  const [token, setToken] = useState('');
  // A link to a page (driftdesk://workspace/…) opens that page of a workspace already on this device.
  const pageLink = parseDeepLink(serverUrl);
  const { busy, error, submit } = useOpenWorkspace(
    () => (pageLink ? host.call('workspaces.open', { workspaceId: pageLink.workspaceId }) : host.call('workspaces.join', { serverUrl, token })),
    (id) => (pageLink ? (location.hash = hashOf(pageLink)) : onJoined(id)),
  );

  return (
    <form className="card" onSubmit={submit} aria-labelledby="join-title">
      <h2 id="join-title">Join a workspace</h2>
      <p className="muted">
        Paste the invite link a workspace owner sent you, or the server URL and a token. A link to a page
        (<code>driftdesk://workspace/…</code>) opens it.
      </p>
      <label>
        Server URL or invite link
        <input value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} required placeholder="http://127.0.0.1:4455 or driftdesk://join?…" />
      </label>
      <label>
        Token
        <input value={token} onChange={(e) => setToken(e.target.value)} type="password" autoComplete="off" placeholder="ddt_… (not needed with an invite link)" />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit" disabled={busy}>{busy ? 'Checking…' : pageLink ? 'Open page' : 'Join workspace'}</button>
    </form>
  );
}
