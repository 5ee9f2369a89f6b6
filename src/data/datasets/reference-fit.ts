/**
 * What a monitor fits once on its reference, cut by its reference chunking (core/monitor/chunking.ts),
 * for the rules whose bounds come from the reference:
 * - the drift share of each reference chunk against the whole reference, by the same drift engine
 *   and column mapping as a batch (compare.ts), whose mean ± 3 std clipped to [0, 1] bound a
 *   `driftShare` rule with `bounds: 'reference'` — as NannyML derives its univariate drift
 *   thresholds from the reference's chunks compared with the reference
 *   (`nannyml/drift/univariate/calculator.py`, `_calculate` on the reference in `_fit`);
 * - the PCA of NannyML's data reconstruction (core/monitor/reconstruction.ts) on the reference's
 *   feature columns: every numerical and categorical column except the mapping's timestamp, id,
 *   target, prediction, probability and ignored ones.
 * Rows are read in file order (then by the mapping's timestamp, as `driftdesk multivariate
 * --timestamp` orders them), so the chunks are those of the command line on the same file.
 * The result is plain JSON; a server keeps it as a blob and checks it with `referenceFitSchema`
 * when it reads it back (a monitor record names the blob, and editors write monitor records).
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type ColumnMapping, probaColumns, untestedColumns } from '../../core/drift/index.ts';
import {
  type ChunkSpec, type FeatureColumn, type ReconstructionFit, ChunkingError, fitReconstruction, splitIntoChunks, standardDeviationThresholds,
} from '../../core/monitor/index.ts';
import { MAX_MONITOR_COLUMNS } from './batch-columns.ts';
import { compareFiles } from './compare.ts';
import { DatasetError, DatasetReader, type LoadedTable, quoteIdent } from './dataset-reader.ts';
import { numberColumn, textColumn, timeColumn } from './ordered-columns.ts';

/** Bumped when what a fit holds or how it is computed changes: older fits are refitted. */
export const REFERENCE_FIT_VERSION = 1;

/**
 * Most reference chunks whose drift share is computed: each is a full drift comparison, so a daily
 * chunking of years of reference would hold the engine for minutes.
 */
export const MAX_DRIFT_SHARE_CHUNKS = 200;

export interface ReferenceFitNeeds {
  driftShare: boolean;
  multivariate: boolean;
}

const bound = z.number().nullable();
const thresholdsSchema = z.object({ lower: bound, upper: bound });

const reconstructionFitSchema = z.object({
  columns: z.array(z.object({ name: z.string(), kind: z.enum(['numerical', 'categorical']) })).min(1),
  fills: z.array(z.union([z.number(), z.string()])),
  shares: z.array(z.array(z.tuple([z.string(), z.number()])).nullable()),
  mean: z.array(z.number()),
  scale: z.array(z.number()),
  centre: z.array(z.number()),
  basis: z.array(z.array(z.number())),
  thresholds: thresholdsSchema,
  reference_values: z.array(z.number().nullable()),
}).refine((f) => {
  const p = f.columns.length;
  // No more components than columns, and no more columns than a monitor takes: a blob named on a
  // monitor record by an editor cannot make each batch row cost more than a real fit does.
  if (p > MAX_MONITOR_COLUMNS || f.basis.length > p) return false;
  return [f.fills, f.shares, f.mean, f.scale, f.centre].every((a) => a.length === p) && f.basis.every((v) => v.length === p)
    && f.columns.every((c, j) => (c.kind === 'numerical') === (f.shares[j] === null));
}, 'the fit\'s arrays do not match its columns');

export const referenceFitSchema = z.object({
  version: z.literal(REFERENCE_FIT_VERSION),
  key: z.string(),
  /** Chunks the reference was cut into. */
  chunks: z.number().int().nonnegative(),
  driftShare: z.object({ values: z.array(z.number()), thresholds: thresholdsSchema }).nullable(),
  multivariate: reconstructionFitSchema.nullable(),
  /** Why a part that was asked for could not be fitted (said once, on the monitor's batches). */
  problems: z.array(z.string()),
});
export type ReferenceFit = Omit<z.infer<typeof referenceFitSchema>, 'multivariate'> & { multivariate: ReconstructionFit | null };

