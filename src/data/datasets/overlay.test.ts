import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetReader } from './dataset-reader.ts';
import { overlayHistogram } from './overlay.ts';

const dir = mkdtempSync(join(tmpdir(), 'driftdesk-overlay-'));
let reader: DatasetReader;
beforeAll(async () => {
  reader = await DatasetReader.open();
});
afterAll(() => {
  reader.close();
  rmSync(dir, { recursive: true, force: true });
});

function csv(name: string, header: string, values: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, [header, ...values].join('\n') + '\n');
  return path;
}

/**
 * The oracle: pandas reads both files, parses the column with pd.to_datetime, takes the finest
 * of D, W, M, Q, Y whose period_range over both sides has at most 40 periods, and counts each
 * side's `dt.to_period(freq)` on that range. Labels: the start date for D and W, str(period) else.
 */
function pandasPeriods(refPath: string, curPath: string, column: string): { period: string; periods: string[]; reference: number[]; current: number[] } {
  const script = `
import json, sys
import pandas as pd
ref, cur, col = sys.argv[1], sys.argv[2], sys.argv[3]
r = pd.to_datetime(pd.read_csv(ref)[col].dropna())
c = pd.to_datetime(pd.read_csv(cur)[col].dropna())
both = pd.concat([r, c])
for freq, name in [('D', 'day'), ('W', 'week'), ('M', 'month'), ('Q', 'quarter'), ('Y', 'year')]:
    rng = pd.period_range(both.min().to_period(freq), both.max().to_period(freq), freq=freq)
    if len(rng) <= 40:
        break
label = (lambda p: p.start_time.strftime('%Y-%m-%d')) if freq in ('D', 'W') else str
counts = lambda s: [int(n) for n in s.dt.to_period(freq).value_counts().reindex(rng, fill_value=0)]
print(json.dumps({'period': name, 'periods': [label(p) for p in rng], 'reference': counts(r), 'current': counts(c)}))
`;
  const out = spawnSync('/usr/bin/python3', ['-c', script, refPath, curPath, column], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout);
}

async function overlayOf(refPath: string, curPath: string, column: string) {
  const [ref, cur] = [await reader.load(refPath), await reader.load(curPath)];
  const col = ref.columns.find((c) => c.name === column)!;
  return overlayHistogram(reader, ref, cur, column, col.kind === 'numerical' ? 'numerical' : 'categorical');
}

describe('overlayHistogram of a date column', () => {
  it('bins Seattle 2012 and 2015 on the same quarters, both sides counted, as pandas to_period does', async () => {
    const lines = readFileSync(resolve('node_modules/vega-datasets/data/seattle-weather.csv'), 'utf8').trim().split('\n');
    const [header, ...rows] = lines;
    const ref = csv('seattle-2012.csv', header!, rows.filter((l) => l.startsWith('2012')));
    const cur = csv('seattle-2015.csv', header!, rows.filter((l) => l.startsWith('2015')));
    const overlay = await overlayOf(ref, cur, 'date');
    const oracle = pandasPeriods(ref, cur, 'date');
    expect(overlay.kind).toBe('datetime');
    if (overlay.kind !== 'datetime') return;
    expect(overlay.period).toBe('quarter');
    expect({ period: overlay.period, periods: overlay.periods, reference: overlay.reference, current: overlay.current }).toEqual(oracle);
    // The bug this replaces: dates as categories drew only the reference.
    expect(overlay.current.reduce((a, b) => a + b, 0)).toBe(365);
    expect(overlay.reference.reduce((a, b) => a + b, 0)).toBe(366);
  });

  const day = (start: string, i: number) => new Date(Date.parse(start) + i * 86_400_000).toISOString().slice(0, 10);
  it.each([
    ['day', '2024-02-20', 6, '2024-03-05', 7, 1],
    ['week', '2023-12-20', 60, '2024-03-01', 90, 1],
    ['month', '2020-01-15', 400, '2021-06-01', 300, 2],
    ['year', '1990-06-30', 3000, '2015-01-01', 2000, 5],
  ])('chooses %s bins for its span and counts like pandas', async (period, refStart, refDays, curStart, curDays, every) => {
    const refValues = Array.from({ length: refDays }, (_, i) => day(refStart, i)).filter((_, i) => i % every === 0);
    const curValues = Array.from({ length: curDays }, (_, i) => `${day(curStart, i)} 13:45:00`).filter((_, i) => i % (every + 1) === 0);
    const ref = csv(`ref-${period}.csv`, 'when,x', refValues.map((v, i) => `${v},${i}`));
    const cur = csv(`cur-${period}.csv`, 'when,x', [...curValues.map((v, i) => `${v},${i}`), ',99']);
    const overlay = await overlayOf(ref, cur, 'when');
    const oracle = pandasPeriods(ref, cur, 'when');
    expect(oracle.period).toBe(period);
    expect(overlay.kind === 'datetime' && { period: overlay.period, periods: overlay.periods, reference: overlay.reference, current: overlay.current }).toEqual(oracle);
  });

  it('keeps a text column with one value that is not a date as categories', async () => {
    const ref = csv('mixed-ref.csv', 'when', ['2024-01-01', '2024-01-02', 'soon']);
    const cur = csv('mixed-cur.csv', 'when', ['2024-02-01', '2024-02-02']);
    const overlay = await overlayOf(ref, cur, 'when');
    expect(overlay.kind).toBe('categorical');
  });
});
