/**
 * Every operation's handler, one module per part of the API; `satisfies ServerHandlers` makes
 * the compiler hold each to its operation's request and answer, and index.test.ts checks that
 * each operation of the map has exactly one.
 */
import type { ServerHandlers } from '../answer.ts';
import { accountHandlers } from './account.ts';
import { adoptHandlers } from './adopt.ts';
import { blobHandlers } from './blobs.ts';
import type { HandlerDeps } from './deps.ts';
import { docHandlers } from './docs.ts';
import { historyHandlers } from './history.ts';
import { monitorHandlers } from './monitors.ts';
import { notebookHandlers } from './notebooks.ts';
import { runHandlers } from './runs.ts';
import { uploadHandlers } from './uploads.ts';
import { webhookHandlers } from './webhooks.ts';

export type { HandlerDeps };

export function createHandlers(deps: HandlerDeps) {
  return { ...accountHandlers(deps), ...adoptHandlers(deps), ...historyHandlers(deps), ...blobHandlers(deps), ...uploadHandlers(deps), ...docHandlers(deps), ...webhookHandlers(deps), ...runHandlers(deps), ...monitorHandlers(deps), ...notebookHandlers(deps) } satisfies ServerHandlers;
}
