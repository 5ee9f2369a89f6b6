/**
 * Resumable uploads of large files (a dataset version's file) into the blob store, tus-like:
 *   POST  …/uploads {sha256, size}      declare the file; answers the bytes the server has
 *   GET   …/uploads/:sha256             ask again after a dropped connection
 *   PUT   …/uploads/:sha256/:offset     the piece that starts at `offset` (≤ UPLOAD_CHUNK_BYTES)
 * The upload is keyed by the file's sha256, so a second attempt (a retry, the same file added
 * again, another member with the same file) resumes instead of starting over, and a file the
 * store already has is done at once. Pieces are taken only in order: a piece whose offset is not
 * exactly what the server holds is refused (409 `offset_mismatch`, with `received`), so the
 * stored bytes are always one prefix of the file. When the last piece arrives, the whole file is
 * hashed; a mismatch discards the upload (400 `hash_mismatch`) and nothing is stored.
 * The server's limit (`maxUploadBytes`) is checked on the declared size (413 `upload_too_large`);
 * a workspace has at most MAX_OPEN_UPLOADS under way (429 `too_many_uploads`), and one idle for
 * a day is dropped, so what an editor starts and abandons cannot fill the database.
 *
 * Why not a library: tus itself (@tus/server, maintained) serves its own routes and headers
 * outside the contract map and router (roles, codes, the OpenAPI document), needs a DataStore
 * per backend (we would write SQLite and PostgreSQL ones anyway; its stores are disk, S3, GCS,
 * Azure), and keys uploads by a random id rather than by content; its checksum extension checks
 * each piece with sha1, not the file's sha256. The protocol's useful core (offsets, asking the
 * server how far it got) is the three operations above; and no new dependency could be added
 * in this round. A tus client (tus-js-client) therefore cannot talk to it.
 */
import { createHash } from 'node:crypto';
import { UPLOAD_CHUNK_BYTES, type UploadState } from '../../../src/shared/server-api.ts';
import { type ErrorAnswer, fail, type ServerHandlers } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';

const MiB = 1024 * 1024;
/** Uploads under way per workspace at once: each may hold up to the limit in the database. */
export const MAX_OPEN_UPLOADS = 8;
/** An upload that got no piece for this long is abandoned: dropped when the workspace next starts one. */
export const UPLOAD_IDLE_MS = 24 * 60 * 60 * 1000;
const mib = (n: number) => `${(n / MiB).toFixed(n % MiB === 0 ? 0 : 1)} MiB`;

export const uploadHandlers = ({ store, maxUploadBytes }: HandlerDeps) => {
  const state = (sha256: string, size: number, received: number, complete: boolean): UploadState => ({
    sha256, size, received, complete, maxBytes: maxUploadBytes, chunkBytes: UPLOAD_CHUNK_BYTES,
  });
  const tooLarge = (size: number): ErrorAnswer => ({
    status: 413, code: 'upload_too_large',
    error: `the file is ${size} bytes (${mib(size)}); this server takes uploads of at most ${maxUploadBytes} bytes (${mib(maxUploadBytes)})`,
    details: { maxBytes: maxUploadBytes },
  });

  return {
    'uploads.start': async ({ params, body }) => {
      const ws = params.workspaceId!;
      if (body.size > maxUploadBytes) return tooLarge(body.size);
      if (await store.hasBlob(ws, body.sha256)) return { status: 200, json: state(body.sha256, body.size, body.size, true) };
      const now = Date.now();
      if (!(await store.uploadState(ws, body.sha256)) && (await store.pruneUploads(ws, now - UPLOAD_IDLE_MS)) >= MAX_OPEN_UPLOADS) {
        return { status: 429, code: 'too_many_uploads', error: `${MAX_OPEN_UPLOADS} uploads are already under way in this workspace; finish one (or wait a day for abandoned ones to expire)` };
      }
      const existing = await store.startUpload(ws, body.sha256, body.size, now);
      if (existing.size !== body.size) {
        return { status: 409, code: 'size_mismatch', error: `an upload of ${body.sha256} is under way with ${existing.size} bytes, not ${body.size}: the same hash cannot have two sizes`, details: { size: existing.size } };
      }
      return { status: existing.received > 0 ? 200 : 201, json: state(body.sha256, existing.size, existing.received, false) };
    },

    'uploads.status': async ({ params }) => {
      const [ws, sha] = [params.workspaceId!, params.sha256!];
      const upload = await store.uploadState(ws, sha);
      if (upload) return { json: state(sha, upload.size, upload.received, false) };
      // A finished upload leaves only its blob; its size is not kept apart, so `size` is 0 with complete: true.
      if (await store.hasBlob(ws, sha)) return { json: state(sha, 0, 0, true) };
      return fail(404, `no upload of ${sha} under way; start one with POST …/uploads`, 'no_upload');
    },

    'uploads.put': async ({ params, body }) => {
      const [ws, sha] = [params.workspaceId!, params.sha256!];
      const offset = Number(params.offset);
      const upload = await store.uploadState(ws, sha);
      if (!upload) {
        if (await store.hasBlob(ws, sha)) return { status: 200, json: state(sha, 0, 0, true) };
        return fail(404, `no upload of ${sha} under way; start one with POST …/uploads`, 'no_upload');
      }
      if (body.byteLength === 0) return fail(400, 'an upload piece must carry at least one byte', 'empty_piece');
      if (offset !== upload.received) return offsetMismatch(offset, upload.received);
      if (offset + body.byteLength > upload.size) {
        return { status: 400, code: 'beyond_declared_size', error: `this piece ends at byte ${offset + body.byteLength}, past the ${upload.size} bytes declared for the upload`, details: { received: upload.received } };
      }
      const received = await store.appendUpload(ws, sha, offset, body, Date.now());
      // Another request took this offset between the check and the write.
      if (received === null) return offsetMismatch(offset, (await store.uploadState(ws, sha))?.received ?? 0);
      if (received < upload.size) return { status: 200, json: state(sha, upload.size, received, false) };

      const data = await store.readUpload(ws, sha);
      const actual = createHash('sha256').update(data).digest('hex');
      if (actual !== sha || data.byteLength !== upload.size) {
        await store.dropUpload(ws, sha);
        return { status: 400, code: 'hash_mismatch', error: `the ${data.byteLength} bytes received hash to ${actual}, not ${sha}: the upload is discarded; send the file again` };
      }
      await store.putBlob(ws, sha, data);
      await store.dropUpload(ws, sha);
      return { status: 201, json: state(sha, upload.size, upload.size, true) };
    },
  } satisfies Pick<ServerHandlers, 'uploads.start' | 'uploads.status' | 'uploads.put'>;
};

function offsetMismatch(offset: number, received: number): ErrorAnswer {
  return {
    status: 409, code: 'offset_mismatch',
    error: `this piece starts at byte ${offset}, but the server has ${received} bytes of the upload: send the piece at ${received}`,
    details: { received },
  };
}
