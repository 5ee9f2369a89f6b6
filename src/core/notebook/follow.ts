/**
 * Where a comment anchored to a cell of one notebook version stands in a later version: the cell
 * is still there unchanged, is there but changed (so the comment may be about text that is gone),
 * or was removed in some version. Versions are walked one step at a time with the same cell
 * matching the diff uses (identity.ts), so a cell edited in v2 and moved in v3 is still followed.
 */
import { matchCells } from './identity.ts';
import type { Notebook, NotebookCell } from './model.ts';

export type CellFate =
  | { kind: 'unchanged'; version: number; index: number }
  /** `since`: the first version in which it differed from the anchored one. */
  | { kind: 'changed'; version: number; index: number; since: number }
  | { kind: 'removed'; version: number }
  /** The anchor names a cell the anchored version does not have (a hostile or stale anchor). */
  | { kind: 'unknown' };

/**
 * Follows cell `index` of `versions[0]` through every later version in `versions` (ascending by
 * version number; each entry's notebook parsed). Unchanged means the same kind, source and
 * outputs (execution counts aside) as in the anchored version.
 */
export function followCell(versions: readonly { version: number; notebook: Pick<Notebook, 'cells'> }[], index: number): CellFate {
  const first = versions[0];
  if (!first || !Number.isInteger(index) || index < 0 || index >= first.notebook.cells.length) return { kind: 'unknown' };
  const original = first.notebook.cells[index]!;
  let at = index;
  let since: number | null = null;
  for (let k = 1; k < versions.length; k++) {
    const prev = versions[k - 1]!.notebook.cells;
    const next = versions[k]!;
    const pair = matchCells(prev, next.notebook.cells).pairs.find((p) => p.a === at);
    if (!pair) return { kind: 'removed', version: next.version };
    at = pair.b;
    if (since === null && !sameCell(original, next.notebook.cells[at]!)) since = next.version;
  }
  const version = versions[versions.length - 1]!.version;
  return since === null ? { kind: 'unchanged', version, index: at } : { kind: 'changed', version, index: at, since };
}

/** Same kind, source and outputs; execution counts and metadata do not count. */
export function sameCell(x: NotebookCell, y: NotebookCell): boolean {
  if (x.kind !== y.kind || x.source !== y.source || x.outputs.length !== y.outputs.length) return false;
  const strip = (c: NotebookCell) => JSON.stringify(c.outputs.map((o) => (o.kind === 'display' || o.kind === 'deferred' ? { ...o, executionCount: null } : o)));
  return strip(x) === strip(y);
}
