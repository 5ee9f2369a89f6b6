/**
 * Run ingest for any training script (owners, editors). The body (src/core/workspace/
 * run-ingest.ts, checked by the router) becomes the run-detail blob, stored content-addressed,
 * and a summary upserted in the workspace doc through the room, so every connected client sees
 * the run at once. 201 for a new run, 200 when a known `clientRunId` updated (or left unchanged)
 * its run.
 *
 * A refused request writes nothing: token, role, Content-Type, size and schema are the
 * router's, before the handler runs; then the blob, then the summary. A blob nobody points at is
 * harmless (content-addressed, the same bytes on a retry).
 */
import { createHash, randomUUID } from 'node:crypto';
import { reproChecklist, runEnvironment } from '../../../src/core/repro/index.ts';
import { type CommandContext, ingestedRun, upsertRunSummary } from '../../../src/core/workspace/index.ts';
import { fail, type ServerHandlers } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';

export const runHandlers = ({ store, withRoom }: HandlerDeps) =>
  ({
    'runs.ingest': async ({ params, body }) => {
      const workspaceId = params.workspaceId!;
      const { detail, summary } = ingestedRun(body, randomUUID);
      const bytes = new TextEncoder().encode(JSON.stringify(detail));
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await store.putBlob(workspaceId, sha256, bytes);
      const ctx: Pick<CommandContext, 'now' | 'newId'> = { now: () => Date.now(), newId: () => randomUUID() };
      // A CommandError (the summary refused) is the caller's 400 (answer-errors.ts).
      const outcome = await withRoom(workspaceId, async (room) => {
        const result = upsertRunSummary(room.doc, { ...summary, detailBlob: sha256 }, ctx);
        await room.flushed();
        return room.broken ? null : result;
      });
      if (!outcome) return fail(503, 'storage unavailable; try again', 'storage_unavailable');
      // Files the parsers cannot read are kept (a better parser may read them later), and said.
      const warnings = runEnvironment(detail.environment).problems.map((p) => `environment: ${p}`);
      return {
        status: outcome.outcome === 'inserted' ? 201 : 200,
        json: { id: outcome.record.id, source: detail.source, outcome: outcome.outcome, detailBlob: sha256, reproScore: reproChecklist(detail).score, warnings },
      };
    },
  }) satisfies Pick<ServerHandlers, 'runs.ingest'>;
