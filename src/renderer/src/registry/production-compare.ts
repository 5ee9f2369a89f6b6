/**
 * "Run vs production": where a model version's run can be compared with the run of the version
 * the model's `production` alias points to — the compare page with production as the baseline,
 * so its environment diff reads "production → this version".
 */
import type * as Y from 'yjs';
import { type ModelVersionRecord, currentAliases, getModelVersion } from '../../../core/workspace';

export interface ProductionComparison {
  production: ModelVersionRecord;
  href: string;
}

/** Null when the model has no production version, it is this version, or either has no run. */
export function productionComparison(doc: Y.Doc, workspaceId: string, version: ModelVersionRecord): ProductionComparison | null {
  const target = currentAliases(doc, version.modelId).get('production')?.versionId;
  const production = target ? getModelVersion(doc, target) : undefined;
  if (!production || production.id === version.id || !production.runId || !version.runId || production.runId === version.runId) return null;
  const query = new URLSearchParams({ runs: `${production.runId},${version.runId}`, baseline: production.runId });
  return { production, href: `#/w/${workspaceId}/compare?${query.toString()}` };
}
