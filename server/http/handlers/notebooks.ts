/**
 * `POST …/notebooks` (owners, editors): a notebook already uploaded as a blob becomes the next
 * version of the notebook at its path. The server reads the file itself (src/core/notebook) —
 * what the doc says of it (cell count, nbformat, search excerpt) comes from the bytes, not from
 * the client — and refuses one that is not a notebook, naming what and where.
 */
import { randomUUID } from 'node:crypto';
import { NotebookParseError, parseNotebook, summarizeNotebook } from '../../../src/core/notebook/index.ts';
import { NOTEBOOK_EXCERPT_MAX, addNotebookVersion, resolveRunReference } from '../../../src/core/workspace/index.ts';
import { fail, type ServerHandlers } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';

export const notebookHandlers = ({ store, withRoom }: HandlerDeps) =>
  ({
    'notebooks.push': async ({ params, identity, body }) => {
      const workspaceId = params.workspaceId!;
      const bytes = await store.getBlob(workspaceId, body.sha256);
      if (!bytes) return fail(400, `sha256: no blob ${body.sha256} in this workspace; upload it first with PUT /api/v1/workspaces/${workspaceId}/blobs/${body.sha256}`, 'no_blob');
      let summary;
      try {
        summary = summarizeNotebook(parseNotebook(bytes, body.path), NOTEBOOK_EXCERPT_MAX);
      } catch (err) {
        if (err instanceof NotebookParseError) return fail(400, err.message, `notebook_${err.code}`);
        throw err;
      }
      const ctx = { actor: { id: identity.memberId, name: identity.name }, now: () => Date.now(), newId: () => randomUUID() };
      // A CommandError (an unknown run, say) is the caller's 400 (answer-errors.ts).
      const result = await withRoom(workspaceId, async (room) => {
        const run = body.run === undefined ? undefined : resolveRunReference(room.doc, body.run);
        if (run && 'error' in run) return { refused: run.error };
        const r = addNotebookVersion(room.doc, { path: body.path, title: body.title, runId: run?.id, blob: body.sha256, size: bytes.byteLength, ...summary }, ctx);
        await room.flushed();
        return room.broken ? null : r;
      });
      if (!result) return fail(503, 'storage unavailable; try again', 'storage_unavailable');
      if ('refused' in result) return fail(400, `run: ${result.refused}`, 'no_run');
      return {
        status: result.outcome === 'unchanged' ? 200 : 201,
        json: { notebookId: result.notebook.id, versionId: result.version.id, version: result.version.version, outcome: result.outcome, cells: summary.cellCount, notes: summary.notes },
      };
    },
  }) satisfies Pick<ServerHandlers, 'notebooks.push'>;