/** The feature columns of multivariate drift under a mapping (none of its roles), with their kind. */
export function featureColumns(table: LoadedTable, mapping: ColumnMapping | undefined): { name: string; kind: 'numerical' | 'categorical' }[] {
  const roles = new Set<string>([...untestedColumns(mapping).keys(), ...Object.values(probaColumns(mapping))]);
  if (mapping?.target !== undefined) roles.add(mapping.target);
  if (mapping?.prediction !== undefined) roles.add(mapping.prediction);
  return table.columns.flatMap((c) => {
    if (roles.has(c.name) || (c.kind !== 'numerical' && c.kind !== 'categorical')) return [];
    // NannyML types by the reference's dtype (text and booleans are categories), as `driftdesk multivariate`;
    // the mapping's override may make a number a category.
    const categorical = c.sqlType === 'VARCHAR' || c.sqlType === 'BOOLEAN' || mapping?.columns[c.name]?.type === 'categorical';
    return [{ name: c.name, kind: categorical ? 'categorical' as const : 'numerical' as const }];
  });
}

/**
 * Fits what `needs` asks for on the reference at `refPath`. `reader` is an engine connection for
 * the drift comparisons; `dir` a private directory for the chunks' files (removed by the caller).
 * A part that cannot be fitted (too few rows for the chunking, no feature column) is null with
 * its reason in `problems`; an unreadable reference throws a DatasetError.
 */
export async function fitReference(
  reader: DatasetReader, refPath: string,
  options: { key: string; mapping?: ColumnMapping; chunking: ChunkSpec; needs: ReferenceFitNeeds; dir: string },
): Promise<ReferenceFit> {
  const { mapping, chunking, needs } = options;
  const fit: ReferenceFit = { version: REFERENCE_FIT_VERSION, key: options.key, chunks: 0, driftShare: null, multivariate: null, problems: [] };
  // Problems are kept and shown to clients: temp paths are nobody's business.
  const tidy = (message: string, file?: string, what?: string) => (file ? message.replaceAll(file, what!) : message).replaceAll(refPath, 'the reference');
  const ordered = await DatasetReader.open({ keepRowOrder: true });
  try {
    const table = await ordered.load(refPath);
    if (table.rows === 0) throw new DatasetError(`${refPath}: no rows`);
    let timestamps: number[] | undefined;
    if (mapping?.timestamp !== undefined) {
      try {
        timestamps = await timeColumn(ordered, table, mapping.timestamp);
      } catch (err) {
        // Without a time on every row the reference stays in file order, unless chunks are periods.
        if (chunking.kind === 'period') throw err;
      }
    }
    let chunks;
    try {
      chunks = splitIntoChunks(table.rows, chunking, timestamps);
    } catch (err) {
      if (!(err instanceof ChunkingError)) throw err;
      fit.problems.push(`the reference cannot be chunked: ${err.message}`);
      return fit;
    }
    fit.chunks = chunks.length;
    if (needs.driftShare && chunks.length > MAX_DRIFT_SHARE_CHUNKS) {
      fit.problems.push(`the reference's ${chunks.length} chunks are more than the ${MAX_DRIFT_SHARE_CHUNKS} whose drift share is computed: choose fewer, larger chunks`);
    } else if (needs.driftShare) {
      const values: number[] = [];
      // Chunks are consecutive positions once rows are ordered (by time, then file order: rowid).
      const position = timestamps ? `row_number() OVER (ORDER BY epoch_ms(CAST(${quoteIdent(mapping!.timestamp!)} AS TIMESTAMP)), rowid) - 1` : 'rowid';
      for (const chunk of chunks) {
        const file = join(options.dir, `chunk-${randomUUID()}.parquet`);
        const path = `'${file.replace(/'/g, "''")}'`;
        await ordered.db.run(
          `COPY (SELECT * EXCLUDE (__pos) FROM (SELECT *, ${position} AS __pos FROM ${table.table}) WHERE __pos BETWEEN ${chunk.startIndex} AND ${chunk.endIndex} ORDER BY __pos) TO ${path} (FORMAT parquet)`,
        );
        try {
          values.push((await compareFiles(reader, refPath, file, { mapping })).share_drifted);
        } catch (err) {
          if (!(err instanceof DatasetError)) throw err;
          fit.problems.push(`the drift share of reference chunk ${chunk.key} could not be computed: ${tidy(err.message, file, `reference chunk ${chunk.key}`)}`);
          values.length = 0;
          break;
        }
      }
      if (values.length > 0) fit.driftShare = { values, thresholds: standardDeviationThresholds(values, { lowerLimit: 0, upperLimit: 1 }) };
    }
    if (needs.multivariate) {
      try {
        fit.multivariate = await fitMultivariate(ordered, table, mapping, chunking, timestamps);
      } catch (err) {
        if (!(err instanceof DatasetError) && !(err instanceof ChunkingError)) throw err;
        fit.problems.push(`multivariate drift cannot be fitted on the reference: ${tidy(err.message)}`);
      }
    }
    return fit;
  } finally {
    ordered.close();
  }
}

