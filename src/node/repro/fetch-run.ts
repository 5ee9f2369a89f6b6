/**
 * Fetches one run from a workspace on a sync server for the `driftdesk repro` commands: its
 * summary from the workspace doc (a y-websocket client, read-only: it writes nothing) and its
 * detail blob over HTTP, plus the workspace's dataset versions (the checklist resolves
 * `driftdesk` data refs against them).
 *
 * A run is named by id, by source (`api:<clientRunId>`, `mlflow:<uuid>`) or by name; a name
 * several runs share is refused with their ids, so the wrong run is never rebuilt.
 */
import { type DatasetVersionRecord, listDatasetVersions, listRuns, parseRunDetail, type RunDetailRecord, type RunSummaryRecord } from '../../core/workspace/index.ts';
import { openDoc } from '../open-doc.ts';
import { ServerCallError, clientFor, type WorkspaceTarget } from '../server-api-client.ts';

/** Server, workspace and token (one type for every command that talks to a server). */
export type RunTarget = WorkspaceTarget;

export interface FetchedRun {
  summary: RunSummaryRecord;
  detail: RunDetailRecord;
  datasetVersions: DatasetVersionRecord[];
}

/** The run is not there, or not unambiguous; the message says what to pass instead. */
export class RunLookupError extends Error {
  override readonly name = 'RunLookupError';
}

export async function fetchRun(target: RunTarget, runRef: string): Promise<FetchedRun> {
  const { runs, datasetVersions } = await readWorkspace(target);
  const summary = pickRun(runs, runRef);
  if (!summary.detailBlob) throw new RunLookupError(`run ${summary.name} (${summary.id}) has no detail blob: re-import it to record one`);
  let blob: Uint8Array;
  try {
    blob = await client(target).call('blobs.get', { params: { sha256: summary.detailBlob } });
  } catch (err) {
    if (err instanceof ServerCallError && err.status === 404) throw new RunLookupError(`run ${summary.name} (${summary.id}): its detail blob ${summary.detailBlob} is not on the server`);
    throw err;
  }
  const detail = parseRunDetail(JSON.parse(new TextDecoder().decode(blob)));
  return { summary, detail, datasetVersions };
}

/** By id, then source, then name (unique). */
export function pickRun(runs: RunSummaryRecord[], ref: string): RunSummaryRecord {
  const byId = runs.find((r) => r.id === ref) ?? runs.find((r) => r.source === ref);
  if (byId) return byId;
  const named = runs.filter((r) => r.name === ref);
  if (named.length === 1) return named[0]!;
  if (named.length > 1) {
    throw new RunLookupError(`${named.length} runs are named "${ref}"; pass one id: ${named.map((r) => `${r.id} (${r.experiment || 'no experiment'}, ${new Date(r.startedAt).toISOString()})`).join(', ')}`);
  }
  const some = runs.slice(0, 10).map((r) => `${r.name} (${r.id})`).join(', ');
  throw new RunLookupError(`no run "${ref}" in this workspace (by id, source or name)${runs.length ? `; runs include ${some}` : '; it has no runs yet'}`);
}

async function readWorkspace(target: RunTarget): Promise<{ runs: RunSummaryRecord[]; datasetVersions: DatasetVersionRecord[] }> {
  await checkToken(target);
  const { doc, close } = await openDoc(target);
  try {
    return { runs: listRuns(doc), datasetVersions: listDatasetVersions(doc) };
  } finally {
    close();
  }
}

/** A websocket refused before the upgrade only retries; ask over HTTP first for a clear answer. */
async function checkToken(target: RunTarget): Promise<void> {
  let me;
  try {
    me = await client(target).call('me');
  } catch (err) {
    if (err instanceof ServerCallError && err.kind === 'refused') throw new RunLookupError(err.message);
    throw err;
  }
  if (me.workspaceId !== target.workspaceId) throw new RunLookupError(`the token is for workspace ${me.workspaceId}, not ${target.workspaceId}`);
}

const client = clientFor;
