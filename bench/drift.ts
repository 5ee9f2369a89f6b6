/**
 * `npm run bench:drift` — issue 3's speed goal: `driftdesk drift REF CUR --json` end to end on
 * 1M + 1M rows × 20 columns, from CSV and from Parquet, against the named baseline
 * "pandas+scipy" (bench/drift_baseline.py on Debian's /usr/bin/python3) in the same run.
 *
 * Issue 17 adds a floor: DuckDB alone reading both files into tables (bench/drift-floor.mjs,
 * plain Node and DuckDB, none of our code), the least any engine that reads these files must
 * do; the table prints our time as a ratio of it, against the goals (CSV ≤ 2×, Parquet ≤ 1.5×,
 * peak RSS < 1 GB).
 *
 * All three run as child processes, in turn, REPS times per format; the table shows
 * medians of wall time and of peak RSS (`/usr/bin/time -f %M`, or polling VmHWM in
 * /proc/PID/status where GNU time is missing). It also prints whether each column's test
 * and drift verdict agree with the baseline. A benchmark, not a test: nothing is asserted.
 *
 * Options (after `--` with npm): --rows N (default 1000000), --reps N (default 3),
 * --formats csv,parquet, --budget SECONDS (default 540: fewer repetitions past it, and
 * the output says so), --no-pandas (only ours and the floor: for 10M rows, where pandas needs
 * minutes and most of the machine's memory; issue 17's 10M goal is against the floor).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDriftData } from './drift-data.ts';

const ROOT = join(import.meta.dirname, '..');
const PYTHON = '/usr/bin/python3';
const GNU_TIME = '/usr/bin/time';

interface ColumnResult {
  name: string;
  type: string;
  test: string;
  score: number;
  drifted: boolean;
}

interface Measured {
  seconds: number;
  peakMb: number;
  output: { columns: ColumnResult[]; reader?: string; timings?: Record<string, number>; read_s?: number };
}

const { values: opts } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    reps: { type: 'string', default: '3' },
    formats: { type: 'string', default: 'csv,parquet' },
    budget: { type: 'string', default: '540' },
    'no-pandas': { type: 'boolean', default: false },
  },
});
const rows = Number(opts.rows);
const reps = Number(opts.reps);
const formats = opts.formats.split(',').filter((f): f is 'csv' | 'parquet' => f === 'csv' || f === 'parquet');
const budgetSeconds = Number(opts.budget);
const withPandas = !opts['no-pandas'];
/** Issue 17's memory goals: under 1 GB at 1M + 1M rows, under 2 GB at 10M + 10M. */
const memoryGoalMb = rows >= 10_000_000 ? 2048 : 1024;

