/**
 * `monitors.create` on the host: a monitor's reference is a dataset version whose file is on
 * this machine. The server judges batches against the reference data itself, not its profile,
 * so the host uploads the file to the workspace's blob store and then asks the server to create
 * the monitor from that blob (server/http/handlers/monitors.ts profiles it and writes the monitor into
 * the workspace doc, where every member sees it). Changing a monitor's reference goes the same way.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as Y from 'yjs';
import type { ColumnMappingInput } from '../core/drift/index.ts';
import type { AlertRule } from '../core/monitor/index.ts';
import { type Chunking, getDatasetVersion } from '../core/workspace/index.ts';
import type { WorkspaceConnection } from '../shared/host-contract.ts';
import type { ResponseOf, monitorUpdateSchema } from '../shared/server-api.ts';
import type { z } from 'zod';
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
  chunking?: Chunking;
}

/** What the server is told a reference is: an uploaded blob, and the dataset version it is. */
interface UploadedReference {
  sha256: string;
  fileName: string;
  format: (typeof REFERENCE_FORMATS)[number];
  versionId: string;
}

/**
 * Uploads a dataset version's file (on this machine, unchanged since it was added) as a blob of
 * the workspace, and sends the server what it has not got of the workspace, so it can link the
 * version. `outcome` finishes a refusal: what did not happen ("no monitor was created").
 */
async function uploadReference(cache: LocalCache, conn: WorkspaceConnection, versionId: string, outcome: string): Promise<UploadedReference> {
  // The window saves each edit to the cache (150 ms write-behind), so a version added or
  // received there is in this copy of the workspace doc.
  const doc = new Y.Doc();
  cache.loadDocInto(conn.workspaceId, doc);
  const version = getDatasetVersion(doc, versionId);
  doc.destroy();
  if (!version) throw new Error(`dataset version ${versionId} is not in this machine's copy of the workspace yet; wait for it to sync and try again`);
  const format = REFERENCE_FORMATS.find((f) => f === version.format);
  if (!format) throw new Error(`${version.fileName} is ${version.format}; a monitor's reference must be ${REFERENCE_FORMATS.join(', ')}`);

  const path = cache.localFile(version.md5);
  if (!path) throw new Error(`the file of ${version.fileName} is not on this machine; add it as a dataset version here, or ask whoever added it to make it the reference`);
  const data = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`${path} could not be read (${err.code ?? err.message}); it may have moved since it was added: add it again`);
  });
  // The server judges batches against these bytes: if the file changed since it was profiled,
  // the monitor would not watch the version the person picked.
  if (createHash('md5').update(data).digest('hex') !== version.md5) {
    throw new Error(`${path} changed since it was added as ${version.fileName} (its md5 differs); add it again as a new version`);
  }

  const { sha256, uploadError } = await storeBlob(cache, conn, data);
  if (uploadError) throw new Error(`the reference data could not be uploaded, so ${outcome}: ${uploadError}`);
  // The server links the monitor to this dataset version, so it must have it: send whatever of
  // the workspace it has not got yet (the version may have been added moments ago, or offline).
  const pushed = await pushPendingEdits(cache, conn);
  if (pushed.error) throw new Error(`the workspace could not be brought up to date on the server, so ${outcome}: ${pushed.error}`);
  // The version already in the workspace: the server links it instead of recording a copy.
  return { sha256, fileName: version.fileName, format, versionId: version.id };
}

function refusal(err: unknown, what: string): never {
  if (!(err instanceof ServerCallError)) throw err;
  throw new Error(err.kind === 'unreachable' ? `${what} needs the server: ${err.message}` : `the server refused the ${what === 'creating a monitor' ? 'monitor' : 'change'} (${err.status}): ${err.reason ?? err.message}`);
}

export async function createMonitorFromVersion(
  cache: LocalCache,
  conn: WorkspaceConnection,
  input: MonitorFromVersion,
): Promise<{ monitorId: string; referenceVersionId: string }> {
  const reference = await uploadReference(cache, conn, input.referenceVersionId, 'no monitor was created');
  const client = createServerClient({ serverUrl: conn.serverUrl, token: conn.token, workspaceId: conn.workspaceId });
  try {
    return await client.call('monitors.create', {
      body: { name: input.name, model: input.model ?? '', rules: input.rules, expectBatchEveryMs: input.expectBatchEveryMs, mapping: input.mapping, chunking: input.chunking, reference },
      // The server profiles the reference before answering; a large file takes a while.
      timeoutMs: 120_000,
    });
  } catch (err) {
    refusal(err, 'creating a monitor');
  }
}

/**
 * `monitors.update` on the host: the changes go to the server as they are, except a new
 * reference, named as a dataset version whose file is on this machine: it is uploaded first,
 * as for a new monitor, and the server links the monitor to it.
 */
export async function updateMonitor(
  cache: LocalCache,
  conn: WorkspaceConnection,
  monitorId: string,
  { referenceVersionId, ...changes }: Omit<z.infer<typeof monitorUpdateSchema>, 'reference'> & { referenceVersionId?: string },
): Promise<ResponseOf<'monitors.update'>> {
  const reference = referenceVersionId === undefined ? undefined : await uploadReference(cache, conn, referenceVersionId, 'the monitor was not changed');
  const client = createServerClient({ serverUrl: conn.serverUrl, token: conn.token, workspaceId: conn.workspaceId });
  try {
    // A new reference is profiled (and every rule held to its columns) before the server answers.
    return await client.call('monitors.update', { params: { monitorId }, body: { ...changes, ...(reference ? { reference } : {}) }, timeoutMs: reference ? 120_000 : undefined });
  } catch (err) {
    refusal(err, 'editing a monitor');
  }
}
