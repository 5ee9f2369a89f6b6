/** `driftdesk token create|list|revoke|role`, on a server's store (it may be running). */
import { parseArgs } from 'node:util';
import { ROLES, type Role, memberNameInputSchema } from '../core/workspace/index.ts';
import { nameOption } from './name-option.ts';
import { openStore } from './open-store.ts';
import { UsageError } from './usage-error.ts';

const options = {
  data: { type: 'string' },
  postgres: { type: 'string' },
  workspace: { type: 'string' },
  role: { type: 'string' },
  name: { type: 'string' },
  member: { type: 'string' },
  token: { type: 'string' },
} as const;

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

function role(values: Record<string, unknown>): Role {
  const r = required(values, 'role');
  if (!(ROLES as readonly string[]).includes(r)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}; got "${r}"`);
  return r as Role;
}

export async function tokenCommand(sub: string | undefined, args: string[]): Promise<number> {
  if (!['create', 'list', 'revoke', 'role'].includes(sub ?? '')) {
    throw new UsageError(`unknown token command: ${sub ?? '(none)'}; use create, list, revoke or role`);
  }
  const { values } = parseArgs({ args, options, strict: true });
  const { store, where } = await openStore(values);
  try {
    const workspace = async () => {
      const id = required(values, 'workspace');
      if (!(await store.getWorkspace(id))) throw new UsageError(`no workspace ${id} in ${where}`);
      return id;
    };
    switch (sub) {
      case 'create': {
        const { token, memberId } = await store.createMemberToken(await workspace(), role(values), nameOption('name', values.name, memberNameInputSchema));
        console.log(JSON.stringify({ token, member: memberId }));
        return 0;
      }
      case 'list':
        console.log(JSON.stringify(await store.listMembers(await workspace()), null, 2));
        return 0;
      case 'revoke': {
        if (values.token) {
          const revoked = await store.revokeToken(values.token);
          console.log(JSON.stringify({ revoked: revoked ? 1 : 0 }));
          return revoked ? 0 : 1;
        }
        const revoked = await store.revokeMember(await workspace(), required(values, 'member'));
        console.log(JSON.stringify({ revoked }));
        return revoked > 0 ? 0 : 1;
      }
      case 'role': {
        const changed = await store.setRole(await workspace(), required(values, 'member'), role(values));
        if (!changed) throw new UsageError(`no member ${values.member} in workspace ${values.workspace}`);
        console.log(JSON.stringify({ member: values.member, role: values.role }));
        return 0;
      }
      default:
        throw new UsageError(`unknown token command: ${sub ?? '(none)'}; use create, list, revoke or role`);
    }
  } finally {
    await store.close();
  }
}
