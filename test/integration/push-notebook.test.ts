/**
 * `driftdesk push notebook` as a child process against a real sync server on port 0, with
 * notebooks made by nbformat: the first push creates the notebook, the same path again its next
 * version, the same bytes nothing; a run is linked by name; a broken file is named before
 * anything is sent; a commenter's token is refused and writes nothing.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listNotebookVersions, listNotebooks } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { connectClient, synced } from '../helpers/sync-clients.ts';
import { type TestNotebooks, makeTestNotebooks } from '../helpers/test-notebooks.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Run { code: number | null; stdout: string; stderr: string }
function cli(args: string[], cwd: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/driftdesk'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let dir: string;
let server: SyncServer;
let ws: { id: string; token: string };
let nbs: TestNotebooks;
let target: string[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-push-notebook-'));
  nbs = makeTestNotebooks(false);
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server') });
  ws = await server.store.createWorkspace('Notebooks', 'Ada');
  target = ['--server', server.url, '--workspace', ws.id, '--token', ws.token];
}, 60_000);
afterAll(async () => {
  await server?.close();
  nbs?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function docOf() {
  const client = connectClient(server.url, ws.id, ws.token);
  try {
    await synced(client.provider);
    return listNotebooks(client.doc).map((n) => ({ ...n, versions: listNotebookVersions(client.doc, n.id) }));
  } finally {
    client.dispose();
  }
}

describe('driftdesk push notebook', () => {
  it('creates, versions by path, and leaves the same bytes alone', { timeout: 60_000 }, async () => {
    const file = join(dir, 'churn.ipynb');
    copyFileSync(join(nbs.dir, 'base.ipynb'), file);
    const first = await cli(['push', 'notebook', 'churn.ipynb', ...target, '--title', 'Churn model'], dir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ outcome: 'created', version: 1, cells: 6 });

    expect(JSON.parse((await cli(['push', 'notebook', 'churn.ipynb', ...target], dir)).stdout)).toMatchObject({ outcome: 'unchanged', version: 1 });
    copyFileSync(join(nbs.dir, 'edit.ipynb'), file);
    const second = await cli(['push', 'notebook', file, ...target], dir);
    expect(JSON.parse(second.stdout)).toMatchObject({ outcome: 'versioned', version: 2 });

    const [notebook, ...others] = await docOf();
    expect(others).toEqual([]);
    expect(notebook).toMatchObject({ title: 'Churn model', path: 'churn.ipynb', createdByName: 'Ada' });
    expect(notebook!.versions.map((v) => [v.version, v.cellCount, v.nbformat])).toEqual([[1, 6, '4.5'], [2, 6, '4.5']]);
    expect(notebook!.versions[1]!.excerpt).toContain('def area(radius)');
    const blob = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${notebook!.versions[1]!.blob}`, { headers: { authorization: `Bearer ${ws.token}` } });
    expect(await blob.text()).toContain('def area(radius)');
  });

  it('reads nbformat 3 with a note, and links a run by name', { timeout: 60_000 }, async () => {
    const ingest = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/runs`, {
      method: 'POST', headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'train-42', experiment: 'churn', status: 'finished', startTime: 1_790_000_000_000 }),
    });
    const run = (await ingest.json()) as { id: string };
    copyFileSync(join(nbs.dir, 'v3.ipynb'), join(dir, 'old.ipynb'));
    const pushed = await cli(['push', 'notebook', 'old.ipynb', ...target, '--run', 'train-42'], dir);
    expect(pushed.code).toBe(0);
    expect(pushed.stderr).toMatch(/note: nbformat 3 file/);
    expect(JSON.parse(pushed.stdout).notes[0]).toMatch(/nbformat 3/);
    const old = (await docOf()).find((n) => n.path === 'old.ipynb')!;
    expect(old.runIds).toEqual([run.id]);
    expect(old.versions[0]).toMatchObject({ nbformat: '3.0', runId: run.id });

    const unknown = await cli(['push', 'notebook', 'old.ipynb', ...target, '--run', 'no-such-run'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no run with id, source or name "no-such-run"');
  });

  it('names a broken file before sending, and refuses a commenter', { timeout: 60_000 }, async () => {
    writeFileSync(join(dir, 'broken.ipynb'), '{\n "nbformat": 4,\n "cells": [\n');
    const broken = await cli(['push', 'notebook', 'broken.ipynb', ...target], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.ipynb, line 4, column 1: not valid JSON/);

    const commenter = await server.store.createMemberToken(ws.id, 'commenter', 'Cleo');
    copyFileSync(join(nbs.dir, 'add.ipynb'), join(dir, 'cleo.ipynb'));
    const refused = await cli(['push', 'notebook', 'cleo.ipynb', '--server', server.url, '--workspace', ws.id, '--token', commenter.token], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refused it \(403\)/);
    expect((await docOf()).map((n) => n.path).sort()).toEqual(['churn.ipynb', 'old.ipynb']);
  });

  it('the server reads the blob itself: a blob that is not a notebook is refused with where', async () => {
    const bad = new TextEncoder().encode(JSON.stringify({ nbformat: 4, nbformat_minor: 5, cells: [{ cell_type: 'code', source: 1 }] }));
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(bad).digest('hex');
    const auth = { authorization: `Bearer ${ws.token}` };
    expect((await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${sha}`, { method: 'PUT', headers: auth, body: bad })).status).toBe(201);
    const res = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/notebooks`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ sha256: sha, path: 'x.ipynb' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'x.ipynb, cells[0].source: expected text (a string or a list of strings), found number 1', code: 'notebook_bad_shape' });
  });
});
