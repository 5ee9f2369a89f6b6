/**
 * Golden test (issue 3, "Correctness"): Driftdesk's `compareFiles` — DuckDB reading, pandas-style
 * typing and missing values, Evidently's test choice, the drift engine — on real and hand-made
 * CSV and JSON Lines pairs, against test/golden/drift-golden.json, which test/golden/generate.py
 * computed with pandas `read_csv` / `read_json`, Evidently's column typing and SciPy/NumPy (see its
 * header for the data, its sources and licenses).
 *
 * Scores agree to a relative 1e-6, or an absolute 1e-9 near zero; column types, test names,
 * thresholds, drift flags, counts, the dataset verdict and the skipped columns agree exactly.
 * The JSON is committed, so this test needs no Python; regenerate it with
 * `/usr/bin/python3 test/golden/generate.py` when the data or the oracle changes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFiles, type CompareOptions, type DriftComparison } from '../../src/data/datasets/compare.ts';
import { DatasetReader, NULL_TOKENS } from '../../src/data/datasets/dataset-reader.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RTOL = 1e-6;
const ATOL = 1e-9;

type Encoded = number | 'NaN' | 'Infinity' | '-Infinity';
interface GoldenColumn {
  name: string;
  type: 'numerical' | 'categorical';
  test: string;
  score: Encoded;
  threshold: number;
  drifted: boolean;
  values: [number, number];
}
interface GoldenPair {
  name: string;
  note: string;
  reference: { path: string; rows: number };
  current: { path: string; rows: number };
  options: Pick<CompareOptions, 'test' | 'columnTests' | 'categorical' | 'numerical' | 'driftShare'>;
  columns: GoldenColumn[];
  drifted_columns: number;
  share_drifted: number;
  drift_share: number;
  dataset_drift: boolean;
  skipped_columns: { name: string; why: string }[];
}
interface Golden {
  versions: Record<string, string>;
  pairs: GoldenPair[];
}

const GOLDEN = JSON.parse(readFileSync(join(ROOT, 'test/golden/drift-golden.json'), 'utf8')) as Golden;

const decode = (v: Encoded): number =>
  v === 'NaN' ? Number.NaN : v === 'Infinity' ? Number.POSITIVE_INFINITY : v === '-Infinity' ? Number.NEGATIVE_INFINITY : v;

/** Relative error, 0 when within the absolute floor; NaN and infinities must match exactly. */
function scoreError(ours: number, golden: number): number {
  if (Object.is(ours, golden) || ours === golden) return 0;
  if (!Number.isFinite(ours) || !Number.isFinite(golden)) return Number.POSITIVE_INFINITY;
  const diff = Math.abs(ours - golden);
  return diff <= ATOL ? 0 : diff / Math.abs(golden);
}

/** Everything the golden pair says, checked against our comparison of it. */
function checkPair(ours: DriftComparison, pair: GoldenPair): void {
  expect([ours.reference.rows, ours.current.rows], 'rows').toEqual([pair.reference.rows, pair.current.rows]);
  const shape = (c: { name: string; type: string; test: string; threshold: number; drifted: boolean }) =>
    `${c.name}: ${c.type} ${c.test} threshold ${c.threshold} ${c.drifted ? 'DRIFT' : 'ok'}`;
  expect(ours.columns.map(shape), 'columns, types, tests, thresholds, flags').toEqual(pair.columns.map(shape));
  expect(ours.skipped_columns.map((s) => s.name), 'skipped columns').toEqual(pair.skipped_columns.map((s) => s.name));

  const off: string[] = [];
  pair.columns.forEach((expected, i) => {
    const score = ours.columns[i]!.score;
    const golden = decode(expected.score);
    const err = scoreError(score, golden);
    const where = `${pair.name} / ${expected.name} (${expected.test})`;
    const rel = Math.abs(score - golden) / Math.abs(golden);
    if (Math.abs(golden) > ATOL && rel > worst.rel) worst = { rel, where };
    if (!(err <= RTOL)) off.push(`${where}: ours ${score}, scipy ${String(expected.score)} (relative error ${err})`);
  });
  expect(off, 'scores').toEqual([]);

  expect({
    drifted_columns: ours.drifted_columns,
    share_drifted: ours.share_drifted,
    drift_share: ours.drift_share,
    dataset_drift: ours.dataset_drift,
  }).toEqual({
    drifted_columns: pair.drifted_columns,
    share_drifted: pair.share_drifted,
    drift_share: pair.drift_share,
    dataset_drift: pair.dataset_drift,
  });
}

let reader: DatasetReader;
let worst = { rel: 0, where: '' };
beforeAll(async () => {
  reader = await DatasetReader.open();
});
afterAll(() => {
  reader.close();
  console.info(`golden drift: ${GOLDEN.pairs.length} pairs (pandas ${GOLDEN.versions.pandas}, SciPy ${GOLDEN.versions.scipy}); ` +
    `largest relative score error above ${ATOL}: ${worst.rel.toExponential(1)} (${worst.where || '-'})`);
});

