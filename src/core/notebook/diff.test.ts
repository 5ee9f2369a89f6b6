import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestNotebooks, makeTestNotebooks } from '../../../test/helpers/test-notebooks.ts';
import { diffNotebooks } from './diff.ts';
import { followCell } from './follow.ts';
import type { Notebook } from './model.ts';
import { parseNotebook } from './parse.ts';

let nbs: TestNotebooks;
const read = (name: string): Notebook => parseNotebook(nbs.bytes(name), name);
beforeAll(() => {
  nbs = makeTestNotebooks(false);
}, 60_000);
afterAll(() => nbs?.dispose());

/** The ids (from the base notebook's cells, by position) of what the diff says happened. */
function summarise(before: Notebook, after: Notebook, options = {}) {
  const d = diffNotebooks(before, after, options);
  const idOf = (e: (typeof d.entries)[number]) => ('a' in e ? before.cells[e.a]!.id ?? `a${e.a}` : after.cells[e.b]!.id ?? `b${e.b}`);
  // Id-less cells are named by their position in the ids file of the same pair.
  return {
    modified: d.entries.filter((e) => e.kind === 'modified').map(idOf),
    added: d.entries.filter((e) => e.kind === 'added').map(idOf),
    removed: d.entries.filter((e) => e.kind === 'removed').map(idOf),
    moved: d.entries.filter((e) => e.kind === 'moved' || (e.kind === 'modified' && e.moved)).map(idOf),
  };
}

describe('diffNotebooks on pairs made with nbformat', () => {
  for (const pair of ['edit', 'move', 'add', 'delete', 'rerun']) {
    it(`${pair}: matches what the Python step did (cell ids)`, () => {
      expect(summarise(read('base.ipynb'), read(`${pair}.ipynb`))).toEqual(nbs.expected[pair]);
    });
  }

  for (const pair of ['edit', 'move', 'add', 'delete']) {
    it(`${pair}: the same without cell ids, by content`, () => {
      const base = read('base-noid.ipynb');
      const other = read(`${pair}-noid.ipynb`);
      // Name id-less cells after the ids their twins carry in the id files.
      const withIds = read('base.ipynb');
      const otherIds = read(`${pair}.ipynb`);
      base.cells.forEach((c, i) => (c.id = withIds.cells[i]!.id));
      const s = summarise(base, other);
      const named = (list: string[]) => list.map((n) => (n.startsWith('b') ? otherIds.cells[Number(n.slice(1))]!.id! : n));
      expect({ ...s, added: named(s.added) }).toEqual(nbs.expected[pair]);
    });
  }

  it('diffs the edited source by line and by word', () => {
    const d = diffNotebooks(read('base.ipynb'), read('edit.ipynb'));
    const e = d.entries.find((x) => x.kind === 'modified');
    if (e?.kind !== 'modified') throw new Error('no modified cell');
    expect(e.source!.lines.filter((p) => p.kind === 'removed').map((p) => p.text)).toEqual(['def area(r):\n    return math.pi * r ** 2\n']);
    expect(e.source!.lines.filter((p) => p.kind === 'added').map((p) => p.text)).toEqual(['def area(radius):\n    return math.pi * radius ** 2\n']);
    expect(e.source!.words.filter((p) => p.kind === 'added').map((p) => p.text)).toEqual(['radius', 'radius']);
    expect(e.outputs).toBeUndefined();
    expect(d.counts).toEqual({ added: 0, removed: 0, moved: 0, modified: 1, unchanged: 5 });
  });

  it('shows execution counts and metadata only when asked', () => {
    const d = diffNotebooks(read('base.ipynb'), read('rerun.ipynb'), { executionCounts: true, metadata: true });
    const mods = d.entries.filter((e) => e.kind === 'modified');
    expect(mods.map((e) => e.kind === 'modified' && [e.executionCount, e.metadata?.to])).toEqual([
      [{ from: 3, to: 7 }, undefined],
      [undefined, { tags: ['slow'] }],
    ]);
    const first = mods[0]!;
    // The Out[n] changed with the count: seen as an output replaced only when counts are asked for.
    expect(first.kind === 'modified' && first.outputs?.map((p) => p.kind)).toEqual(['removed', 'added']);
  });

  it('places a removed cell where it was', () => {
    const d = diffNotebooks(read('base.ipynb'), read('delete.ipynb'));
    expect(d.entries.map((e) => e.kind)).toEqual(['unchanged', 'removed', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
  });
});

describe('followCell', () => {
  it('follows a cell across versions: unchanged, changed since, removed in vN', () => {
    const versions = (names: string[]) => names.map((n, i) => ({ version: i + 1, notebook: read(n) }));
    expect(followCell(versions(['base.ipynb', 'move.ipynb']), 4)).toEqual({ kind: 'unchanged', version: 2, index: 1 });
    expect(followCell(versions(['base.ipynb', 'edit.ipynb']), 2)).toEqual({ kind: 'changed', version: 2, index: 2, since: 2 });
    expect(followCell(versions(['base.ipynb', 'base.ipynb', 'delete.ipynb']), 1)).toEqual({ kind: 'removed', version: 3 });
    expect(followCell(versions(['base-noid.ipynb', 'edit-noid.ipynb']), 2)).toMatchObject({ kind: 'changed', index: 2 });
    expect(followCell(versions(['base.ipynb']), 99)).toEqual({ kind: 'unknown' });
  });
});
