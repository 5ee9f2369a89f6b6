/**
 * Reads of the model registry for the pages (each re-read when the workspace doc changes), the
 * facts a handoff checklist is evaluated from, and one way to run a command and show its error.
 */
import { useCallback, useState } from 'react';
import type * as Y from 'yjs';
import { type HandoffFacts, type HandoffState, handoffFacts } from '../../../core/handoff';
import {
  type RunDetailRecord,
  type TeamRole,
  getModelVersion,
  listDatasetVersions,
  listHandoffStates,
  listRuns,
  parseRunDetail,
  teamRoleOf,
} from '../../../core/workspace';
import { errorText } from '../components/format';
import { useDocValue } from '../session/hooks';
import { useJsonBlob } from '../session/use-blob';
import type { WorkspaceSession } from '../session/workspace-session';
import { reproScoreFor } from './repro-score';

// Light helpers live where the sidebar can import them without the pages' dependencies.
export { versionName } from './registry-bits';
export { useWaitingForMe } from './registry-nav';
export { errorText };


/** Runs a command, keeping its error (or null after a success) for an alert under the form. */
export function useAction(): { error: string | null; act: (f: () => void) => boolean; clear: () => void } {
  const [error, setError] = useState<string | null>(null);
  const act = useCallback((f: () => void) => {
    try {
      f();
      setError(null);
      return true;
    } catch (err) {
      setError(errorText(err));
      return false;
    }
  }, []);
  return { error, act, clear: useCallback(() => setError(null), []) };
}

/** This person's team role, kept current. */
export function useMyTeamRole(session: WorkspaceSession): TeamRole | undefined {
  const me = session.connection.memberId;
  return useDocValue(session.doc, useCallback((doc: Y.Doc) => teamRoleOf(doc, me), [me]));
}


export type FactsState =
  | { kind: 'loading' }
  | { kind: 'ready'; facts: HandoffFacts; detail: RunDetailRecord | null; note?: string }
  | { kind: 'error'; message: string };

/**
 * The facts a version's handoff checklist is evaluated from: its run's detail blob (loaded through
 * the host), its drift baseline and the run's reproducibility score. A version without a run, or a
 * run without a detail, gives facts whose run-based items fail and say why.
 */
export function useVersionFacts(session: WorkspaceSession, versionId: string): FactsState {
  const read = useCallback((doc: Y.Doc) => {
    const version = getModelVersion(doc, versionId);
    const run = version?.runId ? listRuns(doc).find((r) => r.id === version.runId) : undefined;
    const datasets = listDatasetVersions(doc).map((d) => ({ id: d.id, md5: d.md5 }));
    return { version, blob: run?.detailBlob, hasRun: run !== undefined, datasets };
  }, [versionId]);
  const { version, blob, hasRun, datasets } = useDocValue(session.doc, read);
  const loaded = useJsonBlob<unknown>(session, blob);
  if (!version) return { kind: 'error', message: `no model version ${versionId}` };
  if (!blob) {
    const note = !version.runId ? 'This version was not registered from a run.' : hasRun ? 'Its run has no detail (params, metrics, environment) stored.' : 'Its run is not in this workspace.';
    return { kind: 'ready', facts: handoffFacts(null, version.baselineDatasetVersionId, null), detail: null, note };
  }
  if (loaded.kind === 'loading') return loaded;
  if (loaded.kind === 'error') return { kind: 'error', message: `could not load the run's detail: ${loaded.message}` };
  try {
    const detail = parseRunDetail(loaded.value);
    return { kind: 'ready', facts: handoffFacts(detail, version.baselineDatasetVersionId, reproScoreFor(detail, datasets)), detail };
  } catch (err) {
    return { kind: 'error', message: `the run's detail does not read: ${errorText(err)}` };
  }
}


/** The accepted handoff to ops of a version (what moving `production` to it needs), if there is one. */
export function acceptedOpsHandoff(doc: Y.Doc, versionId: string): HandoffState | undefined {
  return listHandoffStates(doc).find((s) => s.handoff.versionId === versionId && s.handoff.stage === 'to-ops' && s.status === 'accepted');
}
