/**
 * An attacker's review of workspace archives (issue 21): online backups in a folder that holds a person's own files and links, fills up, or turns unwritable.
 * Every byte of an archive is the attacker's; each hostile one must be refused with an error that
 * names the entry or field, with nothing written. Real SQLite files, a real PostgreSQL, a real
 * sync server, the real CLI; no mocks. Shared set-up: test/helpers/archive-attack-fixture.ts.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { importWorkspace } from '../../server/archive/import-workspace.ts';
import { backupFileName, startBackups } from '../../server/backups.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { ServerStore } from '../../server/store.ts';
import { createIncident, listIncidents } from '../../src/core/workspace/index.ts';
import { sha256 } from '../helpers/archive-forge.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';
import { cli, ctx, dir, useArchiveFixture } from '../helpers/archive-attack-fixture.ts';

useArchiveFixture();

describe('online backups in a folder an attacker or a full disk shares', () => {
  let server: SyncServer<ServerStore>;
  const disposers: (() => void)[] = [];
  beforeAll(async () => {
    server = await startSyncServer({ port: 0, dataDir: join(dir, 'backup-server'), snapshotEveryMs: 0 });
  });
  afterAll(async () => {
    for (const d of disposers) d();
    await server.close();
  });

  /** A backup runner on the live server's store, with its own clock and metrics. */
  const runner = (backupDir: string, keep: number, clock: { now: number }) => {
    const registry = new Registry();
    const events: Record<string, unknown>[] = [];
    const backups = startBackups(server.store, { dir: backupDir, everyMs: 3_600_000, keep }, registry, (e) => events.push(e), () => clock.now);
    return { backups, events, metrics: () => registry.metrics() };
  };

  it('--keep prunes only its own archives: a person’s files, links named like archives and archives from the future stay, and a new backup is never the one pruned', async () => {
    const ws = server.store.createWorkspace('Pruned', 'Ada');
    server.store.appendUpdate(ws.id, Y.encodeStateAsUpdate(new Y.Doc()));
    const backupDir = join(dir, 'backups-prune');
    const folder = join(backupDir, ws.id);
    mkdirSync(folder, { recursive: true });
    // A person's own files: notes, and precious archives outside the folder that links point at.
    writeFileSync(join(folder, 'notes.txt'), 'restore drill: see runbook');
    writeFileSync(join(backupDir, 'precious.tar.gz'), 'the only copy');
    const old = (ms: number) => `${ws.id}-${new Date(ms).toISOString().replace(/[-:.]/g, '')}.tar.gz`;
    symlinkSync(join(backupDir, 'precious.tar.gz'), join(folder, old(Date.UTC(2001, 0, 1))));
    symlinkSync('/etc/hostname', join(folder, old(Date.UTC(2001, 0, 2))));
    mkdirSync(join(folder, old(Date.UTC(2001, 0, 3))));
    writeFileSync(join(folder, old(Date.UTC(2001, 0, 3)), 'inside.txt'), 'kept');
    // Named as an archive of 2999: not ours to count or prune (ours are never stamped after the run).
    const future = old(Date.UTC(2999, 0, 1));
    writeFileSync(join(folder, future), 'an operator’s file');
    const clock = { now: Date.UTC(2026, 11, 1) };
    const { backups } = runner(backupDir, 1, clock);
    try {
      const mine: string[] = [];
      for (let i = 0; i < 3; i++) {
        clock.now += 60_000;
        const run = await backups.runNow();
        expect(run.failed).toEqual([]);
        expect(run.written).toEqual([join(folder, backupFileName(ws.id, clock.now))]);
        mine.push(run.written[0]!);
        // keep 1: the archive just written is the one kept, each time.
        expect(existsSync(run.written[0]!)).toBe(true);
      }
      expect(mine.slice(0, 2).map(existsSync)).toEqual([false, false]);
      expect(readFileSync(join(backupDir, 'precious.tar.gz'), 'utf8')).toBe('the only copy');
      expect(lstatSync(join(folder, old(Date.UTC(2001, 0, 1)))).isSymbolicLink()).toBe(true);
      expect(lstatSync(join(folder, old(Date.UTC(2001, 0, 2)))).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(folder, old(Date.UTC(2001, 0, 3)), 'inside.txt'), 'utf8')).toBe('kept');
      expect(readFileSync(join(folder, future), 'utf8')).toBe('an operator’s file');
      expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('restore drill: see runbook');
      // A `.partial` that is a link is not ours to remove either.
      const partialLink = join(folder, `${old(Date.UTC(2001, 0, 4))}.partial`);
      symlinkSync(join(backupDir, 'precious.tar.gz'), partialLink);
      clock.now += 60_000;
      expect((await backups.runNow()).failed).toEqual([]);
      expect(lstatSync(partialLink).isSymbolicLink()).toBe(true);
    } finally {
      await backups.stop();
    }
  });

  it('a backup period a timer cannot hold (past 24.8 days) is a usage error, not backups every millisecond', async () => {
    for (const every of ['25d', '30d', '999999999d']) {
      const r = await cli(['server', '--port', '0', '--data', join(dir, 'every-data'), '--backup-dir', join(dir, 'every-backups'), '--backup-every', every], {}, 8_000);
      expect([every, r.code]).toEqual([every, 2]);
      expect(r.stderr).toContain(`--backup-every takes a duration like 30m, 1h or 1d, at most 24d, got ${every}`);
    }
    expect(existsSync(join(dir, 'every-backups'))).toBe(false);
    expect(() => startBackups(server.store, { dir: join(dir, 'every-backups'), everyMs: 30 * 86_400_000, keep: 1 }, new Registry(), () => {})).toThrow(/between 1 s and 2147483647 ms/);
  }, 60_000);

  it('a disk that fills mid-archive or a folder that turns unwritable is reported, leaves no .partial, and the server and the next run go on', async () => {
    const ws = server.store.createWorkspace('Full disk', 'Ada');
    const ada = connectClient(server.url, ws.id, ws.token);
    const bob = connectClient(server.url, ws.id, server.store.createMemberToken(ws.id, 'editor', 'Bob').token);
    disposers.push(ada.dispose, bob.dispose);
    await Promise.all([synced(ada.provider), synced(bob.provider)]);
    // Two megabytes that do not compress: the archive's first gzip member is written mid-blob.
    const blob = randomBytes(2 * 1024 * 1024);
    server.store.putBlob(ws.id, sha256(blob), blob);
    await server.flushed();
    const backupDir = join(dir, 'backups-full');
    const folder = join(backupDir, ws.id);
    mkdirSync(folder, { recursive: true });
    const clock = { now: Date.UTC(2026, 11, 2) };
    const { backups, events, metrics } = runner(backupDir, 3, clock);
    try {
      // A link planted at the name the next archive is written under first: never written through.
      clock.now += 60_000;
      writeFileSync(join(backupDir, 'victim.txt'), 'not an archive');
      symlinkSync(join(backupDir, 'victim.txt'), `${join(folder, backupFileName(ws.id, clock.now))}.partial`);
      const planted = await backups.runNow();
      expect(planted.written).toContain(join(folder, backupFileName(ws.id, clock.now)));
      expect(readFileSync(join(backupDir, 'victim.txt'), 'utf8')).toBe('not an archive');
      expect(lstatSync(join(folder, backupFileName(ws.id, clock.now))).isFile()).toBe(true);
      rmSync(folder, { recursive: true });
      mkdirSync(folder);

      // The disk fills: the folder is a 512 KiB file system, and the archive needs 2 MB.
      clock.now += 60_000;
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k,mode=0700', 'tmpfs', folder]);
      let fullResult: Awaited<ReturnType<typeof backups.runNow>>;
      try {
        fullResult = await backups.runNow();
        expect(readdirSync(folder)).toEqual([]);
      } finally {
        execFileSync('umount', [folder]);
      }
      // (Every workspace of the server is backed up; this one's folder is the one under attack.)
      const mineOnly = <T extends { written: string[]; failed: { workspaceId: string; error: string }[] }>(run: T) => ({ written: run.written.filter((f) => f.startsWith(folder)), failed: run.failed.filter((f) => f.workspaceId === ws.id) });
      const full = mineOnly(fullResult);
      expect(full.written).toEqual([]);
      expect(full.failed).toEqual([{ workspaceId: ws.id, error: expect.stringMatching(/ENOSPC|no space left/i) as unknown as string }]);
      expect(events.find((e) => e.event === 'backup_failed')).toMatchObject({ workspace: ws.id });
      expect(await metrics()).toMatch(/driftdesk_backup_failures_total 1\b/);
      const archivesTotal = async () => Number(/driftdesk_backup_archives_total (\d+)/.exec(await metrics())![1]);
      const writtenBefore = await archivesTotal();
      expect(await metrics()).toMatch(/driftdesk_backup_last_failure_timestamp_seconds [1-9]/);
      expect(readdirSync(folder)).toEqual([]);
      // The server went on serving the workspace being backed up.
      createIncident(ada.doc, { title: 'After the full disk', severity: 'low' }, ctx(ws.memberId, 'Ada'));
      await waitFor(() => listIncidents(bob.doc).length === 1, 'an edit after the failed backup');
      await server.flushed();

      // The folder turns unwritable (immutable: root writes anywhere a mode allows).
      const root = process.getuid?.() === 0;
      if (root) execFileSync('chattr', ['+i', folder]);
      else execFileSync('chmod', ['0500', folder]);
      try {
        clock.now += 60_000;
        const unwritable = mineOnly(await backups.runNow());
        expect(unwritable.written).toEqual([]);
        expect(unwritable.failed.map((f) => f.workspaceId)).toEqual([ws.id]);
        expect(unwritable.failed[0]!.error).toMatch(/EPERM|EACCES|not permitted|permission denied/i);
        expect(await metrics()).toMatch(/driftdesk_backup_failures_total 2\b/);
      } finally {
        if (root) execFileSync('chattr', ['-i', folder]);
        else execFileSync('chmod', ['0700', folder]);
      }
      expect(readdirSync(folder)).toEqual([]);

      // Space again: the next run writes a whole archive, which imports with the edit made in between.
      clock.now += 60_000;
      const again = mineOnly(await backups.runNow());
      expect(again.failed).toEqual([]);
      expect(readdirSync(folder)).toEqual([backupFileName(ws.id, clock.now)]);
      expect(await archivesTotal()).toBe(writtenBefore + 1 + (server.store.workspaceIds().length - 1) * 2);
      const restored = new ServerStore(join(dir, 'restored-after-full'));
      try {
        expect(await importWorkspace(again.written[0]!, () => restored.openArchiveSink())).toMatchObject({ blobs: 1 });
        const doc = new Y.Doc();
        Y.applyUpdate(doc, restored.loadDoc(ws.id));
        expect(listIncidents(doc).map((i) => i.title)).toEqual(['After the full disk']);
      } finally {
        restored.close();
      }
    } finally {
      await backups.stop();
    }
  }, 60_000);
});
