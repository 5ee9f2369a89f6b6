/**
 * Which cell of one notebook version is which cell of another.
 *
 * Matching runs in passes of decreasing strictness, as nbdime's multilevel sequence diff does
 * (nbdime/diffing/notebooks.py: cells are compared by exact source first, then approximately):
 * 1. nbformat 4.5 cell ids: a cell keeps its id across edits and moves, so an id present once in
 *    each version is the same cell whatever its text became;
 * 2. exact content: among cells still unmatched (no ids, older files, or ids rewritten by a
 *    tool), the same kind and source, first come first matched;
 * 3. similar content: what remains is paired when the same kind and at least half the source's
 *    characters survive (jsdiff's character diff), best match first — an edited cell of an
 *    id-less notebook.
 * A matched pair whose order disagrees with the rest (outside the longest increasing run of
 * positions) was moved.
 */
import { diffChars } from 'diff';
import type { NotebookCell } from './model.ts';

export interface CellPair {
  /** Index in the old version. */
  a: number;
  /** Index in the new version. */
  b: number;
  /** How it was matched: by id, by identical content, or by similar content. */
  by: 'id' | 'content' | 'similar';
  moved: boolean;
}

export interface CellMatching {
  pairs: CellPair[];
  /** Old cells with no counterpart (removed). */
  removed: number[];
  /** New cells with no counterpart (added). */
  added: number[];
}

/** The least share of a cell's source that must survive for an id-less cell to count as edited. */
export const SIMILARITY_THRESHOLD = 0.5;
/** Similar-content matching compares every unmatched pair; past this many pairs it is skipped. */
const MAX_FUZZY_COMPARISONS = 40_000;

/** Matches the cells of `before` to the cells of `after` (see the file header for how). */
export function matchCells(before: readonly NotebookCell[], after: readonly NotebookCell[]): CellMatching {
  const bOf = new Map<number, { b: number; by: CellPair['by'] }>();
  const takenB = new Set<number>();
  const pair = (a: number, b: number, by: CellPair['by']) => {
    bOf.set(a, { b, by });
    takenB.add(b);
  };

  const uniqueIds = (cells: readonly NotebookCell[]) => {
    const seen = new Map<string, number>();
    const dup = new Set<string>();
    cells.forEach((c, i) => {
      if (c.id === null) return;
      if (seen.has(c.id)) dup.add(c.id);
      seen.set(c.id, i);
    });
    for (const d of dup) seen.delete(d);
    return seen;
  };
  const idsB = uniqueIds(after);
  for (const [id, a] of uniqueIds(before)) {
    const b = idsB.get(id);
    if (b !== undefined) pair(a, b, 'id');
  }

  const byContent = new Map<string, number[]>();
  after.forEach((c, b) => {
    if (takenB.has(b)) return;
    const key = `${c.kind}\u0000${c.source}`;
    byContent.set(key, [...(byContent.get(key) ?? []), b]);
  });
  before.forEach((c, a) => {
    if (bOf.has(a)) return;
    const queue = byContent.get(`${c.kind}\u0000${c.source}`);
    const b = queue?.shift();
    if (b !== undefined) pair(a, b, 'content');
  });

  const restA = before.map((_, a) => a).filter((a) => !bOf.has(a));
  const restB = after.map((_, b) => b).filter((b) => !takenB.has(b));
  if (restA.length * restB.length <= MAX_FUZZY_COMPARISONS) {
    const candidates: { a: number; b: number; score: number }[] = [];
    for (const a of restA) {
      for (const b of restB) {
        if (before[a]!.kind !== after[b]!.kind) continue;
        const score = similarity(before[a]!.source, after[b]!.source);
        if (score >= SIMILARITY_THRESHOLD) candidates.push({ a, b, score });
      }
    }
    // Best first; among equals, the pair closest in position (an edit rarely moves a cell).
    candidates.sort((x, y) => y.score - x.score || Math.abs(x.a - x.b) - Math.abs(y.a - y.b));
    for (const c of candidates) if (!bOf.has(c.a) && !takenB.has(c.b)) pair(c.a, c.b, 'similar');
  }

  const ordered = [...bOf.entries()].sort((x, y) => x[0] - y[0]);
  const stay = longestIncreasing(ordered.map(([, v]) => v.b));
  const pairs = ordered.map(([a, v], i) => ({ a, b: v.b, by: v.by, moved: !stay.has(i) }));
  return {
    pairs,
    removed: before.map((_, a) => a).filter((a) => !bOf.has(a)),
    added: after.map((_, b) => b).filter((b) => !takenB.has(b)),
  };
}

/**
 * Share of characters two texts have in common (0–1): twice the common characters over both
 * lengths, as Python's difflib.SequenceMatcher.ratio defines it. Two empty texts are identical.
 */
export function similarity(x: string, y: string): number {
  if (x === y) return 1;
  if (x.length + y.length === 0) return 1;
  // Long texts: compare lines, not characters, to keep this quick.
  const common = x.length + y.length > 20_000 ? commonLines(x, y) : diffChars(x, y).reduce((n, p) => (p.added || p.removed ? n : n + p.value.length), 0);
  return (2 * common) / (x.length + y.length);
}

function commonLines(x: string, y: string): number {
  const lines = new Map<string, number>();
  for (const l of x.split('\n')) lines.set(l, (lines.get(l) ?? 0) + 1);
  let common = 0;
  for (const l of y.split('\n')) {
    const n = lines.get(l) ?? 0;
    if (n > 0) {
      common += l.length + 1;
      lines.set(l, n - 1);
    }
  }
  return common;
}

/** Indices (into `xs`) of one longest strictly increasing subsequence (patience, O(n log n)). */
function longestIncreasing(xs: readonly number[]): Set<number> {
  const tails: number[] = [];
  const prev = new Array<number>(xs.length).fill(-1);
  for (let i = 0; i < xs.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[tails[mid]!]! < xs[i]!) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const keep = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i >= 0; i = prev[i]!) keep.add(i);
  return keep;
}
