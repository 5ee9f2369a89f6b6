/**
 * History snapshots, per doc: list, read one, restore one. `?doc=` names the doc — a note doc
 * (`<ws>:note:<id>`) or a conversation doc (`<ws>:thread:<kind>:<id>`) of the route's
 * workspace, or the workspace id itself; without it, the workspace doc (as before per-doc
 * history). A name that does not parse, or names another workspace's doc, is a 400 that says
 * which: nothing is read.
 *
 * Restore is the workspace doc's only (src/core/workspace/restore.ts). A conversation doc is not
 * restored that way: the server derives the workspace doc's summaries and mention records from
 * each change a client makes to it, and an incident's timeline there is an audit trail, which a
 * restore never rolls back. A note's text is a Y.Text a person can copy back from the snapshot
 * they read. So those are listed and read, and a restore of one is refused with the reason.
 */
import { parseDocName } from '../../../src/core/workspace/index.ts';
import type { HistoryQuery } from '../../../src/shared/server-api.ts';
import { fail, type ServerHandlers } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';

/** A doc name as quoted back in an error: JSON-quoted, cut short. */
const quoted = (name: string) => JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);

/** `of`: how a 404 names the doc ('' for the workspace doc, as before per-doc history). */
type DocChoice = { kind: 'ok'; docName: string; of: string } | { kind: 'bad'; error: string };

/** Which doc `?doc=` names within `workspaceId` (checked strictly; see the header). */
export function historyDoc(workspaceId: string, query: HistoryQuery): DocChoice {
  if (query.doc === undefined) return { kind: 'ok', docName: workspaceId, of: '' };
  const parsed = parseDocName(query.doc);
  if (!parsed) {
    return { kind: 'bad', error: `query.doc: ${quoted(query.doc)} is not a doc name; expected ${workspaceId}:note:<noteId>, ${workspaceId}:thread:<kind>:<targetId> or ${workspaceId}` };
  }
  if (parsed.workspaceId !== workspaceId) return { kind: 'bad', error: `query.doc: ${quoted(query.doc)} is not a doc of workspace ${workspaceId}` };
  return { kind: 'ok', docName: query.doc, of: parsed.kind === 'workspace' ? '' : ` of doc ${query.doc}` };
}

export const historyHandlers = ({ store, withRoom }: HandlerDeps) =>
  ({
    'history.list': async ({ params, query }) => {
      const doc = historyDoc(params.workspaceId!, query);
      if (doc.kind === 'bad') return fail(400, doc.error, 'bad_query');
      return { json: { snapshots: await store.listSnapshots(doc.docName) } };
    },
    'history.get': async ({ params, query }) => {
      const doc = historyDoc(params.workspaceId!, query);
      if (doc.kind === 'bad') return fail(400, doc.error, 'bad_query');
      const state = await store.getSnapshot(doc.docName, Number(params.snapshotId));
      return state ? { bytes: state } : fail(404, `no snapshot ${params.snapshotId}${doc.of}`, 'not_found');
    },
    // A restore re-adds records other people wrote, which no client may write under their names:
    // the server does it, for owners and editors (the map's roles).
    'history.restore': async ({ params, query }) => {
      const doc = historyDoc(params.workspaceId!, query);
      if (doc.kind === 'bad') return fail(400, doc.error, 'bad_query');
      if (doc.docName !== params.workspaceId) {
        return fail(400, `query.doc: only the workspace doc is restored; read the snapshot${doc.of} with GET …/history/${params.snapshotId}?doc=… and copy back what you need`, 'not_restorable');
      }
      const state = await store.getSnapshot(doc.docName, Number(params.snapshotId));
      if (!state) return fail(404, `no snapshot ${params.snapshotId}${doc.of}`, 'not_found');
      return { json: await withRoom(doc.docName, (room) => room.restoreTo(state)) };
    },
  }) satisfies Pick<ServerHandlers, 'history.list' | 'history.get' | 'history.restore'>;
