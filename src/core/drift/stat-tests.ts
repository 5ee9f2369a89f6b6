/**
 * The registry of drift tests and Evidently's default test selection
 * (`evidently/legacy/calculations/stattests/registry.py` and the per-test modules):
 * which column types a test accepts, its default threshold, and how a score becomes a
 * drift verdict.
 */

import { hasMoreDistinctThan, type CategoryValue } from './binning.ts';
import { jensenShannonDrift, klDivDrift, psiDrift } from './binned-distances.ts';
import { chiSquareTest } from './chisquare.ts';
import { hellingerDrift } from './hellinger.ts';
import { ksTwoSample } from './ks.ts';
import { STAT_TEST_NAMES, type ColumnType, type ScoreKind, type StatTestName } from './types.ts';
import { wassersteinDistanceNorm } from './wasserstein.ts';
import { zTest } from './z-test.ts';

/** What the engine knows about one test. */
export interface StatTestSpec {
  readonly name: StatTestName;
  readonly kind: ScoreKind;
  /** Column types a user may request the test for (Evidently's `allowed_feature_types`). */
  readonly allowedTypes: readonly ColumnType[];
  /** Evidently's `default_threshold`: 0.05 for p-value tests, 0.1 for distances. */
  readonly defaultThreshold: number;
  /** The drift verdict for a score, exactly as the Evidently test function returns it. */
  readonly isDrift: (score: number, threshold: number) => boolean;
  /** Computes the score; `type` picks the binning for the distance tests. */
  readonly score: (reference: readonly CategoryValue[], current: readonly CategoryValue[], type: ColumnType) => number;
}

const pBelow = (score: number, threshold: number): boolean => score < threshold;
const distanceAtLeast = (score: number, threshold: number): boolean => score >= threshold;
const BOTH: readonly ColumnType[] = ['numerical', 'categorical'];

/** Every test, by name. */
export const STAT_TESTS: Readonly<Record<StatTestName, StatTestSpec>> = {
  ks: {
    name: 'ks',
    kind: 'p_value',
    allowedTypes: ['numerical'],
    defaultThreshold: 0.05,
    // Evidently's ks is the one p-value test that drifts at p ≤ threshold.
    isDrift: (score, threshold) => score <= threshold,
    score: (ref, cur) => ksTwoSample(ref as readonly number[], cur as readonly number[]).pValue,
  },
  chisquare: {
    name: 'chisquare',
    kind: 'p_value',
    allowedTypes: ['categorical'],
    defaultThreshold: 0.05,
    isDrift: pBelow,
    score: (ref, cur) => chiSquareTest(ref, cur).pValue,
  },
  z: {
    name: 'z',
    kind: 'p_value',
    allowedTypes: ['categorical'],
    defaultThreshold: 0.05,
    isDrift: pBelow,
    score: (ref, cur) => zTest(ref, cur).pValue,
  },
  wasserstein: {
    name: 'wasserstein',
    kind: 'distance',
    allowedTypes: ['numerical'],
    defaultThreshold: 0.1,
    isDrift: distanceAtLeast,
    score: (ref, cur) => wassersteinDistanceNorm(ref as readonly number[], cur as readonly number[]),
  },
  jensenshannon: {
    name: 'jensenshannon',
    kind: 'distance',
    allowedTypes: BOTH,
    defaultThreshold: 0.1,
    isDrift: distanceAtLeast,
    score: jensenShannonDrift,
  },
  psi: { name: 'psi', kind: 'distance', allowedTypes: BOTH, defaultThreshold: 0.1, isDrift: distanceAtLeast, score: psiDrift },
  kl_div: { name: 'kl_div', kind: 'distance', allowedTypes: BOTH, defaultThreshold: 0.1, isDrift: distanceAtLeast, score: klDivDrift },
  hellinger: {
    name: 'hellinger',
    kind: 'distance',
    allowedTypes: BOTH,
    defaultThreshold: 0.1,
    isDrift: distanceAtLeast,
    score: hellingerDrift,
  },
};

/** True when `name` is one of {@link STAT_TEST_NAMES}. */
export function isStatTestName(name: string): name is StatTestName {
  return (STAT_TEST_NAMES as readonly string[]).includes(name);
}

/** Reference sizes above this switch the defaults to distance tests (Evidently). */
export const SMALL_REFERENCE_MAX_ROWS = 1000;

/**
 * Evidently's default test for a column (`_get_default_stattest`), with
 * n = number of distinct values of reference and current together:
 * - reference ≤ 1000 rows: numerical with n > 5 → `ks`; otherwise `chisquare` if n > 2, else `z`;
 * - reference > 1000 rows: numerical with n > 5 → `wasserstein`; otherwise `jensenshannon`.
 * Note that this may pick `chisquare`/`z` for a numerical column with few values, which
 * Evidently allows for its defaults though not for an explicit choice.
 */
export function defaultStatTest(
  reference: readonly CategoryValue[],
  current: readonly CategoryValue[],
  type: ColumnType,
): StatTestName {
  return defaultStatTestFor(reference.length, (k) => hasMoreDistinctThan(reference, k, current), type);
}

/**
 * The same rule from counts: `referenceSize` non-missing reference values, and whether
 * reference and current together hold more than k distinct values. Lets a caller that keeps
 * the data elsewhere (a database) pick the test without handing over the values.
 */
export function defaultStatTestFor(referenceSize: number, moreDistinctThan: (k: number) => boolean, type: ColumnType): StatTestName {
  if (referenceSize <= SMALL_REFERENCE_MAX_ROWS) {
    if (type === 'numerical' && moreDistinctThan(5)) return 'ks';
    return moreDistinctThan(2) ? 'chisquare' : 'z';
  }
  return type === 'numerical' && moreDistinctThan(5) ? 'wasserstein' : 'jensenshannon';
}
