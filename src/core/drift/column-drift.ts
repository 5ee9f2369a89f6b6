/**
 * Drift of one column: validate the input, pick the test (the caller's or Evidently's
 * default), run it, and turn the score into a verdict with the test's threshold rule.
 */

import type { CategoryValue } from './binning.ts';
import { STAT_TESTS, defaultStatTest, isStatTestName } from './stat-tests.ts';
import { STAT_TEST_NAMES, type ColumnDriftOptions, type ColumnDriftResult, type ColumnType, type StatTestName } from './types.ts';

function label(name: string | undefined): string {
  return name === undefined ? 'column' : `column "${name}"`;
}

function checkValues(values: readonly unknown[], side: string, type: ColumnType, where: string): void {
  if (!Array.isArray(values)) throw new Error(`${where}: ${side} values must be an array`);
  if (values.length === 0) {
    throw new Error(`${where}: ${side} has no values (after removing missing ones), so drift cannot be tested`);
  }
  // Categories are strings, or all finite numbers when a numeric column is compared as
  // categories (pandas keeps them numbers, so Evidently's z-test orders them numerically).
  const numbers = type === 'numerical' || typeof values[0] === 'number';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (numbers ? typeof v !== 'number' || !Number.isFinite(v) : typeof v !== 'string') {
      const expected = numbers ? 'a finite number' : 'a string';
      throw new Error(
        `${where}: ${side} value #${i} is ${describe(v)}, expected ${expected} in a ${type} column` +
          (type === 'numerical' ? ' (remove missing values first, or declare the column categorical)' : ''),
      );
    }
  }
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  return v === null ? 'null' : typeof v;
}

/**
 * Resolves the test for a column: `requested` if given (must be a known name valid for
 * `type`), otherwise Evidently's default. Throws an Error naming the column otherwise.
 */
export function resolveStatTest(
  requested: string | undefined,
  reference: readonly CategoryValue[],
  current: readonly CategoryValue[],
  type: ColumnType,
  name?: string,
): StatTestName {
  if (requested === undefined) return defaultStatTest(reference, current, type);
  const where = label(name);
  if (!isStatTestName(requested)) {
    throw new Error(`${where}: unknown drift test "${requested}"; use one of ${STAT_TEST_NAMES.join(', ')}`);
  }
  const spec = STAT_TESTS[requested];
  if (!spec.allowedTypes.includes(type)) {
    throw new Error(
      `${where}: test "${requested}" works on ${spec.allowedTypes.join(' or ')} columns, but this column is ${type}`,
    );
  }
  return requested;
}

/**
 * Tests one column for drift between `reference` and `current`, as Evidently's column
 * drift does: the default test per {@link defaultStatTest} unless `options.test` is set,
 * the test's default threshold unless `options.threshold` is set; `drifted` follows the
 * test's rule (p-value tests: p < threshold, ks: p ≤ threshold; distances: ≥ threshold).
 *
 * Numerical values must be finite numbers and categorical values strings (or, for a numeric
 * column compared as categories, finite numbers on both sides), with missing values already
 * removed. Throws an Error naming the column for an empty side, a value of
 * the wrong kind, an unknown test, a test not valid for the type, or a bad threshold.
 */
export function detectColumnDrift(
  reference: readonly number[] | readonly string[],
  current: readonly number[] | readonly string[],
  options: ColumnDriftOptions,
): ColumnDriftResult {
  const { type, name } = options;
  const where = label(name);
  if (type !== 'numerical' && type !== 'categorical') {
    throw new Error(`${where}: unknown column type "${String(type)}"; use numerical or categorical`);
  }
  checkValues(reference, 'reference', type, where);
  checkValues(current, 'current', type, where);
  if (type === 'categorical' && typeof reference[0] !== typeof current[0]) {
    throw new Error(`${where}: reference categories are ${typeof reference[0]}s but current ones are ${typeof current[0]}s; use one kind on both sides`);
  }
  const test = resolveStatTest(options.test, reference, current, type, name);
  const spec = STAT_TESTS[test];
  const threshold = options.threshold ?? spec.defaultThreshold;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0) {
    throw new Error(`${where}: threshold must be a finite number ≥ 0, got ${String(threshold)}`);
  }
  const score = spec.score(reference, current, type);
  return { test, kind: spec.kind, score, threshold, drifted: spec.isDrift(score, threshold) };
}
