/**
 * `GET  /api/v1/workspaces/:id/docs/:doc/state-vector` — what the server has of a doc (a Yjs
 *      state vector, octet-stream): a client compares it with its own to know which of its
 *      edits the server holds ("N changes not yet on the server").
 * `POST /api/v1/workspaces/:id/docs/:doc/updates` — a Yjs update (octet-stream) made offline,
 *      pushed without opening a websocket: how the app sends the edits of docs nobody has open.
 *      Checked like a socket's update (role, commenter policy, doc size), applied through the
 *      room so live clients get it, and answered only once persisted, with the new state vector.
 *
 * `:doc` is the workspace id itself or a note doc name (`<id>:note:<noteId>`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as Y from 'yjs';
import { parseDocName } from '../src/core/workspace/index.ts';
import type { Room } from './room.ts';
import type { MemberIdentity } from './store-contract.ts';

const ROUTE = /^\/api\/v1\/workspaces\/([A-Za-z0-9_-]{1,128})\/docs\/([A-Za-z0-9_:-]{1,300})\/(state-vector|updates)$/;

type Reply = (status: number, body: unknown) => void;
/** Runs `use` with the doc's room loaded (loading it if nobody has it open, unloading after). */
export type WithRoom = <T>(docName: string, use: (room: Room) => Promise<T>) => Promise<T>;

export interface DocRoute {
  workspaceId: string;
  docName: string;
  action: 'state-vector' | 'updates';
}

export function matchDocRoute(pathname: string): DocRoute | null {
  const m = ROUTE.exec(pathname);
  return m ? { workspaceId: m[1]!, docName: m[2]!, action: m[3] as DocRoute['action'] } : null;
}

export async function handleDoc(
  req: IncomingMessage,
  res: ServerResponse,
  route: DocRoute,
  identity: MemberIdentity,
  withRoom: WithRoom,
  reply: Reply,
  maxBytes: number,
): Promise<void> {
  if (identity.workspaceId !== route.workspaceId) return reply(403, { error: 'token is not for this workspace' });
  const parsed = parseDocName(route.docName);
  if (!parsed || parsed.workspaceId !== route.workspaceId) return reply(404, { error: `${route.docName} is not a doc of workspace ${route.workspaceId}` });
  if (route.action === 'state-vector') {
    if (req.method !== 'GET') return reply(405, { error: 'use GET' });
    const vector = await withRoom(route.docName, async (room) => Y.encodeStateVector(room.doc));
    return octets(res, vector);
  }
  if (req.method !== 'POST') return reply(405, { error: 'use POST' });
  if (!/^application\/octet-stream\s*(;|$)/i.test(req.headers['content-type'] ?? '')) return reply(415, { error: 'send the update as application/octet-stream' });
  const body = await readBytes(req, maxBytes);
  if (body === null) return reply(413, { error: `update larger than ${maxBytes} bytes` });
  const outcome = await withRoom(route.docName, async (room) => {
    const verdict = room.acceptPushed(identity, body);
    if (verdict.kind === 'malformed') return { status: 400, error: verdict.reason };
    if (verdict.kind === 'denied') return { status: 403, error: verdict.reason };
    await room.flushed();
    if (room.broken) return { status: 503, error: 'storage unavailable; try again' };
    return { status: 200, vector: Y.encodeStateVector(room.doc) };
  });
  if (outcome.vector) return octets(res, outcome.vector);
  reply(outcome.status, { error: outcome.error });
}

function octets(res: ServerResponse, data: Uint8Array): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.byteLength, 'cache-control': 'no-store' });
  res.end(data);
}

/** The body, or null once it passes `maxBytes` (the rest is not read). */
async function readBytes(req: IncomingMessage, maxBytes: number): Promise<Uint8Array | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return null;
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
