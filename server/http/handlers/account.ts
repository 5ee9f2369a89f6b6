/** `GET /api/v1/me` (who a token belongs to) and invites (owners create member tokens). */
import type { ServerHandlers } from '../answer.ts';
import type { HandlerDeps } from './deps.ts';

export const accountHandlers = ({ store }: HandlerDeps) =>
  ({
    me: async ({ identity }) => ({ json: identity }),
    'invites.create': async ({ identity, body }) => {
      const created = await store.createMemberToken(identity.workspaceId, body.role, body.name);
      return { status: 201, json: { token: created.token, memberId: created.memberId, role: body.role, name: body.name } };
    },
  }) satisfies Pick<ServerHandlers, 'me' | 'invites.create'>;
