/**
 * Which drift type a column gets, as Evidently's legacy data drift decides it from pandas
 * dtypes: `evidently/legacy/utils/data_preprocessing.py::_get_column_type` (the branch for
 * "all other features": no target, no prediction, no column mapping), with
 * `NUMBER_UNIQUE_AS_CATEGORICAL = 5`.
 *
 * The rule, step by step, as that function runs it:
 * 1. ref_type, cur_type are the two sides' dtypes; ref_unique, cur_unique their `nunique()`
 *    (missing values not counted).
 * 2. When the dtypes differ and one of them is not of kind i/u/f/c/m/M (int, uint, float,
 *    complex, timedelta, datetime), the reference's dtype wins. Otherwise the current's stays.
 * 3. column_dtype = cur_type; nunique = ref_unique or cur_unique (Python `or`: the current's
 *    count only when the reference has none).
 * 4. integer dtype: categorical when nunique ≤ 5, else numerical; bool: categorical; other
 *    numeric dtypes (float): numerical; datetime64: datetime; anything else (object):
 *    categorical.
 *
 * Mind pandas: it has no integer dtype with missing values, so an integer column with one
 * missing value is float64 and therefore numerical whatever its number of values.
 */

/** The pandas dtype a reader gave a column (the subset Driftdesk's readers produce). */
export type PandasDtype = 'int64' | 'float64' | 'bool' | 'object' | 'datetime64' | 'other';

/** The side of a column that the rule looks at. */
export interface ColumnSide {
  readonly dtype: PandasDtype;
  /** Distinct non-missing values (pandas `nunique()`). */
  readonly unique: number;
}

/** Evidently's column types that the drift engine meets; `other` is never tested. */
export type EvidentlyColumnType = 'numerical' | 'categorical' | 'datetime' | 'other';

/** At most this many distinct values make an integer column categorical (Evidently). */
export const NUMBER_UNIQUE_AS_CATEGORICAL = 5;

/** dtype kinds that survive a dtype mismatch in step 2 (numpy `dtype.kind` i, u, f, c, m, M). */
const NUMERIC_OR_TIME: ReadonlySet<PandasDtype> = new Set(['int64', 'float64', 'datetime64']);

/**
 * Evidently's type for a column present on both sides, per the rule in this file's header.
 * `other` (lists, structs, mixed JSON) stands for a dtype Evidently would refuse or treat as
 * text it cannot test; the caller reports such a column as skipped.
 */
export function evidentlyColumnType(reference: ColumnSide, current: ColumnSide): EvidentlyColumnType {
  let curType = current.dtype;
  if (reference.dtype !== current.dtype && (!NUMERIC_OR_TIME.has(reference.dtype) || !NUMERIC_OR_TIME.has(curType))) {
    curType = reference.dtype;
  }
  const nunique = reference.unique || current.unique;
  switch (curType) {
    case 'int64':
      return nunique <= NUMBER_UNIQUE_AS_CATEGORICAL ? 'categorical' : 'numerical';
    case 'bool':
      return 'categorical';
    case 'float64':
      return 'numerical';
    case 'datetime64':
      return 'datetime';
    case 'object':
      return 'categorical';
    case 'other':
      return 'other';
  }
}
