/**
 * Dataset-level drift as Evidently's DataDriftTable / DatasetDriftMetric computes it:
 * test every column, count the drifted ones, and call the dataset drifted when the share
 * of drifted columns reaches `drift_share` (default 0.5).
 */

import { detectColumnDrift } from './column-drift.ts';
import type { ColumnReport, DatasetColumn, DatasetDriftOptions, DatasetDriftReport } from './types.ts';

/** Evidently's default `drift_share`. */
export const DEFAULT_DRIFT_SHARE = 0.5;

/**
 * Tests each column (see `detectColumnDrift`) and summarises, in the CLI's JSON shape:
 * `share_drifted = drifted_columns / columns`, `dataset_drift = share_drifted ≥ drift_share`
 * (Evidently's rule). A column's own `test`/`threshold` wins over `options.test` /
 * `options.threshold`, which win over the defaults. Columns keep their input order.
 *
 * Throws an Error for no columns, duplicate names, a drift share outside [0, 1], or any
 * column error (which names the column).
 */
export function detectDatasetDrift(
  columns: readonly DatasetColumn[],
  options: DatasetDriftOptions = {},
): DatasetDriftReport {
  const driftShare = options.driftShare ?? DEFAULT_DRIFT_SHARE;
  if (typeof driftShare !== 'number' || !(driftShare >= 0 && driftShare <= 1)) {
    throw new Error(`drift share must be a number between 0 and 1, got ${String(driftShare)}`);
  }
  if (columns.length === 0) throw new Error('no columns to test for drift');
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column.name)) throw new Error(`column "${column.name}" appears twice; column names must be unique`);
    seen.add(column.name);
  }

  const reports: ColumnReport[] = columns.map((column) => {
    const result = detectColumnDrift(column.reference, column.current, {
      type: column.type,
      name: column.name,
      test: column.test ?? options.test,
      threshold: column.threshold ?? options.threshold,
    });
    return {
      name: column.name,
      type: column.type,
      test: result.test,
      score: result.score,
      threshold: result.threshold,
      drifted: result.drifted,
    };
  });
  return summarizeDrift(reports, driftShare);
}

/** The dataset verdict from column reports (Evidently's rule: share drifted ≥ drift share). */
export function summarizeDrift(reports: readonly ColumnReport[], driftShare: number = DEFAULT_DRIFT_SHARE): DatasetDriftReport {
  const driftedColumns = reports.filter((r) => r.drifted).length;
  const shareDrifted = reports.length === 0 ? 0 : driftedColumns / reports.length;
  return {
    columns: reports,
    drifted_columns: driftedColumns,
    share_drifted: shareDrifted,
    drift_share: driftShare,
    dataset_drift: shareDrifted >= driftShare,
  };
}
