/**
 * The `driftdesk drift` / `profile` / `dataset diff` contract (issue 3, "CLI" and "Bad input"),
 * checked on the real CLI as a child process: JSON shape, exit codes (0 ok, 1 dataset drift with
 * --fail-on-drift, 2 bad input with a message naming the file and line), the readable table,
 * and the --stattest / --categorical / --drift-share options. Data: the golden pairs in
 * test/golden/data (their expected numbers come from test/golden/drift-golden.json) and small
 * files written to a temp folder.
 *
 * Every CLI start costs 1-2 s of CPU (tsx, DuckDB, and the modules main.ts loads), so the
 * runs are few, start in beforeAll two at a time (two cores), and the tests read their results.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = 'test/golden/data';
const PARALLEL = 2;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
interface GoldenPair {
  name: string;
  columns: { name: string; type: string; test: string; score: number | string; threshold: number; drifted: boolean }[];
  drifted_columns: number;
  dataset_drift: boolean;
}
const GOLDEN = JSON.parse(readFileSync(join(ROOT, 'test/golden/drift-golden.json'), 'utf8')) as { pairs: GoldenPair[] };
const golden = (name: string): GoldenPair => GOLDEN.pairs.find((p) => p.name === name)!;

function cli(args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['bin/driftdesk', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function runAll(jobs: Record<string, string[]>): Promise<Record<string, Run>> {
  const queue = Object.entries(jobs);
  const out: Record<string, Run> = {};
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) out[job[0]] = await cli(job[1]);
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'driftdesk-cli-'));
const tmp = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const data = (name: string) => `${DATA}/${name}`;
const closeTo = (a: number, b: number) => Math.abs(a - b) <= Math.max(1e-9, 1e-6 * Math.abs(b));

let runs: Record<string, Run>;
let files: { ragged: string; headerOnly: string; a: string; b: string; binary: string };

beforeAll(async () => {
  files = {
    ragged: tmp('ragged.csv', 'a,b\n1,x\n2,y\n3,z,9\n4,w\n'),
    headerOnly: tmp('header-only.csv', 'precipitation,temp_max,temp_min,wind,weather\n'),
    a: tmp('v1.csv', 'id,x,kind,old\n1,0.5,a,k\n2,1.5,b,k\n3,NA,a,\n4,2.5,c,k\n'),
    b: tmp('v2.csv', 'id,x,kind,new\n1,low,a,True\n2,high,b,False\n3,low,a,true\n4,mid,b,\n5,low,a,false\n'),
    binary: join(dir, 'garbage.csv'),
  };
  // A CSV that turns into binary on line 3: a NUL, an escape, bytes that are not UTF-8.
  writeFileSync(files.binary, Buffer.concat([Buffer.from('a,b,c\n1,2,3\n4,'), Buffer.from([0x00, 0x1b, 0x5b, 0x32, 0x4a, 0xff, 0xfe, 0x07]), Buffer.from(',6\n')]));
  runs = await runAll({
    drifting: ['drift', data('edge-small-ref.csv'), data('edge-small-cur.csv'), '--json', '--fail-on-drift'],
    steady: ['drift', data('flights-delays-jan-3000.csv'), data('flights-delays-mar-3000.csv'), '--fail-on-drift'],
    stattest: ['drift', data('weather-2013.csv'), data('weather-2014.csv'), '--json', '--stattest', 'psi', '--stattest', 'weather=chisquare', '--drift-share', '0.9', '--fail-on-drift'],
    categorical: ['drift', data('cars-1970-1975.csv'), data('cars-1976-1982.csv'), '--json', '--categorical', 'Cylinders', '--stattest', 'Weight_in_lbs=ks'],
    missing: ['drift', data('no-such-file.csv'), data('weather-2015.csv'), '--json'],
    ragged: ['drift', data('weather-2012.csv'), files.ragged, '--json'],
    headerOnly: ['drift', data('weather-2012.csv'), files.headerOnly, '--json'],
    unknownTest: ['drift', data('weather-2012.csv'), data('weather-2015.csv'), '--json', '--stattest', 'wind=anderson'],
    badShare: ['drift', data('weather-2012.csv'), data('weather-2015.csv'), '--json', '--drift-share', '2'],
    binary: ['drift', data('weather-2012.csv'), files.binary, '--json'],
    intZ: ['drift', data('types-small-ref.csv'), data('types-small-cur.csv'), '--json', '--stattest', 'code=z'],
    profile: ['profile', files.a, '--json'],
    diff: ['dataset', 'diff', files.a, files.b, '--json'],
  });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('driftdesk drift', () => {
  it('prints the JSON contract and exits 1 with --fail-on-drift when the dataset drifts', () => {
    const run = runs.drifting!;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual([
      'reference', 'current', 'columns', 'drifted_columns', 'share_drifted', 'drift_share', 'dataset_drift', 'skipped_columns',
    ]);
    expect(report.reference).toEqual({ path: data('edge-small-ref.csv'), rows: 240 });
    expect(report.current).toEqual({ path: data('edge-small-cur.csv'), rows: 180 });
    const columns = report.columns as Record<string, unknown>[];
    for (const c of columns) expect(Object.keys(c)).toEqual(['name', 'type', 'test', 'score', 'threshold', 'drifted']);
    const expected = golden('edge-small');
    expect(columns.map((c) => [c.name, c.type, c.test, c.threshold, c.drifted])).toEqual(
      expected.columns.map((c) => [c.name, c.type, c.test, c.threshold, c.drifted]),
    );
    expect(report.drifted_columns).toBe(expected.drifted_columns);
    expect(report.share_drifted).toBe(expected.drifted_columns / columns.length);
    expect([report.drift_share, report.dataset_drift]).toEqual([0.5, true]);
    // Columns on one side only and all-missing columns are reported, not crashed on.
    const skipped = report.skipped_columns as { name: string; reason: string }[];
    expect(skipped.map((s) => Object.keys(s))).toEqual(skipped.map(() => ['name', 'reason']));
    const reason = Object.fromEntries(skipped.map((s) => [s.name, s.reason]));
    expect(reason).toEqual({
      all_missing: expect.stringMatching(/all values missing in the reference: not testable/),
      gone_missing: expect.stringMatching(/all values missing in the current data: not testable/),
      shape: expect.stringMatching(/numerical in the reference but categorical in the current data; pass --categorical shape/),
      only_ref: 'only in the reference',
      only_cur: 'only in the current data',
    });
  });

  it('prints a readable table without --json, and exits 0 with --fail-on-drift when nothing drifts', () => {
    const run = runs.steady!;
    expect([run.code, run.stderr]).toEqual([0, '']);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `reference ${data('flights-delays-jan-3000.csv')} (3000 rows) vs current ${data('flights-delays-mar-3000.csv')} (3000 rows)`,
    );
    expect(lines[2]).toMatch(/^column\s+type\s+test\s+score\s+threshold\s+drift$/);
    expect(lines[3]).toMatch(/^-+ {2}-+ {2}-+ {2}-+ {2}-+ {2}-+$/);
    const expected = golden('flights-delays-jan-vs-mar').columns;
    expect(lines.slice(4, 6).map((l) => l.split(/\s+/))).toEqual(
      expected.map((c) => [c.name, c.type, c.test, String(Number((c.score as number).toPrecision(4))), '0.1', 'ok']),
    );
    expect(lines.at(-1)).toBe('0 of 2 columns drifted (share 0; dataset drift at ≥ 0.5): no dataset drift');
  });

  it('runs --stattest TEST on every column and --stattest COLUMN=TEST on one; --drift-share sets the bar', () => {
    const run = runs.stattest!;
    // 3 of 5 columns drift under psi/chisquare: below --drift-share 0.9, so --fail-on-drift exits 0.
    expect([run.code, run.stderr]).toEqual([0, '']);
    const report = JSON.parse(run.stdout) as {
      columns: { name: string; test: string; score: number; drifted: boolean }[];
      share_drifted: number;
      drift_share: number;
      dataset_drift: boolean;
    };
    expect([report.share_drifted, report.drift_share, report.dataset_drift]).toEqual([0.6, 0.9, false]);
    const psi = golden('weather-2013-vs-2014-psi').columns;
    const chi = golden('weather-2013-vs-2014').columns.find((c) => c.name === 'weather')!;
    expect(report.columns.map((c) => [c.name, c.test])).toEqual([
      ['precipitation', 'psi'], ['temp_max', 'psi'], ['temp_min', 'psi'], ['wind', 'psi'], ['weather', 'chisquare'],
    ]);
    for (const c of report.columns) {
      const expected = c.name === 'weather' ? chi.score : psi.find((p) => p.name === c.name)!.score;
      expect(closeTo(c.score, expected as number), `${c.name}: ${c.score} vs ${expected}`).toBe(true);
    }
  });

  it('compares an integer column as categories with --categorical', () => {
    const run = runs.categorical!;
    expect([run.code, run.stderr]).toEqual([0, '']);
    const report = JSON.parse(run.stdout) as { columns: { name: string; type: string; test: string; score: number; drifted: boolean }[] };
    const expected = golden('cars-categorical-cylinders').columns;
    expect(report.columns.map((c) => [c.name, c.type, c.test, c.drifted])).toEqual(expected.map((c) => [c.name, c.type, c.test, c.drifted]));
    report.columns.forEach((c, i) => expect(closeTo(c.score, expected[i]!.score as number), c.name).toBe(true));
  });

  it('accepts --stattest COLUMN=z on an integer column with at most 5 values (categorical, as in Evidently)', () => {
    const run = runs.intZ!;
    expect([run.code, run.stderr]).toEqual([0, '']);
    const code = (JSON.parse(run.stdout) as { columns: { name: string; type: string; test: string }[] }).columns.find((c) => c.name === 'code');
    expect(code).toMatchObject({ type: 'categorical', test: 'z' });
  });

  it('never writes raw bytes of a binary file to the terminal', () => {
    const err = runs.binary!.stderr;
    expect(err).toMatch(/garbage\.csv/);
    expect([...err].filter((ch) => !/[\x20-\x7e\n…]/.test(ch))).toEqual([]);
  });

  it.each([
    ['a missing file', 'missing', /^driftdesk: test\/golden\/data\/no-such-file\.csv: cannot read the file \(no such file\)$/],
    ['a ragged CSV', 'ragged', /^driftdesk: \S*ragged\.csv, line 4: expected 2 fields, found 3$/],
    ['a file with a header and no rows', 'headerOnly', /^driftdesk: \S*header-only\.csv: no rows, so there is nothing to compare$/],
    ['an unknown test name', 'unknownTest', /^driftdesk: --stattest: unknown test "anderson"; use one of ks, chisquare, z, wasserstein/],
    ['--drift-share 2', 'badShare', /^driftdesk: --drift-share must be between 0 and 1, got 2/],
    [
      'binary data, quoted as printable text',
      'binary',
      /^driftdesk: \S*garbage\.csv, line 3 \(byte offset 14\): binary data, not UTF-8 text: a NUL byte \(0x00\) in "4,\\x00\\x1B\[2J\\xFF\\xFE\\x07,6\\n"/,
    ],
  ])('exits 2 on %s, saying what and where', (_what, key, message) => {
    const run = runs[key]!;
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toMatch(message);
  });
});

describe('driftdesk profile and dataset diff', () => {
  it('profile --json gives the path, format, md5, size, rows and a profile per column', () => {
    const run = runs.profile!;
    expect([run.code, run.stderr]).toEqual([0, '']);
    const profile = JSON.parse(run.stdout) as Record<string, unknown> & { columns: Record<string, unknown>[] };
    expect(Object.keys(profile)).toEqual(['path', 'format', 'md5', 'size', 'rows', 'columns']);
    expect(profile).toMatchObject({
      path: files.a,
      format: 'csv',
      md5: createHash('md5').update(readFileSync(files.a)).digest('hex'),
      size: statSync(files.a).size,
      rows: 4,
    });
    expect(profile.columns.map((c) => [c.name, c.kind, c.missing, c.distinct])).toEqual([
      ['id', 'numerical', 0, 4],
      ['x', 'numerical', 1, 3],
      ['kind', 'categorical', 0, 3],
      ['old', 'categorical', 1, 1],
    ]);
    expect(profile.columns[1]).toMatchObject({ count: 4, missingShare: 0.25, min: 0.5, max: 2.5, mean: 1.5, std: 1 });
    expect(profile.columns[1]!.quantiles).toMatchObject({ p25: 1, p50: 1.5, p75: 2 });
    expect(profile.columns[2]!.top).toEqual([{ value: 'a', count: 2 }, { value: 'b', count: 1 }, { value: 'c', count: 1 }]);
  });

  it('dataset diff --json gives the row change, schema changes and drift', () => {
    const run = runs.diff!;
    expect([run.code, run.stderr]).toEqual([0, '']);
    const diff = JSON.parse(run.stdout) as Record<string, unknown> & {
      columns: { name: string; deltas: { stat: string; change: number | null }[] }[];
      drift: { columns: { name: string }[]; skipped_columns: { name: string }[] };
    };
    expect(diff.a).toEqual({ path: files.a, md5: createHash('md5').update(readFileSync(files.a)).digest('hex'), rows: 4 });
    expect(diff.b).toMatchObject({ path: files.b, rows: 5 });
    expect(diff.rows).toEqual({ before: 4, after: 5, change: 1 });
    expect(diff.sameContent).toBe(false);
    expect(diff.schema).toEqual([
      { kind: 'type_changed', column: 'x', from: 'numerical', to: 'categorical' },
      { kind: 'removed', column: 'old', type: 'categorical' },
      { kind: 'added', column: 'new', type: 'categorical' },
    ]);
    expect(diff.columns.map((c) => c.name)).toEqual(['id', 'kind']);
    expect(diff.columns[0]!.deltas.find((d) => d.stat === 'max')!.change).toBe(1);
    expect(diff.drift.columns.map((c) => c.name)).toEqual(['id', 'kind']);
    expect(diff.drift.skipped_columns.map((s) => s.name)).toEqual(['x', 'old', 'new']);
  });
});
