/**
 * A doc's state over HTTP, for docs nobody has open. `:docName` is the workspace id itself or a
 * note doc name (`<id>:note:<noteId>`).
 * - state-vector: what the server has of a doc, so a client knows which of its edits the server
 *   holds ("N changes not yet on the server");
 * - state: its whole state, for a conversation doc the app has never opened (the host fetches
 *   those it should keep: search, and offline reading of what mentions the member) and for a
 *   workspace a device opens for the first time (host-handlers.ts: firstFetch);
 * - updates: a Yjs update made offline, checked like a socket's (role, commenter policy, doc
 *   size), applied through the room so live clients get it, answered once persisted with the
 *   new state vector.
 */
import * as Y from 'yjs';
import { parseDocName } from '../../../src/core/workspace/index.ts';
import { fail, type ServerHandlers } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';
import { SNAPSHOT_OFF_LOOP_BYTES, storedStateOffLoop } from '../../doc-snapshots.ts';

const notADoc = (docName: string, workspaceId: string) => fail(404, `${docName} is not a doc of workspace ${workspaceId}`, 'not_found');
const isDocOf = (docName: string, workspaceId: string) => parseDocName(docName)?.workspaceId === workspaceId;

export const docHandlers = ({ withRoom, store }: HandlerDeps) =>
  ({
    'docs.stateVector': async ({ params }) => {
      if (!isDocOf(params.docName!, params.workspaceId!)) return notADoc(params.docName!, params.workspaceId!);
      return { bytes: await withRoom(params.docName!, async (room) => Y.encodeStateVector(room.doc)) };
    },
    'docs.state': async ({ params }) => {
      if (!isDocOf(params.docName!, params.workspaceId!)) return notADoc(params.docName!, params.workspaceId!);
      // A big doc (a workspace of years, fetched by a device opening it for the first time) is
      // read and merged from the store on a reader thread once what the room holds is persisted,
      // as history snapshots are (doc-snapshots.ts): encoding 15 MB here held every client of this
      // process for 0.8 s.
      return {
        bytes: await withRoom(params.docName!, async (room) => {
          if (room.approxBytes < SNAPSHOT_OFF_LOOP_BYTES) return Y.encodeStateAsUpdate(room.doc);
          await room.flushed();
          return storedStateOffLoop(store, params.docName!);
        }),
      };
    },
    'docs.pushUpdate': async ({ params, identity, body }) => {
      if (!isDocOf(params.docName!, params.workspaceId!)) return notADoc(params.docName!, params.workspaceId!);
      return withRoom(params.docName!, async (room) => {
        const verdict = room.acceptPushed(identity, body);
        if (verdict.kind === 'malformed') return fail(400, verdict.reason, 'malformed_update');
        if (verdict.kind === 'denied') return fail(403, verdict.reason, 'update_refused');
        await room.flushed();
        if (room.broken) return fail(503, 'storage unavailable; try again', 'storage_unavailable');
        return { bytes: Y.encodeStateVector(room.doc) };
      });
    },
  }) satisfies Pick<ServerHandlers, 'docs.stateVector' | 'docs.state' | 'docs.pushUpdate'>;
