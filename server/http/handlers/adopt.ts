/** `workspaces.adopt`: a workspace moved here from a desktop (server/archive/adopt-workspace.ts). */
import { ArchiveError } from '../../archive/archive-format.ts';
import { AdoptConflict, adoptArchive } from '../../archive/adopt-workspace.ts';
import { fail, type ServerHandlers } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';

export const adoptHandlers = ({ store, withRoom }: HandlerDeps) =>
  ({
    'workspaces.adopt': async ({ params, identity, body }) => {
      try {
        return { json: await adoptArchive({ store, withRoom }, identity, params.memberId!, body) };
      } catch (err) {
        if (err instanceof AdoptConflict) return fail(409, err.message, 'not_empty');
        if (err instanceof ArchiveError) return fail(err.code === 'conflict' ? 409 : 400, err.message, `archive_${err.code}`);
        throw err;
      }
    },
  }) satisfies Pick<ServerHandlers, 'workspaces.adopt'>;
