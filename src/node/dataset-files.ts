/**
 * A dataset version's file shared through the workspace's blob store, so any member can run the
 * exact comparison: the person who adds a version uploads its file (resumable, in pieces, see
 * server/http/handlers/uploads.ts), and a teammate's host downloads it into its own cache when
 * a comparison needs it. Both report their bytes to the job the person is watching.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { WorkspaceConnection } from '../shared/host-contract.ts';
import type { UploadState } from '../shared/server-api.ts';
import type { ReportProgress } from './jobs.ts';
import { ServerCallError, type ServerClient, createServerClient } from './server-api-client.ts';

const client = (conn: WorkspaceConnection) => createServerClient({ serverUrl: conn.serverUrl, token: conn.token, workspaceId: conn.workspaceId });

/** Tries per piece before the upload gives up (each try first asks the server how far it got). */
const PIECE_TRIES = 3;

/** The file's SHA-256, read in a stream (the file may be larger than memory should hold). */
export async function sha256OfFile(path: string, onBytes?: (n: number) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    onBytes?.(chunk.length);
  }
  return hash.digest('hex');
}

/**
 * Uploads a file into the workspace's blob store, resuming whatever the server already has of
 * it. Answers its sha256 when the server has the whole file, or why not (the version is still
 * added: the file stays on this machine and teammates compare on profiles until it is there).
 */
export async function uploadDatasetFile(conn: WorkspaceConnection, path: string, report: ReportProgress): Promise<{ fileBlob: string | null; fileUploadError: string | null }> {
  const { size } = await stat(path);
  let hashed = 0;
  const sha256 = await sha256OfFile(path, (n) => report({ phase: 'hashing the file for upload', done: (hashed += n), total: size }));
  const api = client(conn);
  try {
    let state = await api.call('uploads.start', { body: { sha256, size } });
    const file = await open(path, 'r');
    try {
      while (!state.complete) {
        report({ phase: 'uploading the file', done: state.received, total: size });
        state = await sendPiece(api, file, sha256, state);
      }
    } finally {
      await file.close();
    }
    report({ phase: 'uploading the file', done: size, total: size });
    return { fileBlob: sha256, fileUploadError: null };
  } catch (err) {
    if (!(err instanceof ServerCallError)) throw err;
    const why = err.kind === 'unreachable' ? 'the server is unreachable' : (err.reason ?? err.message);
    return { fileBlob: null, fileUploadError: `the file was not shared with the team (${why}); it stays on this machine, and teammates compare on profiles until it is uploaded (add the version again to resume)` };
  }
}

/** Sends the piece at `state.received`; after a failure asks where the server is and tries again. */
async function sendPiece(api: ServerClient, file: Awaited<ReturnType<typeof open>>, sha256: string, state: UploadState): Promise<UploadState> {
  for (let attempt = 1; ; attempt++) {
    const length = Math.min(state.chunkBytes, state.size - state.received);
    const piece = new Uint8Array(length);
    const { bytesRead } = await file.read(piece, 0, length, state.received);
    if (bytesRead !== length) throw new Error(`the file changed while it was uploaded (read ${bytesRead} of ${length} bytes at ${state.received}); add the version again`);
    try {
      return await api.call('uploads.put', { params: { sha256, offset: String(state.received) }, body: piece, timeoutMs: 120_000 });
    } catch (err) {
      // A refusal that another try cannot change (hash, size, role) ends the upload at once.
      const retriable = err instanceof ServerCallError && (err.kind === 'unreachable' || err.code === 'offset_mismatch' || err.status === 503);
      if (!retriable || attempt >= PIECE_TRIES) throw err;
      state = await api.call('uploads.status', { params: { sha256 } });
      if (state.complete) return state;
    }
  }
}

/**
 * The file of a teammate's version, from this machine's file cache or downloaded from the blob
 * store into it; checked against its sha256 before it is used. `fileName` names the file in the
 * cache (its extension tells the reader the format); it comes from the workspace doc, so only
 * its last segment, in safe characters, is used.
 */
export async function fetchDatasetFile(conn: WorkspaceConnection, filesDir: string, fileBlob: string, fileName: string, report: ReportProgress): Promise<string> {
  const dir = join(filesDir, fileBlob);
  const path = join(dir, safeFileName(fileName));
  if ((await stat(path).catch(() => null))?.isFile() && (await sha256OfFile(path)) === fileBlob) return path;
  let data: Uint8Array;
  try {
    data = await client(conn).call('blobs.get', {
      params: { sha256: fileBlob }, timeoutMs: 600_000,
      onProgress: (received, total) => report({ phase: `downloading ${basename(path)}`, done: received, total: total ?? received + 1 }),
    });
  } catch (err) {
    if (!(err instanceof ServerCallError)) throw err;
    if (err.status === 404) throw new Error('the server does not have the file (its upload did not finish)');
    throw new Error(err.kind === 'unreachable' ? 'the server is unreachable' : (err.reason ?? err.message));
  }
  const actual = createHash('sha256').update(data).digest('hex');
  if (actual !== fileBlob) throw new Error(`the downloaded file hashes to ${actual.slice(0, 12)}…, not ${fileBlob.slice(0, 12)}…; not using it`);
  await mkdir(dir, { recursive: true });
  // Written beside, then renamed: a crash never leaves half a file under the real name.
  await writeFile(`${path}.part`, data);
  await rename(`${path}.part`, path);
  return path;
}

/** A file name that is one path segment of safe characters, keeping the extension. */
export function safeFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  const safe = last.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(-200);
  return safe === '' ? 'data' : safe;
}
