/**
 * The host's calls to a workspace's server (invites, history, webhooks, retrain) against a real
 * server, through the typed client: answers come back as the host contract says, a refusal
 * carries the server's reason, and an unreachable server is said in one sentence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { createHostHandlers } from '../../src/node/host-handlers.ts';
import { JobRunner } from '../../src/node/jobs.ts';
import { LocalCache } from '../../src/node/local-cache.ts';
import { NOTE_TEXT_KEY, noteDocName } from '../../src/core/workspace/schema.ts';
import { hostRequests } from '../../src/shared/host-contract.ts';

let dir: string;
let server: SyncServer;
let cache: LocalCache;
let ws: { id: string; token: string; memberId: string };
let handlers: ReturnType<typeof createHostHandlers>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-host-calls-'));
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server'), allowPrivateWebhooks: true });
  ws = server.store.createWorkspace('W', 'Ada');
  cache = new LocalCache({ file: join(dir, 'cache.sqlite') });
  cache.saveConnection({ workspaceId: ws.id, name: 'W', serverUrl: server.url, token: ws.token, memberId: ws.memberId, memberName: 'Ada', role: 'owner', local: false, lastOpenedAt: 0 });
  handlers = createHostHandlers({ cache, jobs: new JobRunner({ node: process.execPath, cli: 'bin/driftdesk' }), localServer: null, info: { mode: 'web', version: 'test', dataDir: dir } });
});
afterAll(async () => {
  cache.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('host calls to the server', () => {
  it('invites, lists history, and manages webhooks', async () => {
    const invite = await handlers['workspaces.invite']({ workspaceId: ws.id, name: 'Bo', role: 'viewer' });
    expect(invite.token).toMatch(/^ddt_/);
    expect(await handlers['history.list']({ workspaceId: ws.id })).toEqual({ snapshots: [] });
    const hook = await handlers['webhooks.create']({ workspaceId: ws.id, url: 'http://127.0.0.1:9/hook', purpose: 'incidents' });
    expect(hook).toMatchObject({ url: 'http://127.0.0.1:9/hook', purpose: 'incidents', secret: expect.any(String) });
    expect((await handlers['webhooks.list']({ workspaceId: ws.id })).webhooks.map((w) => w.id)).toEqual([hook.id]);
    expect(await handlers['webhooks.deliveries']({ workspaceId: ws.id })).toEqual({ deliveries: [] });
    expect(await handlers['webhooks.delete']({ workspaceId: ws.id, webhookId: hook.id })).toEqual({ deleted: hook.id });
  });

  it('lists and reads a note\'s own history, not the workspace\'s nor another note\'s', async () => {
    const version = (text: string) => {
      const doc = new Y.Doc();
      doc.getText(NOTE_TEXT_KEY).insert(0, text);
      return Y.encodeStateAsUpdate(doc);
    };
    server.store.addSnapshot(noteDocName(ws.id, 'n1'), version('first draft'), 1_700_000_000_000);
    server.store.addSnapshot(noteDocName(ws.id, 'n1'), version('second draft'), 1_700_000_600_000);
    server.store.addSnapshot(noteDocName(ws.id, 'n2'), version('another note'), 1_700_000_000_000);
    const { snapshots } = await handlers['history.list']({ workspaceId: ws.id, noteId: 'n1' });
    expect(snapshots.map((s) => s.createdAt)).toEqual([1_700_000_600_000, 1_700_000_000_000]);
    const read = async (snapshotId: number, noteId?: string) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, (await handlers['history.get']({ workspaceId: ws.id, snapshotId, noteId })).state);
      return doc.getText(NOTE_TEXT_KEY).toString();
    };
    expect(await read(snapshots[1]!.id, 'n1')).toBe('first draft');
    // A snapshot of n1 is not one of n2's, nor of the workspace doc's: the host names the doc.
    await expect(read(snapshots[1]!.id, 'n2')).rejects.toThrow(/no snapshot/);
    await expect(read(snapshots[1]!.id)).rejects.toThrow(/no snapshot/);
    expect((await handlers['history.list']({ workspaceId: ws.id })).snapshots).toEqual([]);
    // The note id is checked before anything reaches the server: no other doc can be named through it.
    for (const noteId of ['n1:thread:incident:x', '../n1', '', 'n'.repeat(129)]) {
      expect(hostRequests['history.list'].safeParse({ workspaceId: ws.id, noteId }).success).toBe(false);
      expect(hostRequests['history.get'].safeParse({ workspaceId: ws.id, snapshotId: 1, noteId }).success).toBe(false);
    }
    expect(hostRequests['history.list'].safeParse({ workspaceId: ws.id, noteId: 'n1' }).success).toBe(true);
  });

  it('says the server\'s reason when it refuses, and one sentence when it cannot be reached', async () => {
    await expect(handlers['incidents.retrain']({ workspaceId: ws.id, incidentId: 'inc_none' })).rejects.toThrow(/^no incident inc_none$/);
    await expect(handlers['history.get']({ workspaceId: ws.id, snapshotId: 42 })).rejects.toThrow(/^no snapshot 42$/);
    const conn = cache.getConnection(ws.id)!;
    cache.saveConnection({ ...conn, serverUrl: 'http://127.0.0.1:9' });
    try {
      await expect(handlers['webhooks.list']({ workspaceId: ws.id })).rejects.toThrow(/^Could not reach the server at http:\/\/127\.0\.0\.1:9 \(bad port\)/);
    } finally {
      cache.saveConnection(conn);
    }
  });
});
