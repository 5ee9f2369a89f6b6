/**
 * `monitors.create` on the host: a monitor's reference is a dataset version whose file is on
 * this machine. The server judges batches against the reference data itself, not its profile,
 * so the host uploads the file to the workspace's blob store and then asks the server to create
 * the monitor from that blob (server/http/handlers/monitors.ts profiles it and writes the monitor into
 * the workspace doc, where every member sees it).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as Y from 'yjs';
import type { ColumnMappingInput } from '../core/drift/index.ts';
import type { AlertRule } from '../core/monitor/index.ts';
import { getDatasetVersion } from '../core/workspace/index.ts';
import type { WorkspaceConnection } from '../shared/host-contract.ts';
import { storeBlob } from './blob-sync.ts';
import { ServerCallError, createServerClient } from './server-api-client.ts';
import { pushPendingEdits } from './pending-sync.ts';
import type { LocalCache } from './local-cache.ts';

/** The formats the server can read a reference in (DuckDB reads Arrow here, the server does not take it). */
const REFERENCE_FORMATS = ['csv', 'tsv', 'parquet', 'json', 'jsonl'] as const;

export interface MonitorFromVersion {
  name: string;
  model: string;
  referenceVersionId: string;
  rules: AlertRule[];
  expectBatchEveryMs?: number;
  mapping?: ColumnMappingInput;
}

export async function createMonitorFromVersion(
  cache: LocalCache,
  conn: WorkspaceConnection,
  input: MonitorFromVersion,
): Promise<{ monitorId: string; referenceVersionId: string }> {
  // The window saves each edit to the cache (150 ms write-behind), so a version added or
  // received there is in this copy of the workspace doc.
  const doc = new Y.Doc();
  const cached = cache.loadDoc(conn.workspaceId);
  if (cached) Y.applyUpdate(doc, cached);
  const version = getDatasetVersion(doc, input.referenceVersionId);
  doc.destroy();
  if (!version) throw new Error(`dataset version ${input.referenceVersionId} is not in this machine's copy of the workspace yet; wait for it to sync and try again`);
  const format = REFERENCE_FORMATS.find((f) => f === version.format);
  if (!format) throw new Error(`${version.fileName} is ${version.format}; a monitor's reference must be ${REFERENCE_FORMATS.join(', ')}`);

  const path = cache.localFile(version.md5);
  if (!path) throw new Error(`the file of ${version.fileName} is not on this machine; add it as a dataset version here, or ask whoever added it to create the monitor`);
  const data = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`${path} could not be read (${err.code ?? err.message}); it may have moved since it was added: add it again`);
  });
  // The server judges batches against these bytes: if the file changed since it was profiled,
  // the monitor would not watch the version the person picked.
  if (createHash('md5').update(data).digest('hex') !== version.md5) {
    throw new Error(`${path} changed since it was added as ${version.fileName} (its md5 differs); add it again as a new version`);
  }

  const { sha256, uploadError } = await storeBlob(cache, conn, data);
  if (uploadError) throw new Error(`the reference data could not be uploaded, so no monitor was created: ${uploadError}`);
  // The server links the monitor to this dataset version, so it must have it: send whatever of
  // the workspace it has not got yet (the version may have been added moments ago, or offline).
  const pushed = await pushPendingEdits(cache, conn);
  if (pushed.error) throw new Error(`the workspace could not be brought up to date on the server, so no monitor was created: ${pushed.error}`);

  const client = createServerClient({ serverUrl: conn.serverUrl, token: conn.token, workspaceId: conn.workspaceId });
  try {
    return await client.call('monitors.create', {
      body: {
        name: input.name, model: input.model ?? '', rules: input.rules, expectBatchEveryMs: input.expectBatchEveryMs, mapping: input.mapping,
        // The version already in the workspace: the server links it instead of recording a copy.
        reference: { sha256, fileName: version.fileName, format, versionId: version.id },
      },
      // The server profiles the reference before answering; a large file takes a while.
      timeoutMs: 120_000,
    });
  } catch (err) {
    if (!(err instanceof ServerCallError)) throw err;
    throw new Error(err.kind === 'unreachable' ? `creating a monitor needs the server: ${err.message}` : `the server refused the monitor (${err.status}): ${err.reason ?? err.message}`);
  }
}
