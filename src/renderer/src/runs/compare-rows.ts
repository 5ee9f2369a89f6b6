/**
 * Side-by-side rows for comparing runs: one row per param (or metric, or data reference) name
 * across the runs, and whether the runs differ on it — what the "differences only" switch keeps.
 */
import type { DataVersionRef } from '../../../core/workspace';
import { isNumber } from './run-filter';

export interface CompareRow<T> {
  key: string;
  /** One per run, in the runs' order; undefined where a run lacks it. */
  values: (T | undefined)[];
  /** True when not every run has the same value (a run lacking it differs from one that has it). */
  differs: boolean;
}

/**
 * Rows for every name any run has, A→Z. Values are the same when equal as text, or as numbers
 * when both read as numbers (`0.010` and `0.01`), so a param logged with another format is not
 * called a difference.
 */
export function compareRows(perRun: readonly Readonly<Record<string, string | number>>[], differencesOnly: boolean): CompareRow<string | number>[] {
  const keys = new Set<string>();
  for (const record of perRun) for (const k of Object.keys(record)) keys.add(k);
  const rows = [...keys].sort((a, b) => a.localeCompare(b)).map((key) => {
    const values = perRun.map((r) => (Object.hasOwn(r, key) ? r[key] : undefined));
    return { key, values, differs: values.some((v) => !sameValue(v, values[0])) };
  });
  return differencesOnly ? rows.filter((r) => r.differs) : rows;
}

function sameValue(a: string | number | undefined, b: string | number | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a === b) return true;
  const [x, y] = [String(a), String(b)];
  return x === y || (isNumber(x) && isNumber(y) && Number(x) === Number(y));
}

/**
 * The data each run read, by the name the run gives it (`train`, `data/MNIST/raw`): the
 * reference per run and whether the versions (content hashes) differ.
 */
export function dataVersionRows(perRun: readonly (readonly DataVersionRef[])[]): CompareRow<DataVersionRef>[] {
  const names = new Set<string>();
  for (const refs of perRun) for (const r of refs) names.add(r.name);
  return [...names].sort((a, b) => a.localeCompare(b)).map((name) => {
    const values = perRun.map((refs) => refs.find((r) => r.name === name));
    return { key: name, values, differs: values.some((v) => v?.hash !== values[0]?.hash) };
  });
}

/** Reads `?runs=a,b,c`: the ids in order, without blanks or repeats. */
export function parseRunIds(text: string | null): string[] {
  return [...new Set((text ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
}
