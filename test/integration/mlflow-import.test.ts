/**
 * `driftdesk import mlflow` as a child process against a real sync server on port 0 (in this
 * process, so the CLI runs with async spawn): runs land in the workspace once however often the
 * import runs, a changed run is updated in place, the detail blob is served, and a damaged store
 * or a viewer's token writes nothing.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns, parseRunDetail } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { connectClient, synced } from '../helpers/sync-clients.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(ROOT, 'test/fixtures/mlflow');
const DB = join(FIXTURES, 'PacktPublishing__Machine-Learning-Engineering-with-MLflow/Chapter09/psystock-inference-batch/mlflow_db');
const OWL = '73a1c9a8038c4ad8bb32cf6ddfa937e7';

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
let server: SyncServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-mlflow-import-'));
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server') });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const importArgs = (path: string, workspaceId: string, token: string) =>
  ['import', 'mlflow', path, '--server', server.url, '--workspace', workspaceId, '--token', token];

async function runsOnServer(workspaceId: string, token: string) {
  const client = connectClient(server.url, workspaceId, token);
  try {
    await synced(client.provider);
    return listRuns(client.doc);
  } finally {
    client.dispose();
  }
}

describe('driftdesk import mlflow', () => {
  it('imports a file store once, updates a changed run on re-import, and serves the detail blob', { timeout: 60_000 }, async () => {
    const ws = await server.store.createWorkspace('Imports', 'Ada');
    const store = join(dir, 'country', 'mlruns');
    cpSync(join(FIXTURES, 'JortdeJong13__country-guess/mlruns'), store, { recursive: true });

    const first = await cli(importArgs(store, ws.id, ws.token));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('imported 2, updated 0, unchanged 0, skipped deleted 0');

    const again = await cli(importArgs(store, ws.id, ws.token));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('imported 0, updated 0, unchanged 2');

    writeFileSync(join(store, '0', OWL, 'params', 'learning_rate'), '0.01');
    const changed = await cli(importArgs(store, ws.id, ws.token));
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain('imported 0, updated 1, unchanged 1');

    const runs = await runsOnServer(ws.id, ws.token);
    expect(runs.map((r) => r.source).sort()).toEqual(['mlflow:0bfb6c1fe2c14d78b6e0b4b8146270de', `mlflow:${OWL}`]);
    const owl = runs.find((r) => r.source === `mlflow:${OWL}`)!;
    expect(owl).toMatchObject({ name: 'entertaining-owl-269', experiment: 'Default', status: 'finished', params: { learning_rate: '0.01' } });
    const blob = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${owl.detailBlob}`, { headers: { authorization: `Bearer ${ws.token}` } });
    expect(blob.status).toBe(200);
    const detail = await blob.json();
    expect(parseRunDetail(detail)).toMatchObject({ kind: 'driftdesk-run', source: `mlflow:${OWL}`, params: { learning_rate: '0.01' } });
    expect(detail.metrics.loss).toHaveLength(12);
    expect(detail.artifacts).toContainEqual({ path: 'model/MLmodel', bytes: 533 });
  });

  it('imports an mlflow.db, skipping deleted runs, and a damaged store or a viewer writes nothing', { timeout: 60_000 }, async () => {
    const ws = await server.store.createWorkspace('Db', 'Ada');
    const db = await cli(importArgs(DB, ws.id, ws.token));
    expect(db.stderr).toBe('');
    expect(db.code).toBe(0);
    expect(db.stdout).toContain('imported 4, updated 0, unchanged 0, skipped deleted 8');

    const broken = join(dir, 'broken', 'mlruns');
    cpSync(join(FIXTURES, 'PacktPublishing__Practical-Deep-Learning-at-Scale-with-MLFlow/chapter02/mlruns'), broken, { recursive: true });
    const loss = join(broken, '1', '34e6c900bbec484aa32ca9a4827a0c85', 'metrics', 'val_accuracy');
    writeFileSync(loss, '1 0.5 0\n2 half 1\n');
    const bad = await cli(importArgs(broken, ws.id, ws.token));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${loss}, line 2: expected "timestamp value step"`);

    const viewer = await server.store.createMemberToken(ws.id, 'viewer', 'Vic');
    const refused = await cli(importArgs(join(FIXTURES, 'JortdeJong13__country-guess/mlruns'), ws.id, viewer.token));
    expect(refused.code).toBe(1); // refused by the server (README: exit 1), not bad input (2)
    expect(refused.stderr).toContain('nothing was written');

    const runs = await runsOnServer(ws.id, ws.token);
    expect(runs).toHaveLength(4);
    expect(runs.find((r) => r.source === 'mlflow:62bf95320fe547b3810005854eaab26b')?.name).toBe('train_model');
  });
});
