/** `workspaces.adopt`: a workspace moved here from a desktop (server/archive/adopt-workspace.ts). */
import { ArchiveError } from '../../archive/archive-format.ts';
import { AdoptConflict, adoptArchive } from '../../archive/adopt-workspace.ts';
import { fail, type ServerHandlers } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';

export const adoptHandlers = ({ store, withRoom }: HandlerDeps) => {
  // One move at a time in this process: each may hold an unpacked archive (up to 1 GiB), and two
  // at once into one workspace would both find it empty and race to fill it (PostgreSQL then
  // refuses the second's rows mid-transaction). A retry that waits here finds the move done.
  let moving: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = moving.then(work, work);
    moving = run.catch(() => {});
    return run;
  };
  return {
    'workspaces.adopt': async ({ params, identity, body }) => {
      try {
        return { json: await oneAtATime(() => adoptArchive({ store, withRoom }, identity, params.memberId!, body)) };
      } catch (err) {
        if (err instanceof AdoptConflict) return fail(409, err.message, 'not_empty');
        if (err instanceof ArchiveError) return fail(err.code === 'conflict' ? 409 : 400, err.message, `archive_${err.code}`);
        throw err;
      }
    },
  } satisfies Pick<ServerHandlers, 'workspaces.adopt'>;
};
