/**
 * Blobs: large immutable data (profiles, drift reports, run details) addressed by its SHA-256.
 * The body is size-limited while it streams (the router) and its hash checked before anything
 * is stored.
 */
import { createHash } from 'node:crypto';
import { fail, type ServerHandlers } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';

export const blobHandlers = ({ store }: HandlerDeps) =>
  ({
    'blobs.get': async ({ params }) => {
      const data = await store.getBlob(params.workspaceId!, params.sha256!);
      return data ? { bytes: data, headers: { 'cache-control': 'private, immutable' } } : fail(404, `no blob ${params.sha256}`, 'not_found');
    },
    'blobs.put': async ({ params, body }) => {
      const actual = createHash('sha256').update(body).digest('hex');
      if (actual !== params.sha256) return fail(400, `body hashes to ${actual}, not ${params.sha256}`, 'hash_mismatch');
      await store.putBlob(params.workspaceId!, actual, body);
      return { status: 201, json: { sha256: actual, size: body.byteLength } };
    },
  }) satisfies Pick<ServerHandlers, 'blobs.get' | 'blobs.put'>;
