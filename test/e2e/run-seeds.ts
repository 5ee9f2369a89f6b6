/**
 * Puts runs into a workspace the way the MLflow importer does (src/node/mlflow/import-mlflow.ts):
 * each detail blob uploaded to the server's blob store, then every summary in one Yjs transaction
 * through a real y-websocket client, waiting until the server's state vector holds it. For runs
 * the fixture stores cannot give: detail blobs with real environment files, and thousands of
 * synthetic summaries.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { type EnvironmentFile, RUN_DETAIL_KIND, type RunDetailInput, type RunSummaryInput, upsertRunSummaries } from '../../src/core/workspace/index.ts';
import { connectClient, synced } from '../helpers/sync-clients';
import { repoRoot } from './fixtures';

export interface SeedTarget {
  serverUrl: string;
  workspaceId: string;
  token: string;
}

/** A run with its detail blob (uploaded) or only a summary. */
export type SeedRun = { summary: RunSummaryInput; detail?: RunDetailInput };

export async function seedRuns(target: SeedTarget, runs: SeedRun[]): Promise<void> {
  const base = `${target.serverUrl}/api/v1/workspaces/${encodeURIComponent(target.workspaceId)}`;
  const summaries: RunSummaryInput[] = [];
  for (const run of runs) {
    if (!run.detail) {
      summaries.push(run.summary);
      continue;
    }
    const blob = new TextEncoder().encode(JSON.stringify(run.detail));
    const sha256 = createHash('sha256').update(blob).digest('hex');
    const res = await fetch(`${base}/blobs/${sha256}`, { method: 'PUT', headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' }, body: blob });
    if (!res.ok) throw new Error(`blob upload refused: ${res.status} ${await res.text()}`);
    summaries.push({ ...run.summary, detailBlob: sha256 });
  }
  const client = connectClient(target.serverUrl, target.workspaceId, target.token);
  try {
    await synced(client.provider);
    const ctx = { now: () => Date.now(), newId: () => randomUUID() };
    upsertRunSummaries(client.doc, summaries, ctx);
    const mine = Y.decodeStateVector(Y.encodeStateVector(client.doc));
    const start = Date.now();
    for (;;) {
      const res = await fetch(`${base}/docs/${encodeURIComponent(target.workspaceId)}/state-vector`, { headers: { authorization: `Bearer ${target.token}` } });
      const theirs = Y.decodeStateVector(new Uint8Array(await res.arrayBuffer()));
      if ([...mine].every(([c, clock]) => (theirs.get(c) ?? 0) >= clock)) break;
      if (Date.now() - start > 30_000) throw new Error('the server did not store the seeded runs');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    client.dispose();
  }
}

/** An MLflow model folder's environment files from test/fixtures/envs, as a run detail holds them. */
export function modelEnvironment(folder: string): EnvironmentFile[] {
  const dir = join(repoRoot, 'test/fixtures/envs', folder);
  const files: [EnvironmentFile['kind'], string][] = [['mlmodel', 'MLmodel'], ['conda', 'conda.yaml'], ['python_env', 'python_env.yaml'], ['pip', 'requirements.txt']];
  return files.map(([kind, name]) => ({ kind, path: `model/${name}`, text: readFileSync(join(dir, name), 'utf8') }));
}

/** A run with a detail blob: params, a metric series, an environment and the data it read. */
export function detailedRun(input: {
  name: string; experiment: string; params: Record<string, string>; loss: number[]; environment: EnvironmentFile[];
  dataVersions?: RunDetailInput['dataVersions']; startTime: number;
}): SeedRun {
  const source = `api:${input.name}`;
  const points = input.loss.map((value, step) => ({ step, timestamp: input.startTime + 60_000 * (step + 1), value }));
  const endTime = input.startTime + 60_000 * (input.loss.length + 1);
  return {
    summary: {
      name: input.name, experiment: input.experiment, status: 'finished', startedAt: input.startTime, endedAt: endTime, source,
      params: input.params, metrics: { loss: input.loss.at(-1)! }, tags: { team: 'vision' },
    },
    detail: {
      kind: RUN_DETAIL_KIND, version: 1, source, name: input.name, experiment: input.experiment, status: 'finished',
      startTime: input.startTime, endTime, params: input.params, tags: { team: 'vision', 'mlflow.user': 'ada' },
      metrics: { loss: points }, artifacts: [{ path: 'model/MLmodel', bytes: 512 }],
      code: { repo: 'https://github.com/example/churn', commit: 'a1b2c3d', branch: 'main' },
      dataVersions: input.dataVersions ?? [], environment: input.environment, seed: 42,
    },
  };
}
