/**
 * Multivariate drift as the reconstruction error of a PCA fitted on the reference, as NannyML's
 * `nannyml/drift/multivariate/data_reconstruction/calculator.py` computes it
 * (`DataReconstructionDriftCalculator._fit`, `_calculate_chunk_record`, `_calculate_dre_results`,
 * `_set_thresholds`, `_populate_thresholds`):
 * 1. impute: a missing number by the reference mean, a missing category by the reference's most
 *    frequent one (ties to the smallest, as scikit-learn's `SimpleImputer`);
 * 2. encode each category by its share of the reference rows (category_encoders'
 *    `CountEncoder(normalize=True)`; a category the reference never had encodes as 0);
 * 3. standardise by the reference mean and population standard deviation (`StandardScaler`;
 *    a constant column keeps scale 1);
 * 4. keep the fewest principal components whose explained variance exceeds 65 % (scikit-learn's
 *    `PCA(n_components=0.65)`), found here from the eigen-decomposition of the reference
 *    covariance by ml-matrix;
 * 5. per row, the Euclidean distance between the standardised row and its projection back from
 *    those components; per chunk, the mean distance, with sampling error std(ddof=1)/√n;
 * 6. thresholds: mean ± 3 std of the reference chunks' errors, the lower dropped when ≤ 0;
 *    a chunk alerts unless lower < error < upper.
 * The projection depends only on the subspace the components span, so the signs an
 * eigen-solver picks do not change the error.
 */

import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { splitIntoChunks, type ChunkSpec } from './chunking.ts';
import { standardDeviationThresholds, type Thresholds } from './thresholds.ts';
import { SAMPLING_ERROR_RANGE } from './cbpe.ts';

/** NannyML's default share of variance the kept components must explain. */
export const DEFAULT_VARIANCE_SHARE = 0.65;

export type FeatureColumn =
  | { readonly name: string; readonly kind: 'numerical'; readonly values: readonly number[] }
  | { readonly name: string; readonly kind: 'categorical'; readonly values: readonly (string | null)[] };

export interface ReconstructionChunk {
  readonly key: string;
  readonly start_index: number;
  readonly end_index: number;
  readonly start: string | null;
  readonly end: string | null;
  readonly rows: number;
  readonly reconstruction_error: number;
  readonly sampling_error: number;
  readonly lower: number;
  readonly upper: number;
  readonly alert: boolean;
}

export interface ReconstructionResult {
  readonly components: number;
  readonly columns: readonly string[];
  readonly thresholds: Thresholds;
  readonly reference_values: readonly number[];
  readonly chunks: readonly ReconstructionChunk[];
}

/**
 * What the PCA of a reference is, as plain data (JSON): kept by a monitor so it is fitted once
 * per reference, mapping and chunking, and applied to every batch.
 */
export interface ReconstructionFit {
  readonly columns: readonly { readonly name: string; readonly kind: 'numerical' | 'categorical' }[];
  /** Per column: the reference mean (numbers) or most frequent category (imputation). */
  readonly fills: readonly (number | string)[];
  /** Per categorical column: [category, share of the reference rows] (null for numbers). */
  readonly shares: readonly (readonly (readonly [string, number])[] | null)[];
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  readonly centre: readonly number[];
  /** The kept components, each a unit vector over the columns. */
  readonly basis: readonly (readonly number[])[];
  readonly thresholds: Thresholds;
  readonly reference_values: readonly number[];
}

function encoder(fit: ReconstructionFit) {
  const shares = fit.shares.map((s) => (s ? new Map(s) : null));
  return (column: number, row: number, source: readonly FeatureColumn[]): number => {
    const col = source[column]!;
    if (col.kind === 'numerical') {
      const v = col.values[row]!;
      return Number.isNaN(v) ? (fit.fills[column] as number) : v;
    }
    const v = col.values[row] ?? (fit.fills[column] as string);
    return shares[column]!.get(v) ?? 0;
  };
}

