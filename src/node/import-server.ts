/**
 * What the importers (MLflow, GTO) ask a server over HTTP, through the typed client: who the
 * token is, and whether the server has stored every update made here. Failures say that nothing
 * was written, since both ask before (or instead of) writing.
 */
import * as Y from 'yjs';
import type { MemberIdentity } from '../shared/server-api.ts';
import { ServerCallError, type ServerClient } from './server-api-client.ts';

/** The token's identity; any failure says that nothing was written. */
export async function identityBeforeImport(client: ServerClient): Promise<MemberIdentity> {
  try {
    return await client.call('me');
  } catch (err) {
    if (err instanceof ServerCallError) throw new Error(`${err.message.replace(/\.$/, '')}; nothing was written to the workspace`);
    throw err;
  }
}

/** True when the server's state vector of `docName` covers `mine`: it holds every update made here. */
export async function serverHolds(client: ServerClient, docName: string, mine: Map<number, number>): Promise<boolean> {
  const theirs = Y.decodeStateVector(await client.call('docs.stateVector', { params: { docName } }));
  for (const [clientId, clock] of mine) if ((theirs.get(clientId) ?? 0) < clock) return false;
  return true;
}
