/**
 * The drift comparison of two files as `driftdesk drift --json` prints it and as the app
 * stores it in a report blob: the engine's dataset report plus where the data came from,
 * the columns that could not be tested, and optional reference-vs-current histograms.
 */
import type { DatasetDriftReport } from '../drift/index.ts';

export interface SkippedColumn {
  name: string;
  reason: string;
}

/** Reference-vs-current counts on shared bins (numerical) or shared categories (categorical). */
export type Overlay =
  | { kind: 'numerical'; name: string; edges: number[]; reference: number[]; current: number[] }
  | { kind: 'categorical'; name: string; categories: string[]; reference: number[]; current: number[] };

export interface DriftComparison extends DatasetDriftReport {
  reference: { path: string; rows: number };
  current: { path: string; rows: number };
  skipped_columns: SkippedColumn[];
  histograms?: Overlay[];
  /**
   * What was compared: the files (absent in reports written before profiles could be compared),
   * or only their stored profiles (profile-drift.ts), when a file was not available anywhere.
   */
  basis?: 'files' | 'profiles';
  /** For a profile comparison: why, and which tests a profile allows, in a sentence for the report. */
  basis_note?: string;
  /** Columns whose test on profiles is an approximation of the file test (coarser bins, re-binned histograms). */
  approximate_columns?: string[];
}
