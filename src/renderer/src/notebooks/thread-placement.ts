/**
 * Where a notebook comment thread stands in the version being read. A thread hangs on a cell of
 * the version it was made on; in a later version the cell is followed (core followCell): still
 * there and the same, there but changed since (the diff is one click away), or removed in some
 * version. A thread made on a later version than the one being read says so.
 */
import { type CellFate, type Notebook, cellHeadline, followCell } from '../../../core/notebook';
import type { NotebookAnchor, NotebookVersionRecord } from '../../../core/workspace';

export type Placement =
  /** On the whole notebook, no cell. */
  | { kind: 'notebook' }
  | { kind: 'here'; index: number; fate: Extract<CellFate, { kind: 'unchanged' | 'changed' }> }
  | { kind: 'removed'; inVersion: number; headline: string }
  /** Made on a version after the one shown. */
  | { kind: 'later'; version: number }
  /** The anchor's version or cell is not known (a record from a newer app, a hostile one). */
  | { kind: 'unknown' };

/**
 * Places a thread's anchor. `versions` are the notebook's versions oldest first and `notebooks`
 * their parsed files (undefined where not loaded); `shown` is the index into both of the version
 * on screen. Versions between the anchor's and the shown one must be loaded.
 */
export function placeThread(anchor: NotebookAnchor | undefined, versions: readonly NotebookVersionRecord[], notebooks: readonly (Notebook | undefined)[], shown: number): Placement {
  if (!anchor) return { kind: 'notebook' };
  const from = versions.findIndex((v) => v.id === anchor.versionId);
  if (from === -1) return { kind: 'unknown' };
  if (from > shown) return { kind: 'later', version: versions[from]!.version };
  const chain: { version: number; notebook: Notebook }[] = [];
  for (let i = from; i <= shown; i++) {
    const nb = notebooks[i];
    if (!nb) return { kind: 'unknown' };
    chain.push({ version: versions[i]!.version, notebook: nb });
  }
  const fate = followCell(chain, anchor.cellIndex);
  if (fate.kind === 'unknown') return { kind: 'unknown' };
  if (fate.kind === 'removed') return { kind: 'removed', inVersion: fate.version, headline: cellHeadline(chain[0]!.notebook.cells[anchor.cellIndex]!.source) };
  return { kind: 'here', index: fate.index, fate };
}
