/**
 * The reproducibility score a handoff's checklist uses for a version's run.
 *
 * TODO(merge): return `reproChecklist(detail).score` from src/core/repro/checklist.ts (branch
 * `repro`) and delete the provisional scoring below. Until that file is on main, this scores the
 * same five things with the same weights (code 25, params 15, data 20, environment 30, seed 10),
 * coarsely: each counts fully or not at all. It exists only so a handoff can be accepted at all
 * before the merge — with a null score the "Reproducibility score" item always fails, and accept
 * needs every item to hold.
 */
import { type RunDetailRecord, runSeed } from '../../../core/workspace';

export function reproScoreFor(detail: RunDetailRecord | null): number | null {
  if (!detail) return null;
  const commit = detail.code?.commit?.trim() ?? '';
  const code = /^[0-9a-f]{7,40}$/i.test(commit) && detail.code?.dirty !== true ? 25 : 0;
  const params = Object.keys(detail.params).length > 0 ? 15 : 0;
  const data = detail.dataVersions.length > 0 && detail.dataVersions.every((d) => d.hash.trim() !== '') ? 20 : 0;
  const environment = detail.environment.length > 0 ? 30 : 0;
  const seed = runSeed(detail) !== undefined ? 10 : 0;
  return code + params + data + environment + seed;
}
