/**
 * `POST /api/v1/workspaces/:id/runs` against a real sync server on port 0 with real y-websocket
 * clients: a run posted by a training script appears live in a connected client, its detail blob
 * is served, a clientRunId makes re-posting update instead of duplicate, and every refused
 * request (401/403/400/413/415) leaves the workspace as it was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns, parseRunDetail, type RunIngestInput } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { countryGuessModel } from '../helpers/repro-details.ts';
import { connectClient, synced } from '../helpers/sync-clients.ts';

let dir: string;
let server: SyncServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-run-ingest-'));
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server') });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (over: Partial<RunIngestInput> = {}): RunIngestInput => ({
  name: 'resnet-7',
  experiment: 'country-guess',
  status: 'finished',
  startTime: '2026-11-01T10:00:00Z',
  endTime: 1_795_000_000_000,
  params: { learning_rate: 0.001, nr_epochs: 12, augment: true },
  metrics: { loss: [{ step: 0, timestamp: 1_794_999_000_000, value: 2.5 }, { step: 1, timestamp: 1_794_999_100_000, value: 'NaN' }, { step: 2, timestamp: 1_794_999_200_000, value: 0.7 }], val_top_1_acc: 0.41 },
  tags: { team: 'vision' },
  code: { repo: 'https://github.com/JortdeJong13/country-guess.git', commit: '3ea7b47e1c2d3f4a5b6c7d8e9f0a1b2c3d4e5f60', dirty: false },
  dataVersions: [{ name: 'data/MNIST/raw', hash: '8c257df187855c681f88bde92d721ccd.dir', kind: 'dvc', path: 'data/MNIST/raw', remote: 'storage' }],
  environment: countryGuessModel(),
  seed: 42,
  clientRunId: 'ci-build-981',
  ...over,
});

const post = (workspaceId: string, token: string | null, body: unknown, type = 'application/json') =>
  fetch(`${server.url}/api/v1/workspaces/${workspaceId}/runs`, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function runsOf(workspaceId: string, token: string) {
  const client = connectClient(server.url, workspaceId, token);
  try {
    await synced(client.provider);
    return listRuns(client.doc);
  } finally {
    client.dispose();
  }
}

describe('POST /api/v1/workspaces/:id/runs', () => {
  it('stores the detail, shows the run live, and updates it when the same clientRunId comes again', { timeout: 30_000 }, async () => {
    const ws = await server.store.createWorkspace('Ingest', 'Ada');
    const watcher = connectClient(server.url, ws.id, ws.token);
    try {
      await synced(watcher.provider);
      const res = await post(ws.id, ws.token, run());
      const body = await res.json();
      expect(res.status).toBe(201);
      expect(body).toMatchObject({ source: 'api:ci-build-981', outcome: 'inserted', reproScore: 100, warnings: [] });
      await expect.poll(() => listRuns(watcher.doc).map((r) => r.id), { timeout: 5000 }).toEqual([body.id]);
      expect(listRuns(watcher.doc)[0]).toMatchObject({
        name: 'resnet-7', experiment: 'country-guess', status: 'finished', startedAt: Date.parse('2026-11-01T10:00:00Z'), endedAt: 1_795_000_000_000,
        params: { augment: 'true', learning_rate: '0.001', nr_epochs: '12' }, metrics: { loss: 0.7, val_top_1_acc: 0.41 }, detailBlob: body.detailBlob,
      });

      const blob = await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${body.detailBlob}`, { headers: { authorization: `Bearer ${ws.token}` } });
      const detail = parseRunDetail(await blob.json());
      expect(detail.metrics.loss!.map((p) => p.value)).toEqual([2.5, 'NaN', 0.7]);
      expect(detail.metrics.val_top_1_acc).toEqual([{ step: 0, timestamp: 1_795_000_000_000, value: 0.41 }]);
      expect(detail.environment.map((f) => f.path)).toEqual(['model/MLmodel', 'model/requirements.txt', 'model/python_env.yaml', 'model/conda.yaml']);
      expect(detail).toMatchObject({ seed: 42, code: { commit: '3ea7b47e1c2d3f4a5b6c7d8e9f0a1b2c3d4e5f60' }, dataVersions: [{ kind: 'dvc', path: 'data/MNIST/raw' }] });

      const same = await post(ws.id, ws.token, run());
      expect(same.status).toBe(200);
      expect(await same.json()).toMatchObject({ id: body.id, outcome: 'unchanged', detailBlob: body.detailBlob });

      const changed = await post(ws.id, ws.token, run({ status: 'failed', seed: undefined }));
      expect(changed.status).toBe(200);
      expect(await changed.json()).toMatchObject({ id: body.id, outcome: 'updated', reproScore: 90 });
      await expect.poll(() => listRuns(watcher.doc)[0]?.status, { timeout: 5000 }).toBe('failed');

      // Without a clientRunId every post is a new run.
      const a = await post(ws.id, ws.token, run({ clientRunId: undefined }));
      const b = await post(ws.id, ws.token, run({ clientRunId: undefined }));
      expect([a.status, b.status]).toEqual([201, 201]);
      expect((await runsOf(ws.id, ws.token)).length).toBe(3);
    } finally {
      watcher.dispose();
    }
  });

  it('keeps an environment file it cannot parse, and says so', async () => {
    const ws = await server.store.createWorkspace('Warn', 'Ada');
    const res = await post(ws.id, ws.token, run({ environment: [{ kind: 'pip', path: 'requirements.txt', text: 'torch==2.5.1\nnot a requirement ((\n' }] }));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.warnings).toHaveLength(1);
    expect(body.warnings[0]).toMatch(/^environment: requirements\.txt, line 2: /);
  });

  it('refuses bad requests with a reason and writes nothing', { timeout: 30_000 }, async () => {
    const ws = await server.store.createWorkspace('Refusals', 'Ada');
    const other = await server.store.createWorkspace('Other', 'Bob');
    const viewer = await server.store.createMemberToken(ws.id, 'viewer', 'Vic');
    const commenter = await server.store.createMemberToken(ws.id, 'commenter', 'Cam');
    const cases: [string, () => Promise<Response>, number, RegExp][] = [
      ['no token', () => post(ws.id, null, run()), 401, /missing bearer token/],
      ['unknown token', () => post(ws.id, 'ddt_nope', run()), 401, /token refused/],
      ['viewer', () => post(ws.id, viewer.token, run()), 403, /a viewer cannot add runs/],
      ['commenter', () => post(ws.id, commenter.token, run()), 403, /a commenter cannot add runs/],
      ['other workspace', () => post(ws.id, other.token, run()), 403, /not for this workspace/],
      ['csv body', () => post(ws.id, ws.token, 'a,b\n1,2\n', 'text/csv'), 415, /Content-Type text\/csv/],
      ['not JSON', () => post(ws.id, ws.token, '{"name": '), 400, /the body is not JSON/],
      ['missing name', () => post(ws.id, ws.token, { ...run(), name: undefined }), 400, /^name: /],
      ['bad series', () => post(ws.id, ws.token, run({ metrics: { loss: [{ step: 1.5, timestamp: 1, value: 1 }] } })), 400, /^metrics\.loss\.0\.step: /],
      ['unknown key', () => post(ws.id, ws.token, { ...run(), metric: { loss: 1 } }), 400, /metric/],
      ['bad status', () => post(ws.id, ws.token, run({ status: 'done' as never })), 400, /^status: /],
      ['end before start', () => post(ws.id, ws.token, run({ startTime: 2000, endTime: 1000 })), 400, /^endTime: is before startTime/],
      ['bad data ref', () => post(ws.id, ws.token, run({ dataVersions: [{ name: 'x', hash: '', kind: 'dvc' }] })), 400, /^dataVersions\.0\.hash: /],
      ['bad clientRunId', () => post(ws.id, ws.token, run({ clientRunId: 'a b/../c' })), 400, /^clientRunId: /],
      ['too big', () => post(ws.id, ws.token, run({ tags: { huge: 'x'.repeat(17 * 1024 * 1024) } })), 413, /body larger than/],
    ];
    for (const [what, send, status, error] of cases) {
      const res = await send();
      const body = await res.json();
      expect(`${what}: ${res.status}`).toBe(`${what}: ${status}`);
      expect(body.error).toMatch(error);
    }
    expect(await runsOf(ws.id, ws.token)).toEqual([]);
    // The server still serves.
    expect((await post(ws.id, ws.token, run())).status).toBe(201);
  });
});
