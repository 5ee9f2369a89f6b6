/**
 * `POST /api/v1/workspaces/:id/runs` — run ingest for any training script (member token, owners
 * and editors). The body (src/core/workspace/run-ingest.ts) becomes the run-detail blob, stored
 * content-addressed, and a summary upserted in the workspace doc through the room, so every
 * connected client sees the run at once. Answers 201 with the run id for a new run, 200 when a
 * `clientRunId` already known updated (or left unchanged) its run.
 *
 * Order, so a refused request writes nothing: token and role, Content-Type, size (while the body
 * streams), JSON, schema; only then the blob, then the summary. A blob nobody points at is
 * harmless (content-addressed, the same bytes on a retry).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { reproChecklist, runEnvironment } from '../src/core/repro/index.ts';
import { type CommandContext, CommandError, ingestIssues, ingestedRun, runIngestSchema, upsertRunSummary } from '../src/core/workspace/index.ts';
import type { WithRoom } from './room.ts';
import type { MemberIdentity, Store } from './store-contract.ts';

type Reply = (status: number, body: unknown) => void;

/** Largest accepted body: a run with long metric series and a few environment files fits well under it. */
export const MAX_RUN_BODY_BYTES = 16 * 1024 * 1024;
const ROUTE = /^\/api\/v1\/workspaces\/([A-Za-z0-9_-]{1,128})\/runs$/;

export function matchRunRoute(pathname: string): { workspaceId: string } | null {
  const m = ROUTE.exec(pathname);
  return m ? { workspaceId: m[1]! } : null;
}

export async function handleRunIngest(
  req: IncomingMessage,
  route: { workspaceId: string },
  identity: MemberIdentity,
  deps: { store: Store; withRoom: WithRoom; maxBytes?: number },
  reply: Reply,
): Promise<void> {
  if (identity.workspaceId !== route.workspaceId) return reply(403, { error: 'token is not for this workspace' });
  if (req.method !== 'POST') return reply(405, { error: 'use POST' });
  if (identity.role !== 'owner' && identity.role !== 'editor') return reply(403, { error: `a ${identity.role} cannot add runs` });
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return reply(415, { error: `Content-Type ${type || '(none)'} is not accepted; send the run as application/json` });
  const maxBytes = deps.maxBytes ?? MAX_RUN_BODY_BYTES;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) return reply(413, { error: `body larger than ${maxBytes} bytes` });
  const body = await readBody(req, maxBytes);
  if (body === null) return reply(413, { error: `body larger than ${maxBytes} bytes` });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (err) {
    return reply(400, { error: `the body is not JSON: ${(err as Error).message}` });
  }
  const parsed = runIngestSchema.safeParse(json);
  if (!parsed.success) return reply(400, { error: ingestIssues(parsed.error) });

  const { detail, summary } = ingestedRun(parsed.data, randomUUID);
  const bytes = new TextEncoder().encode(JSON.stringify(detail));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await deps.store.putBlob(route.workspaceId, sha256, bytes);
  const ctx: Pick<CommandContext, 'now' | 'newId'> = { now: () => Date.now(), newId: () => randomUUID() };
  let outcome;
  try {
    outcome = await deps.withRoom(route.workspaceId, async (room) => {
      const result = upsertRunSummary(room.doc, { ...summary, detailBlob: sha256 }, ctx);
      await room.flushed();
      return room.broken ? null : result;
    });
  } catch (err) {
    if (err instanceof CommandError) return reply(400, { error: err.message });
    throw err;
  }
  if (!outcome) return reply(503, { error: 'storage unavailable; try again' });
  // Files the parsers cannot read are kept (a better parser may read them later), and said.
  const warnings = runEnvironment(detail.environment).problems.map((p) => `environment: ${p}`);
  reply(outcome.outcome === 'inserted' ? 201 : 200, {
    id: outcome.record.id,
    source: detail.source,
    outcome: outcome.outcome,
    detailBlob: sha256,
    reproScore: reproChecklist(detail).score,
    warnings,
  });
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      return null;
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
