/**
 * `driftdesk drift` with a column mapping (issue 16), on the real CLI: the seattle weather
 * feed's date column is the timestamp and is not tested (it "drifted" on every batch before), an
 * ignored column is skipped with its reason, the other columns score exactly as without a
 * mapping; a mapped name in neither file and a malformed --proba exit 2 with the flag named.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seattleWeatherYear } from '../helpers/seattle-weather.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'driftdesk-cli-mapping-'));
const [ref, cur] = [join(dir, 'ref.csv'), join(dir, 'cur.csv')];

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
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

let plain: Awaited<ReturnType<typeof cli>>;
let mapped: Awaited<ReturnType<typeof cli>>;
beforeAll(async () => {
  writeFileSync(ref, seattleWeatherYear(2012));
  writeFileSync(cur, seattleWeatherYear(2015));
  [plain, mapped] = await Promise.all([
    cli(['drift', ref, cur, '--json']),
    cli(['drift', ref, cur, '--json', '--timestamp', 'date', '--ignore', 'wind']),
  ]);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Report = { columns: { name: string; score: number }[]; skipped_columns: { name: string; reason: string }[]; drifted_columns: number };

describe('drift with a column mapping', () => {
  it('never tests the timestamp or ignored columns, and scores the rest as before', () => {
    expect(plain.code).toBe(0);
    expect(mapped.code).toBe(0);
    const before = JSON.parse(plain.stdout) as Report;
    const after = JSON.parse(mapped.stdout) as Report;
    expect(before.columns.map((c) => c.name)).toContain('date');
    expect(after.columns.map((c) => c.name)).toEqual(['precipitation', 'temp_max', 'temp_min', 'weather']);
    expect(after.skipped_columns).toEqual([
      { name: 'date', reason: 'the timestamp column (column mapping): not tested for drift' },
      { name: 'wind', reason: 'the column is ignored (column mapping): not tested for drift' },
    ]);
    for (const c of after.columns) expect(c.score).toBe(before.columns.find((b) => b.name === c.name)!.score);
  });

  it('exits 2 naming the flag or the column for a bad mapping', async () => {
    const [missing, badProba] = await Promise.all([
      cli(['drift', ref, cur, '--timestamp', 'when']),
      cli(['drift', ref, cur, '--proba', 'a=p', '--proba', '=q']),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/column "when" \(named on the command line or in the column mapping\) is in neither/);
    expect(badProba.code).toBe(2);
    expect(badProba.stderr).toMatch(/--proba =q: expected COLUMN \(binary\) or CLASS=COLUMN/);
  }, 60_000);

  it('takes the same mapping as a JSON file (--mapping), overrides included; a bad file exits 2 naming the field', async () => {
    const file = join(dir, 'mapping.json');
    writeFileSync(file, JSON.stringify({ timestamp: 'date', ignored: ['wind'], columns: { weather: { stattest: 'psi' } } }));
    const bad = join(dir, 'bad-mapping.json');
    writeFileSync(bad, JSON.stringify({ timestamp: 'date', columns: { weather: { stattest: 'no_such_test' } } }));
    const [fromFile, withFlag, badFile, notJson] = await Promise.all([
      cli(['drift', ref, cur, '--json', '--mapping', file]),
      cli(['drift', ref, cur, '--json', '--mapping', file, '--ignore', 'precipitation']),
      cli(['drift', ref, cur, '--mapping', bad]),
      cli(['drift', ref, cur, '--mapping', ref]),
    ]);
    expect(fromFile.code).toBe(0);
    const report = JSON.parse(fromFile.stdout) as Omit<Report, 'columns'> & { skipped_columns: Report['skipped_columns']; columns: { name: string; test: string }[] };
    expect(report.skipped_columns.map((c) => c.name)).toEqual(['date', 'wind']);
    expect(report.columns.find((c) => c.name === 'weather')!.test).toBe('psi');
    // A flag adds to the file's mapping.
    expect((JSON.parse(withFlag.stdout) as Report).skipped_columns.map((c) => c.name).sort()).toEqual(['date', 'precipitation', 'wind']);
    expect(badFile.code).toBe(2);
    expect(badFile.stderr).toContain(`--mapping ${bad}: columns.weather.stattest:`);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain(`--mapping ${ref}: not JSON`);
  }, 60_000);
});
