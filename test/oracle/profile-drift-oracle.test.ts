/**
 * Oracle test: drift on two stored profiles (src/core/profile/profile-drift.ts) against
 * NumPy/SciPy (Debian's /usr/bin/python3). The oracle re-bins the current histogram by linear
 * interpolation of its cumulative counts at the reference's edges (the same "evenly within a
 * bin" assumption, written independently), then Evidently's psi; chisquare as Evidently's
 * chi_stat_test (expected = reference counts scaled to the current size, scipy.stats.chisquare);
 * jensenshannon as scipy.spatial.distance.jensenshannon on the shared top values plus the rest.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type CategoricalProfile, type DatasetProfile, type NumericalProfile, compareProfiles } from '../../src/core/profile/index.ts';

const ORACLE = String.raw`
import json, sys
import numpy as np
from scipy.stats import chisquare
from scipy.spatial.distance import jensenshannon
d = json.load(sys.stdin)
out = {}
# psi: current counts onto [-inf, reference edges..., +inf] by cumulative interpolation
re, rc = np.array(d['ref_edges']), np.array(d['ref_counts'], float)
ce, cc = np.array(d['cur_edges']), np.array(d['cur_counts'], float)
cum = np.concatenate([[0.0], np.cumsum(cc)])
at = np.interp(re, ce, cum, left=0.0, right=cum[-1])
cur = np.concatenate([[at[0]], np.diff(at), [cum[-1] - at[-1]]])
ref = np.concatenate([[0.0], rc, [0.0]])
def shares(x):
    s = x / x.sum()
    s[s == 0] = 0.0001
    return s
r, c = shares(ref), shares(cur)
out['psi'] = float(np.sum((r - c) * np.log(r / c)))
# chisquare, Evidently's way
keys = sorted(set(d['cat_ref']) | set(d['cat_cur']))
fr = np.array([d['cat_ref'].get(k, 0) for k in keys], float)
fc = np.array([d['cat_cur'].get(k, 0) for k in keys], float)
out['chisquare'] = float(chisquare(fc, fr * fc.sum() / fr.sum())[1])
# jensenshannon on shared top + rest
shared = [k for k in d['top_ref'] if k in d['top_cur']]
a = [d['top_ref'][k] for k in shared] + [d['present_ref'] - sum(d['top_ref'][k] for k in shared)]
b = [d['top_cur'][k] for k in shared] + [d['present_cur'] - sum(d['top_cur'][k] for k in shared)]
out['js'] = float(jensenshannon(np.array(a, float) / sum(a), np.array(b, float) / sum(b)))
print(json.dumps(out))
`;

const numerical = (name: string, edges: number[], counts: number[]): NumericalProfile => {
  const n = counts.reduce((s, c) => s + c, 0);
  return { kind: 'numerical', name, count: n, missing: 0, missingShare: 0, distinct: n, min: edges[0]!, max: edges.at(-1)!, mean: 0, std: 1, quantiles: null, histogram: { edges, counts } };
};
const categorical = (name: string, counts: Record<string, number>, present: number, missing = 0): CategoricalProfile => ({
  kind: 'categorical', name, count: present + missing, missing, missingShare: missing / (present + missing), distinct: Object.keys(counts).length,
  top: Object.entries(counts).map(([value, count]) => ({ value, count })),
});
const dataset = (path: string, columns: DatasetProfile['columns']): DatasetProfile => ({ path, format: 'csv', md5: '0'.repeat(32), size: 1, rows: columns[0]!.count, columns });

describe('drift on two profiles, against NumPy/SciPy', () => {
  it('psi on re-binned histograms, chisquare on complete counts, jensenshannon on shared top values', () => {
    const refEdges = [0, 2, 4, 6, 8, 10];
    const refCounts = [30, 80, 120, 60, 10];
    // Another range and width: overlaps the reference's bins partly, reaches above its max.
    const curEdges = [1, 2.5, 4, 5.5, 7, 8.5, 10, 11.5];
    const curCounts = [5, 40, 90, 100, 50, 10, 5];
    const catRef = { a: 120, b: 90, c: 60, d: 30 };
    const catCur = { a: 80, b: 100, c: 60, e: 60 };
    // Eleven values on each side: more than a profile lists (TOP_CATEGORIES = 10), so the tops are partial.
    const topRef = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`v${i}`, 100 - i * 5]));
    const topCur = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`v${i + 3}`, 90 - i * 4]));
    const ref = dataset('ref.csv', [
      numerical('x', refEdges, refCounts),
      categorical('small', catRef, 300),
      categorical('wide', topRef, 900),
    ]);
    const cur = dataset('cur.csv', [
      numerical('x', curEdges, curCounts),
      categorical('small', catCur, 300),
      categorical('wide', topCur, 820),
    ]);
    const report = compareProfiles(ref, cur, 'test');
    const run = spawnSync('/usr/bin/python3', ['-c', ORACLE], {
      input: JSON.stringify({
        ref_edges: refEdges, ref_counts: refCounts, cur_edges: curEdges, cur_counts: curCounts,
        cat_ref: catRef, cat_cur: catCur, top_ref: topRef, top_cur: topCur, present_ref: 900, present_cur: 820,
      }),
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const oracle = JSON.parse(run.stdout) as { psi: number; chisquare: number; js: number };
    const col = (n: string) => report.columns.find((c) => c.name === n)!;
    expect(col('x').test).toBe('psi');
    expect(col('x').score).toBeCloseTo(oracle.psi, 12);
    expect(col('small').test).toBe('chisquare');
    expect(col('small').score).toBeCloseTo(oracle.chisquare, 12);
    expect(col('wide').test).toBe('jensenshannon');
    expect(col('wide').score).toBeCloseTo(oracle.js, 12);
    expect(report.approximate_columns).toEqual(['x', 'wide']);
    expect(report.basis).toBe('profiles');
  });

  it('leaves out the mapping’s timestamp, id and ignored columns, as on the files', () => {
    const cols = () => [numerical('x', [0, 1, 2], [5, 5]), categorical('day', { mon: 3, tue: 3 }, 6), categorical('row', { r1: 1, r2: 1 }, 2), categorical('c', { a: 2, b: 4 }, 6)];
    const report = compareProfiles(dataset('ref.csv', cols()), dataset('cur.csv', cols()), 'test', { timestamp: 'day', id: 'row', ignored: ['x'], columns: {} });
    expect(report.columns.map((c) => c.name)).toEqual(['c']);
    expect(report.skipped_columns).toEqual([
      { name: 'x', reason: 'the column is ignored (column mapping): not tested for drift' },
      { name: 'day', reason: 'the timestamp column (column mapping): not tested for drift' },
      { name: 'row', reason: 'the id column (column mapping): not tested for drift' },
    ]);
  });

  it('skips what a profile cannot test, and refuses when nothing is testable', () => {
    const ref = dataset('a', [numerical('x', [0, 1], [0]), categorical('only-ref', { a: 1 }, 1)]);
    const cur = dataset('b', [{ ...numerical('x', [0, 1], [3]), histogram: null }, categorical('only-cur', { a: 1 }, 1)]);
    expect(() => compareProfiles(ref, cur, 'why')).toThrow(/no column can be tested from the profiles: x \(all values missing in the current data: not testable\); only-ref \(only in the reference\); only-cur \(only in the current data\)/);
  });
});
