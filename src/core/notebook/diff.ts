/**
 * The difference between two versions of a notebook, in nbdime's model
 * (nbdime/diffing/notebooks.py, docs "Diff format"): cells added, removed, moved and modified;
 * a modified cell says what changed — its source (diffed by line, and by word for reading), its
 * outputs (as a sequence: kept, added, removed), and only when asked, its metadata and
 * execution count. A re-run that changed nothing but `In [n]` is therefore no change.
 *
 * Entries come in the new version's order, each removed cell just after the cell that preceded
 * it in the old version, so a reader walks one list top to bottom.
 */
import { diffArrays, diffLines, diffWordsWithSpace } from 'diff';
import { matchCells } from './identity.ts';
import type { NotebookCell, NotebookOutput } from './model.ts';

export interface DiffOptions {
  /** Count a change of cell or notebook metadata as a change (default false, as nbdime's `-M` off). */
  metadata?: boolean;
  /** Count a changed execution count as a change (default false). */
  executionCounts?: boolean;
}

/** A run of text that is in both versions, only in the new one, or only in the old one. */
export interface TextPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export interface SourceDiff {
  /** By line (jsdiff's diffLines); each part is one or more whole lines. */
  lines: TextPart[];
  /** By word, whitespace kept (diffWordsWithSpace): for showing which words of a line changed. */
  words: TextPart[];
}

export interface OutputPart {
  kind: 'same' | 'added' | 'removed';
  output: NotebookOutput;
}

/** One cell's entry in a notebook diff (a discriminated union on `kind`). */
export type CellDiffEntry =
  | { kind: 'unchanged'; a: number; b: number; cell: NotebookCell }
  | { kind: 'added'; b: number; cell: NotebookCell }
  | { kind: 'removed'; a: number; cell: NotebookCell }
  /** Moved and otherwise the same (as far as the options look). */
  | { kind: 'moved'; a: number; b: number; cell: NotebookCell }
  | {
      kind: 'modified';
      a: number;
      b: number;
      moved: boolean;
      before: NotebookCell;
      cell: NotebookCell;
      /** Absent when the source is the same. */
      source?: SourceDiff;
      /** Absent when the outputs are the same. */
      outputs?: OutputPart[];
      /** Present only with `executionCounts` and when it changed. */
      executionCount?: { from: number | null; to: number | null };
      /** Present only with `metadata` and when it changed. */
      metadata?: { from: Record<string, unknown>; to: Record<string, unknown> };
    };

export interface NotebookDiff {
  entries: CellDiffEntry[];
  counts: { added: number; removed: number; moved: number; modified: number; unchanged: number };
  /** With `metadata`: whether the notebook's own metadata changed. */
  notebookMetadataChanged: boolean;
}

/**
 * Diffs two notebooks' cells (see the file header). Pure; cost is a line diff per matched cell
 * plus the cell matching (src/core/notebook/identity.ts).
 */
export function diffNotebooks(
  before: { cells: readonly NotebookCell[]; metadata?: Record<string, unknown> },
  after: { cells: readonly NotebookCell[]; metadata?: Record<string, unknown> },
  options: DiffOptions = {},
): NotebookDiff {
  const matching = matchCells(before.cells, after.cells);
  const placed: { at: number; tie: number; entry: CellDiffEntry }[] = [];
  const bOfA = new Map(matching.pairs.map((p) => [p.a, p.b]));
  for (const p of matching.pairs) placed.push({ at: p.b, tie: 0, entry: diffPair(before.cells[p.a]!, after.cells[p.b]!, p.a, p.b, p.moved, options) });
  for (const b of matching.added) placed.push({ at: b, tie: 0, entry: { kind: 'added', b, cell: after.cells[b]! } });
  for (const a of matching.removed) {
    // Just after the new position of the nearest earlier old cell that survived.
    let at = -1;
    for (let k = a - 1; k >= 0; k--) {
      const b = bOfA.get(k);
      if (b !== undefined) {
        at = b;
        break;
      }
    }
    placed.push({ at: at + 0.5, tie: a, entry: { kind: 'removed', a, cell: before.cells[a]! } });
  }
  placed.sort((x, y) => x.at - y.at || x.tie - y.tie);
  const entries = placed.map((p) => p.entry);
  const counts = { added: 0, removed: 0, moved: 0, modified: 0, unchanged: 0 };
  for (const e of entries) counts[e.kind]++;
  return {
    entries,
    counts,
    notebookMetadataChanged: options.metadata === true && stable(before.metadata ?? {}) !== stable(after.metadata ?? {}),
  };
}

function diffPair(x: NotebookCell, y: NotebookCell, a: number, b: number, moved: boolean, options: DiffOptions): CellDiffEntry {
  const source = x.source === y.source ? undefined : diffSource(x.source, y.source);
  const outputs = diffOutputs(x.outputs, y.outputs, options.executionCounts === true);
  const executionCount = options.executionCounts && x.executionCount !== y.executionCount ? { from: x.executionCount, to: y.executionCount } : undefined;
  const metadata = options.metadata && stable(x.metadata) !== stable(y.metadata) ? { from: x.metadata, to: y.metadata } : undefined;
  const kindChanged = x.kind !== y.kind;
  if (!source && !outputs && !executionCount && !metadata && !kindChanged) return moved ? { kind: 'moved', a, b, cell: y } : { kind: 'unchanged', a, b, cell: y };
  return {
    kind: 'modified', a, b, moved, before: x, cell: y,
    ...(source || kindChanged ? { source: source ?? diffSource(x.source, y.source) } : {}),
    ...(outputs ? { outputs } : {}),
    ...(executionCount ? { executionCount } : {}),
    ...(metadata ? { metadata } : {}),
  };
}

/** Line and word diff of two sources. */
export function diffSource(before: string, after: string): SourceDiff {
  const part = (p: { added?: boolean; removed?: boolean; value: string }): TextPart => ({ kind: p.added ? 'added' : p.removed ? 'removed' : 'same', text: p.value });
  return { lines: diffLines(before, after).map(part), words: diffWordsWithSpace(before, after).map(part) };
}

/** The outputs as a sequence diff, or undefined when they are the same. */
function diffOutputs(before: readonly NotebookOutput[], after: readonly NotebookOutput[], withCounts: boolean): OutputPart[] | undefined {
  const key = (o: NotebookOutput) => stable(withCounts || (o.kind !== 'display' && o.kind !== 'deferred') ? o : { ...o, executionCount: null });
  const kb = before.map(key);
  const ka = after.map(key);
  if (kb.length === ka.length && kb.every((k, i) => k === ka[i])) return undefined;
  const parts: OutputPart[] = [];
  let i = 0;
  let j = 0;
  for (const change of diffArrays(kb, ka)) {
    for (let n = 0; n < change.count; n++) {
      if (change.added) parts.push({ kind: 'added', output: after[j++]! });
      else if (change.removed) parts.push({ kind: 'removed', output: before[i++]! });
      else {
        parts.push({ kind: 'same', output: after[j++]! });
        i++;
      }
    }
  }
  return parts;
}

/** JSON with sorted keys, so two equal objects written in another key order compare equal. */
function stable(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : val,
  );
}
