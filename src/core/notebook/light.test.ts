// Only the test uses node:* (src/core/tsconfig.json leaves *.test.ts out): light.ts takes its hash
// function as a parameter, and the test passes SHA-256 from node:crypto as the host does.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestNotebooks, makeTestNotebooks } from '../../../test/helpers/test-notebooks.ts';
import { diffNotebooks } from './diff.ts';
import { followCell } from './follow.ts';
import { lightenNotebook } from './light.ts';
import type { Notebook } from './model.ts';
import { parseNotebook, parseNotebookText } from './parse.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let nbs: TestNotebooks;
const read = (name: string): Notebook => parseNotebook(nbs.bytes(name), name);
beforeAll(() => {
  nbs = makeTestNotebooks(true);
}, 60_000);
afterAll(() => nbs?.dispose());

function big(executionCount: number, png: string, order: 'png-first' | 'text-first' = 'png-first'): Notebook {
  const data = order === 'png-first' ? { 'image/png': png, 'text/plain': '<Figure>' } : { 'text/plain': '<Figure>', 'image/png': png };
  return parseNotebookText(JSON.stringify({
    nbformat: 4, nbformat_minor: 5, metadata: {},
    cells: [
      { cell_type: 'code', id: 'plot', source: 'plot()', metadata: {}, execution_count: executionCount, outputs: [{ output_type: 'execute_result', execution_count: executionCount, metadata: {}, data }] },
      { cell_type: 'code', id: 'log', source: 'train()', metadata: {}, execution_count: executionCount + 1, outputs: [{ output_type: 'stream', name: 'stdout', text: 'epoch 1\n'.repeat(5000) }, { output_type: 'stream', name: 'stderr', text: 'warn\n' }] },
    ],
  }), 'big.ipynb');
}

describe('lightenNotebook', () => {
  const png = 'iVBORw0KGgo'.padEnd(1_000_000, 'A');

  it('leaves large outputs out, with their size, kind and a fingerprint, and keeps small ones', () => {
    const full = big(1, png);
    const { notebook, outputs } = lightenNotebook(full, sha256);
    expect(JSON.stringify(notebook).length).toBeLessThan(5000);
    const [image] = notebook.cells[0]!.outputs;
    expect(image).toMatchObject({ kind: 'deferred', of: 'display', chars: png.length + '<Figure>'.length, mimes: ['image/png', 'text/plain'], executionCount: 1, result: true });
    const [log, warn] = notebook.cells[1]!.outputs;
    expect(log).toMatchObject({ kind: 'deferred', of: 'stream', mimes: ['stdout'], lines: 5001, chars: 40_000 });
    expect(warn).toEqual({ kind: 'stream', name: 'stderr', text: 'warn\n' });
    expect(outputs.get((image as { fingerprint: string }).fingerprint)).toBe(full.cells[0]!.outputs[0]);
    expect(outputs.get((log as { fingerprint: string }).fingerprint)).toBe(full.cells[1]!.outputs[0]);
    // Everything but the outputs is the full notebook's.
    expect(notebook.cells.map((c) => [c.id, c.source, c.executionCount])).toEqual(full.cells.map((c) => [c.id, c.source, c.executionCount]));
  });

  it('gives equal content an equal fingerprint (execution count and key order aside), other content another', () => {
    const fp = (nb: Notebook) => (lightenNotebook(nb, sha256).notebook.cells[0]!.outputs[0] as { fingerprint: string }).fingerprint;
    expect(fp(big(7, png, 'text-first'))).toBe(fp(big(1, png)));
    expect(fp(big(1, png.replace(/A$/, 'B')))).not.toBe(fp(big(1, png)));
  });

  it('keeps what the diff and thread placement see: the same answers on light forms as on full ones', () => {
    for (const pair of ['edit', 'move', 'add', 'delete', 'rerun']) {
      const [a, b] = [read('base.ipynb'), read(`${pair}.ipynb`)];
      // A limit of 0 leaves every output out: the hardest case for comparing.
      const [la, lb] = [a, b].map((nb) => lightenNotebook(nb, sha256, 0).notebook);
      const shape = (d: ReturnType<typeof diffNotebooks>) => ({ counts: d.counts, entries: d.entries.map((e) => [e.kind, 'a' in e ? e.a : -1, 'b' in e ? e.b : -1, e.kind === 'modified' ? [!!e.source, !!e.outputs] : null]) });
      expect(shape(diffNotebooks(la!, lb!)), pair).toEqual(shape(diffNotebooks(a, b)));
      expect(shape(diffNotebooks(la!, lb!, { executionCounts: true })), pair).toEqual(shape(diffNotebooks(a, b, { executionCounts: true })));
      for (let i = 0; i < a.cells.length; i++) {
        expect(followCell([{ version: 1, notebook: la! }, { version: 2, notebook: lb! }], i), `${pair} cell ${i}`).toEqual(followCell([{ version: 1, notebook: a }, { version: 2, notebook: b }], i));
      }
    }
  });

  it('an executed notebook (nbconvert, real kernel): the matplotlib PNG is left out, the table, ANSI stream and error stay', () => {
    const light = lightenNotebook(read('executed.ipynb'), sha256).notebook;
    const kinds = Object.fromEntries(light.cells.filter((c) => c.outputs.length > 0).map((c) => [c.id, c.outputs.map((o) => (o.kind === 'deferred' ? `deferred ${o.of} ${o.mimes.join(',')}` : o.kind))]));
    expect(kinds).toEqual({ table: ['display'], plot: ['deferred display image/png,text/plain'], ansi: ['stream'], boom: ['error'] });
  });
});
