/**
 * Deterministic synthetic columns for the drift oracle test: several distributions, sizes
 * from 5 to 12 000 per side (either side of 1000 rows for the default selection, of 10 000
 * for exact vs asymptotic KS, and small effective sizes for every branch of kstwo.sf),
 * heavy ties, constant and single-value columns, and categories present on one side only.
 */

import type { DatasetColumn } from '../../src/core/drift/index.ts';

/** sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded via splitmix32: uniform [0, 1). */
export function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

type Gen = (rand: () => number) => number;

const normal =
  (mean = 0, sd = 1): Gen =>
  (rand) => {
    // Box–Muller; 1 − u keeps the log finite.
    const u = 1 - rand();
    const v = rand();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
const exponential =
  (rate = 1): Gen =>
  (rand) =>
    -Math.log(1 - rand()) / rate;
const lognormal =
  (mu = 0, sigma = 1): Gen =>
  (rand) =>
    Math.exp(normal(mu, sigma)(rand));
const integers =
  (lo: number, hi: number): Gen =>
  (rand) =>
    lo + Math.floor(rand() * (hi - lo + 1));
const rounded =
  (gen: Gen, digits: number): Gen =>
  (rand) =>
    Math.round(gen(rand) * 10 ** digits) / 10 ** digits;
const constant =
  (value: number): Gen =>
  () =>
    value;

function sample(gen: Gen, n: number, rand: () => number): number[] {
  return Array.from({ length: n }, () => gen(rand));
}

function categories(weights: Record<string, number>, n: number, rand: () => number): string[] {
  const entries = Object.entries(weights);
  const total = entries.reduce((s, [, w]) => s + w, 0);
  return Array.from({ length: n }, () => {
    let u = rand() * total;
    for (const [name, w] of entries) {
      u -= w;
      if (u < 0) return name;
    }
    return entries[entries.length - 1]![0];
  });
}

/** All synthetic columns, each with a unique name. */
export function syntheticColumns(seed = 20240601): DatasetColumn[] {
  const rand = makeRandom(seed);
  const cols: DatasetColumn[] = [];
  const num = (name: string, ref: Gen, cur: Gen, n1: number, n2: number): void => {
    cols.push({ name, type: 'numerical', reference: sample(ref, n1, rand), current: sample(cur, n2, rand) });
  };
  const cat = (name: string, ref: Record<string, number>, cur: Record<string, number>, n1: number, n2: number): void => {
    cols.push({ name, type: 'categorical', reference: categories(ref, n1, rand), current: categories(cur, n2, rand) });
  };

  // Exact KS (max size ≤ 10 000), equal and unequal sizes, drift and no drift.
  const exactSizes: [number, number][] = [
    [5, 5], [5, 7], [7, 5], [8, 12], [20, 30], [50, 50], [100, 80], [300, 310], [999, 1000],
    [1000, 1000], [1001, 900], [2500, 2600], [5000, 4000], [10000, 10000], [10000, 9999],
  ];
  for (const [n1, n2] of exactSizes) {
    num(`normal_same_${n1}_${n2}`, normal(), normal(), n1, n2);
    num(`normal_shift_${n1}_${n2}`, normal(), normal(0.3, 1.2), n1, n2);
  }
  num('exponential_scale_400_450', exponential(1), exponential(0.8), 400, 450);
  num('lognormal_same_3000_3100', lognormal(), lognormal(), 3000, 3100);
  num('normal_big_shift_800_900', normal(), normal(2), 800, 900);

  // Asymptotic KS: max size > 10 000. Effective size round(n1·n2/(n1+n2)) ≤ 140 and above.
  num('asymp_same_12000_11000', normal(), normal(), 12000, 11000);
  num('asymp_small_shift_12000_11000', normal(), normal(0.05), 12000, 11000);
  num('asymp_shift_12000_12000', normal(), normal(0.1), 12000, 12000);
  num('asymp_big_shift_12000_12000', normal(), normal(1), 12000, 12000);
  num('asymp_odd_10001_10001', normal(), normal(0.02), 10001, 10001); // en = 5000.5 → 5000
  for (const [n2, shift] of [[5, 0], [30, 0], [30, 0.4], [30, 0.9], [60, 0.5], [140, 0.3], [300, 0.2], [12000, 3]] as const) {
    num(`asymp_${n2}_shift_${shift}`, normal(), normal(shift), 12000, n2);
  }

  // Ties, few values, constants.
  num('integers_0_9_200_250', integers(0, 9), integers(0, 9), 200, 250);
  num('integers_0_9_vs_1_10_2000', integers(0, 9), integers(1, 10), 2000, 2100);
  num('rounded_1dp_600_700', rounded(normal(), 1), rounded(normal(0.1), 1), 600, 700);
  num('rounded_1dp_5000_5000', rounded(normal(), 1), rounded(normal(), 1), 5000, 5000);
  num('five_values_300', integers(1, 5), integers(1, 5), 300, 320);
  num('three_values_1500', integers(1, 3), integers(1, 3), 1500, 1400);
  num('binary_numeric_50', integers(0, 1), integers(0, 1), 50, 60);
  num('constant_same_100', constant(3), constant(3), 100, 120);
  num('constant_differs_100', constant(3), constant(4), 100, 120);
  num('constant_same_2000', constant(7.5), constant(7.5), 2000, 1500);
  num('constant_ref_vs_spread_50', constant(0), normal(), 50, 60);
  num('twenty_one_values_3000', integers(0, 20), integers(0, 20), 3000, 2800);

  // Categorical: unseen and vanished categories, binary, single value, many categories.
  cat('cat_same_500', { a: 5, b: 3, c: 2 }, { a: 5, b: 3, c: 2 }, 500, 450);
  cat('cat_unseen_in_current_300', { a: 5, b: 3, c: 2 }, { a: 5, b: 3, c: 2, d: 1 }, 300, 310);
  cat('cat_vanished_400', { a: 5, b: 3, c: 2, d: 1 }, { a: 5, b: 3 }, 400, 380);
  cat('cat_shift_2000', { a: 5, b: 3, c: 2 }, { a: 3, b: 3, c: 4 }, 2000, 2200);
  cat('cat_same_5000', { x: 1, y: 1, z: 1, w: 1 }, { x: 1, y: 1, z: 1, w: 1 }, 5000, 5500);
  cat('binary_same_700', { yes: 7, no: 3 }, { yes: 7, no: 3 }, 700, 650);
  cat('binary_shift_700', { yes: 7, no: 3 }, { yes: 5, no: 5 }, 700, 650);
  cat('binary_unicode_40', { 'é': 1, '\u{1F600}': 1 }, { 'é': 2, '\u{1F600}': 1 }, 40, 45);
  cat('single_value_same_20', { only: 1 }, { only: 1 }, 20, 25);
  cat('single_value_differs_20', { only: 1 }, { other: 1 }, 20, 25);
  cat('single_value_same_1500', { only: 1 }, { only: 1 }, 1500, 1600);
  const many: Record<string, number> = {};
  for (let i = 0; i < 60; i++) many[`k${i}`] = 1 + (i % 7);
  cat('many_categories_3000', many, { ...many, k3: 20 }, 3000, 2900);
  cat('tiny_cat_5', { a: 1, b: 1, c: 1 }, { a: 1, b: 1, c: 1, d: 1 }, 5, 5);
  return cols;
}

/** Grid for kstwo.sf / smirnov covering every branch of SciPy's `_kolmogn`. */
export function kolmogorovGrid(): [number, number][] {
  const grid: [number, number][] = [];
  const ns = [1, 2, 3, 5, 10, 30, 50, 100, 140, 141, 500, 1000, 6000, 50000, 100000, 100001, 2000000];
  for (const n of ns) {
    const xs = [0.001, 0.01, 0.05, 0.1, 0.3, 0.5, 0.6, 0.9, 0.999, 0.9 / n, 1 / n, 1 - 1 / n + 1e-9];
    for (const c of [0.1, 0.5, 0.75, 1, 2, 2.2, 3, 4, 5, 10, 18, 100, 369, 371]) xs.push(Math.sqrt(c / n));
    for (const x of xs) if (x > 0 && x < 1) grid.push([n, x]);
  }
  // n = 5·10^5 is the effective size of a 10^6 vs 10^6 comparison; SciPy's double-double
  // smirnov needs ~1 s per point there, so only a few points.
  for (const c of [0.5, 2.2, 10]) grid.push([500000, Math.sqrt(c / 500000)]);
  return grid;
}

/** Grid for chi2.sf over small to very large degrees of freedom. */
export function chiSquareGrid(): [number, number][] {
  const grid: [number, number][] = [];
  for (const dof of [1, 2, 3, 4, 5, 9, 10, 29, 30, 99, 100, 999, 1000, 5000, 20000]) {
    for (const f of [1e-6, 0.01, 0.1, 0.5, 0.9, 1, 1.1, 1.5, 2, 3, 5, 10]) grid.push([f * dof, dof]);
    for (const x of [1e-3, 1, 700, 1500]) grid.push([x, dof]);
  }
  return grid;
}
