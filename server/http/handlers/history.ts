/** A workspace's history snapshots: list, read one, restore one. */
import { fail, type ServerHandlers } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';

export const historyHandlers = ({ store, withRoom }: HandlerDeps) =>
  ({
    'history.list': async ({ params }) => ({ json: { snapshots: await store.listSnapshots(params.workspaceId!) } }),
    'history.get': async ({ params }) => {
      const state = await store.getSnapshot(params.workspaceId!, Number(params.snapshotId));
      return state ? { bytes: state } : fail(404, `no snapshot ${params.snapshotId}`, 'not_found');
    },
    // A restore re-adds records other people wrote, which no client may write under their names:
    // the server does it, for owners and editors (the map's roles).
    'history.restore': async ({ params }) => {
      const state = await store.getSnapshot(params.workspaceId!, Number(params.snapshotId));
      if (!state) return fail(404, `no snapshot ${params.snapshotId}`, 'not_found');
      return { json: await withRoom(params.workspaceId!, (room) => room.restoreTo(state)) };
    },
  }) satisfies Pick<ServerHandlers, 'history.list' | 'history.get' | 'history.restore'>;
