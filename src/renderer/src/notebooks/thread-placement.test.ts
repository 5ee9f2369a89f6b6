import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Notebook, parseNotebook } from '../../../core/notebook';
import type { NotebookVersionRecord } from '../../../core/workspace';
import { type TestNotebooks, makeTestNotebooks } from '../../../../test/helpers/test-notebooks';
import { placeThread } from './thread-placement';

let nbs: TestNotebooks;
beforeAll(() => {
  nbs = makeTestNotebooks(false);
}, 60_000);
afterAll(() => nbs?.dispose());

const version = (n: number): NotebookVersionRecord => ({
  id: `v${n}`, notebookId: 'nb', version: n, blob: String(n).repeat(64), size: 1, nbformat: '4.5', cellCount: 6, addedAt: n, addedBy: 'm', addedByName: 'Ada',
});
const anchor = (cellIndex: number, versionId = 'v1') => ({ versionId, version: 1, cellIndex, cellId: null, part: 'cell' as const });

describe('placeThread', () => {
  it('places threads of v1 in v2 = v1 with one cell edited and another deleted', () => {
    const v1 = parseNotebook(nbs.bytes('base.ipynb'), 'v1');
    // v2: "area" (index 2) edited, "imports" (index 1) deleted, as nbformat wrote them.
    const edited = parseNotebook(nbs.bytes('edit.ipynb'), 'e');
    const v2: Notebook = { ...edited, cells: edited.cells.filter((c) => c.id !== 'imports') };
    const versions = [version(1), version(2)];
    const nbList = [v1, v2];
    expect(placeThread(anchor(2), versions, nbList, 1)).toEqual({ kind: 'here', index: 1, fate: { kind: 'changed', version: 2, index: 1, since: 2 } });
    expect(placeThread(anchor(1), versions, nbList, 1)).toEqual({ kind: 'removed', inVersion: 2, headline: 'import math' });
    expect(placeThread(anchor(5), versions, nbList, 1)).toMatchObject({ kind: 'here', index: 4, fate: { kind: 'unchanged' } });
    expect(placeThread(anchor(2), versions, nbList, 0)).toMatchObject({ kind: 'here', index: 2, fate: { kind: 'unchanged' } });
    expect(placeThread(anchor(0, 'v2'), versions, nbList, 0)).toEqual({ kind: 'later', version: 2 });
    expect(placeThread(anchor(0, 'nope'), versions, nbList, 1)).toEqual({ kind: 'unknown' });
    expect(placeThread(anchor(99), versions, nbList, 1)).toEqual({ kind: 'unknown' });
    expect(placeThread(undefined, versions, nbList, 1)).toEqual({ kind: 'notebook' });
  });
});
