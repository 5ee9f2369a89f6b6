/**
 * Which notebooks of a run the import takes (bounds, the source tag, paths out of the artifact
 * root) and how one is read, on runs read by the real file-store reader from a temp store.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileStore } from './file-store.ts';
import type { ImportedRun } from './imported-run.ts';
import { NOTEBOOKS_PER_RUN, NOTEBOOK_MAX_DEPTH, findRunNotebooks, readRunNotebook } from './run-notebooks.ts';

const NB = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'markdown', id: 'a1', metadata: {}, source: '# hello' }] });
const RUN = 'aaaabbbbccccddddeeeeffff00001111';

let root: string;
let artifacts: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'driftdesk-run-notebooks-'));
  const exp = join(root, '1');
  mkdirSync(join(exp, RUN, 'tags'), { recursive: true });
  writeFileSync(join(exp, 'meta.yaml'), "experiment_id: '1'\nname: /Users/ada/churn\nlifecycle_stage: active\n");
  writeFileSync(join(exp, RUN, 'meta.yaml'), `run_id: ${RUN}\nrun_name: bold-fox\nstatus: 3\nstart_time: 1\nlifecycle_stage: active\n`);
  artifacts = join(exp, RUN, 'artifacts');
  mkdirSync(artifacts);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function put(rel: string, text = NB) {
  mkdirSync(join(artifacts, rel, '..'), { recursive: true });
  writeFileSync(join(artifacts, rel), text);
}
const source = (value: string) => writeFileSync(join(root, '1', RUN, 'tags', 'mlflow.source.name'), value);
const runs = (): ImportedRun[] => readFileStore(root).runs;

describe('findRunNotebooks', () => {
  it('takes *.ipynb under the artifact root, skipping hidden folders, with a path stable per run artifact', () => {
    put('report.ipynb');
    put('nb/deep/eda.IPYNB');
    put('.ipynb_checkpoints/report-checkpoint.ipynb');
    put('model/MLmodel', 'flavors: {}');
    const { candidates, notes, skipped } = findRunNotebooks(runs());
    // Databricks-style experiment names are paths; the leading slash is dropped.
    expect(candidates.map((c) => [c.artifactPath, c.path, c.title])).toEqual([
      ['nb/deep/eda.IPYNB', `mlflow/Users/ada/churn/${RUN}/nb/deep/eda.IPYNB`, 'eda (bold-fox)'],
      ['report.ipynb', `mlflow/Users/ada/churn/${RUN}/report.ipynb`, 'report (bold-fox)'],
    ]);
    expect(notes).toEqual([]);
    expect(skipped).toEqual([]);
  });

  it('leaves out notebooks deeper than the bound and past the count, keeping the source notebook first', () => {
    put(`${Array.from({ length: NOTEBOOK_MAX_DEPTH }, (_, i) => `d${i}`).join('/')}/ok.ipynb`);
    put(`${Array.from({ length: NOTEBOOK_MAX_DEPTH + 1 }, (_, i) => `d${i}`).join('/')}/too-deep.ipynb`);
    for (let i = 0; i < NOTEBOOKS_PER_RUN + 2; i += 1) put(`many/n${String(i).padStart(2, '0')}.ipynb`);
    put('zz/source.ipynb');
    source('zz/source.ipynb');
    const { candidates, notes } = findRunNotebooks(runs());
    expect(candidates).toHaveLength(NOTEBOOKS_PER_RUN);
    expect(candidates[0]!.artifactPath).toBe('zz/source.ipynb');
    expect(candidates.some((c) => c.artifactPath.endsWith('too-deep.ipynb'))).toBe(false);
    expect(candidates.some((c) => c.artifactPath.endsWith('/ok.ipynb'))).toBe(true);
    expect(notes).toEqual([
      `run bold-fox (${RUN}): 1 notebook(s) deeper than ${NOTEBOOK_MAX_DEPTH} folders in its artifacts left out`,
      `run bold-fox (${RUN}): ${NOTEBOOKS_PER_RUN + 4} notebooks in its artifacts; the first ${NOTEBOOKS_PER_RUN} are imported`,
    ]);
  });

  it('finds an absolute source path inside the artifact root; says so, and reads nothing, for one outside it', () => {
    put('train.ipynb');
    source(join(artifacts, 'train.ipynb'));
    expect(findRunNotebooks(runs()).notes).toEqual([]);
    for (const outside of ['/home/ada/train.ipynb', '../../../secret.ipynb', join(artifacts, '..', 'x.ipynb')]) {
      source(outside);
      const found = findRunNotebooks(runs());
      expect(found.notes).toEqual([`run bold-fox (${RUN}): its source notebook ${outside} is outside the store; not read (log it as an artifact to import it)`]);
      expect(found.candidates.map((c) => c.artifactPath)).toEqual(['train.ipynb']);
    }
    source('notebooks/missing.ipynb');
    expect(findRunNotebooks(runs()).notes).toEqual([`run bold-fox (${RUN}): its source notebook notebooks/missing.ipynb is not among its artifacts; not read`]);
  });

  it('says a run of a store without artifacts beside it (SQLite) has its source notebook unread', () => {
    const run = { ...runs()[0]!, artifacts: null, artifactDir: undefined, tags: { 'mlflow.source.name': '/Workspace/train.ipynb' } };
    expect(findRunNotebooks([run])).toEqual({ candidates: [], skipped: [], notes: [`run bold-fox (${RUN}): its source notebook /Workspace/train.ipynb is not read (this store does not keep artifacts beside the runs)`] });
  });
});

describe('readRunNotebook', () => {
  it('reads a notebook; names what is wrong with one that is not, and refuses a link made after the listing', () => {
    put('good.ipynb');
    put('bad.ipynb', '{"nbformat": 4, "cells": [}');
    put('later.ipynb');
    const [bad, good, later] = findRunNotebooks(runs()).candidates;
    expect(readRunNotebook(good!)).toMatchObject({ ok: true, summary: { nbformat: '4.5', cellCount: 1 } });
    expect(readRunNotebook(bad!)).toEqual({ ok: false, file: join(artifacts, 'bad.ipynb'), reason: expect.stringContaining('not valid JSON') });
    rmSync(later!.file);
    symlinkSync(join(artifacts, 'good.ipynb'), later!.file);
    expect(readRunNotebook(later!)).toEqual({ ok: false, file: later!.file, reason: expect.stringContaining('is a symbolic link') });
  });
});
