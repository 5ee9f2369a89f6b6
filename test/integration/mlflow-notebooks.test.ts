/**
 * `driftdesk import mlflow` brings the notebooks logged as a run's artifacts into the workspace:
 * the real CLI as a child process against a real sync server on port 0, a copy of a real MLflow
 * file store, and notebooks written by Debian's nbformat in the test's Python step. Checked: the
 * notebook and its run link in the workspace doc, --dry-run lists it and writes nothing, the
 * same store again adds nothing, changed bytes are the next version; and hostile stores — a
 * broken notebook is named and skipped while the rest imports (also when the server refuses one),
 * a source notebook outside the store is not read, a link out of the artifact root stops the
 * import with nothing written.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listNotebookVersions, listNotebooks, listRuns } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { connectClient, synced } from '../helpers/sync-clients.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const STORE = join(ROOT, 'test/fixtures/mlflow/JortdeJong13__country-guess/mlruns');
const OWL = '73a1c9a8038c4ad8bb32cf6ddfa937e7';
const GNU = '0bfb6c1fe2c14d78b6e0b4b8146270de';
const GNU_EXP = '465006048865488539';

// Debian's nbformat writes the notebooks (validated as it writes them): v1, and v2 with a cell edited.
const MAKE_NOTEBOOKS = `
import sys, nbformat
from nbformat.v4 import new_notebook, new_markdown_cell, new_code_cell, new_output
out = sys.argv[1]
def nb(loss_line):
    n = new_notebook()
    n.cells = [
        new_markdown_cell('# Train the country guesser\\nTriplet loss, $m = 0.2$.'),
        new_code_cell('import pandas as pd\\n' + loss_line, execution_count=1,
                      outputs=[new_output('stream', name='stdout', text='loss 0.064\\n')]),
        new_code_cell('print("done")', execution_count=2),
    ]
    return n
nbformat.write(nb('loss = 0.064'), out + '/train.ipynb')
nbformat.write(nb('loss = 0.051  # tuned'), out + '/train-v2.ipynb')
`;

interface Run { code: number | null; stdout: string; stderr: string }
function cli(args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['bin/driftdesk', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let dir: string;
let nbDir: string;
let server: SyncServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-mlflow-notebooks-'));
  nbDir = join(dir, 'made');
  mkdirSync(nbDir);
  execFileSync('/usr/bin/python3', ['-c', MAKE_NOTEBOOKS, nbDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server') });
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const importArgs = (path: string, ws: { id: string; token: string }, ...more: string[]) =>
  ['import', 'mlflow', path, '--server', server.url, '--workspace', ws.id, '--token', ws.token, ...more];

/** A fresh copy of the real store, as a person would hand it over. */
function copyStore(name: string): string {
  const store = join(dir, name, 'mlruns');
  cpSync(STORE, store, { recursive: true });
  return store;
}

async function workspace(ws: { id: string; token: string }) {
  const client = connectClient(server.url, ws.id, ws.token);
  try {
    await synced(client.provider);
    return {
      runs: listRuns(client.doc),
      notebooks: listNotebooks(client.doc).map((n) => ({ ...n, versions: listNotebookVersions(client.doc, n.id) })),
    };
  } finally {
    client.dispose();
  }
}

