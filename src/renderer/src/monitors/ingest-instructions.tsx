/**
 * What a CI job needs to send batches (and metrics) to a monitor: the exact commands, with the
 * token left as `$DRIFTDESK_TOKEN` — a token on screen ends up in screenshots and job files.
 */
import type { MonitorRecord } from '../../../core/monitor';
import type { WorkspaceConnection } from '../../../shared/host-contract';
import { CopyButton } from './monitor-bits';

/** The commands for one monitor, as a shell reads them (one argument per line). */
export function ingestCommands(serverUrl: string, workspaceId: string, monitor: MonitorRecord) {
  const base = `${serverUrl}/api/v1/workspaces/${encodeURIComponent(workspaceId)}/monitors/${encodeURIComponent(monitor.id)}`;
  const target = `--server ${serverUrl} \\\n  --workspace ${workspaceId} \\\n  --monitor ${monitor.id} \\\n  --token $DRIFTDESK_TOKEN`;
  const metric = monitor.rules.find((r) => r.kind === 'metric')?.metric ?? 'accuracy';
  return {
    push: `driftdesk push batch batch.csv \\\n  ${target}`,
    curl: `curl --fail-with-body \\\n  -H "Authorization: Bearer $DRIFTDESK_TOKEN" \\\n  -H "Content-Type: text/csv" \\\n  --data-binary @batch.csv \\\n  ${base}/batches`,
    metrics: `curl --fail-with-body \\\n  -H "Authorization: Bearer $DRIFTDESK_TOKEN" \\\n  -H "Content-Type: application/json" \\\n  --data '[{"name":"${metric}","value":0.91,"timestamp":"2026-01-01T00:00:00Z"}]' \\\n  ${base}/metrics`,
  };
}

function Command({ label, text }: { label: string; text: string }) {
  return (
    <figure className="command">
      <figcaption>{label}</figcaption>
      <pre aria-label={label} tabIndex={0}><code>{text}</code></pre>
      <CopyButton text={text} label={`Copy ${label.toLowerCase()}`} />
    </figure>
  );
}

export function IngestInstructions({ connection, monitor }: { connection: WorkspaceConnection; monitor: MonitorRecord }) {
  const commands = ingestCommands(connection.serverUrl, connection.workspaceId, monitor);
  const hasMetrics = monitor.rules.some((r) => r.kind === 'metric');
  return (
    <section aria-labelledby="ingest-title" className="ingest">
      <h3 id="ingest-title">Send batches from CI</h3>
      <ol className="small">
        <li>
          Give the job an editor’s token as the secret <code>DRIFTDESK_TOKEN</code>: an owner creates one under{' '}
          <a href={`#/w/${connection.workspaceId}/members`}>Members</a> → Invite (role editor), or with <code>driftdesk token create --role editor</code> on the server.
        </li>
        <li>Send each batch with the command below, or with curl. A batch has the reference’s columns, as CSV, TSV, JSON Lines, JSON or Parquet (told apart by the file extension).</li>
        <li><code>driftdesk push</code> exits 0 when nothing fired, 1 when a rule fired, and 2 when the server refused the batch, with its reason.</li>
      </ol>
      {connection.local && (
        <p className="small warn-note">
          This workspace’s server runs inside this app and listens on this computer only: a CI job on another machine cannot reach it. For CI, run
          <code>driftdesk server</code> where the job can reach it.
        </p>
      )}
      <Command label="Command" text={commands.push} />
      <Command label="curl equivalent" text={commands.curl} />
      {hasMetrics && <Command label="Metrics with curl" text={commands.metrics} />}
    </section>
  );
}
