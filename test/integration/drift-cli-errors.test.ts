/**
 * A column error never hangs `driftdesk drift` (issue 17). Two workers test columns on two
 * DuckDB connections; when one worker's column fails (here a refused `--stattest bad=ks` on a
 * text column) the other worker's query must be interrupted before the connections close, or
 * the process printed its error and then never exited (most runs on these 8 000-row files).
 *
 * The failing column sits first, in the middle and last (so either worker meets it, early or
 * late), and the CLI runs 50 times, two at a time; every run must exit with code 2 within a
 * second of printing its error. A run that hangs is killed after 10 s and fails the test.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFiles } from '../../src/data/datasets/compare.ts';
import { DatasetReader } from '../../src/data/datasets/dataset-reader.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ROWS = 8_000;
const RUNS = 50;
const KILL_AFTER_MS = 10_000;
const POSITIONS = { first: 0, middle: 3, last: 6 } as const;
type Position = keyof typeof POSITIONS;

const dir = mkdtempSync(join(tmpdir(), 'driftdesk-drift-errors-'));
const paths = {} as Record<Position, { ref: string; cur: string }>;

/** Six numeric columns and the text column "bad" at `at`; a seeded LCG keeps files identical across runs. */
function writeFile(path: string, at: number, seed: number): void {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const header = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'];
  header.splice(at, 0, 'bad');
  const lines = [header.join(',')];
  for (let i = 0; i < ROWS; i++) {
    const row = Array.from({ length: 6 }, () => (next() * 100).toFixed(4));
    row.splice(at, 0, 'xyz'[Math.floor(next() * 3)]!);
    lines.push(row.join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

interface Run {
  code: number | null;
  stderr: string;
  /** Milliseconds from the first stderr output (the error) to the process's exit. */
  exitAfterError: number;
}

function drift(position: Position): Promise<Run> {
  return new Promise((done, fail) => {
    const { ref, cur } = paths[position];
    const child = spawn(process.execPath, ['bin/driftdesk', 'drift', ref, cur, '--json', '--stattest', 'bad=ks'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    let stderr = '';
    let erroredAt = Number.NaN;
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      if (stderr === '') erroredAt = performance.now();
      stderr += s;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(killer);
      done({ code, stderr, exitAfterError: performance.now() - erroredAt });
    });
  });
}

beforeAll(() => {
  for (const [name, at] of Object.entries(POSITIONS) as [Position, number][]) {
    paths[name] = { ref: join(dir, `${name}-ref.csv`), cur: join(dir, `${name}-cur.csv`) };
    writeFile(paths[name].ref, at, 1 + at);
    writeFile(paths[name].cur, at, 100 + at);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a column error never hangs the drift CLI', () => {
  it(`exits 2 at once, ${RUNS} runs with the failing column first, in the middle and last`, async () => {
    const order = Array.from({ length: RUNS }, (_, i) => (['first', 'middle', 'last'] as const)[i % 3]);
    const failures: string[] = [];
    const worker = async () => {
      for (let position = order.shift(); position; position = order.shift()) {
        const run = await drift(position);
        const ok = run.code === 2 && /column "bad": test "ks" works on numerical columns/.test(run.stderr) && run.exitAfterError < 1000;
        if (!ok) failures.push(`${position}: exit ${run.code} ${Math.round(run.exitAfterError)} ms after "${run.stderr.trim().slice(0, 120)}"`);
      }
    };
    await Promise.all([worker(), worker()]);
    expect(failures).toEqual([]);
  }, 240_000);

  it('leaves the reader usable after a column error interrupted its query', async () => {
    const reader = await DatasetReader.open();
    try {
      for (const position of ['first', 'middle', 'last'] as const) {
        await expect(compareFiles(reader, paths[position].ref, paths[position].cur, { columnTests: { bad: 'ks' } })).rejects.toThrow(/column "bad"/);
        const report = await compareFiles(reader, paths[position].ref, paths[position].cur);
        expect(report.columns.map((c) => c.name).sort()).toEqual(['bad', 'n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
      }
    } finally {
      reader.close();
    }
  }, 60_000);
});