describe('driftdesk import mlflow: notebooks among the artifacts', () => {
  it('adds the run\'s notebook linked to its run, lists it in a dry run, adds nothing the second time, versions changed bytes', { timeout: 90_000 }, async () => {
    const ws = await server.store.createWorkspace('Notebook imports', 'Ada');
    const store = copyStore('good');
    const owlArtifacts = join(store, '0', OWL, 'artifacts');
    mkdirSync(join(owlArtifacts, 'notebooks'));
    cpSync(join(nbDir, 'train.ipynb'), join(owlArtifacts, 'notebooks', 'train.ipynb'));
    // Jupyter's autosave copy is not a notebook anyone logged on purpose.
    mkdirSync(join(owlArtifacts, 'notebooks', '.ipynb_checkpoints'));
    cpSync(join(nbDir, 'train.ipynb'), join(owlArtifacts, 'notebooks', '.ipynb_checkpoints', 'train-checkpoint.ipynb'));
    // The run names it as its source, relative to the artifact root.
    writeFileSync(join(store, '0', OWL, 'tags', 'mlflow.source.name'), 'notebooks/train.ipynb');
    const path = `mlflow/Default/${OWL}/notebooks/train.ipynb`;

    const dry = await cli(importArgs(store, ws, '--dry-run'));
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('notebooks: 1 would be added, 0 unchanged, 0 skipped');
    expect(dry.stdout).toContain(`would add notebook ${path} (run entertaining-owl-269)`);
    expect((await workspace(ws)).notebooks).toEqual([]);

    const first = await cli(importArgs(store, ws));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('imported 2, updated 0, unchanged 0');
    expect(first.stdout).toContain('notebooks: 1 added, 0 unchanged, 0 skipped');
    expect(first.stdout).toContain(`add notebook ${path} (run entertaining-owl-269, version 1)`);

    const after = await workspace(ws);
    const owl = after.runs.find((r) => r.source === `mlflow:${OWL}`)!;
    expect(owl).toBeDefined();
    expect(after.notebooks).toHaveLength(1);
    const nb = after.notebooks[0]!;
    expect(nb).toMatchObject({ path, title: 'train (entertaining-owl-269)', runIds: [owl.id] });
    const made = join(nbDir, 'train.ipynb');
    const cells = (JSON.parse(readFileSync(made, 'utf8')) as { cells: unknown[] }).cells.length;
    expect(nb.versions).toHaveLength(1);
    expect(nb.versions[0]).toMatchObject({ version: 1, runId: owl.id, blob: sha(made), cellCount: cells, size: readFileSync(made).byteLength });
    expect(nb.versions[0]!.excerpt).toContain('Train the country guesser');
    // The blob is the file itself, served back byte for byte.
    const served = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${sha(made)}`, { headers: { authorization: `Bearer ${ws.token}` } });
    expect(Buffer.from(await served.arrayBuffer()).equals(readFileSync(made))).toBe(true);

    const again = await cli(importArgs(store, ws));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('notebooks: 0 added, 1 unchanged, 0 skipped');
    const dryAgain = await cli(importArgs(store, ws, '--dry-run'));
    expect(dryAgain.stdout).toContain('notebooks: 0 would be added, 1 unchanged, 0 skipped');
    expect((await workspace(ws)).notebooks[0]!.versions).toHaveLength(1);

    cpSync(join(nbDir, 'train-v2.ipynb'), join(owlArtifacts, 'notebooks', 'train.ipynb'));
    const changed = await cli(importArgs(store, ws));
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain(`add notebook ${path} (run entertaining-owl-269, version 2)`);
    const last = (await workspace(ws)).notebooks;
    expect(last).toHaveLength(1);
    expect(last[0]!.versions.map((v) => [v.version, v.blob, v.runId])).toEqual([[1, sha(made), owl.id], [2, sha(join(nbDir, 'train-v2.ipynb')), owl.id]]);
  });

  it('names and skips a broken notebook, imports the rest, and never reads a source notebook outside the store', { timeout: 60_000 }, async () => {
    const ws = await server.store.createWorkspace('Hostile notebooks', 'Ada');
    const store = copyStore('hostile');
    const gnuArtifacts = join(store, GNU_EXP, GNU, 'artifacts');
    cpSync(join(nbDir, 'train.ipynb'), join(gnuArtifacts, 'good.ipynb'));
    const broken = join(gnuArtifacts, 'broken.ipynb');
    writeFileSync(broken, '{"cells": [{"cell_type": "code", "source": "x"'); // cut off mid-file
    const notNotebook = join(gnuArtifacts, 'model', 'settings.ipynb');
    writeFileSync(notNotebook, '{"learning_rate": 0.01}');
    // A real notebook on this machine, named by the run's source tag but outside the store.
    const outside = join(dir, 'elsewhere', 'secret.ipynb');
    mkdirSync(dirname(outside), { recursive: true });
    cpSync(join(nbDir, 'train-v2.ipynb'), outside);
    writeFileSync(join(store, '0', OWL, 'tags', 'mlflow.source.name'), outside);

    // Without a server, the dry run reads and judges the same files.
    const offline = await cli(['import', 'mlflow', store, '--dry-run']);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain('notebooks: 1 would be added, 0 unchanged, 2 skipped');
    expect(offline.stdout).toContain(`skip notebook ${notNotebook}: nbformat: no "nbformat" number`);

    const r = await cli(importArgs(store, ws));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('imported 2, updated 0, unchanged 0');
    expect(r.stdout).toContain('notebooks: 1 added, 0 unchanged, 2 skipped');
    expect(r.stdout).toMatch(new RegExp(`skip notebook ${broken.replace(/[.\\/]/g, '\\$&')}: line 1, column \\d+: not valid JSON`));
    expect(r.stdout).toContain(`skip notebook ${notNotebook}: nbformat: no "nbformat" number: not a Jupyter notebook`);
    expect(r.stdout).toContain(`note: run entertaining-owl-269 (${OWL}): its source notebook ${outside} is outside the store; not read`);

    const after = await workspace(ws);
    const gnu = after.runs.find((x) => x.source === `mlflow:${GNU}`)!;
    expect(after.notebooks.map((n) => [n.path, n.runIds])).toEqual([[`mlflow/triplet/${GNU}/good.ipynb`, [gnu.id]]]);
    expect(after.notebooks[0]!.versions.map((v) => v.blob)).toEqual([sha(join(nbDir, 'train.ipynb'))]);
    expect(after.notebooks.flatMap((n) => n.versions).some((v) => v.blob === sha(outside))).toBe(false);
  });

  it('skips a notebook the server refuses (over its blob limit) and imports the rest', { timeout: 60_000 }, async () => {
    const small = await startSyncServer({ port: 0, dataDir: join(dir, 'small-server'), maxBlobBytes: 200_000 });
    try {
      const ws = await small.store.createWorkspace('Small blobs', 'Ada');
      const store = copyStore('too-big');
      const artifacts = join(store, '0', OWL, 'artifacts');
      cpSync(join(nbDir, 'train.ipynb'), join(artifacts, 'a-small.ipynb'));
      const big = join(artifacts, 'b-big.ipynb');
      const nb = JSON.parse(readFileSync(join(nbDir, 'train.ipynb'), 'utf8')) as { cells: { source: string }[] };
      nb.cells[0]!.source = 'x'.repeat(300_000);
      writeFileSync(big, JSON.stringify(nb));
      const r = await cli(['import', 'mlflow', store, '--server', small.url, '--workspace', ws.id, '--token', ws.token]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('notebooks: 1 added, 0 unchanged, 1 skipped');
      expect(r.stdout).toContain(`skip notebook ${big}: the server refused it (413)`);
      const client = connectClient(small.url, ws.id, ws.token);
      try {
        await synced(client.provider);
        expect(listNotebooks(client.doc).map((n) => n.path)).toEqual([`mlflow/Default/${OWL}/a-small.ipynb`]);
      } finally {
        client.dispose();
      }
    } finally {
      await small.close();
    }
  });

  it('stops at a notebook that is a link out of the artifact root, with nothing written', { timeout: 60_000 }, async () => {
    const ws = await server.store.createWorkspace('Linked notebook', 'Ada');
    const store = copyStore('linked');
    const outside = join(dir, 'elsewhere-linked', 'private.ipynb');
    mkdirSync(dirname(outside), { recursive: true });
    cpSync(join(nbDir, 'train.ipynb'), outside);
    const link = join(store, '0', OWL, 'artifacts', 'escape.ipynb');
    symlinkSync(outside, link);

    for (const args of [importArgs(store, ws, '--dry-run'), importArgs(store, ws)]) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`${link}: is a symbolic link; the importer does not follow links out of the store`);
    }
    const after = await workspace(ws);
    expect(after.runs).toEqual([]);
    expect(after.notebooks).toEqual([]);
  });
});

/**
 * An SQLite tracking store: a copy of a real mlflow.db (test/fixtures/mlflow, MLflow 1.x, four
 * active runs in experiment Default). Its runs' `artifact_uri`s point at /tmp/0/… on the machine
 * that wrote it; the test points each at a place of its own with SQL on the copy (the only
 * change to the file), in the forms MLflow writes: a `file:` URI, a relative path, the proxied
 * `mlflow-artifacts:` store, S3 — and hostile ones.
 */
describe('driftdesk import mlflow: notebooks among an mlflow.db run\'s artifacts', () => {
  const DB = join(ROOT, 'test/fixtures/mlflow/PacktPublishing__Machine-Learning-Engineering-with-MLflow/Chapter09/psystock-inference-batch/mlflow_db');
  const [A, B, C, D] = ['ba4d19ec922947738b2a3c9b4c1267cc', '62bf95320fe547b3810005854eaab26b', 'ac4f8245b6cd45f489870ae25b2268dc', 'e6a5dc76cbb741daa267418a3295a5bc'];

  function copyDb(name: string, uris: Record<string, string>, source?: { run: string; value: string }): string {
    const db = join(dir, name, 'mlflow.db');
    mkdirSync(dirname(db), { recursive: true });
    cpSync(DB, db);
    const conn = new Database(db);
    try {
      for (const [run, uri] of Object.entries(uris)) conn.prepare('UPDATE runs SET artifact_uri = ? WHERE run_uuid = ?').run(uri, run);
      if (source) conn.prepare(`INSERT OR REPLACE INTO tags (key, value, run_uuid) VALUES ('mlflow.source.name', ?, ?)`).run(source.value, source.run);
    } finally {
      conn.close();
    }
    return db;
  }
  const put = (folder: string, file: string, from = 'train.ipynb') => {
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    cpSync(join(nbDir, from), join(folder, file));
  };

  it('reads notebooks where each run\'s artifact_uri says, links them to their runs, and notes artifacts in S3', { timeout: 90_000 }, async () => {
    const ws = await server.store.createWorkspace('Notebooks from mlflow.db', 'Ada');
    const home = join(dir, 'db-good');
    const aDir = join(home, 'mlruns', '0', A, 'artifacts');
    put(aDir, 'notebooks/train.ipynb');
    put(aDir, 'notebooks/.ipynb_checkpoints/train-checkpoint.ipynb');
    put(aDir, 'a-extra.ipynb', 'train-v2.ipynb'); // before the source notebook in path order
    put(join(home, 'mlartifacts', '0', B, 'artifacts'), 'eda.ipynb', 'train-v2.ipynb');
    put(join(home, 'mlruns', '0', C, 'artifacts'), 'report.ipynb');
    const db = copyDb('db-good', {
      [A]: `file://${aDir}`,
      [B]: `mlflow-artifacts:/0/${B}/artifacts`,
      [C]: `./mlruns/0/${C}/artifacts`,
      [D]: `s3://churn-bucket/0/${D}/artifacts`,
    }, { run: A, value: join(aDir, 'notebooks', 'train.ipynb') });

    const dry = await cli(['import', 'mlflow', db, '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toContain('notebooks: 4 would be added, 0 unchanged, 0 skipped');

    const r = await cli(importArgs(db, ws));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('imported 4, updated 0, unchanged 0, skipped deleted 8');
    expect(r.stdout).toContain('notebooks: 4 added, 0 unchanged, 0 skipped');
    expect(r.stdout).toMatch(new RegExp(`note: run .* \\(${D}\\): no notebooks read from its artifacts: its artifacts are at s3://churn-bucket/0/${D}/artifacts \\(s3\\), not on this machine`));

    const after = await workspace(ws);
    const runOf = (id: string) => after.runs.find((x) => x.source === `mlflow:${id}`)!.id;
    const byPath = Object.fromEntries(after.notebooks.map((n) => [n.path, n]));
    expect(Object.keys(byPath).sort()).toEqual([
      `mlflow/Default/${A}/notebooks/train.ipynb`, `mlflow/Default/${A}/a-extra.ipynb`,
      `mlflow/Default/${B}/eda.ipynb`, `mlflow/Default/${C}/report.ipynb`,
    ].sort());
    // The source notebook is taken first (run-notebooks.ts), then the rest in path order.
    expect(r.stdout.indexOf(`${A}/notebooks/train.ipynb`)).toBeLessThan(r.stdout.indexOf(`${A}/a-extra.ipynb`));
    expect(byPath[`mlflow/Default/${A}/notebooks/train.ipynb`]).toMatchObject({ runIds: [runOf(A)] });
    expect(byPath[`mlflow/Default/${A}/notebooks/train.ipynb`]!.versions[0]!.blob).toBe(sha(join(nbDir, 'train.ipynb')));
    expect(byPath[`mlflow/Default/${B}/eda.ipynb`]).toMatchObject({ runIds: [runOf(B)] });
    expect(byPath[`mlflow/Default/${B}/eda.ipynb`]!.versions[0]!.blob).toBe(sha(join(nbDir, 'train-v2.ipynb')));
    expect(byPath[`mlflow/Default/${C}/report.ipynb`]).toMatchObject({ runIds: [runOf(C)] });

    const again = await cli(importArgs(db, ws));
    expect(again.stdout).toContain('notebooks: 0 added, 4 unchanged, 0 skipped');
  });

  it('never reads outside the artifact root: .. in the uri, a link on the way, a link inside; the runs still import', { timeout: 90_000 }, async () => {
    const ws = await server.store.createWorkspace('Hostile mlflow.db', 'Ada');
    const home = join(dir, 'db-hostile');
    const secret = join(dir, 'db-secrets');
    put(join(secret, '0', A, 'artifacts'), 'stolen.ipynb');
    put(join(secret, 'linked'), 'private.ipynb', 'train-v2.ipynb');
    mkdirSync(join(home, 'mlruns', '0'), { recursive: true });
    symlinkSync(join(secret, 'linked'), join(home, 'mlruns', '0', B));
    const cDir = join(home, 'mlruns', '0', C, 'artifacts');
    mkdirSync(cDir, { recursive: true });
    symlinkSync(join(secret, 'linked', 'private.ipynb'), join(cDir, 'escape.ipynb'));
    const db = copyDb('db-hostile', {
      [A]: `../db-secrets/0/${A}/artifacts`,
      [B]: `file://${join(home, 'mlruns', '0', B)}`,
      [C]: cDir,
      [D]: join(secret, '0', A, 'artifacts'),
    });

    const r = await cli(importArgs(db, ws));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('imported 4, updated 0, unchanged 0');
    expect(r.stdout).toContain('notebooks: 0 added, 0 unchanged, 0 skipped');
    expect(r.stdout).toContain(`(${A}): no notebooks read from its artifacts: its artifacts at ${join(secret, '0', A, 'artifacts')} are outside the artifact root ${home}; not read`);
    expect(r.stdout).toContain(`(${B}): no notebooks read from its artifacts: ${join(home, 'mlruns', '0', B)} is a symbolic link`);
    expect(r.stdout).toContain(`(${C}): no notebooks read from its artifacts: its artifacts are not read: ${join(cDir, 'escape.ipynb')}: is a symbolic link`);
    expect(r.stdout).toContain(`(${D}): no notebooks read from its artifacts: its artifacts at ${join(secret, '0', A, 'artifacts')} are outside the artifact root`);
    const after = await workspace(ws);
    expect(after.runs).toHaveLength(4);
    expect(after.notebooks).toEqual([]);

    // Naming a wider root on purpose reads what is inside it, and still no link.
    const wide = await cli(importArgs(db, ws, '--artifact-root', dir));
    expect(wide.code).toBe(0);
    expect(wide.stdout).toContain('notebooks: 2 added, 0 unchanged, 0 skipped');
    expect((await workspace(ws)).notebooks.map((n) => n.path).sort()).toEqual([`mlflow/Default/${A}/stolen.ipynb`, `mlflow/Default/${D}/stolen.ipynb`]);
    expect(wide.stdout).toContain(`(${B}): no notebooks read from its artifacts: ${join(home, 'mlruns', '0', B)} is a symbolic link`);
  });
});
