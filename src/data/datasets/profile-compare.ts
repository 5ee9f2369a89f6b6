/**
 * Drift of a batch that arrives as a profile (`driftdesk profile --json` output) rather than as
 * rows — what a team sends when production data may not leave its own network. The reference is
 * data, so it is binned the batch's way:
 * - numerical columns: reference values counted on the batch histogram's edges (plus one bin
 *   below and one above its range, where the batch has none), scored with Evidently's PSI
 *   (zero shares replaced by 0.0001, default threshold 0.1);
 * - categorical columns: the batch's top values plus "everything else", scored with Evidently's
 *   jensenshannon distance (default threshold 0.1).
 * Only binned tests are possible: a profile holds no individual values, so KS and friends are not.
 */
import { jensenShannonDistance, populationStabilityIndex, summarizeDrift, type ColumnReport } from '../../core/drift/index.ts';
import type { DatasetProfile, DriftComparison, Overlay, SkippedColumn } from '../../core/profile/index.ts';
import { z } from 'zod';
import { DatasetError, type DatasetReader } from './dataset-reader.ts';

const PSI_THRESHOLD = 0.1;
const JS_THRESHOLD = 0.1;
const OTHER = '(other values)';

/** True when `value` looks like `driftdesk profile --json` output rather than rows (an object with rows and columns). */
export function isDatasetProfile(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  return 'rows' in value && 'columns' in value;
}

const count = z.number().int().nonnegative();
/** What compareWithProfile reads of a batch profile; other fields are the profile's own and kept. */
const batchProfileSchema = z.looseObject({
  path: z.string().max(4096).optional(),
  rows: count,
  columns: z.array(z.discriminatedUnion('kind', [
    z.looseObject({ kind: z.literal('numerical'), name: z.string().min(1).max(1000), histogram: z.object({ edges: z.array(z.number()).max(1001), counts: z.array(count).max(1000) }).nullable().optional() }),
    z.looseObject({ kind: z.literal('categorical'), name: z.string().min(1).max(1000), count, missing: count, top: z.array(z.object({ value: z.string(), count })).max(1000) }),
    z.looseObject({ kind: z.enum(['datetime', 'other']), name: z.string().min(1).max(1000) }),
  ])).max(10_000),
});

/**
 * A batch profile checked field by field before anything reads it, or the first problems with
 * their paths (`columns.2.histogram.counts: expected array`): a profile with a wrong field type
 * is bad input, not a server error.
 */
export function parseBatchProfile(value: unknown): { ok: true; profile: DatasetProfile } | { ok: false; why: string } {
  const parsed = batchProfileSchema.safeParse(value);
  if (parsed.success) return { ok: true, profile: { path: 'profile', format: 'profile', md5: '', size: 0, ...parsed.data } as unknown as DatasetProfile };
  return { ok: false, why: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(profile)'}: ${i.message}`).join('; ') };
}

export async function compareWithProfile(reader: DatasetReader, referencePath: string, batch: DatasetProfile): Promise<DriftComparison> {
  const ref = await reader.load(referencePath);
  const reports: ColumnReport[] = [];
  const skipped: SkippedColumn[] = [];
  const histograms: Overlay[] = [];
  for (const column of ref.columns) {
    if (!batch.columns.some((c) => c.name === column.name)) skipped.push({ name: column.name, reason: 'only in the reference' });
  }
  for (const profile of batch.columns) {
    const refColumn = ref.columns.find((c) => c.name === profile.name);
    if (!refColumn) {
      skipped.push({ name: profile.name, reason: 'only in the current data' });
      continue;
    }
    if (profile.kind === 'numerical') {
      const h = profile.histogram;
      if (!h || h.counts.length === 0) {
        skipped.push({ name: profile.name, reason: 'all values missing in the current data: not testable' });
        continue;
      }
      if (h.edges.length !== h.counts.length + 1 || h.counts.some((n) => !(n >= 0))) throw new DatasetError(`column ${profile.name}: the profile's histogram is malformed (edges must be one more than counts, counts ≥ 0)`);
      if (refColumn.kind !== 'numerical') {
        skipped.push({ name: profile.name, reason: `${refColumn.kind} in the reference but numerical in the current data` });
        continue;
      }
      const values = await reader.numericValues(ref, profile.name);
      const refCounts = binOn(values, h.edges);
      const curCounts = [0, ...h.counts, 0];
      const score = populationStabilityIndex(...sharesWithFloor(refCounts, curCounts));
      reports.push({ name: profile.name, type: 'numerical', test: 'psi', score, threshold: PSI_THRESHOLD, drifted: score >= PSI_THRESHOLD });
      histograms.push({ kind: 'numerical', name: profile.name, edges: h.edges, reference: refCounts.slice(1, -1), current: h.counts });
    } else if (profile.kind === 'categorical') {
      const present = profile.count - profile.missing;
      if (present <= 0) {
        skipped.push({ name: profile.name, reason: 'all values missing in the current data: not testable' });
        continue;
      }
      const values = await reader.categoryValues(ref, profile.name);
      const categories = profile.top.map((t) => t.value);
      const index = new Map(categories.map((c, i) => [c, i]));
      const refCounts = new Array<number>(categories.length + 1).fill(0);
      for (const v of values) refCounts[index.get(v) ?? categories.length]! += 1;
      const topTotal = profile.top.reduce((s, t) => s + t.count, 0);
      const curCounts = [...profile.top.map((t) => t.count), Math.max(0, present - topTotal)];
      const score = jensenShannonDistance(shares(refCounts), shares(curCounts));
      reports.push({ name: profile.name, type: 'categorical', test: 'jensenshannon', score, threshold: JS_THRESHOLD, drifted: score >= JS_THRESHOLD });
      histograms.push({ kind: 'categorical', name: profile.name, categories: [...categories, OTHER], reference: refCounts, current: curCounts });
    } else {
      skipped.push({ name: profile.name, reason: `${profile.kind} columns are not tested for drift` });
    }
  }
  if (reports.length === 0) throw new DatasetError(`no column can be tested: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ') || 'no columns'}`);
  return {
    ...summarizeDrift(reports),
    reference: { path: referencePath, rows: ref.rows },
    current: { path: batch.path, rows: batch.rows },
    skipped_columns: skipped,
    histograms,
  };
}

/** Counts on `edges` (last bin closed, as in our profiles), with one bin below and one above. */
function binOn(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  const last = edges.length - 1;
  for (const v of values) {
    if (v < edges[0]!) counts[0]! += 1;
    else if (v > edges[last]!) counts[edges.length]! += 1;
    else {
      // Binary search for the bin whose left edge is the largest ≤ v.
      let lo = 0;
      let hi = last - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (edges[mid]! <= v) lo = mid;
        else hi = mid - 1;
      }
      counts[lo + 1]! += 1;
    }
  }
  return counts;
}

function shares(counts: readonly number[]): Float64Array {
  const total = counts.reduce((s, n) => s + n, 0) || 1;
  return Float64Array.from(counts, (n) => n / total);
}

/** Evidently's psi replaces empty shares by 0.0001 on both sides before the sum. */
function sharesWithFloor(reference: readonly number[], current: readonly number[]): [Float64Array, Float64Array] {
  const floor = (s: Float64Array) => s.map((x) => (x === 0 ? 0.0001 : x));
  return [floor(shares(reference)), floor(shares(current))];
}
