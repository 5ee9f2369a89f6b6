/**
 * Column profiles and dataset versions as plain data: what `driftdesk profile` prints and
 * what a dataset version's profile blob holds.
 */
export interface Histogram {
  /** Bin edges, length counts.length + 1; the last bin is closed. */
  edges: number[];
  counts: number[];
}

interface ProfileBase {
  name: string;
  /** Rows in the dataset. */
  count: number;
  /** Rows where this column is missing. */
  missing: number;
  /** missing / count (0 for an empty dataset). */
  missingShare: number;
  /** Distinct non-missing values. */
  distinct: number;
}

export interface NumericalProfile extends ProfileBase {
  kind: 'numerical';
  /** null when every value is missing. Standard deviation is the sample one (ddof 1), as pandas' describe. */
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  /** Linear-interpolated quantiles (pandas' default, DuckDB's quantile_cont). */
  quantiles: { p05: number; p25: number; p50: number; p75: number; p95: number } | null;
  histogram: Histogram | null;
}

export interface CategoricalProfile extends ProfileBase {
  kind: 'categorical';
  /** Most frequent values, most frequent first (ties by value), at most TOP_CATEGORIES. */
  top: { value: string; count: number }[];
}

export interface OtherProfile extends ProfileBase {
  kind: 'datetime' | 'other';
  type: string;
}

export type ColumnProfile = NumericalProfile | CategoricalProfile | OtherProfile;

export interface DatasetProfile {
  path: string;
  format: string;
  /** DVC-compatible content hash (md5, or md5 + ".dir" for a directory). */
  md5: string;
  size: number;
  rows: number;
  columns: ColumnProfile[];
}

export const TOP_CATEGORIES = 10;
export const MAX_HISTOGRAM_BINS = 50;
