import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestNotebooks, makeTestNotebooks } from '../../../test/helpers/test-notebooks.ts';
import { NotebookParseError, parseNotebook } from './parse.ts';

let nbs: TestNotebooks;
beforeAll(() => {
  nbs = makeTestNotebooks(true);
}, 60_000);
afterAll(() => nbs?.dispose());

const enc = (s: string) => new TextEncoder().encode(s);
const failure = (bytes: Uint8Array): NotebookParseError => {
  try {
    parseNotebook(bytes, 'bad.ipynb');
  } catch (err) {
    if (err instanceof NotebookParseError) return err;
    throw err;
  }
  throw new Error('parsed');
};

describe('parseNotebook', () => {
  it('reads a notebook executed by nbconvert: table, PNG, ANSI stream and error', () => {
    const nb = parseNotebook(nbs.bytes('executed.ipynb'), 'executed.ipynb');
    expect(nb.nbformat).toBe(4);
    expect(nb.language).toBe('python');
    expect(nb.cells.map((c) => c.id)).toEqual(['md', 'table', 'plot', 'ansi', 'boom']);
    expect(nb.cells[0]!.source).toContain('$e^{i\\pi} + 1 = 0$');
    const table = nb.cells[1]!;
    expect(table.executionCount).toBe(1);
    expect(table.outputs[0]).toMatchObject({ kind: 'display', result: true, executionCount: 1 });
    const html = (table.outputs[0] as { data: Record<string, unknown> }).data['text/html'];
    expect(html).toContain('<table');
    expect(html).toContain('income');
    const png = (nb.cells[2]!.outputs[0] as { data: Record<string, string> }).data['image/png']!;
    expect(atob(png.replace(/\n/g, '')).slice(1, 4)).toBe('PNG');
    expect(nb.cells[3]!.outputs[0]).toEqual({ kind: 'stream', name: 'stdout', text: '\x1b[31mdrift detected\x1b[0m and \x1b[1;32mok\x1b[0m\n' });
    const err = nb.cells[4]!.outputs[0]!;
    expect(err.kind).toBe('error');
    if (err.kind === 'error') {
      expect(err.ename).toBe('ZeroDivisionError');
      expect(err.traceback.join('\n')).toContain('Traceback (most recent call last)');
      expect(err.evalue).toBe('division by zero');
    }
    expect(nb.notes).toEqual([]);
  });

  it('reads nbformat 3 as nbformat converts it, with a note', () => {
    const v3 = parseNotebook(nbs.bytes('v3.ipynb'), 'v3.ipynb');
    const v4 = parseNotebook(nbs.bytes('base.ipynb'), 'base.ipynb');
    expect(v3.nbformat).toBe(3);
    expect(v3.notes[0]).toMatch(/nbformat 3/);
    expect(v3.cells.map((c) => [c.kind, c.source, c.executionCount])).toEqual(v4.cells.map((c) => [c.kind, c.source, c.executionCount]));
    expect(v3.cells[2]!.outputs[0]).toMatchObject({ kind: 'display', result: true, data: { 'text/plain': '12.566370614359172' } });
    expect(v3.cells.every((c) => c.id === null)).toBe(true);
  });

  it('notes cells without ids (nbformat 4.4)', () => {
    const nb = parseNotebook(nbs.bytes('base-noid.ipynb'), 'base-noid.ipynb');
    expect(nb.cells.every((c) => c.id === null)).toBe(true);
    expect(nb.notes[0]).toMatch(/6 of 6 cells have no id/);
  });

  it('says where JSON breaks, by line and column', () => {
    const err = failure(enc('{\n "nbformat": 4,\n "cells": [\n  {"cell_type": "code",}\n ]\n}'));
    expect(err.code).toBe('not_json');
    expect(err.message).toMatch(/^bad\.ipynb, line 4, column \d+: not valid JSON/);
  });

  it('says what is wrong and where for a wrong shape', () => {
    expect(failure(enc('[1, 2]')).message).toBe('bad.ipynb, (top level): expected an object, found a list');
    expect(failure(enc('{"cells": []}')).message).toMatch(/no "nbformat" number/);
    expect(failure(enc('{"nbformat": 5, "cells": []}')).code).toBe('unsupported_version');
    const bad = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', source: 'x', metadata: {}, outputs: [{ output_type: 'stream', name: 'stdout', text: 42 }] }] };
    const err = failure(enc(JSON.stringify(bad)));
    expect(err.where).toBe('cells[0].outputs[0].text');
    expect(err.message).toMatch(/expected text/);
    const kind = { ...bad, cells: [{ cell_type: 'python', source: '' }] };
    expect(failure(enc(JSON.stringify(kind))).where).toBe('cells[0].cell_type');
    expect(failure(new Uint8Array([0xff, 0xfe, 0x00])).code).toBe('not_utf8');
  });

  it('keeps a cell with no id and joins multiline strings', () => {
    const nb = parseNotebook(enc(JSON.stringify({ nbformat: 4, nbformat_minor: 4, cells: [{ cell_type: 'markdown', source: ['a\n', 'b'] }] })), 'x.ipynb');
    expect(nb.cells[0]).toMatchObject({ id: null, kind: 'markdown', source: 'a\nb', outputs: [] });
  });
});
