/**
 * Side-by-side rows for comparing runs: one row per param (or metric, or data reference) name
 * across the runs, and whether the runs differ on it — what the "differences only" switch keeps.
 */
import type { DataVersionRef, DatasetComparisonRecord, DatasetVersionRecord } from '../../../core/workspace';
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

/** The workspace dataset version a run's data reference points at: by id, else by content hash. */
export function linkedVersion(ref: DataVersionRef, versions: readonly DatasetVersionRecord[]): DatasetVersionRecord | undefined {
  if (ref.datasetVersionId) {
    const byId = versions.find((v) => v.id === ref.datasetVersionId);
    if (byId) return byId;
  }
  return versions.find((v) => v.md5 === ref.hash);
}

export type DriftLink =
  | { kind: 'comparison'; name: string; from: DatasetVersionRecord; to: DatasetVersionRecord; comparisonId: string }
  | { kind: 'not-compared'; name: string; from: DatasetVersionRecord; to: DatasetVersionRecord };

/**
 * For each data name whose version differs: the first run's version against each other version
 * the workspace holds — the drift comparison someone made of the two (either direction), or a
 * note that none exists yet.
 */
export function driftLinks(rows: readonly CompareRow<DataVersionRef>[], versions: readonly DatasetVersionRecord[], comparisons: readonly DatasetComparisonRecord[]): DriftLink[] {
  const links: DriftLink[] = [];
  for (const row of rows.filter((r) => r.differs)) {
    const linked = row.values.map((ref) => (ref ? linkedVersion(ref, versions) : undefined));
    const from = linked.find((v) => v !== undefined);
    if (!from) continue;
    const seen = new Set([from.id]);
    for (const to of linked) {
      if (!to || seen.has(to.id)) continue;
      seen.add(to.id);
      const made = comparisons.find((c) => (c.referenceVersionId === from.id && c.currentVersionId === to.id) || (c.referenceVersionId === to.id && c.currentVersionId === from.id));
      links.push(made ? { kind: 'comparison', name: row.key, from, to, comparisonId: made.id } : { kind: 'not-compared', name: row.key, from, to });
    }
  }
  return links;
}
