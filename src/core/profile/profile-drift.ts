/**
 * Drift between two dataset versions when neither this machine nor the blob store has both
 * files: only their stored profiles (profile.ts in src/data) are compared, so only the tests a
 * profile allows run:
 * - a categorical column whose profile lists every value (at most TOP_CATEGORIES distinct on
 *   each side): Evidently's default test (`chisquare`, `z`, or `jensenshannon` past 1000
 *   reference rows) on the exact value counts, so the same test and score as on the files;
 * - any other categorical column: `jensenshannon` on the values in both top lists plus one bin
 *   for the rest of each side: exact counts, but coarser bins than the file test's;
 * - a numerical column: `psi` (Evidently's, empty shares floored at 0.0001, threshold 0.1) on the
 *   reference histogram's bins plus one below and one above, with the current histogram's counts
 *   spread evenly over each of its bins: an approximation, since a profile keeps no values.
 * KS, Wasserstein, and every test an explicit choice would run on values are not possible.
 * Integer columns with at most 5 distinct values, which the file comparison tests as categories
 * (Evidently's rule), stay numerical here: a profile does not keep the column's dtype.
 */
import { type ColumnMapping, DEFAULT_DRIFT_SHARE, type ColumnReport, STAT_TESTS, detectColumnDrift, jensenShannonDistance, populationStabilityIndex, summarizeDrift, untestedColumns } from '../drift/index.ts';
import type { DriftComparison, Overlay, SkippedColumn } from './drift-report.ts';
import type { CategoricalProfile, DatasetProfile, NumericalProfile } from './types.ts';

const PSI_THRESHOLD = STAT_TESTS.psi.defaultThreshold;
const OTHER = '(other values)';

/** The sentence a profile-only report opens with, naming the tests it could run. */
export const PROFILE_BASIS_NOTE =
  'Compared on the two stored profiles, not on the files: categorical columns whose profile lists every value get the default test on exact counts; ' +
  'other categorical columns get jensenshannon on their shared top values plus the rest; numerical columns get psi on the reference histogram, ' +
  'with the current histogram spread evenly within its bins (an approximation). KS, Wasserstein and other value-based tests need the files.';

/**
 * Compares two profiles column by column (see the header for the tests), as far as a profile
 * allows. `why` says why the files were not used; it opens the report's note. Columns are
 * matched by name; dataset drift uses the share rule of `summarizeDrift` (default 0.5).
 */
export function compareProfiles(reference: DatasetProfile, current: DatasetProfile, why: string, mapping?: ColumnMapping): DriftComparison {
  // The mapping's timestamp, id and ignored columns are not tested, as on the files.
  const untested = untestedColumns(mapping);
  const reports: ColumnReport[] = [];
  const skipped: SkippedColumn[] = [];
  const histograms: Overlay[] = [];
  const approximate: string[] = [];
  const curByName = new Map(current.columns.map((c) => [c.name, c]));
  for (const ref of reference.columns) {
    const cur = curByName.get(ref.name);
    const role = untested.get(ref.name);
    if (role) {
      skipped.push({ name: ref.name, reason: `the ${role === 'ignored' ? 'column is ignored' : `${role} column`} (column mapping): not tested for drift` });
      continue;
    }
    if (!cur) {
      skipped.push({ name: ref.name, reason: 'only in the reference' });
      continue;
    }
    if (ref.kind === 'numerical' && cur.kind === 'numerical') {
      const outcome = numericalOnHistograms(ref, cur);
      if (typeof outcome === 'string') skipped.push({ name: ref.name, reason: outcome });
      else {
        reports.push(outcome.report);
        histograms.push(outcome.overlay);
        approximate.push(ref.name);
      }
    } else if (ref.kind === 'categorical' && cur.kind === 'categorical') {
      const outcome = categoricalOnCounts(ref, cur);
      if (typeof outcome === 'string') skipped.push({ name: ref.name, reason: outcome });
      else {
        reports.push(outcome.report);
        histograms.push(outcome.overlay);
        if (!outcome.exact) approximate.push(ref.name);
      }
    } else {
      skipped.push({
        name: ref.name,
        reason: ref.kind === cur.kind ? `${ref.kind} columns are not tested for drift` : `${ref.kind} in the reference but ${cur.kind} in the current data`,
      });
    }
  }
  for (const cur of current.columns) if (!reference.columns.some((c) => c.name === cur.name)) skipped.push({ name: cur.name, reason: 'only in the current data' });
  if (reports.length === 0) throw new Error(`no column can be tested from the profiles: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ') || 'no columns'}`);
  return {
    reference: { path: reference.path, rows: reference.rows },
    current: { path: current.path, rows: current.rows },
    ...summarizeDrift(reports, DEFAULT_DRIFT_SHARE),
    skipped_columns: skipped,
    histograms,
    basis: 'profiles',
    basis_note: `${why}. ${PROFILE_BASIS_NOTE}`,
    approximate_columns: approximate,
  };
}

/** True when the profile's top list holds every non-missing value. */
function complete(p: CategoricalProfile): boolean {
  return p.top.reduce((s, t) => s + t.count, 0) === p.count - p.missing;
}