async function fitMultivariate(
  reader: DatasetReader, table: LoadedTable, mapping: ColumnMapping | undefined, chunking: ChunkSpec, timestamps: number[] | undefined,
): Promise<ReconstructionFit> {
  const columns = featureColumns(table, mapping);
  if (columns.length === 0) throw new DatasetError('the reference has no numerical or categorical column besides the mapped ones');
  const features: FeatureColumn[] = [];
  for (const c of columns) {
    const feature: FeatureColumn = c.kind === 'categorical'
      ? { name: c.name, kind: 'categorical', values: await textColumn(reader, table, c.name, 'feature') }
      : { name: c.name, kind: 'numerical', values: await numberColumn(reader, table, c.name, 'feature') };
    const empty = feature.kind === 'numerical' ? feature.values.every((v) => Number.isNaN(v)) : feature.values.every((v) => v === null);
    if (empty) throw new DatasetError(`column "${c.name}" has no value in the reference`);
    features.push(feature);
  }
  return fitReconstruction(features, chunking, timestamps);
}

/** A fit read back from its blob, or null when it is not one (then it is fitted again). */
export function parseReferenceFit(bytes: Uint8Array): ReferenceFit | null {
  try {
    const parsed = referenceFitSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    if (!parsed.success) return null;
    const mv = parsed.data.multivariate;
    // JSON has no NaN: a chunk without a value was written as null.
    return { ...parsed.data, multivariate: mv ? { ...mv, reference_values: mv.reference_values.map((v) => v ?? Number.NaN) } : null };
  } catch {
    return null;
  }
}

/**
 * A batch's feature columns for a fit, read in one SELECT so the rows line up whatever order the
 * engine scans in. A value that is not a number where the reference had numbers counts as missing
 * (imputed), as the batch's drift tests already judged its type.
 */
export async function batchFeatures(reader: DatasetReader, table: LoadedTable, fit: ReconstructionFit): Promise<FeatureColumn[]> {
  const select = fit.columns.map((c) => `TRY_CAST(${quoteIdent(c.name)} AS ${c.kind === 'numerical' ? 'DOUBLE' : 'VARCHAR'})`);
  const columns = (await reader.db.runAndReadAll(`SELECT ${select.join(', ')} FROM ${table.table}`)).getColumnsJS() as unknown[][];
  return fit.columns.map((c, j): FeatureColumn => {
    const raw = columns[j] ?? [];
    return c.kind === 'numerical'
      ? { name: c.name, kind: 'numerical', values: raw.map((v) => (v === null || v === undefined ? Number.NaN : Number(v))) }
      : { name: c.name, kind: 'categorical', values: raw.map((v) => (v === null || v === undefined ? null : String(v))) };
  });
}
