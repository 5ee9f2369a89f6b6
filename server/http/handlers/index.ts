/**
 * Every operation's handler, one module per part of the API. Operations listed in
 * LEGACY_OPERATIONS are still answered by the old dispatch in sync-server.ts while they move;
 * handlers.test.ts checks that each operation of the map has exactly one of the two.
 */
import type { OperationName } from '../../../src/shared/server-api.ts';
import type { ServerHandlers } from '../answer.ts';
import { accountHandlers } from './account.ts';
import { blobHandlers } from './blobs.ts';
import type { HandlerDeps } from './deps.ts';
import { docHandlers } from './docs.ts';
import { historyHandlers } from './history.ts';
import { runHandlers } from './runs.ts';
import { webhookHandlers } from './webhooks.ts';

export type { HandlerDeps };

export function createHandlers(deps: HandlerDeps) {
  return { ...accountHandlers(deps), ...historyHandlers(deps), ...blobHandlers(deps), ...docHandlers(deps), ...webhookHandlers(deps), ...runHandlers(deps) } satisfies Partial<ServerHandlers>;
}

/** Operations not moved yet: the router falls through to sync-server.ts's handleHttp for them. */
export const LEGACY_OPERATIONS: readonly OperationName[] = [
  'monitors.create',
  'monitors.batch',
  'monitors.metrics',
];
