/**
 * `driftdesk estimate` (CBPE: performance without labels) and `driftdesk multivariate` (PCA
 * reconstruction error), the engine of src/core/monitor on files. Bad input exits 2 with the
 * file, column and row at fault; results are JSON with `--json` (NaN printed as null).
 */
import { parseArgs } from 'node:util';
import {
  CBPE_METRICS, ChunkingError, estimateBinaryPerformance, estimateMulticlassPerformance, isCbpeMetric, reconstructionDrift,
  type CalibrationMode, type CbpeMetric, type CbpeResult, type ChunkSpec, type FeatureColumn,
} from '../core/monitor/index.ts';
import { DatasetError, DatasetReader, type LoadedTable } from '../data/datasets/dataset-reader.ts';
import { numberColumn, textColumn, timeColumn } from '../data/datasets/ordered-columns.ts';
import { UsageError } from './usage-error.ts';

const CHUNK_OPTIONS = {
  timestamp: { type: 'string' },
  'chunk-size': { type: 'string' },
  'chunk-number': { type: 'string' },
  'chunk-period': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

function positiveInt(flag: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${flag} must be a positive integer, got "${raw}"`);
  return n;
}

function chunkSpec(values: { timestamp?: string; 'chunk-size'?: string; 'chunk-number'?: string; 'chunk-period'?: string }): ChunkSpec {
  const given = (['chunk-size', 'chunk-number', 'chunk-period'] as const).filter((f) => values[f] !== undefined);
  if (given.length > 1) throw new UsageError(`use one of --chunk-size, --chunk-number, --chunk-period, not ${given.map((f) => `--${f}`).join(' and ')}`);
  if (values['chunk-size'] !== undefined) return { kind: 'size', size: positiveInt('chunk-size', values['chunk-size']) };
  if (values['chunk-number'] !== undefined) return { kind: 'number', count: positiveInt('chunk-number', values['chunk-number']) };
  const period = values['chunk-period'];
  if (period !== undefined) {
    if (period !== 'day' && period !== 'week' && period !== 'month') throw new UsageError(`--chunk-period must be day, week or month, got "${period}"`);
    if (!values.timestamp) throw new UsageError('--chunk-period needs --timestamp COLUMN');
    return { kind: 'period', period };
  }
  return { kind: 'default' };
}

async function withOrderedReader<T>(work: (reader: DatasetReader) => Promise<T>): Promise<T> {
  const reader = await DatasetReader.open({ keepRowOrder: true });
  try {
    return await work(reader);
  } catch (err) {
    if (err instanceof ChunkingError) throw new UsageError(err.message);
    throw err;
  } finally {
    reader.close();
  }
}

/** JSON with NaN and ±Infinity as null (JSON has neither). */
const toJson = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);

/** Checks a 0/1 column; `complete` also refuses missing values. Names the first bad row (1-based data row). */
function checkBinary(t: LoadedTable, name: string, role: string, values: readonly number[], complete: boolean): void {
  const bad = values.findIndex((v) => (Number.isNaN(v) ? complete : v !== 0 && v !== 1));
  if (bad === -1) return;
  const v = values[bad]!;
  throw new DatasetError(`${t.path}: row ${bad + 1}: column "${name}" (${role}) ${Number.isNaN(v) ? 'is missing' : `must be 0 or 1, found ${v}`}`);
}

function checkProba(t: LoadedTable, name: string, values: readonly number[], complete: boolean): void {
  const bad = values.findIndex((v) => (Number.isNaN(v) ? complete : !(v >= 0 && v <= 1)));
  if (bad === -1) return;
  const v = values[bad]!;
  throw new DatasetError(`${t.path}: row ${bad + 1}: column "${name}" (predicted probability) ${Number.isNaN(v) ? 'is missing' : `must be between 0 and 1, found ${v}`}`);
}

export async function estimateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...CHUNK_OPTIONS,
      target: { type: 'string' },
      proba: { type: 'string', multiple: true },
      prediction: { type: 'string' },
      metrics: { type: 'string' },
      calibration: { type: 'string' },
    },
  });
  if (positionals.length !== 2) throw new UsageError(`estimate needs REF and ANALYSIS files, got ${positionals.length} argument(s)`);
  for (const flag of ['target', 'proba', 'prediction'] as const) {
    if (!values[flag]) throw new UsageError(`estimate needs --${flag} COLUMN`);
  }
  const metrics = values.metrics === undefined ? [...CBPE_METRICS] : list(values.metrics);
  if (metrics.length === 0) throw new UsageError('--metrics needs at least one metric');
  for (const m of metrics) if (!isCbpeMetric(m)) throw new UsageError(`--metrics: unknown metric "${m}"; use ${CBPE_METRICS.join(', ')}`);
  const calibration = (values.calibration ?? 'auto') as CalibrationMode;
  if (!['auto', 'on', 'off'].includes(calibration)) throw new UsageError(`--calibration must be auto, on or off, got "${values.calibration}"`);
  const chunks = chunkSpec(values);
  const [refPath, anaPath] = positionals as [string, string];
  const { target, prediction, timestamp } = values as { target: string; prediction: string; timestamp?: string };
  const probaSpecs = values.proba!;
  const perClass = probaSpecs.some((p) => p.includes('='));
  if (!perClass && probaSpecs.length > 1) throw new UsageError('--proba is given once (binary: the positive class score column) or once per class as CLASS=COLUMN (multiclass)');
  if (perClass) {
    const classes: string[] = [];
    const columns: string[] = [];
    for (const spec of probaSpecs) {
      const eq = spec.indexOf('=');
      if (eq <= 0 || eq === spec.length - 1) throw new UsageError(`--proba ${spec}: expected CLASS=COLUMN (give every class this way for a multiclass model)`);
      const cls = spec.slice(0, eq);
      if (classes.includes(cls)) throw new UsageError(`--proba: class "${cls}" is given twice`);
      classes.push(cls);
      columns.push(spec.slice(eq + 1));
    }
    if (classes.length < 2) throw new UsageError('--proba CLASS=COLUMN needs at least two classes');
    const order = classes.map((_, i) => i).sort((a, b) => (classes[a]! < classes[b]! ? -1 : classes[a]! > classes[b]! ? 1 : 0));
    const multiclass = await estimateMulticlass(refPath, anaPath, {
      classes: order.map((i) => classes[i]!), columns: order.map((i) => columns[i]!), target, prediction, timestamp,
      metrics: metrics as CbpeMetric[], chunks, calibration,
    });
    return printEstimate(values.json === true, refPath, anaPath, chunks, multiclass);
  }
  const proba = probaSpecs[0]!;

  const result = await withOrderedReader(async (reader) => {
    const ref = await reader.load(refPath);
    const ana = await reader.load(anaPath);
    if (ref.rows === 0) throw new DatasetError(`${refPath}: no rows`);
    if (ana.rows === 0) throw new DatasetError(`${anaPath}: no rows`);
    const load = async (t: LoadedTable, withTarget: boolean) => {
      const p = await numberColumn(reader, t, proba, 'predicted probability');
      const yhat = await numberColumn(reader, t, prediction, 'prediction');
      const y = withTarget ? await numberColumn(reader, t, target, 'target') : undefined;
      const ts = timestamp ? await timeColumn(reader, t, timestamp) : undefined;
      return { proba: p, pred: yhat, target: y, timestamps: ts };
    };
    const reference = await load(ref, true);
    checkProba(ref, proba, reference.proba, true);
    checkBinary(ref, prediction, 'prediction', reference.pred, true);
    checkBinary(ref, target, 'target', reference.target!, true);
    const analysis = await load(ana, ana.columns.some((c) => c.name === target));
    checkProba(ana, proba, analysis.proba, false);
    checkBinary(ana, prediction, 'prediction', analysis.pred, false);
    if (analysis.target) checkBinary(ana, target, 'target', analysis.target, false);
    return estimateBinaryPerformance(reference, analysis, { metrics: metrics as CbpeMetric[], chunks, calibration });
  });
  return printEstimate(values.json === true, refPath, anaPath, chunks, result);
}

function printEstimate(json: boolean, refPath: string, anaPath: string, chunks: ChunkSpec, result: CbpeResult): number {
  if (json) {
    console.log(toJson({ reference: refPath, analysis: anaPath, chunking: chunks, ...result }));
    return 0;
  }
  const classes = result.calibrated_classes ? ` (${result.calibrated_classes.join(', ') || 'no class'})` : '';
  console.log(`reference ${refPath} (${result.reference_chunks} chunks) → analysis ${anaPath}; calibration ${result.calibrated ? 'on' : 'off'}${classes}`);
  for (const m of result.metrics) {
    console.log(`\n${m.metric}  thresholds ${fmt(m.thresholds.lower)} – ${fmt(m.thresholds.upper)}`);
    for (const c of m.chunks) {
      const realized = c.realized === undefined ? '' : `  realized ${fmt(c.realized)}`;
      console.log(`  ${c.key.padEnd(24)} ${String(c.rows).padStart(7)} rows  estimated ${fmt(c.estimated)} [${fmt(c.lower)}, ${fmt(c.upper)}]${realized}${c.alert ? '  ALERT' : ''}`);
    }
  }
  return 0;
}

interface MulticlassArgs {
  classes: string[];
  columns: string[];
  target: string;
  prediction: string;
  timestamp?: string;
  metrics: CbpeMetric[];
  chunks: ChunkSpec;
  calibration: CalibrationMode;
}

/** Labels as text: numbers as JavaScript prints them (1, not 1.0), so `--proba 1=p1` names class 1. */
async function labelColumn(reader: DatasetReader, t: LoadedTable, name: string, role: string): Promise<(string | null)[]> {
  const col = t.columns.find((c) => c.name === name);
  if (col && col.kind === 'numerical') return (await numberColumn(reader, t, name, role)).map((v) => (Number.isNaN(v) ? null : String(v)));
  return textColumn(reader, t, name, role);
}

function checkLabels(t: LoadedTable, name: string, role: string, values: readonly (string | null)[], classes: readonly string[], complete: boolean): void {
  const bad = values.findIndex((v) => (v === null ? complete : !classes.includes(v)));
  if (bad === -1) return;
  const v = values[bad];
  throw new DatasetError(`${t.path}: row ${bad + 1}: column "${name}" (${role}) ${v === null ? 'is missing' : `is "${v}", not one of the classes ${classes.join(', ')}`}`);
}

async function estimateMulticlass(refPath: string, anaPath: string, a: MulticlassArgs): Promise<CbpeResult> {
  return withOrderedReader(async (reader) => {
    const ref = await reader.load(refPath);
    const ana = await reader.load(anaPath);
    if (ref.rows === 0) throw new DatasetError(`${refPath}: no rows`);
    if (ana.rows === 0) throw new DatasetError(`${anaPath}: no rows`);
    const load = async (t: LoadedTable, withTarget: boolean, complete: boolean) => {
      const proba: number[][] = [];
      for (const column of a.columns) {
        const p = await numberColumn(reader, t, column, 'predicted probability');
        checkProba(t, column, p, complete);
        proba.push(p);
      }
      const pred = await labelColumn(reader, t, a.prediction, 'prediction');
      checkLabels(t, a.prediction, 'prediction', pred, a.classes, complete);
      let target: (string | null)[] | undefined;
      if (withTarget) {
        target = await labelColumn(reader, t, a.target, 'target');
        checkLabels(t, a.target, 'target', target, a.classes, complete);
      }
      const timestamps = a.timestamp ? await timeColumn(reader, t, a.timestamp) : undefined;
      return { proba, pred, target, timestamps };
    };
    const reference = await load(ref, true, true);
    const seen = new Set(reference.target);
    const absent = a.classes.filter((c) => !seen.has(c));
    if (absent.length) throw new DatasetError(`${refPath}: column "${a.target}" (target) never holds class ${absent.join(', ')}; the reference must show every class`);
    const analysis = await load(ana, ana.columns.some((c) => c.name === a.target), false);
    return estimateMulticlassPerformance(reference, analysis, { classes: a.classes, metrics: a.metrics, chunks: a.chunks, calibration: a.calibration });
  });
}

export async function multivariateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...CHUNK_OPTIONS, columns: { type: 'string' } } });
  if (positionals.length !== 2) throw new UsageError(`multivariate needs REF and ANALYSIS files, got ${positionals.length} argument(s)`);
  const chunks = chunkSpec(values);
  const [refPath, anaPath] = positionals as [string, string];
  const timestamp = values.timestamp;
  const result = await withOrderedReader(async (reader) => {
    const ref = await reader.load(refPath);
    const ana = await reader.load(anaPath);
    if (ref.rows === 0) throw new DatasetError(`${refPath}: no rows`);
    if (ana.rows === 0) throw new DatasetError(`${anaPath}: no rows`);
    const usable = (kind: string) => kind === 'numerical' || kind === 'categorical';
    const names = values.columns !== undefined
      ? list(values.columns)
      : ref.columns.filter((c) => usable(c.kind) && c.name !== timestamp).map((c) => c.name);
    if (names.length === 0) throw new UsageError(values.columns !== undefined ? '--columns names no column' : `${refPath}: no numerical or categorical column to use`);
    const load = async (t: LoadedTable): Promise<FeatureColumn[]> => {
      const out: FeatureColumn[] = [];
      for (const name of names) {
        const refCol = ref.columns.find((c) => c.name === name);
        if (refCol && !usable(refCol.kind)) throw new DatasetError(`${refPath}: column "${name}" is ${refCol.kind}; multivariate drift uses numerical and categorical columns`);
        // NannyML types by the reference's dtype: text and booleans are categories, numbers are numbers.
        const categorical = refCol !== undefined && (refCol.sqlType === 'VARCHAR' || refCol.sqlType === 'BOOLEAN');
        out.push(categorical
          ? { name, kind: 'categorical', values: await textColumn(reader, t, name, 'feature') }
          : { name, kind: 'numerical', values: await numberColumn(reader, t, name, 'feature') });
      }
      return out;
    };
    const reference = await load(ref);
    for (const c of reference) {
      const empty = c.kind === 'numerical' ? c.values.every((v) => Number.isNaN(v)) : c.values.every((v) => v === null);
      if (empty) throw new DatasetError(`${refPath}: column "${c.name}" has no value in the reference`);
    }
    const analysis = await load(ana);
    const ts = timestamp ? { reference: await timeColumn(reader, ref, timestamp), analysis: await timeColumn(reader, ana, timestamp) } : {};
    return reconstructionDrift(reference, analysis, chunks, ts);
  });
  if (values.json) {
    console.log(toJson({ reference: refPath, analysis: anaPath, chunking: chunks, ...result }));
    return 0;
  }
  console.log(`reconstruction error over ${result.columns.length} columns, ${result.components} components; thresholds ${fmt(result.thresholds.lower)} – ${fmt(result.thresholds.upper)}`);
  for (const c of result.chunks) {
    console.log(`  ${c.key.padEnd(24)} ${String(c.rows).padStart(7)} rows  error ${fmt(c.reconstruction_error)} [${fmt(c.lower)}, ${fmt(c.upper)}]${c.alert ? '  ALERT' : ''}`);
  }
  return 0;
}

function fmt(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  return String(Number(v.toPrecision(4)));
}
