/**
 * Alert thresholds derived from the reference chunks, as NannyML's `nannyml/thresholds.py`
 * (`StandardDeviationThreshold.thresholds`, `calculate_threshold_values`) defines them:
 * mean ± k·std of the metric over the reference chunks (NaN chunks ignored, the population
 * standard deviation as `np.nanstd`), then a bound that reaches the metric's own limit
 * (e.g. 0 or 1 for ROC AUC) is replaced by that limit — or dropped (null) where the caller
 * asks, as the reconstruction-error calculator does for its lower bound.
 */

export interface Thresholds {
  readonly lower: number | null;
  readonly upper: number | null;
}

export interface ThresholdOptions {
  /** Multipliers of the standard deviation (NannyML's default 3 each); null means no bound on that side. */
  readonly lowerMultiplier?: number | null;
  readonly upperMultiplier?: number | null;
  /** The metric's range: a bound at or past it is replaced by it (or by null with `overrideWithNull`). */
  readonly lowerLimit?: number | null;
  readonly upperLimit?: number | null;
  readonly overrideWithNull?: boolean;
}

/**
 * Thresholds from per-chunk reference values (NaN entries ignored). With no finite value at
 * all, both bounds are NaN (as numpy's nanmean of an empty slice).
 */
export function standardDeviationThresholds(values: readonly number[], options: ThresholdOptions = {}): Thresholds {
  const finite = values.filter((v) => !Number.isNaN(v));
  const n = finite.length;
  const mean = n ? finite.reduce((s, v) => s + v, 0) / n : Number.NaN;
  const std = n ? Math.sqrt(finite.reduce((s, v) => s + (v - mean) ** 2, 0) / n) : Number.NaN;
  const lowerK = options.lowerMultiplier === undefined ? 3 : options.lowerMultiplier;
  const upperK = options.upperMultiplier === undefined ? 3 : options.upperMultiplier;
  let lower = lowerK === null ? null : mean - std * lowerK;
  let upper = upperK === null ? null : mean + std * upperK;
  const lowerLimit = options.lowerLimit ?? null;
  const upperLimit = options.upperLimit ?? null;
  if (lowerLimit !== null && lower !== null && lower <= lowerLimit) lower = options.overrideWithNull ? null : lowerLimit;
  if (upperLimit !== null && upper !== null && upper >= upperLimit) upper = options.overrideWithNull ? null : upperLimit;
  return { lower, upper };
}