describe('drift of real CSV pairs matches pandas + SciPy (test/golden)', () => {
  it.each(GOLDEN.pairs.map((p) => [p.name, p] as const))('%s', async (_name, pair) => {
    const ours = await compareFiles(reader, join(ROOT, pair.reference.path), join(ROOT, pair.current.path), pair.options);

    checkPair(ours, pair);
  });

  // Parquet is read as a view over the file (dataset-reader.ts `viewParquet`), not as text: the
  // same pairs written as Parquet by DuckDB, with the types pandas gives the CSV (numbers as
  // BIGINT/DOUBLE, missing values as NULL), must give the same answer as pandas on the CSV.
  // Not the edge-large pairs: they spell numbers pandas reads and DuckDB's CSV sniffer keeps as
  // text (" 34", "+66"), so their Parquet copies would hold text columns, a different file.
  const asParquet = GOLDEN.pairs.filter((p) => p.reference.path.endsWith('.csv') && p.reference.rows >= 1000 && !p.name.startsWith('edge-large'));
  it('writes enough of the pairs as Parquet to cover the in-database tests', () => {
    expect(asParquet.length).toBeGreaterThanOrEqual(8);
    expect(asParquet.some((p) => p.columns.some((c) => c.test === 'wasserstein')) && asParquet.some((p) => p.columns.some((c) => c.test === 'jensenshannon'))).toBe(true);
  });
  it.each(asParquet.map((p) => [p.name, p] as const))('%s, written as Parquet', async (_name, pair) => {
    const dir = mkdtempSync(join(tmpdir(), 'driftdesk-golden-parquet-'));
    try {
      const write = async (csv: string, out: string) => {
        const source = `read_csv('${join(ROOT, csv).replace(/'/g, "''")}', header=true, nullstr=[${NULL_TOKENS.map((t) => `'${t.replace(/'/g, "''")}'`).join(', ')}],
          auto_type_candidates=['BIGINT', 'DOUBLE', 'VARCHAR'])`;
        await reader.db.run(`COPY (SELECT * FROM ${source}) TO '${out.replace(/'/g, "''")}' (FORMAT parquet)`);
        return out;
      };
      const ours = await compareFiles(reader, await write(pair.reference.path, join(dir, 'reference.parquet')),
        await write(pair.current.path, join(dir, 'current.parquet')), pair.options);
      checkPair(ours, pair);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('covers what issue 3 asks of the golden data', () => {
    const pairs = GOLDEN.pairs;
    const tests = new Set(pairs.flatMap((p) => p.columns.map((c) => c.test)));
    expect([...tests].sort()).toEqual(['chisquare', 'hellinger', 'jensenshannon', 'kl_div', 'ks', 'psi', 'wasserstein', 'z']);
    const refRows = new Set(pairs.map((p) => p.reference.rows));
    for (const n of [300, 999, 1000, 1001, 1500, 5000]) expect(refRows.has(n), `a pair with ${n} reference rows`).toBe(true);
    expect(pairs.some((p) => p.dataset_drift) && pairs.some((p) => !p.dataset_drift)).toBe(true);
    // A column whose missing values leave ≤ 1000 reference values gets the small-data test.
    expect(pairs.some((p) => p.reference.rows > 1000 && p.columns.some((c) => c.test === 'ks' && c.values[0] <= 1000))).toBe(true);
    expect(pairs.some((p) => p.columns.some((c) => c.values[0] < p.reference.rows))).toBe(true);
    const skipped = new Set(pairs.flatMap((p) => p.skipped_columns.map((s) => s.why)));
    expect(skipped.size).toBeGreaterThanOrEqual(4);
  });

  it('covers what issue 17 asks of the golden data', () => {
    const column = (pair: string, name: string) => GOLDEN.pairs.find((p) => p.name === pair)!.columns.find((c) => c.name === name)!;
    // An integer flag (int64, 2 values) and an int64 with values only in the current data: categorical.
    expect([column('types-small', 'flag').type, column('types-small', 'code').type]).toEqual(['categorical', 'categorical']);
    expect(column('types-small', 'code').score).toBe(0);
    // A 3-value integer column with a missing value is float64: numerical.
    expect(column('types-small', 'level').type).toBe('numerical');
    expect(column('types-small', 'ok').type).toBe('categorical');
    // z over three numeric categories, on an int64 column and on a float column forced categorical.
    expect([column('types-small-z-numeric', 'grade').test, column('types-small-z-numeric', 'price').test]).toEqual(['z', 'z']);
    // JSON Lines: date-looking text is tested; columns pandas reads as dates are skipped.
    const jsonl = GOLDEN.pairs.find((p) => p.name === 'jsonl-date-strings')!;
    expect(jsonl.reference.path.endsWith('.jsonl')).toBe(true);
    expect(column('jsonl-date-strings', 'day').type).toBe('categorical');
    expect(jsonl.skipped_columns.map((s) => s.name)).toEqual(['date', 'updated_at']);
  });
});
