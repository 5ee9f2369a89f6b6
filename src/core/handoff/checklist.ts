/**
 * The checklist a handoff carries. Automatic items are facts about the model version, worked out
 * from its run (metrics, data versions, environment), its drift baseline and the run's
 * reproducibility score, and evaluated when the request is made (and again at a resubmission),
 * so the receiver sees what held when it was asked. Manual items are what no program can see
 * ("rollback plan written"); people tick them.
 */
import type { DataVersionRef, EnvironmentFile, RunDetailRecord } from '../workspace/run-detail.ts';
import type { HandoffChecklistItem, HandoffStage } from '../workspace/schema.ts';

/** What the automatic items look at; the app computes it from the version, its run's detail blob and the repro checklist. */
export interface HandoffFacts {
  /** Names of the metrics the run logged; empty when the version has no run. */
  metrics: string[];
  /** The dataset versions the run read, or null when the version has no run detail. */
  dataVersions: DataVersionRef[] | null;
  environment: EnvironmentFile[];
  /** The dataset version set as this model version's drift baseline. */
  driftBaselineId: string | undefined;
  /** The run's reproducibility score (0–100), or null when there is no run to score. */
  reproScore: number | null;
}

/** Below this repro score a handoff's automatic item fails (a workspace may ask for more). */
export const DEFAULT_REPRO_THRESHOLD = 70;

/** The manual items each stage starts with; the requester may add their own. */
export const DEFAULT_MANUAL_ITEMS: Readonly<Record<HandoffStage, readonly { id: string; label: string }[]>> = {
  'to-ml-engineering': [
    { id: 'evaluation-reviewed', label: 'Evaluation on held-out data reviewed' },
    { id: 'model-card', label: 'Model card written (intended use, limits)' },
  ],
  'to-ops': [
    { id: 'load-tested', label: 'Latency and load tested' },
    { id: 'rollback-plan', label: 'Rollback plan written' },
    { id: 'runbook', label: 'On-call runbook updated' },
  ],
};

/** Facts for a version with a run detail (or none: every run-based item then fails, saying why). */
export function handoffFacts(detail: RunDetailRecord | null, driftBaselineId: string | undefined, reproScore: number | null): HandoffFacts {
  return {
    metrics: detail ? Object.keys(detail.metrics).sort() : [],
    dataVersions: detail ? detail.dataVersions : null,
    environment: detail ? detail.environment : [],
    driftBaselineId,
    reproScore,
  };
}

/**
 * The automatic items for these facts, in a fixed order: metrics attached, data versions pinned
 * (every dataset the run read is known by hash), environment captured, drift baseline set,
 * reproducibility score at or above `threshold`. Each says what it saw.
 */
export function evaluateAutomaticItems(facts: HandoffFacts, threshold = DEFAULT_REPRO_THRESHOLD): HandoffChecklistItem[] {
  const auto = (id: string, label: string, passed: boolean, detail: string): HandoffChecklistItem => ({ id, label, kind: 'automatic', passed, detail });
  const data = facts.dataVersions;
  const unpinned = data?.filter((d) => d.hash.trim() === '') ?? [];
  return [
    auto('metrics-attached', 'Metrics attached', facts.metrics.length > 0,
      facts.metrics.length > 0 ? `${facts.metrics.length} metric${facts.metrics.length === 1 ? '' : 's'}: ${facts.metrics.slice(0, 5).join(', ')}${facts.metrics.length > 5 ? ', …' : ''}` : 'the version\'s run logged no metrics (or the version has no run)'),
    auto('data-pinned', 'Data versions pinned', data !== null && data.length > 0 && unpinned.length === 0,
      data === null ? 'the version has no run, so no data versions' : data.length === 0 ? 'the run recorded no dataset versions' : unpinned.length > 0 ? `no hash for ${unpinned.map((d) => d.name).join(', ')}` : `${data.length} by hash: ${data.map((d) => d.name).join(', ')}`),
    auto('environment-captured', 'Environment captured', facts.environment.length > 0,
      facts.environment.length > 0 ? facts.environment.map((f) => f.path).join(', ') : 'no pip, conda or MLmodel environment with the run'),
    auto('drift-baseline', 'Drift baseline set', facts.driftBaselineId !== undefined,
      facts.driftBaselineId !== undefined ? 'a reference dataset version is set for monitoring' : 'pick the dataset version production data will be compared against'),
    auto('repro-score', `Reproducibility score ≥ ${threshold}`, facts.reproScore !== null && facts.reproScore >= threshold,
      facts.reproScore === null ? 'no run to score' : `score ${facts.reproScore}`),
  ];
}

/** The checklist a new request carries: the automatic items, then the stage's manual items and any extra ones. */
export function buildHandoffChecklist(stage: HandoffStage, facts: HandoffFacts, extraManual: readonly string[] = [], threshold = DEFAULT_REPRO_THRESHOLD): HandoffChecklistItem[] {
  const manual = [
    ...DEFAULT_MANUAL_ITEMS[stage].map((m): HandoffChecklistItem => ({ ...m, kind: 'manual' })),
    ...extraManual.map((label, i): HandoffChecklistItem => ({ id: `custom-${i + 1}`, label, kind: 'manual' })),
  ];
  return [...evaluateAutomaticItems(facts, threshold), ...manual];
}
