/**
 * The reproducibility score a handoff's checklist uses: the score of the version's run from the
 * reproducibility checklist (src/core/repro/checklist.ts) — the same number the run page shows,
 * with `driftdesk` data refs resolved against this workspace's dataset versions.
 */
import { reproChecklist } from '../../../core/repro';
import type { RunDetailRecord } from '../../../core/workspace';

export function reproScoreFor(detail: RunDetailRecord | null, datasetVersions: readonly { id: string; md5: string }[]): number | null {
  return detail ? reproChecklist(detail, { datasetVersions }).score : null;
}