function categoricalOnCounts(ref: CategoricalProfile, cur: CategoricalProfile): { report: ColumnReport; overlay: Overlay; exact: boolean } | string {
  const refPresent = ref.count - ref.missing;
  const curPresent = cur.count - cur.missing;
  if (refPresent <= 0) return 'all values missing in the reference: not testable';
  if (curPresent <= 0) return 'all values missing in the current data: not testable';
  if (complete(ref) && complete(cur)) {
    // Every value is known with its count: the values themselves, rebuilt, give the file test exactly.
    const expand = (p: CategoricalProfile) => p.top.flatMap((t) => new Array<string>(t.count).fill(t.value));
    const [r, c] = [expand(ref), expand(cur)];
    const result = detectColumnDrift(r, c, { type: 'categorical', name: ref.name });
    const categories = [...new Set([...ref.top.map((t) => t.value), ...cur.top.map((t) => t.value)])].sort();
    const countOf = (p: CategoricalProfile, v: string) => p.top.find((t) => t.value === v)?.count ?? 0;
    return {
      report: { name: ref.name, type: 'categorical', test: result.test, score: result.score, threshold: result.threshold, drifted: result.drifted },
      overlay: { kind: 'categorical', name: ref.name, categories, reference: categories.map((v) => countOf(ref, v)), current: categories.map((v) => countOf(cur, v)) },
      exact: true,
    };
  }
  const curTop = new Map(cur.top.map((t) => [t.value, t.count]));
  const shared = ref.top.filter((t) => curTop.has(t.value)).map((t) => t.value);
  const refCounts = [...shared.map((v) => ref.top.find((t) => t.value === v)!.count)];
  const curCounts = [...shared.map((v) => curTop.get(v)!)];
  refCounts.push(refPresent - refCounts.reduce((s, n) => s + n, 0));
  curCounts.push(curPresent - curCounts.reduce((s, n) => s + n, 0));
  const score = jensenShannonDistance(Float64Array.from(refCounts), Float64Array.from(curCounts));
  const threshold = STAT_TESTS.jensenshannon.defaultThreshold;
  return {
    report: { name: ref.name, type: 'categorical', test: 'jensenshannon', score, threshold, drifted: STAT_TESTS.jensenshannon.isDrift(score, threshold) },
    overlay: { kind: 'categorical', name: ref.name, categories: [...shared, OTHER], reference: refCounts, current: curCounts },
    exact: false,
  };
}

function numericalOnHistograms(ref: NumericalProfile, cur: NumericalProfile): { report: ColumnReport; overlay: Overlay } | string {
  if (!ref.histogram || ref.histogram.counts.length === 0) return 'all values missing in the reference: not testable';
  if (!cur.histogram || cur.histogram.counts.length === 0) return 'all values missing in the current data: not testable';
  const edges = ref.histogram.edges;
  const refCounts = [0, ...ref.histogram.counts, 0];
  const curCounts = rebin(cur.histogram.edges, cur.histogram.counts, edges);
  const score = populationStabilityIndex(...floorShares(refCounts, curCounts));
  return {
    report: { name: ref.name, type: 'numerical', test: 'psi', score, threshold: PSI_THRESHOLD, drifted: score >= PSI_THRESHOLD },
    overlay: { kind: 'numerical', name: ref.name, edges, reference: ref.histogram.counts, current: curCounts.slice(1, -1) },
  };
}

/**
 * Counts on `from` bins moved onto `to` bins plus one below and one above, each source bin's
 * count spread evenly over its width (a one-point bin, min = max, moves whole).
 */
export function rebin(from: readonly number[], counts: readonly number[], to: readonly number[]): number[] {
  const out = new Array<number>(to.length + 1).fill(0);
  const lo = to[0]!;
  const hi = to[to.length - 1]!;
  const targetOf = (x: number) => {
    if (x < lo) return 0;
    if (x > hi) return to.length;
    let i = 1;
    while (i < to.length - 1 && to[i]! <= x) i++;
    return i;
  };
  for (let b = 0; b < counts.length; b++) {
    const n = counts[b]!;
    if (n === 0) continue;
    const [a, z] = [from[b]!, from[b + 1]!];
    if (!(z > a)) {
      out[targetOf(a)]! += n;
      continue;
    }
    // Pieces of [a, z] below, inside each target bin, and above.
    const cuts = [a, ...to.filter((e) => e > a && e < z), z];
    for (let k = 0; k < cuts.length - 1; k++) {
      const share = (cuts[k + 1]! - cuts[k]!) / (z - a);
      out[targetOf((cuts[k]! + cuts[k + 1]!) / 2)]! += n * share;
    }
  }
  return out;
}

function floorShares(reference: readonly number[], current: readonly number[]): [Float64Array, Float64Array] {
  const shares = (counts: readonly number[]) => {
    const total = counts.reduce((s, n) => s + n, 0) || 1;
    return Float64Array.from(counts, (n) => (n === 0 ? 0.0001 : n / total));
  };
  return [shares(reference), shares(current)];
}
