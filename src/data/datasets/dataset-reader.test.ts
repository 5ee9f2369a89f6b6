import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetReader } from './dataset-reader.ts';
import { profileFile } from './profile.ts';

const dir = mkdtempSync(join(tmpdir(), 'driftdesk-reader-'));
let reader: DatasetReader;
beforeAll(async () => {
  reader = await DatasetReader.open();
});
afterAll(() => {
  reader.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const SEATTLE = resolve('node_modules/vega-datasets/data/seattle-weather.csv');

describe('DatasetReader', () => {
  it('reads the usual null tokens as missing and keeps such a column numeric, as pandas does', async () => {
    const path = file('nulls.csv', 'a,b,c\n1,x,true\nNA,y,false\n,N/A,true\nNaN,<NA>,false\n-NaN,z,\n#N/A,null,true\n7.5,NULL,false\nn/a,nan,true\n');
    const t = await reader.load(path);
    expect(t.rows).toBe(8);
    expect(t.columns).toEqual([
      { name: 'a', kind: 'numerical', sqlType: 'DOUBLE', dtype: 'float64' },
      { name: 'b', kind: 'categorical', sqlType: 'VARCHAR', dtype: 'object' },
      { name: 'c', kind: 'categorical', sqlType: 'BOOLEAN', dtype: 'object' },
    ]);
    expect(await reader.numericValues(t, 'a')).toEqual([1, 7.5]);
    expect(await reader.categoryValues(t, 'b')).toEqual(['x', 'y', 'z']);
  });

  it('types text columns as pandas read_csv does where DuckDB alone would not', async () => {
    // pandas: "1_000" and NaN spellings that are not NA tokens are text; True/TRUE/true are one boolean.
    const path = file('pandas-typing.csv', 'sep,nans,flag,mixed\n1_000,NAN,True,True\n2,+nan,TRUE,1\n3,4,true,0\n4,5,false,\n5,6,FALSE,1\n');
    const t = await reader.load(path);
    expect(t.columns.map((c) => [c.name, c.kind, c.sqlType])).toEqual([
      ['sep', 'categorical', 'VARCHAR'],
      ['nans', 'categorical', 'VARCHAR'],
      ['flag', 'categorical', 'BOOLEAN'],
      ['mixed', 'categorical', 'VARCHAR'],
    ]);
    expect(await reader.categoryValues(t, 'flag')).toEqual(['true', 'true', 'true', 'false', 'false']);
    expect(await reader.categoryValues(t, 'nans')).toEqual(['NAN', '+nan', '4', '5', '6']);
  });

  it('gives CSV columns the dtype pandas read_csv gives them (pandas is the oracle)', async () => {
    // Integers as pandas' C parser reads them (" 7", "+3", "007"), an integer column with a
    // missing value (float64), "1.0" (float64), booleans with and without a missing value.
    const csv = 'ints,padded,ints_na,floaty,bools,bools_na,text,all_na\n' +
      '1, 7,1,1.0,True,True,a,\n2,+3,,2.0,false,,b,NA\n3,007,3,3,TRUE,False,c,\n';
    const fast = file('dtypes.csv', csv);
    // "NAN" is a number to DuckDB but text to pandas: the fast path gives up and the all-text path types the file.
    const strict = file('dtypes-strict.csv', csv.split('\n').map((line, i) => (line === '' ? line : `${line},${['nanword', '1.5', 'NAN', '2'][i]}`)).join('\n'));
    for (const path of [fast, strict]) {
      const run = spawnSync('/usr/bin/python3', ['-c', 'import sys, json, pandas as pd; print(json.dumps({c: str(t) for c, t in pd.read_csv(sys.argv[1]).dtypes.items()}))', path], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const t = await reader.load(path);
      expect(Object.fromEntries(t.columns.map((c) => [c.name, c.dtype])), path).toEqual(JSON.parse(run.stdout));
    }
  });

  it.each(['jsonl', 'json'])('gives %s columns the dtype pandas read_json gives them: date-looking strings stay text (pandas is the oracle)', async (ext) => {
    const rows = [
      { day: '2021-01-01', date: '2021-01-01', created_at: '2021-01-02', t: '2021-01-03T10:00:00', n: '5', b: true, bn: true, f: 1.0, g: 1.5, m: 1, zip: '02139', ts_time: 1600000000, small_at: 5, s: 'x', mix: 5, Modified: '2021-01-01' },
      { day: '2021-02-01', date: '2021-03-01', created_at: '2021-01-03T10:00:00', t: '2021-01-03 10:00:00', n: '7', b: false, bn: null, f: 2.0, g: 2, m: null, zip: '1e3', ts_time: 1600000001, small_at: 6, s: '1', mix: '7', Modified: '2021-01-02' },
      { day: '2021-02-01', date: '2021-03-02', created_at: '2021-01-04', t: '2021-01-04', n: ' 9', b: true, bn: false, f: 3.0, g: 3, m: 4, zip: '1', ts_time: 1600000002, small_at: 7, s: 'y', mix: 8, Modified: '2021-01-03' },
    ];
    const path = file(`dtypes.${ext}`, ext === 'jsonl' ? rows.map((r) => JSON.stringify(r)).join('\n') + '\n' : JSON.stringify(rows));
    const script = 'import sys, json, pandas as pd\n' +
      'df = pd.read_json(sys.argv[1], lines=sys.argv[1].endswith(".jsonl"))\n' +
      'print(json.dumps({c: "datetime64" if str(t).startswith("datetime64") else str(t) for c, t in df.dtypes.items()}))';
    const run = spawnSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const t = await reader.load(path);
    expect(Object.fromEntries(t.columns.map((c) => [c.name, c.dtype]))).toEqual(JSON.parse(run.stdout));
    // Text stays as written: two spellings of one time are two categories, as in pandas.
    expect(await reader.categoryValues(t, 't')).toEqual(['2021-01-03T10:00:00', '2021-01-03 10:00:00', '2021-01-04']);
    expect(t.columns.find((c) => c.name === 'day')!.kind).toBe('categorical');
    expect(await reader.numericValues(t, 'zip')).toEqual([2139, 1000, 1]);
  });

  it('gives Parquet integers with a missing value float64 and booleans with one object, as pyarrow does', async () => {
    const parquet = join(dir, 'dtypes.parquet');
    await reader.db.run(`COPY (SELECT range AS n, CASE WHEN range = 3 THEN NULL ELSE range % 3 END AS n_na, range % 2 = 0 AS b,
      CASE WHEN range = 1 THEN NULL ELSE range % 2 = 0 END AS b_na, range / 2 AS x FROM range(6)) TO '${parquet}' (FORMAT parquet)`);
    const t = await reader.load(parquet);
    expect(t.columns.map((c) => [c.name, c.dtype])).toEqual([['n', 'int64'], ['n_na', 'float64'], ['b', 'bool'], ['b_na', 'object'], ['x', 'float64']]);
  });

  it('reads TSV, JSON Lines and Parquet', async () => {
    const tsv = await reader.load(file('t.tsv', 'x\ty\n1\tq\n2\tr\n'));
    expect(tsv.columns.map((c) => c.kind)).toEqual(['numerical', 'categorical']);
    const jsonl = await reader.load(file('t.jsonl', '{"x": 1, "y": "a", "ok": true}\n{"x": 2.5, "y": null, "ok": false}\n'));
    expect(jsonl.columns.map((c) => [c.name, c.kind])).toEqual([['x', 'numerical'], ['y', 'categorical'], ['ok', 'categorical']]);
    const parquet = join(dir, 't.parquet');
    await reader.db.run(`COPY (SELECT range AS n, 'k' || (range % 3) AS k, DATE '2026-01-01' + CAST(range AS INTEGER) AS d FROM range(10)) TO '${parquet}' (FORMAT parquet)`);
    const pq = await reader.load(parquet);
    expect(pq.rows).toBe(10);
    expect(pq.columns.map((c) => [c.name, c.kind])).toEqual([['n', 'numerical'], ['k', 'categorical'], ['d', 'datetime']]);
  });

  it('reads Arrow IPC files: the same flights as the JSON copy of vega-datasets', async () => {
    const data = resolve('node_modules/vega-datasets/data');
    const arrow = await profileFile(reader, join(data, 'flights-200k.arrow'));
    const json = await profileFile(reader, join(data, 'flights-200k.json'));
    expect(arrow.format).toBe('arrow');
    expect(arrow.rows).toBe(json.rows);
    for (const name of ['delay', 'distance']) {
      const [a, j] = [arrow.columns.find((c) => c.name === name)!, json.columns.find((c) => c.name === name)!];
      expect(a.kind).toBe('numerical');
      if (a.kind !== 'numerical' || j.kind !== 'numerical') throw new Error('expected numerical');
      expect(a.mean).toBeCloseTo(j.mean!, 9);
      expect([a.min, a.max, a.distinct]).toEqual([j.min, j.max, j.distinct]);
    }
    await expect(reader.load(file('broken.arrow', 'not arrow at all'))).rejects.toThrow(/broken\.arrow: not a readable Arrow IPC file/);
  });

  it.each([
    ['ragged.csv', 'a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n', /ragged\.csv, line 4: expected 3 fields, found 4$/],
    ['short.csv', 'a,b,c\n1,2,3\n4,5\n', /short\.csv, line 3: expected 3 fields, found 2$/],
    ['dup.csv', 'a,b,a\n1,2,3\n', /dup\.csv, line 1: column name "a" appears twice/],
    ['empty.csv', '', /empty\.csv: empty file, no header row/],
    ['data.xlsx', 'x', /unsupported file type ".xlsx"/],
  ])('says what is wrong with %s, and where', async (name, text, message) => {
    await expect(reader.load(file(name, text))).rejects.toThrow(message);
  });

  it('says when the file is missing', async () => {
    await expect(reader.load(join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: cannot read the file \(no such file\)/);
  });

  it('profiles real data as pandas describes it (pandas is the oracle)', async () => {
    const profile = await profileFile(reader, SEATTLE);
    const script = `
import json, sys, pandas as pd
df = pd.read_csv(sys.argv[1])
out = {"rows": len(df), "columns": {}}
for c in df.columns:
    s = df[c]
    col = {"missing": int(s.isna().sum()), "distinct": int(s.nunique()), "numeric": bool(pd.api.types.is_numeric_dtype(s))}
    if col["numeric"]:
        q = s.quantile([0.05, 0.25, 0.5, 0.75, 0.95]).tolist()
        col.update(mean=float(s.mean()), std=float(s.std()), min=float(s.min()), max=float(s.max()), q=q)
    else:
        vc = s.value_counts()
        col["top"] = [[str(k), int(v)] for k, v in sorted(vc.items(), key=lambda kv: (-kv[1], str(kv[0])))[:10]]
    out["columns"][c] = col
print(json.dumps(out))
`;
    const run = spawnSync('/usr/bin/python3', ['-c', script, SEATTLE], { encoding: 'utf8' });
    expect(run.status, `pandas oracle failed (is python3-pandas installed?): ${run.stderr}`).toBe(0);
    const pandas = JSON.parse(run.stdout) as { rows: number; columns: Record<string, Record<string, unknown>> };
    expect(profile.rows).toBe(pandas.rows);
    for (const col of profile.columns) {
      const p = pandas.columns[col.name]!;
      expect(col.missing, col.name).toBe(p.missing);
      expect(col.distinct, col.name).toBe(p.distinct);
      expect(col.kind === 'numerical', col.name).toBe(p.numeric);
      if (col.kind === 'numerical') {
        expect(col.mean).toBeCloseTo(p.mean as number, 9);
        expect(col.std).toBeCloseTo(p.std as number, 9);
        expect([col.min, col.max]).toEqual([p.min, p.max]);
        const q = col.quantiles!;
        (p.q as number[]).forEach((v, i) => expect([q.p05, q.p25, q.p50, q.p75, q.p95][i]).toBeCloseTo(v, 9));
        expect(col.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(pandas.rows - col.missing);
      } else if (col.kind === 'categorical') {
        expect(col.top.map((t) => [t.value, t.count])).toEqual(p.top);
      }
    }
  });
});

describe('DatasetReader memory', () => {
  it('spills past its memory limit into a private folder that close() removes', async () => {
    const own = await DatasetReader.open({ memoryLimit: '64MB' });
    const setting = (await own.db.runAndReadAll(`SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t`)).getRowObjectsJS()[0] as { m: string; t: string };
    expect(setting.m).toMatch(/^6\d(\.\d+)? MiB$/);
    expect(setting.t.startsWith(join(tmpdir(), 'driftdesk-duckdb-'))).toBe(true);
    // ~160 MB of doubles in a table, under a 64 MB limit: DuckDB writes the overflow to the folder.
    await own.db.run('CREATE TABLE big AS SELECT random() AS a, random() AS b FROM range(10000000)');
    expect(readdirSync(setting.t).length).toBeGreaterThan(0);
    const sum = Number((await own.db.runAndReadAll('SELECT count(*) AS n FROM big WHERE a >= 0')).getRowObjectsJS()[0]!.n);
    expect(sum).toBe(10_000_000);
    own.close();
    expect(existsSync(setting.t)).toBe(false);
  });

  it('defaults to DEFAULT_MEMORY_LIMIT (1.5 GB, which DuckDB shows in GiB)', async () => {
    const own = await DatasetReader.open();
    const m = (await own.db.runAndReadAll(`SELECT current_setting('memory_limit') AS m`)).getRowObjectsJS()[0]!.m as string;
    own.close();
    expect(m).toMatch(/^1\.[34]\d* GiB$/);
  });
});