function fitEncoding(reference: readonly FeatureColumn[]): Pick<ReconstructionFit, 'fills' | 'shares'> {
  const fills: (number | string)[] = [];
  const shares: ([string, number][] | null)[] = [];
  for (const col of reference) {
    if (col.kind === 'numerical') {
      const finite = col.values.filter((v) => !Number.isNaN(v));
      fills.push(finite.reduce((s, v) => s + v, 0) / finite.length);
      shares.push(null);
      continue;
    }
    const counts = new Map<string, number>();
    for (const v of col.values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
    let mode: string | null = null;
    for (const [v, c] of counts) {
      const best = mode === null ? -1 : counts.get(mode)!;
      if (c > best || (c === best && v < mode!)) mode = v;
    }
    if (mode === null) throw new Error(`column ${col.name}: the reference has no value`);
    counts.set(mode, (counts.get(mode) ?? 0) + col.values.filter((v) => v === null).length);
    fills.push(mode);
    shares.push([...counts].map(([v, c]) => [v, c / col.values.length]));
  }
  return { fills, shares };
}

function encodeRows(columns: readonly FeatureColumn[], encode: ReturnType<typeof encoder>): number[][] {
  const n = columns[0]?.values.length ?? 0;
  return Array.from({ length: n }, (_, r) => columns.map((_, c) => encode(c, r, columns)));
}

function errorsOf(fit: ReconstructionFit, rows: readonly number[][]): number[] {
  return rows.map((row) => {
    const c = row.map((v, j) => (v - fit.mean[j]!) / fit.scale[j]! - fit.centre[j]!);
    const residual = [...c];
    for (const v of fit.basis) {
      const dot = v.reduce((s, x, j) => s + x * c[j]!, 0);
      v.forEach((x, j) => (residual[j]! -= dot * x));
    }
    return Math.sqrt(residual.reduce((s, x) => s + x * x, 0));
  });
}

/** Mean error of a chunk, and its sampling error std(ddof=1)/√n (NaN for one row). */
function summarise(errors: readonly number[]): { m: number; se: number } {
  const m = errors.reduce((s, v) => s + v, 0) / errors.length;
  const sd = errors.length > 1 ? Math.sqrt(errors.reduce((s, v) => s + (v - m) ** 2, 0) / (errors.length - 1)) : Number.NaN;
  return { m, se: sd / Math.sqrt(errors.length) };
}

/**
 * Fits the PCA on `reference` (steps 1–4) and derives the thresholds from its chunks (step 6).
 * `timestamps` (epoch ms per reference row) orders and dates the chunks; period chunking needs it.
 */
export function fitReconstruction(
  reference: readonly FeatureColumn[], chunks: ChunkSpec, timestamps?: readonly number[], varianceShare = DEFAULT_VARIANCE_SHARE,
): ReconstructionFit {
  const encoding = fitEncoding(reference);
  const partial = { columns: reference.map((c) => ({ name: c.name, kind: c.kind })), ...encoding };
  const ref = encodeRows(reference, encoder({ ...partial, mean: [], scale: [], centre: [], basis: [], thresholds: { lower: null, upper: null }, reference_values: [] }));
  const n = ref.length;
  const p = reference.length;
  const mean = new Array<number>(p).fill(0);
  const scale = new Array<number>(p).fill(0);
  for (const row of ref) row.forEach((v, j) => (mean[j]! += v / n));
  for (const row of ref) row.forEach((v, j) => (scale[j]! += (v - mean[j]!) ** 2 / n));
  for (let j = 0; j < p; j++) scale[j] = scale[j]! === 0 ? 1 : Math.sqrt(scale[j]!);
  const z = ref.map((row) => row.map((v, j) => (v - mean[j]!) / scale[j]!));
  // PCA centres on the standardised reference's mean (zero up to rounding).
  const centre = new Array<number>(p).fill(0);
  for (const row of z) row.forEach((v, j) => (centre[j]! += v / n));
  const centred = new Matrix(z.map((row) => row.map((v, j) => v - centre[j]!)));
  const cov = centred.transpose().mmul(centred).div(Math.max(n - 1, 1));
  const evd = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const values = evd.realEigenvalues.map((v) => Math.max(v, 0));
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const total = values.reduce((s, v) => s + v, 0);
  let k = 0;
  let cumulative = 0;
  // scikit-learn: searchsorted(cumsum(ratio), share, side='right') + 1 components.
  while (k < order.length) {
    cumulative += values[order[k]!]! / total;
    k++;
    if (cumulative > varianceShare) break;
  }
  const basis = order.slice(0, k).map((i) => evd.eigenvectorMatrix.getColumn(i));
  const unthresholded: ReconstructionFit = { ...partial, mean, scale, centre, basis, thresholds: { lower: null, upper: null }, reference_values: [] };
  const refErrors = errorsOf(unthresholded, ref);
  const referenceValues = splitIntoChunks(n, chunks, timestamps).map((c) => summarise(c.rows.map((r) => refErrors[r]!)).m);
  const thresholds = standardDeviationThresholds(referenceValues, { lowerLimit: 0, overrideWithNull: true });
  return { ...unthresholded, thresholds, reference_values: referenceValues };
}

/** A chunk's reconstruction error against a fit: mean, sampling error, its band and NannyML's alert. */
export interface ReconstructionSummary {
  readonly reconstruction_error: number;
  readonly sampling_error: number;
  readonly lower: number;
  readonly upper: number;
  readonly alert: boolean;
}

/** Each row's reconstruction error (step 5); `analysis` columns match the fit's by position and kind. */
export function reconstructionErrors(fit: ReconstructionFit, analysis: readonly FeatureColumn[]): number[] {
  return errorsOf(fit, encodeRows(analysis, encoder(fit)));
}

/** Summarises the errors of one chunk's rows against the fit's thresholds. */
export function summariseChunk(fit: ReconstructionFit, errors: readonly number[]): ReconstructionSummary {
  const { m, se } = summarise(errors);
  const lower = fit.thresholds.lower ?? -Infinity;
  const upper = fit.thresholds.upper ?? Infinity;
  return {
    reconstruction_error: m,
    sampling_error: se,
    lower: Math.max(m - SAMPLING_ERROR_RANGE * se, 0),
    upper: m + SAMPLING_ERROR_RANGE * se,
    alert: !(lower < m && m < upper),
  };
}

/**
 * Reconstruction error per analysis chunk. Columns of `reference` and `analysis` match by
 * position and kind; each has at least one row.
 */
export function reconstructionDrift(
  reference: readonly FeatureColumn[], analysis: readonly FeatureColumn[], chunks: ChunkSpec,
  timestamps: { reference?: readonly number[]; analysis?: readonly number[] } = {}, varianceShare = DEFAULT_VARIANCE_SHARE,
): ReconstructionResult {
  const fit = fitReconstruction(reference, chunks, timestamps.reference, varianceShare);
  const errors = reconstructionErrors(fit, analysis);
  const result = splitIntoChunks(errors.length, chunks, timestamps.analysis).map((c): ReconstructionChunk => ({
    key: c.key, start_index: c.startIndex, end_index: c.endIndex, start: c.start, end: c.end, rows: c.rows.length,
    ...summariseChunk(fit, c.rows.map((r) => errors[r]!)),
  }));
  return { components: fit.basis.length, columns: fit.columns.map((c) => c.name), thresholds: fit.thresholds, reference_values: fit.reference_values, chunks: result };
}
