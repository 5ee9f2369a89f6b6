/**
 * Imports an MLflow store (runs and model registry) into a workspace on a sync server, in steps
 * so a failure leaves the workspace as it was:
 *   1. read and check the whole store (src/data/mlflow/read-store.ts): any bad file stops here;
 *   2. ask the server who the token is (`GET /api/v1/me`): an editor or owner of this workspace;
 *   3. upload each run's detail blob (content-addressed, so a blob nobody points at is harmless
 *      and a repeated upload is a no-op);
 *   4. sync the workspace, apply runs, models, versions and alias moves to a copy of it
 *      (src/core/mlflow/registry-apply.ts) — any refusal stops here, with nothing sent — then send
 *      the difference as ONE update and wait until the server's state vector shows it holds it;
 *   5. send the notebooks among the runs' artifacts, one by one, as `push notebook --run` does
 *      (import-notebooks.ts): a file that is not a notebook is skipped and named, not fatal.
 * Everything is matched by its MLflow identity (`mlflow:<run uuid>`, `mlflow:<model>`, …), so
 * running it again updates.
 */
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { type MlflowApplyReport, MlflowRegistryError, applyMlflowImport } from '../../core/mlflow/index.ts';
import { DOC_KEYS } from '../../core/workspace/index.ts';
import { type ImportedStore, MlflowImportError, MlflowImportRefused } from '../../data/mlflow/imported-run.ts';
import { type NotebookImportReport, planNotebooks, pushNotebooks } from './import-notebooks.ts';
import { prepareImport } from '../../data/mlflow/read-store.ts';
import type { RunDetail } from '../../data/mlflow/run-detail.ts';
import { identityBeforeImport, serverHolds } from '../import-server.ts';
import { openDoc } from '../open-doc.ts';
import { ServerCallError, type ServerClient, clientFor, type WorkspaceTarget } from '../server-api-client.ts';

/** Server, workspace and token (one type for every command that talks to a server). */
export type ImportTarget = WorkspaceTarget;

export interface ImportReport extends MlflowApplyReport {
  store: ImportedStore['kind'];
  skippedDeleted: number;
  /** True for --dry-run: the report says what would change; nothing was sent. */
  dryRun: boolean;
  /** Notebooks from the runs' artifacts: added (or, in a dry run, to be added), unchanged, skipped. */
  notebooks: NotebookImportReport;
}

/**
 * The dry run without a server: what the import would create in an empty workspace. It is
 * planned as an owner would import it (production moves included); the real import needs an
 * owner's token for those.
 */
export function planOffline(path: string, options: { artifactRoot?: string } = {}): ImportReport {
  const { store, details } = prepareImport(path, options);
  const doc = new Y.Doc();
  try {
    const actor = { id: 'dry-run', name: 'dry run' };
    doc.getMap(DOC_KEYS.members).set(actor.id, { id: actor.id, name: actor.name, role: 'owner', joinedAt: 0 });
    const report = applyMlflowImport(doc, { runs: details.map((d) => d.summary), models: store.models }, { actor, now: () => Date.now(), newId: () => randomUUID() });
    return { ...report, store: store.kind, skippedDeleted: store.skippedDeleted, dryRun: true, notebooks: planNotebooks(store.runs, null) };
  } catch (err) {
    throw asImportError(path, err);
  } finally {
    doc.destroy();
  }
}

/**
 * Imports `path` into the workspace (or with `dryRun`, syncs it and reports what the import would
 * change, sending nothing: no blobs, no update).
 */
/** `artifactRoot`: for an mlflow.db, the folder its runs' artifacts may be read from (default: the database's folder). */
export async function importMlflow(path: string, target: ImportTarget, options: { dryRun?: boolean; artifactRoot?: string } = {}): Promise<ImportReport> {
  const { store, details } = prepareImport(path, options.artifactRoot === undefined ? {} : { artifactRoot: options.artifactRoot });
  const api = clientFor(target);
  const me = await identityBeforeImport(api);
  if (me.workspaceId !== target.workspaceId) throw new MlflowImportRefused(`the token is for workspace ${me.workspaceId}, not ${target.workspaceId}; nothing was written`);
  if (me.role !== 'owner' && me.role !== 'editor') throw new MlflowImportRefused(`${me.name} is a ${me.role}: importing needs an editor's or owner's token; nothing was written`);
  if (!options.dryRun) for (const d of details) await uploadBlob(api, d);
  const timeoutMs = target.timeoutMs ?? 15_000;
  // Until synced, our doc lacks what earlier imports wrote and everything would look new.
  const { doc, close } = await openDoc(target);
  try {
    // Applied to a copy first: a refusal half-way (say, production without an owner's token)
    // then leaves the workspace as it was, and the copy is the dry run.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    let report: MlflowApplyReport;
    try {
      // The importing member is the author of every record (the sync server requires a
      // connection's records to carry its own member id); applyMlflowImport names the import,
      // not the member, as who moved an alias, and marks those events `source: 'mlflow'`.
      report = applyMlflowImport(copy, { runs: details.map((d) => d.summary), models: store.models }, {
        actor: { id: me.memberId, name: me.name }, now: () => Date.now(), newId: () => randomUUID(),
      });
      if (!options.dryRun) Y.applyUpdate(doc, Y.encodeStateAsUpdate(copy, Y.encodeStateVector(doc)));
    } catch (err) {
      throw asImportError(path, err);
    } finally {
      copy.destroy();
    }
    let notebooks: NotebookImportReport;
    if (options.dryRun) {
      notebooks = planNotebooks(store.runs, doc);
    } else {
      const mine = Y.decodeStateVector(Y.encodeStateVector(doc));
      await untilAsync(async () => serverHolds(api, target.workspaceId, mine), timeoutMs, 'the server to store the import (is the token an editor\'s?)');
      // Only now: the server links a notebook to its run by `mlflow:<run id>`, so the run must be there.
      notebooks = await pushNotebooks(api, store.runs);
    }
    return { ...report, store: store.kind, skippedDeleted: store.skippedDeleted, dryRun: options.dryRun === true, notebooks };
  } finally {
    close();
  }
}

function asImportError(path: string, err: unknown): Error {
  if (err instanceof MlflowRegistryError) return new MlflowImportError(`${path}: ${err.message}; nothing was written`);
  return err as Error;
}

async function uploadBlob(api: ServerClient, detail: RunDetail): Promise<void> {
  try {
    await api.call('blobs.put', { params: { sha256: detail.sha256 }, body: detail.blob });
  } catch (err) {
    if (!(err instanceof ServerCallError)) throw err;
    if (err.kind === 'unreachable') throw new Error(`${err.message.replace(/\.$/, '')}; nothing was written to the workspace`);
    throw new Error(`the server refused the detail blob of run ${detail.summary.source} (${err.status}): ${err.reason ?? err.message}; nothing was written to the workspace`);
  }
}

async function untilAsync(predicate: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
