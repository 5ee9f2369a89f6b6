/**
 * What a data scientist's training script leaves in a workspace before the registry is used: a
 * run (summary in the doc, detail blob on the server's blob store, as every importer writes it)
 * and the dataset version it trained on. Written through a real y-websocket client with the
 * data scientist's own token; resolves once the server's state vector holds the write.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { type EnvironmentFile, RUN_DETAIL_KIND, type RunDetailInput, addDatasetVersion, upsertRunSummary } from '../../src/core/workspace/index.ts';
import { connectClient, synced } from '../helpers/sync-clients';
import { repoRoot } from './fixtures';

export interface SeedTarget { serverUrl: string; workspaceId: string; token: string; memberName: string }

/** An MLflow 1.x sklearn model's environment files (mlflow/mlflow test resources). */
function sklearnEnvironment(): EnvironmentFile[] {
  const dir = join(repoRoot, 'test/fixtures/envs/mlflow__mlflow/tests/resources/example_mlflow_1x_sklearn_model');
  return (['MLmodel', 'conda.yaml', 'python_env.yaml', 'requirements.txt'] as const).map((name) => ({
    kind: name === 'MLmodel' ? 'mlmodel' : name === 'conda.yaml' ? 'conda' : name === 'python_env.yaml' ? 'python_env' : 'pip',
    path: `model/${name}`,
    text: readFileSync(join(dir, name), 'utf8'),
  }));
}

export async function seedTrainingRun(target: SeedTarget, runName: string): Promise<void> {
  const base = `${target.serverUrl}/api/v1/workspaces/${encodeURIComponent(target.workspaceId)}`;
  const md5 = createHash('md5').update('churn-train-2026-10').digest('hex');
  const start = Date.UTC(2026, 10, 20, 9);
  const detail: RunDetailInput = {
    kind: RUN_DETAIL_KIND, version: 1, source: `api:${runName}`, name: runName, experiment: 'churn', status: 'finished',
    startTime: start, endTime: start + 600_000,
    params: { C: '0.5', penalty: 'l2', seed: '42' }, tags: {},
    metrics: { auc: [{ timestamp: start + 300_000, step: 0, value: 0.874 }], f1: [{ timestamp: start + 300_000, step: 0, value: 0.61 }] },
    artifacts: [{ path: 'model/MLmodel', bytes: 412 }],
    code: { repo: 'https://example.com/churn.git', commit: '3f9c2a1b7e4d5c6a8b9f0e1d2c3b4a5968778695', branch: 'main', dirty: false },
    dataVersions: [{ name: 'train', hash: md5, kind: 'driftdesk', path: 'churn-train.csv' }],
    environment: sklearnEnvironment(),
    seed: 42,
  };
  const blob = new TextEncoder().encode(JSON.stringify(detail));
  const sha256 = createHash('sha256').update(blob).digest('hex');
  const put = await fetch(`${base}/blobs/${sha256}`, { method: 'PUT', headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' }, body: blob });
  if (!put.ok) throw new Error(`blob upload refused: ${put.status} ${await put.text()}`);

  const client = connectClient(target.serverUrl, target.workspaceId, target.token);
  try {
    await synced(client.provider);
    // The server takes records only under the writer's own member id and name.
    const me = (await (await fetch(`${target.serverUrl}/api/v1/me`, { headers: { authorization: `Bearer ${target.token}` } })).json()) as { memberId: string; name: string };
    const ctx = { actor: { id: me.memberId, name: me.name }, now: () => Date.now(), newId: () => randomUUID() };
    client.doc.transact(() => {
      upsertRunSummary(client.doc, {
        name: runName, experiment: 'churn', status: 'finished', startedAt: start, endedAt: start + 600_000, source: `api:${runName}`,
        params: { C: '0.5', penalty: 'l2', seed: '42' }, metrics: { auc: 0.874, f1: 0.61 }, detailBlob: sha256,
      }, ctx);
      addDatasetVersion(client.doc, {
        dataset: 'churn-train', fileName: 'churn-train.csv', format: 'csv', md5, size: 48_213, rows: 1_200, columns: 14,
        profileBlob: sha256, // no profile is opened in this test; any stored blob's hash satisfies the record
      }, ctx);
    });
    const mine = Y.decodeStateVector(Y.encodeStateVector(client.doc));
    const began = Date.now();
    for (;;) {
      const res = await fetch(`${base}/docs/${encodeURIComponent(target.workspaceId)}/state-vector`, { headers: { authorization: `Bearer ${target.token}` } });
      const theirs = Y.decodeStateVector(new Uint8Array(await res.arrayBuffer()));
      if ([...mine].every(([c, clock]) => (theirs.get(c) ?? 0) >= clock)) break;
      if (Date.now() - began > 30_000) throw new Error('the server did not store the seeded run');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    client.dispose();
  }
}
