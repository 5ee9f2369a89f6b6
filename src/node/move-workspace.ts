/**
 * "Move to a team server…": a workspace hosted by the app's embedded server goes to a team
 * server where the person holds the owner token of an empty workspace (the team's admin made it
 * with `driftdesk workspace create`). Blobs go first through the blob API, then the archive of
 * everything else (server/archive/adopt-workspace.ts), then this device switches over. Until
 * the team server has answered, nothing here changes: a failure half way leaves the local
 * workspace as it was, and trying again finishes the move (the server merges the same state
 * again, which changes nothing twice).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchiveSource } from '../../server/archive/archive-store.ts';
import { exportWorkspace } from '../../server/archive/export-workspace.ts';
import { type MoveResult, type WorkspaceConnection, inviteLink } from '../shared/host-contract.ts';
import type { LocalCache } from './local-cache.ts';
import { pushPendingEdits } from './pending-sync.ts';
import { createServerClient } from './server-api-client.ts';
import { fetchIdentity, normalizeServerUrl } from './server-client.ts';

export interface MoveDeps {
  cache: LocalCache;
  openArchiveSource(workspaceId: string): Promise<ArchiveSource>;
  now: () => number;
  /** Progress for the person: what the move is doing now. */
  progress?: (step: string) => void;
}

export async function moveWorkspace(deps: MoveDeps, from: WorkspaceConnection, target: { serverUrl: string; token: string }): Promise<MoveResult> {
  const { cache, progress = () => {} } = deps;
  if (!from.local) throw new Error('only a workspace on this computer’s own server can be moved to a team server');
  if (from.role !== 'owner') throw new Error('only the workspace’s owner can move it');
  const base = normalizeServerUrl(target.serverUrl);
  const found = await fetchIdentity(base, target.token);
  if (found.kind !== 'ok') throw new Error(found.message);
  const { identity } = found;
  if (identity.role !== 'owner') throw new Error(`that token is ${identity.name}’s (${identity.role}) on “${identity.workspaceName}”; moving needs the owner token of an empty workspace`);

  progress('Saving your latest edits…');
  const pushed = await pushPendingEdits(cache, from);
  if (pushed.pending > 0) throw new Error(`${pushed.pending} change(s) could not be saved to this computer’s server (${pushed.error ?? 'unknown error'}); nothing was moved`);

  const api = createServerClient({ serverUrl: base, token: target.token, workspaceId: identity.workspaceId });
  const source = await deps.openArchiveSource(from.workspaceId);
  const dir = await mkdtemp(join(tmpdir(), 'driftdesk-move-'));
  try {
    const blobs = await source.blobs();
    for (const [i, blob] of blobs.entries()) {
      progress(`Uploading files ${i + 1} of ${blobs.length}…`);
      await api.call('blobs.put', { params: { sha256: blob.sha256 }, body: await source.blob(blob.sha256), timeoutMs: 120_000 });
    }
    progress('Sending the workspace…');
    const file = join(dir, 'workspace.tar.gz');
    await exportWorkspace(source, file, { blobs: false, now: deps.now() });
    const adopted = await api.call('workspaces.adopt', { params: { memberId: from.memberId }, body: await readFile(file), timeoutMs: 300_000 });
    const connection: WorkspaceConnection = {
      workspaceId: identity.workspaceId,
      name: identity.workspaceName,
      serverUrl: base,
      token: target.token,
      memberId: from.memberId,
      memberName: from.memberName,
      role: 'owner',
      local: false,
      lastOpenedAt: deps.now(),
    };
    cache.saveConnection(connection);
    // The local copy stays on this computer's server (nothing is deleted); the list shows the team one.
    cache.removeConnection(from.workspaceId);
    progress('Moved.');
    return { connection, invites: adopted.invites.map((i) => ({ name: i.name, role: i.role, link: inviteLink(base, i.token) })) };
  } finally {
    await source.close();
    await rm(dir, { recursive: true, force: true });
  }
}
