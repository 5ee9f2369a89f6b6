import { useState } from 'react';
import type { IncidentRecord } from '../../../core/workspace';
import type { WorkspaceSession } from '../session/workspace-session';

/**
 * "Request retrain": the server calls the workspace's retrain webhooks with the monitor, model
 * and data versions of this incident and writes the outcome on the timeline, so the team sees
 * who asked and whether the pipeline took it.
 */
export function RetrainAction({ session, incident }: { session: WorkspaceSession; incident: IncidentRecord }) {
  const [state, setState] = useState<{ kind: 'idle' } | { kind: 'sending' } | { kind: 'done'; text: string; ok: boolean }>({ kind: 'idle' });
  const role = session.connection.role;
  if (role !== 'owner' && role !== 'editor') return null;
  const ws = session.connection.workspaceId;

  async function send() {
    setState({ kind: 'sending' });
    try {
      const result = await session.host.call('incidents.retrain', { workspaceId: ws, incidentId: incident.id });
      setState(
        result.outcome === 'ok'
          ? { kind: 'done', ok: true, text: `Sent to ${result.deliveries.filter((d) => d.status === 'delivered').length} retrain webhook(s).` }
          : { kind: 'done', ok: false, text: `Not taken yet (${result.deliveries.map((d) => d.lastError).join('; ')}); retrying in the background.` },
      );
    } catch (err) {
      setState({ kind: 'done', ok: false, text: (err as Error).message });
    }
  }

  return (
    <section className="incident-retrain" aria-label="Retrain">
      <button type="button" className="secondary" disabled={state.kind === 'sending'} onClick={() => void send()}>
        {state.kind === 'sending' ? 'Requesting…' : 'Request retrain'}
      </button>
      {state.kind === 'done' && (
        <p role="status" className={state.ok ? 'small' : 'small error'}>
          {state.text}{' '}
          {!state.ok && /no retrain webhook/.test(state.text) && <a href={`#/w/${ws}/webhooks`}>Webhooks</a>}
        </p>
      )}
    </section>
  );
}