/** Runs a command, returning its wall time, peak RSS and parsed JSON stdout. */
async function measure(command: string, args: string[], scratch: string): Promise<Measured> {
  const timeFile = join(scratch, 'time.txt');
  const useGnuTime = existsSync(GNU_TIME);
  const [file, argv] = useGnuTime ? [GNU_TIME, ['-f', '%M', '-o', timeFile, command, ...args]] : [command, args];
  const started = performance.now();
  const child = spawn(file, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let polledKb = 0;
  // Without GNU time, VmHWM (the kernel's high-water mark) read until the child exits.
  const poll = useGnuTime ? undefined : setInterval(() => void readHwmKb(child.pid!).then((kb) => (polledKb = Math.max(polledKb, kb))), 25);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const seconds = (performance.now() - started) / 1000;
  if (poll) clearInterval(poll);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr.slice(-2000)}`);
  const peakKb = useGnuTime ? Number((await readFile(timeFile, 'utf8')).trim().split('\n').pop()) : polledKb;
  return { seconds, peakMb: peakKb / 1024, output: JSON.parse(stdout) };
}

async function readHwmKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function table(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** Per-column agreement of test choice and drift verdict, and the largest relative score gap. */
function agreement(ours: ColumnResult[], base: ColumnResult[]): string {
  const byName = new Map(base.map((c) => [c.name, c]));
  const mismatches: string[] = [];
  let maxRel = 0;
  for (const c of ours) {
    const b = byName.get(c.name);
    if (!b) {
      mismatches.push(`${c.name}: not in the baseline`);
      continue;
    }
    if (b.test !== c.test || b.drifted !== c.drifted) {
      mismatches.push(`${c.name}: ours ${c.test} ${c.drifted ? 'DRIFT' : 'ok'}, baseline ${b.test} ${b.drifted ? 'DRIFT' : 'ok'}`);
    }
    maxRel = Math.max(maxRel, Math.abs(c.score - b.score) / Math.max(Math.abs(b.score), 1e-12));
    byName.delete(c.name);
  }
  for (const name of byName.keys()) mismatches.push(`${name}: only in the baseline`);
  const drifted = ours.filter((c) => c.drifted).map((c) => c.name);
  const head = mismatches.length === 0
    ? `all ${ours.length} columns agree (test and verdict); drifted: ${drifted.join(', ') || 'none'}`
    : `${mismatches.length} column(s) DISAGREE: ${mismatches.join('; ')}`;
  return `${head}; max relative score difference ${maxRel.toExponential(2)}`;
}

async function main(): Promise<void> {
  const runStarted = performance.now();
  const log = (line: string) => console.log(line);
  log(`bench:drift — ${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ` +
    `${(totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: the baseline needs Debian's python3 with python3-pandas and python3-scipy`);
  const files = await ensureDriftData(rows, log);
  const scratch = await mkdtemp(join(tmpdir(), 'driftdesk-bench-run-'));
  const results: { format: string; ours: Measured[]; base: Measured[]; floor: Measured[] }[] = [];
  const notes: string[] = [];
  try {
    for (const format of formats) {
      const { reference, current } = files[format];
      const entry = { format, ours: [] as Measured[], base: [] as Measured[], floor: [] as Measured[] };
      results.push(entry);
      for (let rep = 1; rep <= reps; rep++) {
        // Stop early if the remaining repetitions would overrun the budget; say so below.
        const spent = (performance.now() - runStarted) / 1000;
        const perRep = median(results.flatMap((r) => r.ours.map((o, i) => o.seconds + (r.base[i]?.seconds ?? 0) + (r.floor[i]?.seconds ?? 0)))) || 0;
        const repsLeftHere = reps - rep + 1;
        const formatsLeft = formats.length - formats.indexOf(format) - 1;
        if (rep > 1 && spent + perRep * (repsLeftHere + formatsLeft * reps) > budgetSeconds) {
          notes.push(`${format}: ${rep - 1} of ${reps} repetitions (time budget ${budgetSeconds} s)`);
          break;
        }
        // Alternate the two so a slow spell on a shared machine hits both.
        const ours = await measure(process.execPath, ['bin/driftdesk', 'drift', reference, current, '--json'], scratch);
        const base = withPandas ? await measure(PYTHON, ['bench/drift_baseline.py', reference, current], scratch) : null;
        const floor = await measure(process.execPath, ['bench/drift-floor.mjs', reference, current], scratch);
        entry.ours.push(ours);
        if (base) entry.base.push(base);
        entry.floor.push(floor);
        log(`  ${format} rep ${rep}: ours ${ours.seconds.toFixed(2)} s / ${ours.peakMb.toFixed(0)} MB; ` +
          (base ? `pandas+scipy ${base.seconds.toFixed(2)} s / ${base.peakMb.toFixed(0)} MB ` +
            `(import ${base.output.timings?.import_s?.toFixed(2)} s, read ${base.output.timings?.read_s?.toFixed(2)} s, tests ${base.output.timings?.tests_s?.toFixed(2)} s); ` : '') +
          `DuckDB floor ${floor.seconds.toFixed(2)} s / ${floor.peakMb.toFixed(0)} MB (reading ${floor.output.read_s?.toFixed(2)} s)`);
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  if (withPandas) {
  log('');
  log(`driftdesk drift vs pandas+scipy, ${rows.toLocaleString('en')} + ${rows.toLocaleString('en')} rows × 20 columns (15 numerical, 5 categorical); medians`);
  log('');
  const body = results.map(({ format, ours, base }) => {
    const [o, b] = [median(ours.map((m) => m.seconds)), median(base.map((m) => m.seconds))];
    return [
      base[0]?.output.reader?.startsWith('read_csv of') ? `${format} (baseline reads CSV)` : format,
      o.toFixed(2),
      b.toFixed(2),
      `${(b / o).toFixed(2)}×`,
      median(ours.map((m) => m.peakMb)).toFixed(0),
      median(base.map((m) => m.peakMb)).toFixed(0),
      String(ours.length),
    ];
  });
  log(table(['format', 'ours (s)', 'pandas+scipy (s)', 'speedup (×)', 'ours peak RSS (MB)', 'baseline peak RSS (MB)', 'reps'], body));
  }
  log('');
  log('against the floor: DuckDB alone reading both files into tables (bench/drift-floor.mjs, a Node process with DuckDB and nothing else)');
  log('');
  const floorGoal = (format: string) => (format === 'csv' || rows >= 10_000_000 ? 2 : 1.5);
  log(table(['format', 'ours (s)', 'floor (s)', 'of which DuckDB reading (s)', 'ours / floor (×)', 'goal (×)', 'floor peak RSS (MB)'], results.map(({ format, ours, floor }) => {
    const [o, f] = [median(ours.map((m) => m.seconds)), median(floor.map((m) => m.seconds))];
    return [format, o.toFixed(2), f.toFixed(2), median(floor.map((m) => m.output.read_s ?? NaN)).toFixed(2), `${(o / f).toFixed(2)}×`, `≤ ${floorGoal(format)}×`, median(floor.map((m) => m.peakMb)).toFixed(0)];
  })));
  log('');
  log(rows >= 10_000_000
    ? `goal (issue 17, 10M + 10M rows): ours within 2× of the floor for both formats, peak RSS < ${memoryGoalMb} MB`
    : `goal (issue 17): ours within 2× of the floor for CSV, 1.5× for Parquet, peak RSS < ${memoryGoalMb} MB`);
  for (const { format, ours, floor } of results) {
    const ratio = median(ours.map((m) => m.seconds)) / median(floor.map((m) => m.seconds));
    const peak = median(ours.map((m) => m.peakMb));
    log(`  ${format}: ${ratio <= floorGoal(format) ? 'meets' : 'MISSES'} ${floorGoal(format)}× (${ratio.toFixed(2)}×); memory ${peak < memoryGoalMb ? 'meets' : 'MISSES'} ${memoryGoalMb / 1024} GB (${peak.toFixed(0)} MB)`);
  }
  if (withPandas) {
  log('');
  log('goal (issue 3): speedup ≥ 3×, our peak RSS < 1536 MB');
  for (const { format, ours, base } of results) {
    const speedup = median(base.map((m) => m.seconds)) / median(ours.map((m) => m.seconds));
    const peak = median(ours.map((m) => m.peakMb));
    log(`  ${format}: speed ${speedup >= 3 ? 'meets' : 'MISSES'} 3× (${speedup.toFixed(2)}×); memory ${peak < 1536 ? 'meets' : 'MISSES'} 1.5 GB (${peak.toFixed(0)} MB)`);
  }
  }
  log('');
  for (const { format, ours, base } of results) {
    if (ours[0] && base[0]) log(`agreement, ${format}: ${agreement(ours[0].output.columns, base[0].output.columns)}`);
    const reader = base[0]?.output.reader;
    if (reader && reader !== 'read_csv') log(`  baseline reader for ${format}: ${reader}`);
  }
  for (const note of notes) log(`note: ${note}`);
  log(`total bench time ${((performance.now() - runStarted) / 1000).toFixed(0)} s`);
}

await main();
