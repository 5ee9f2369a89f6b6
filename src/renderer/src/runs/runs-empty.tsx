/** What the runs section says before any run is here: the two ways runs get in. */
import { CopyButton } from '../monitors/monitor-bits';
import type { WorkspaceSession } from '../session/workspace-session';

export function RunsEmpty({ session }: { session: WorkspaceSession }) {
  const { serverUrl, workspaceId } = session.connection;
  const importCommand = `driftdesk import mlflow ./mlruns \\\n  --server ${serverUrl} \\\n  --workspace ${workspaceId} \\\n  --token $DRIFTDESK_TOKEN`;
  const curl = `curl --fail-with-body \\\n  -H "Authorization: Bearer $DRIFTDESK_TOKEN" \\\n  -H "Content-Type: application/json" \\\n  --data @run.json \\\n  ${serverUrl}/api/v1/workspaces/${encodeURIComponent(workspaceId)}/runs`;
  return (
    <section aria-labelledby="runs-title" className="runs-page">
      <h2 id="runs-title">Runs</h2>
      <div className="empty runs-empty">
        <p><strong>No runs in this workspace yet.</strong> Bring in your experiment runs in either of two ways; everyone in the workspace sees them at once.</p>
        <ol>
          <li>
            Import an MLflow tracking store — an <code>mlruns/</code> folder or an <code>mlflow.db</code> file. Running it again updates the runs it brought in, without duplicates.
            <pre aria-label="Import command" tabIndex={0}><code>{importCommand}</code></pre>
            <CopyButton text={importCommand} label="Copy the import command" />
          </li>
          <li>
            Or send each run from your training script as JSON (name, experiment, status, startTime, params, metrics, tags, environment …), with{' '}
            <code>driftdesk push run run.json --server {serverUrl} --workspace {workspaceId} --token $DRIFTDESK_TOKEN</code>, or over the HTTP API:
            <pre aria-label="HTTP API" tabIndex={0}><code>{curl}</code></pre>
            <CopyButton text={curl} label="Copy the curl command" />
          </li>
        </ol>
        <p className="small">
          The token is an editor’s: an owner creates one under <a href={`#/w/${workspaceId}/members`}>Members</a>, or with <code>driftdesk token create --role editor</code> on the server.
        </p>
      </div>
    </section>
  );
}
