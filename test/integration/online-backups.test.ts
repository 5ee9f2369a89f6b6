/**
 * Online backups (issue 21): archives written while two clients write continuously hold every
 * edit the server had acknowledged (echoed to another client) when the backup began, restore
 * into an empty server that clients can open, keep the newest N, and report on /metrics.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importWorkspace } from '../../server/archive/import-workspace.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { ServerStore } from '../../server/store.ts';
import { createIncident, listIncidents } from '../../src/core/workspace/index.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

let dir: string;
let server: SyncServer;
const disposers: (() => void)[] = [];
const events: Record<string, unknown>[] = [];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-backups-'));
  events.length = 0;
  // The timer is an hour: the test runs backups itself, as the timer would.
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'data'), snapshotEveryMs: 0, backup: { dir: join(dir, 'backups'), everyMs: 3_600_000, keep: 2 }, log: (e) => events.push(e) });
});
afterEach(async () => {
  for (const d of disposers.splice(0)) d();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const ctx = (id: string, name: string) => ({ actor: { id, name }, now: Date.now, newId: () => crypto.randomUUID() });

describe('online backups', () => {
  it('a backup taken under continuous writes holds every acknowledged edit and restores into an empty server', async () => {
    const ws = server.store.createWorkspace('Live', 'Ada');
    const bob = server.store.createMemberToken(ws.id, 'editor', 'Bob');
    const vic = server.store.createMemberToken(ws.id, 'viewer', 'Vic');
    const a = connectClient(server.url, ws.id, ws.token);
    const b = connectClient(server.url, ws.id, bob.token);
    const watcher = connectClient(server.url, ws.id, vic.token);
    disposers.push(a.dispose, b.dispose, watcher.dispose);
    await Promise.all([synced(a.provider), synced(b.provider), synced(watcher.provider)]);

    let writing = true;
    const writer = async (doc: typeof a.doc, id: string, name: string) => {
      for (let i = 0; writing; i++) {
        createIncident(doc, { title: `${name} ${i}`, severity: 'low' }, ctx(id, name));
        await new Promise((r) => setTimeout(r, 3));
      }
    };
    const writers = Promise.all([writer(a.doc, ws.memberId, 'Ada'), writer(b.doc, bob.memberId, 'Bob')]);
    await waitFor(() => listIncidents(watcher.doc).length > 50, 'writes flowing');
    // What the watcher has seen came back from the server, which stores before it broadcasts.
    const acknowledged = listIncidents(watcher.doc).map((i) => i.id);
    const run = await server.backups!.runNow();
    await waitFor(() => listIncidents(watcher.doc).length > acknowledged.length + 20, 'writes kept flowing during the backup');
    writing = false;
    await writers;
    expect(run.failed).toEqual([]);
    expect(run.written).toHaveLength(1);

    // The drill: the data directory is gone; an empty server imports the newest backup.
    const restoredDir = join(dir, 'restored');
    const store = new ServerStore(restoredDir);
    await importWorkspace(run.written[0]!, () => store.openArchiveSink());
    store.close();
    const restored = await startSyncServer({ port: 0, dataDir: restoredDir });
    try {
      const c = connectClient(restored.url, ws.id, vic.token);
      disposers.push(c.dispose);
      await synced(c.provider);
      const have = new Set(listIncidents(c.doc).map((i) => i.id));
      expect(acknowledged.filter((id) => !have.has(id))).toEqual([]);
      expect(have.size).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      await restored.close();
    }
  }, 60_000);

  it('keeps the newest N per workspace, goes on past a failing workspace, and says so on /metrics and in the log', async () => {
    const one = server.store.createWorkspace('One', 'Ada');
    const two = server.store.createWorkspace('Two', 'Ada');
    for (let i = 0; i < 3; i++) {
      const run = await server.backups!.runNow();
      expect(run.failed).toEqual([]);
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const ws of [one.id, two.id]) expect(readdirSync(join(dir, 'backups', ws))).toHaveLength(2);
    const metrics = async () => (await fetch(`${server.url}/metrics`)).text();
    expect(await metrics()).toMatch(/driftdesk_backup_last_success_timestamp_seconds [1-9]/);
    expect(await metrics()).toMatch(/driftdesk_backup_archives_total 6/);

    // Workspace two's folder is now a file: its archive fails, one's is still written.
    rmSync(join(dir, 'backups', two.id), { recursive: true });
    writeFileSync(join(dir, 'backups', two.id), 'in the way');
    const run = await server.backups!.runNow();
    expect(run.written.map((f) => f.includes(one.id))).toEqual([true]);
    expect(run.failed.map((f) => f.workspaceId)).toEqual([two.id]);
    expect(await metrics()).toMatch(/driftdesk_backup_failures_total 1/);
    expect(await metrics()).toMatch(/driftdesk_backup_last_failure_timestamp_seconds [1-9]/);
    expect(events.find((e) => e.event === 'backup_failed')).toMatchObject({ workspace: two.id });
  });
});
