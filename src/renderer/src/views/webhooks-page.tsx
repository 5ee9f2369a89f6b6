import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { WebhookDelivery, WebhookInfo } from '../../../shared/host-contract';
import { TimeAgo } from '../components/badges';
import type { WorkspaceSession } from '../session/workspace-session';

const PURPOSES = {
  incidents: 'Incident alerts (Slack-compatible)',
  retrain: 'Retrain requests',
} as const;

/** Outgoing webhooks (owners add and remove; owners and editors see them) and the delivery log. */
export function WebhooksPage({ session }: { session: WorkspaceSession }) {
  const workspaceId = session.connection.workspaceId;
  const role = session.connection.role;
  const [hooks, setHooks] = useState<WebhookInfo[] | null>(null);
  const [deliveries, setDeliveries] = useState<WebhookDelivery[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<(WebhookInfo & { secret: string }) | null>(null);
  const [url, setUrl] = useState('');
  const [purpose, setPurpose] = useState<'incidents' | 'retrain'>('incidents');

  const refresh = useCallback(async () => {
    try {
      const [list, log] = await Promise.all([
        session.host.call('webhooks.list', { workspaceId }),
        session.host.call('webhooks.deliveries', { workspaceId }),
      ]);
      setHooks(list.webhooks);
      setDeliveries(log.deliveries);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [session, workspaceId]);

  useEffect(() => {
    if (role !== 'owner' && role !== 'editor') return;
    void refresh();
    // Retries land in the log over the next seconds; keep it current while the page is open.
    const timer = setInterval(() => void refresh(), 5000);
    return () => clearInterval(timer);
  }, [refresh, role]);

  if (role !== 'owner' && role !== 'editor') {
    return <p className="empty">Webhooks are managed by the workspace's owners and editors.</p>;
  }

  async function add(event: FormEvent) {
    event.preventDefault();
    try {
      setCreated(await session.host.call('webhooks.create', { workspaceId, url, purpose }));
      setUrl('');
      await refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function remove(hook: WebhookInfo) {
    if (!window.confirm(`Stop sending to ${hook.url}?`)) return;
    await session.host.call('webhooks.delete', { workspaceId, webhookId: hook.id }).catch((e: Error) => setError(e.message));
    await refresh();
  }

  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="muted">
        Each request is signed: <code>X-Driftdesk-Signature: v1=HMAC-SHA256(secret, "v1:" + X-Driftdesk-Timestamp + ":" + body)</code>.
        Failed deliveries are retried after 1 s, 4 s and 16 s.
      </p>
      {error && <p role="alert" className="error">{error}</p>}
      {role === 'owner' && (
        <form className="card form-grid" aria-label="Add a webhook" onSubmit={(e) => void add(e)}>
          <label>
            URL
            <input type="url" required placeholder="https://hooks.slack.com/services/…" value={url} onChange={(e) => setUrl(e.target.value)} />
          </label>
          <label>
            Sends
            <select value={purpose} onChange={(e) => setPurpose(e.target.value as 'incidents' | 'retrain')}>
              {Object.entries(PURPOSES).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          </label>
          <button type="submit">Add webhook</button>
        </form>
      )}
      {created && (
        <div className="card" role="status">
          <p>Added. Copy the signing secret now — it is not shown again:</p>
          <input readOnly aria-label="Signing secret" value={created.secret} onFocus={(e) => e.target.select()} />
        </div>
      )}
      {hooks === null && !error && <p className="muted" role="status">Loading…</p>}
      {hooks?.length === 0 && <p className="empty">No webhooks yet. Add a Slack incoming-webhook URL to hear about incidents, or your training pipeline's URL for retrain requests.</p>}
      {hooks && hooks.length > 0 && (
        <table aria-label="Webhooks">
          <thead><tr><th>URL</th><th>Sends</th><th>Added</th><th /></tr></thead>
          <tbody>
            {hooks.map((h) => (
              <tr key={h.id}>
                <td className="mono">{h.url}</td>
                <td>{h.purpose}</td>
                <td><TimeAgo at={h.createdAt} /></td>
                <td>{role === 'owner' && <button type="button" className="secondary" onClick={() => void remove(h)}>Remove</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Deliveries</h3>
      {deliveries.length === 0 ? (
        <p className="muted">Nothing sent yet.</p>
      ) : (
        <table aria-label="Deliveries">
          <thead><tr><th>Event</th><th>To</th><th>Status</th><th>Attempts</th><th>Last answer</th><th>When</th></tr></thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id} data-status={d.status}>
                <td>{d.event}</td>
                <td className="mono">{d.url}</td>
                <td><span className={`badge delivery-${d.status}`}>{d.status}</span></td>
                <td>{d.attempts}</td>
                <td>{d.lastError ?? d.lastStatus}</td>
                <td><TimeAgo at={d.updatedAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
