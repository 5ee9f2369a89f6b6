/**
 * Imports a GTO registry into a workspace on a sync server, so a failure leaves it as it was:
 *   1. read and check everything (src/data/gto/read-gto.ts): any bad tag or field stops here;
 *   2. ask the server who the token is (`GET /api/v1/me`): an editor or owner of this workspace,
 *      and an owner when the registry moves `production`;
 *   3. sync the workspace, apply the whole plan to a copy of it (src/core/gto/gto-apply.ts) — any
 *      refusal stops here, with nothing sent — then send the difference as ONE update and wait
 *      until the server's state vector shows it holds it.
 */
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { GtoImportRefused, type GtoApplyReport, applyGtoPlan, protectedMovesOf } from '../../core/gto/index.ts';
import { type GtoSource, readGtoSource } from '../../data/gto/read-gto.ts';
import { identityBeforeImport, serverHolds } from '../import-server.ts';
import { openDoc } from '../open-doc.ts';
import { clientFor, type WorkspaceTarget } from '../server-api-client.ts';

/** Server, workspace and token (one type for every command that talks to a server). */
export type GtoImportTarget = WorkspaceTarget;

export interface GtoImportReport extends GtoApplyReport {
  source: Pick<GtoSource, 'kind' | 'repo'>;
  skippedTags: number;
}


export async function importGto(path: string, target: GtoImportTarget, repoName?: string): Promise<GtoImportReport> {
  const source = await readGtoSource(path, repoName);
  const api = clientFor(target);
  const me = await identityBeforeImport(api);
  if (me.workspaceId !== target.workspaceId) throw new GtoImportRefused([`the token is for workspace ${me.workspaceId}, not ${target.workspaceId}; nothing was written`]);
  if (me.role !== 'owner' && me.role !== 'editor') throw new GtoImportRefused([`${me.name} is a ${me.role}: importing needs an editor's or owner's token; nothing was written`]);
  const protectedMoves = protectedMovesOf(source.plan);
  if (protectedMoves.length > 0 && me.role !== 'owner') {
    throw new GtoImportRefused([`the registry moves a protected alias, which only an owner may import (${protectedMoves.join('; ')}): use an owner's token; nothing was written`]);
  }
  const timeoutMs = target.timeoutMs ?? 15_000;
  // Until synced, our doc lacks what an earlier import wrote, and everything would look new.
  const { doc, close } = await openDoc(target);
  try {
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    const ctx = { actor: { id: me.memberId, name: me.name }, now: () => Date.now(), newId: () => randomUUID() };
    const report = applyGtoPlan(copy, source.plan, source.repo, ctx);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(copy, Y.encodeStateVector(doc)));
    copy.destroy();
    const mine = Y.decodeStateVector(Y.encodeStateVector(doc));
    await until(() => serverHolds(api, target.workspaceId, mine), timeoutMs, 'the server to store the import');
    return { ...report, source: { kind: source.kind, repo: source.repo }, skippedTags: source.plan.skippedTags.length };
  } finally {
    close();
  }
}

async function until(predicate: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
