/**
 * Imports an MLflow store into a workspace on a sync server, in three steps so a failure leaves
 * the workspace as it was:
 *   1. read and check the whole store (file store or SQLite): any bad file stops here;
 *   2. upload each run's detail blob (content-addressed, so a blob nobody points at is harmless
 *      and a repeated upload is a no-op);
 *   3. write every summary in ONE Yjs transaction through a y-websocket client, and wait until the
 *      server's state vector shows it holds that update before disconnecting.
 * Runs are matched by `mlflow:<run uuid>` (upsertRunSummary), so running it again updates.
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket as WebSocketPolyfill } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { upsertRunSummaries } from '../../core/workspace/index.ts';
import { type ImportedStore, MlflowImportError } from './imported-run.ts';
import { readFileStore } from './file-store.ts';
import { type RunDetail, runDetail } from './run-detail.ts';
import { readSqliteStore } from './sqlite-store.ts';

export interface ImportTarget {
  server: string;
  workspaceId: string;
  token: string;
  /** How long to wait for the server to sync and to acknowledge the write. */
  timeoutMs?: number;
}

export interface ImportReport {
  store: ImportedStore['kind'];
  imported: number;
  updated: number;
  unchanged: number;
  skippedDeleted: number;
}

/**
 * Reads `path`: a folder is a file store (`mlruns/` itself, or a folder holding `mlruns/`), a file
 * is an SQLite database.
 */
export function readMlflowStore(path: string): ImportedStore {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) throw new MlflowImportError(`${path}: no such file or folder`);
  if (info.isFile()) return readSqliteStore(path);
  const nested = join(path, 'mlruns');
  return readFileStore(statSync(nested, { throwIfNoEntry: false })?.isDirectory() ? nested : path);
}

/** Reads, checks and builds every run's summary and blob; nothing is sent. */
export function prepareImport(path: string): { store: ImportedStore; details: RunDetail[] } {
  const store = readMlflowStore(path);
  return { store, details: store.runs.map(runDetail) };
}

export async function importMlflow(path: string, target: ImportTarget): Promise<ImportReport> {
  const { store, details } = prepareImport(path);
  const base = `${target.server.replace(/\/+$/, '')}/api/v1/workspaces/${encodeURIComponent(target.workspaceId)}`;
  for (const d of details) await uploadBlob(base, target.token, d);
  const counts = await writeSummaries(details, target);
  return { store: store.kind, ...counts, skippedDeleted: store.skippedDeleted };
}

async function uploadBlob(base: string, token: string, detail: RunDetail): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${base}/blobs/${detail.sha256}`, {
      method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: detail.blob,
    });
  } catch (err) {
    throw new Error(`could not reach ${new URL(base).origin} (${(err as Error).message}); nothing was written to the workspace`);
  }
  if (res.ok) return;
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  throw new Error(`the server refused the detail blob of run ${detail.summary.source} (${res.status}): ${body.error ?? res.statusText}; nothing was written to the workspace`);
}

async function writeSummaries(details: RunDetail[], target: ImportTarget): Promise<Pick<ImportReport, 'imported' | 'updated' | 'unchanged'>> {
  const timeoutMs = target.timeoutMs ?? 15_000;
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${target.server.replace(/^http/, 'ws').replace(/\/+$/, '')}/sync`, target.workspaceId, doc, {
    WebSocketPolyfill: WebSocketPolyfill as unknown as typeof WebSocket,
    // Without it two clients in one process would sync over BroadcastChannel and skip the server.
    disableBc: true,
    params: { token: target.token },
  });
  try {
    // Until synced, our doc lacks the runs already imported and every run would look new.
    await until(() => provider.synced, timeoutMs, `the workspace to sync from ${target.server}`);
    const counts = { imported: 0, updated: 0, unchanged: 0 };
    const ctx = { now: () => Date.now(), newId: () => randomUUID() };
    for (const { outcome } of upsertRunSummaries(doc, details.map((d) => d.summary), ctx)) counts[outcome === 'inserted' ? 'imported' : outcome] += 1;
    const mine = Y.decodeStateVector(Y.encodeStateVector(doc));
    const base = `${target.server.replace(/\/+$/, '')}/api/v1/workspaces/${encodeURIComponent(target.workspaceId)}`;
    await untilAsync(async () => serverHas(base, target, mine), timeoutMs, 'the server to store the runs (is the token an editor\'s?)');
    return counts;
  } finally {
    provider.destroy();
    doc.destroy();
  }
}

/** True when the server's state vector covers ours: it holds every update we made. */
async function serverHas(base: string, target: ImportTarget, mine: Map<number, number>): Promise<boolean> {
  const res = await fetch(`${base}/docs/${encodeURIComponent(target.workspaceId)}/state-vector`, { headers: { authorization: `Bearer ${target.token}` } });
  if (!res.ok) throw new Error(`the server refused the state-vector check (${res.status})`);
  const theirs = Y.decodeStateVector(new Uint8Array(await res.arrayBuffer()));
  for (const [client, clock] of mine) if ((theirs.get(client) ?? 0) < clock) return false;
  return true;
}

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return untilAsync(async () => predicate(), timeoutMs, what);
}

async function untilAsync(predicate: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
