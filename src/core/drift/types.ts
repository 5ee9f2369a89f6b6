/**
 * Shared types of the drift engine. Scores follow Evidently: a p-value test reports its
 * p-value and drifts when it falls below the threshold; a distance test reports the
 * distance and drifts when it reaches the threshold.
 */

/** How a column is compared: `numerical` (numbers) or `categorical` (strings). */
export type ColumnType = 'numerical' | 'categorical';

/** Names of the drift tests, as Evidently registers them. */
export const STAT_TEST_NAMES = [
  'ks',
  'chisquare',
  'z',
  'wasserstein',
  'jensenshannon',
  'psi',
  'kl_div',
  'hellinger',
] as const;

/** One of {@link STAT_TEST_NAMES}. */
export type StatTestName = (typeof STAT_TEST_NAMES)[number];

/** Whether a test's score is a p-value (small means drift) or a distance (large means drift). */
export type ScoreKind = 'p_value' | 'distance';

/** Options for one column. */
export interface ColumnDriftOptions {
  /** Column type; decides the default test and which tests are allowed. */
  readonly type: ColumnType;
  /** Column name, used in error messages. */
  readonly name?: string;
  /** Test to run instead of the default selection; must be valid for `type`. */
  readonly test?: string;
  /** Threshold instead of the test's default (0.05 for p-value tests, 0.1 for distances). */
  readonly threshold?: number;
}

/** The outcome of one column's drift test. */
export interface ColumnDriftResult {
  readonly test: StatTestName;
  readonly kind: ScoreKind;
  /** The p-value of a p-value test, or the distance of a distance test. */
  readonly score: number;
  readonly threshold: number;
  readonly drifted: boolean;
}

/** One column of a dataset comparison. Numerical values must be finite numbers, missing values removed. */
export type DatasetColumn =
  | {
      readonly name: string;
      readonly type: 'numerical';
      readonly reference: readonly number[];
      readonly current: readonly number[];
      readonly test?: string;
      readonly threshold?: number;
    }
  | {
      readonly name: string;
      readonly type: 'categorical';
      /** Strings, or finite numbers on both sides for a numeric column compared as categories. */
      readonly reference: readonly string[] | readonly number[];
      readonly current: readonly string[] | readonly number[];
      readonly test?: string;
      readonly threshold?: number;
    };

/** Options that apply to every column unless the column sets its own `test`/`threshold`. */
export interface DatasetDriftOptions {
  /** Test for all columns (Evidently's `all_features_stattest`). */
  readonly test?: string;
  /** Threshold for all columns (Evidently's `all_features_threshold`). */
  readonly threshold?: number;
  /** Dataset drifts when the share of drifted columns is ≥ this; default 0.5. */
  readonly driftShare?: number;
}

/** One row of the dataset report; field names are the CLI's JSON contract (issue 3). */
export interface ColumnReport {
  readonly name: string;
  readonly type: ColumnType;
  readonly test: StatTestName;
  readonly score: number;
  readonly threshold: number;
  readonly drifted: boolean;
}

/** Dataset-level drift report; field names are the CLI's JSON contract (issue 3). */
export interface DatasetDriftReport {
  readonly columns: readonly ColumnReport[];
  readonly drifted_columns: number;
  readonly share_drifted: number;
  readonly drift_share: number;
  readonly dataset_drift: boolean;
}
