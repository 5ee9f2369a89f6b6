/** `driftdesk drift`, `driftdesk profile` and `driftdesk dataset diff`. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { STAT_TEST_NAMES, type ColumnMapping, type ColumnMappingInput, columnMappingSchema, isStatTestName } from '../core/drift/index.ts';
import { diffProfiles } from '../core/profile/index.ts';
import { compareFiles, type DriftComparison, type Progress } from '../data/datasets/compare.ts';
import { DatasetError, DatasetReader } from '../data/datasets/dataset-reader.ts';
import { profileFile } from '../data/datasets/profile.ts';
import { UsageError } from './usage-error.ts';

async function withReader<T>(work: (reader: DatasetReader) => Promise<T>): Promise<T> {
  const reader = await DatasetReader.open();
  try {
    return await work(reader);
  } finally {
    reader.close();
  }
}

/** `--progress`: one JSON line per step on stderr, for the app's job runner. */
function reportProgress(p: Progress): void {
  process.stderr.write(`${JSON.stringify({ progress: p })}\n`);
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export async function driftCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      stattest: { type: 'string', multiple: true },
      categorical: { type: 'string', multiple: true },
      numerical: { type: 'string', multiple: true },
      'drift-share': { type: 'string' },
      'fail-on-drift': { type: 'boolean' },
      histograms: { type: 'boolean' },
      progress: { type: 'boolean' },
      timestamp: { type: 'string' },
      id: { type: 'string' },
      target: { type: 'string' },
      prediction: { type: 'string' },
      proba: { type: 'string', multiple: true },
      ignore: { type: 'string', multiple: true },
      mapping: { type: 'string' },
    },
  });
  if (positionals.length !== 2) throw new UsageError(`drift needs REF and CUR files, got ${positionals.length} argument(s)`);
  let test: string | undefined;
  const columnTests: Record<string, string> = {};
  for (const spec of values.stattest ?? []) {
    const eq = spec.lastIndexOf('=');
    if (eq === -1) test = spec;
    else if (eq === 0 || eq === spec.length - 1) throw new UsageError(`--stattest ${spec}: expected TEST or COLUMN=TEST`);
    else columnTests[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  for (const name of [test, ...Object.values(columnTests)]) {
    if (name !== undefined && !isStatTestName(name)) {
      throw new UsageError(`--stattest: unknown test "${name}"; use one of ${STAT_TEST_NAMES.join(', ')}`);
    }
  }
  let driftShare: number | undefined;
  if (values['drift-share'] !== undefined) {
    driftShare = Number(values['drift-share']);
    if (!(driftShare >= 0 && driftShare <= 1)) throw new UsageError(`--drift-share must be between 0 and 1, got ${values['drift-share']}`);
  }
  const mapping = combineMappings(values.mapping === undefined ? undefined : mappingFromFile(values.mapping), mappingFromFlags(values));
  const [ref, cur] = positionals as [string, string];
  const report = await withReader((reader) =>
    compareFiles(reader, ref, cur, {
      mapping,
      test,
      columnTests,
      categorical: (values.categorical ?? []).flatMap(list),
      numerical: (values.numerical ?? []).flatMap(list),
      driftShare,
      histograms: values.histograms,
      onProgress: values.progress ? reportProgress : undefined,
    }),
  );
  console.log(values.json ? JSON.stringify(report, null, 2) : driftTable(report));
  return values['fail-on-drift'] && report.dataset_drift ? 1 : 0;
}

/**
 * The column mapping the flags describe (`--timestamp date --id row_id --target y --prediction yhat
 * --proba p` or `--proba CLASS=COLUMN` once per class, `--ignore a,b`), or undefined without any.
 */
export function mappingFromFlags(values: { timestamp?: string; id?: string; target?: string; prediction?: string; proba?: string[]; ignore?: string[] }): ColumnMapping | undefined {
  const input: ColumnMappingInput = {};
  if (values.timestamp !== undefined) input.timestamp = values.timestamp;
  if (values.id !== undefined) input.id = values.id;
  if (values.target !== undefined) input.target = values.target;
  if (values.prediction !== undefined) input.prediction = values.prediction;
  const ignored = (values.ignore ?? []).flatMap(list);
  if (ignored.length) input.ignored = ignored;
  const proba = values.proba ?? [];
  if (proba.length === 1 && !proba[0]!.includes('=')) input.predictionProba = proba[0];
  else if (proba.length) {
    const perClass: Record<string, string> = {};
    for (const spec of proba) {
      const eq = spec.indexOf('=');
      if (eq <= 0 || eq === spec.length - 1) throw new UsageError(`--proba ${spec}: expected COLUMN (binary) or CLASS=COLUMN once per class`);
      perClass[spec.slice(0, eq)] = spec.slice(eq + 1);
    }
    input.predictionProba = perClass;
  }
  if (Object.keys(input).length === 0) return undefined;
  const parsed = columnMappingSchema.safeParse(input);
  if (!parsed.success) {
    const flag: Record<string, string> = { timestamp: '--timestamp', id: '--id', target: '--target', prediction: '--prediction', predictionProba: '--proba', ignored: '--ignore' };
    throw new UsageError(parsed.error.issues.map((i) => `${flag[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

/**
 * A column mapping from a JSON file (`--mapping FILE`: the same object monitors take, with
 * per-column type, test and threshold overrides); errors name the file and the field.
 */
export function mappingFromFile(file: string): ColumnMapping {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--mapping ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(err as Error).message})`}`);
  }
  const parsed = columnMappingSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--mapping ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The file's mapping with the flags' roles on top (a flag names a role again: the flag wins). */
function combineMappings(file: ColumnMapping | undefined, flags: ColumnMapping | undefined): ColumnMapping | undefined {
  if (!file || !flags) return file ?? flags;
  const merged = { ...file, ...Object.fromEntries(Object.entries(flags).filter(([k, v]) => k !== 'columns' && v !== undefined)) };
  return columnMappingSchema.parse({ ...merged, ignored: [...new Set([...(file.ignored ?? []), ...(flags.ignored ?? [])])], columns: { ...file.columns, ...flags.columns } });
}

export async function profileCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, progress: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError('profile needs exactly one FILE');
  const profile = await withReader((reader) => profileFile(reader, positionals[0]!, values.progress ? reportProgress : undefined));
  if (values.json) {
    console.log(JSON.stringify(profile, null, 2));
    return 0;
  }
  console.log(`${profile.path}  ${profile.format}  ${profile.rows} rows  ${profile.size} bytes  md5 ${profile.md5}`);
  for (const c of profile.columns) {
    const stats = c.kind === 'numerical'
      ? `mean ${fmt(c.mean)}  std ${fmt(c.std)}  min ${fmt(c.min)}  p50 ${fmt(c.quantiles?.p50 ?? null)}  max ${fmt(c.max)}`
      : c.kind === 'categorical' ? `top ${c.top.slice(0, 3).map((t) => `${t.value} (${t.count})`).join(', ')}` : c.type;
    console.log(`  ${c.name.padEnd(24)} ${c.kind.padEnd(12)} missing ${(c.missingShare * 100).toFixed(1)}%  distinct ${c.distinct}  ${stats}`);
  }
  return 0;
}

export async function datasetDiffCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 2) throw new UsageError('dataset diff needs two files, A and B');
  const [a, b] = positionals as [string, string];
  const result = await withReader(async (reader) => {
    const [pa, pb] = [await profileFile(reader, a), await profileFile(reader, b)];
    const drift = await compareFiles(reader, a, b).catch((err: unknown) => {
      if (err instanceof DatasetError) return { error: err.message };
      throw err;
    });
    return { a: { path: a, md5: pa.md5, rows: pa.rows }, b: { path: b, md5: pb.md5, rows: pb.rows }, ...diffProfiles(pa, pb), drift };
  });
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  console.log(`${a} → ${b}: rows ${result.rows.before} → ${result.rows.after} (${signed(result.rows.change)})${result.sameContent ? ', same content' : ''}`);
  for (const s of result.schema) {
    console.log(s.kind === 'type_changed' ? `  ~ ${s.column}: ${s.from} → ${s.to}` : `  ${s.kind === 'added' ? '+' : '-'} ${s.column} (${s.type})`);
  }
  for (const c of result.columns) {
    const moved = c.deltas.filter((d) => d.change !== null && d.change !== 0).map((d) => `${d.stat} ${fmt(d.before)} → ${fmt(d.after)}`);
    if (moved.length) console.log(`  ${c.name}: ${moved.join(', ')}`);
  }
  if ('error' in result.drift) console.log(`drift: ${result.drift.error}`);
  else console.log(`\n${driftTable(result.drift)}`);
  return 0;
}

export function driftTable(r: DriftComparison): string {
  const rows = r.columns.map((c) => [c.name, c.type, c.test, fmt(c.score), fmt(c.threshold), c.drifted ? 'DRIFT' : 'ok']);
  const head = ['column', 'type', 'test', 'score', 'threshold', 'drift'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [
    `reference ${r.reference.path} (${r.reference.rows} rows) vs current ${r.current.path} (${r.current.rows} rows)`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `${r.drifted_columns} of ${r.columns.length} columns drifted (share ${fmt(r.share_drifted)}; dataset drift at ≥ ${r.drift_share}): ${r.dataset_drift ? 'DATASET DRIFT' : 'no dataset drift'}`,
  ];
  for (const s of r.skipped_columns) out.push(`not tested: ${s.name} (${s.reason})`);
  return out.join('\n');
}

function fmt(v: number | null): string {
  if (v === null) return '—';
  if (v !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
