import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CommandError, addComment, addNotebookVersion, latestNotebookVersions, listCommentsOn, listNotebookVersions, listNotebooks, renameNotebook, targetTitle } from './index.ts';
import { readSearchDocument, watchSearchDocuments } from './search-documents.ts';

function context(start = 1_700_000_000_000) {
  let t = start;
  let n = 0;
  return { actor: { id: 'm_ada', name: 'Ada' }, now: () => (t += 1000), newId: () => `id${++n}` };
}
const sha = (c: string) => c.repeat(64);
const push = (doc: Y.Doc, ctx: ReturnType<typeof context>, blob: string, extra = {}) =>
  addNotebookVersion(doc, { path: 'notebooks/churn.ipynb', blob: sha(blob), size: 10, nbformat: '4.5', cellCount: 3, excerpt: `text of ${blob}`, ...extra }, ctx);

describe('notebook commands', () => {
  it('makes the same path the next version, and the same bytes no version at all', () => {
    const doc = new Y.Doc();
    const ctx = context();
    const first = push(doc, ctx, 'a');
    expect(first.outcome).toBe('created');
    expect(first.notebook).toMatchObject({ title: 'churn', path: 'notebooks/churn.ipynb', createdBy: 'm_ada', createdByName: 'Ada' });
    expect(first.version).toMatchObject({ version: 1, blob: sha('a'), addedBy: 'm_ada' });
    expect(push(doc, ctx, 'a').outcome).toBe('unchanged');
    const second = push(doc, ctx, 'b');
    expect(second).toMatchObject({ outcome: 'versioned', version: { version: 2, notebookId: first.notebook.id } });
    expect(listNotebookVersions(doc, first.notebook.id).map((v) => v.version)).toEqual([1, 2]);
    expect(listNotebooks(doc)).toHaveLength(1);
    const other = addNotebookVersion(doc, { path: 'other.ipynb', title: 'Other', blob: sha('a'), size: 1, nbformat: '4.4', cellCount: 1 }, ctx);
    expect(other.outcome).toBe('created');
    expect(latestNotebookVersions(doc).get(first.notebook.id)?.version).toBe(2);
  });

  it('refuses a run that does not exist and bad input, writing nothing', () => {
    const doc = new Y.Doc();
    expect(() => push(doc, context(), 'a', { runId: 'nope' })).toThrow(CommandError);
    expect(() => addNotebookVersion(doc, { path: ' ', blob: 'x', size: 1, nbformat: '4', cellCount: 1 }, context())).toThrow(/path: a path is required; blob: expected a sha256/);
    expect(listNotebooks(doc)).toEqual([]);
  });

  it('takes comments anchored to a cell, titles them and finds the notebook by its text', () => {
    const doc = new Y.Doc();
    const ctx = context();
    const { notebook, version } = push(doc, ctx, 'a');
    const anchor = { versionId: version.id, version: 1, cellIndex: 2, cellId: 'area', part: 'source' as const, quote: { start: 4, end: 8, text: 'area' } };
    const c = addComment(doc, { target: { kind: 'notebook', id: notebook.id, anchor }, body: 'why pi?' }, ctx);
    expect(listCommentsOn(doc, 'notebook', notebook.id)).toEqual([c]);
    expect(targetTitle(doc, c.target)).toBe('churn');
    expect(() => addComment(doc, { target: { kind: 'notebook', id: notebook.id, anchor: { ...anchor, versionId: 'gone' } }, body: 'x' }, ctx)).toThrow(/no notebook/);
    expect(readSearchDocument(doc, 'notebook', notebook.id)).toMatchObject({ title: 'churn notebooks/churn.ipynb', body: 'text of a' });
    const changed: string[] = [];
    const off = watchSearchDocuments(doc, (kind, id) => changed.push(`${kind}:${id}`));
    push(doc, ctx, 'b');
    off();
    expect(changed).toContain(`notebook:${notebook.id}`);
    expect(readSearchDocument(doc, 'notebook', notebook.id)?.body).toBe('text of b');
    expect(renameNotebook(doc, { notebookId: notebook.id, title: 'Churn v2' }, ctx).title).toBe('Churn v2');
  });
});
