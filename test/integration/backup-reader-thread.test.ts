/**
 * Online backups read on a worker thread (issue 21: no pause longer than a normal write). The
 * server's main thread never reads an archive row (checked by watching every statement
 * better-sqlite3 prepares on the main thread); a backup under heavy writes is still one
 * consistent snapshot; a reader thread that dies fails that archive only, and the server goes on;
 * a server killed mid-backup leaves only a `.partial` file, which the next run clears.
 * On PostgreSQL, no row of the archive is parsed on the main thread either, and the database
 * going away mid-backup fails that archive only.
 * Real SQLite files, a real PostgreSQL, a real server in process and as a CLI process, real clients.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { readEntries, verifyArchive } from '../../server/archive/import-workspace.ts';
import { sqliteArchiveSource } from '../../server/archive/sqlite-read-worker.ts';
import { exportWorkspace } from '../../server/archive/export-workspace.ts';
import { startReaderThread } from '../../server/archive/reader-thread.ts';
import type { ArchiveSource } from '../../server/archive/archive-store.ts';
import { startSyncServer } from '../../server/index.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import { INSERT_BATCH } from '../../server/sqlite-batches.ts';
import { ServerStore } from '../../server/store.ts';
import { createIncident, initWorkspace, listIncidents } from '../../src/core/workspace/index.ts';
import { serviceOwner, startPostgres } from '../helpers/services.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const dirs: string[] = [];
const servers: { close(): Promise<void> }[] = [];
const children: ChildProcess[] = [];
const disposers: (() => void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const d of disposers.splice(0)) d();
  for (const s of servers.splice(0)) await s.close();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  // A server's close waits for its checkpoint thread (nice +10), which a busy machine runs last.
}, 60_000);

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'driftdesk-backup-thread-'));
  dirs.push(d);
  return d;
}

/** A workspace doc of `incidents` incidents, as two updates (so the archive has to merge them). */
function bigDoc(workspaceId: string, memberId: string, incidents: number): Uint8Array[] {
  const doc = new Y.Doc();
  const now = Date.now();
  let n = 0;
  const as = { actor: { id: memberId, name: 'Ada' }, now: () => now, newId: () => `id${++n}` };
  doc.transact(() => {
    initWorkspace(doc, { id: workspaceId, name: 'Big' }, { now: () => now });
    for (let i = 0; i < incidents / 2; i++) createIncident(doc, { title: `incident ${i}`, severity: 'low', description: 'x'.repeat(400) }, as);
  });
  const half = Y.encodeStateAsUpdate(doc);
  const sv = Y.encodeStateVector(doc);
  doc.transact(() => {
    for (let i = incidents / 2; i < incidents; i++) createIncident(doc, { title: `incident ${i}`, severity: 'low', description: 'x'.repeat(400) }, as);
  });
  return [half, Y.encodeStateAsUpdate(doc, sv)];
}

async function entries(file: string): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  await readEntries(file, () => true, async (e) => void found.set(e.path, e.data!));
  return found;
}

/** Bytes that reach this thread in messages from worker threads while `run` runs. */
async function bytesFromWorkers<T>(run: () => Promise<T>): Promise<{ result: T; bytes: number }> {
  let bytes = 0;
  const size = (v: unknown): number =>
    v instanceof Uint8Array ? v.byteLength : Array.isArray(v) ? v.reduce((n: number, x) => n + size(x), 0) : v && typeof v === 'object' ? Object.values(v).reduce((n: number, x) => n + size(x), 0) : typeof v === 'string' ? v.length : 0;
  const emit = Worker.prototype.emit;
  const spy = vi.spyOn(Worker.prototype, 'emit').mockImplementation(function (this: Worker, event: string | symbol, ...args: unknown[]) {
    if (event === 'message') bytes += size(args[0]);
    return emit.call(this, event, ...args);
  });
  try {
    return { result: await run(), bytes };
  } finally {
    spy.mockRestore();
  }
}

const ctx = (id: string, name: string) => ({ actor: { id, name }, now: Date.now, newId: () => crypto.randomUUID() });

describe('backups read on a worker thread', () => {
  it('the main thread prepares no statement of the archive and receives none of its bytes: the worker reads, merges, hashes and writes', async () => {
    const dir = tempDir();
    const server = await startSyncServer({ port: 0, dataDir: join(dir, 'data'), snapshotEveryMs: 0, backup: { dir: join(dir, 'backups'), everyMs: 3_600_000, keep: 2 } });
    servers.push(server);
    const ws = server.store.createWorkspace('Big', 'Ada');
    const updates = bigDoc(ws.id, ws.memberId, 4000);
    for (const u of updates) server.store.appendUpdate(ws.id, u);
    await server.store.addSnapshot(ws.id, updates[0]!, Date.now() - 1000);
    const blob = randomBytes(6 * 1024 * 1024);
    const sha = createHash('sha256').update(blob).digest('hex');
    server.store.putBlob(ws.id, sha, blob);

    // Every statement any better-sqlite3 connection on this thread prepares while the backup runs.
    const prepared: { sql: string; serverConnection: boolean }[] = [];
    const original = Database.prototype.prepare;
    vi.spyOn(Database.prototype, 'prepare').mockImplementation(function (this: Database.Database, sql: string) {
      prepared.push({ sql, serverConnection: this === server.store.db });
      return original.call(this, sql);
    });
    const { result: run, bytes } = await bytesFromWorkers(() => server.backups!.runNow());
    vi.restoreAllMocks();

    expect(run.failed).toEqual([]);
    expect(run.written).toHaveLength(1);
    // The archive's bytes never come to this thread: the worker writes the file itself.
    expect(bytes).toBeLessThan(64 * 1024);
    // No connection of its own on the main thread, and no row of a doc, snapshot or blob read here.
    expect(prepared.filter((p) => !p.serverConnection)).toEqual([]);
    expect(prepared.filter((p) => /\bdata\b/i.test(p.sql) && /doc_updates|doc_history|blobs/.test(p.sql))).toEqual([]);
    // Yet the archive holds them, byte for byte: the worker read them.
    await verifyArchive(run.written[0]!);
    const got = await entries(run.written[0]!);
    expect(Buffer.compare(got.get('docs/workspace.update')!, Buffer.from(Y.mergeUpdates(updates)))).toBe(0);
    expect(Buffer.compare(got.get('history/1.update')!, Buffer.from(updates[0]!))).toBe(0);
    expect(Buffer.compare(got.get(`blobs/${sha}`)!, blob)).toBe(0);
  }, 60_000);

  it('a backup while the data file is written heavily (updates, blobs, compactions) is one consistent moment', async () => {
    const dir = tempDir();
    const server = await startSyncServer({ port: 0, dataDir: join(dir, 'data'), snapshotEveryMs: 0, backup: { dir: join(dir, 'backups'), everyMs: 3_600_000, keep: 2 } });
    servers.push(server);
    const ws = server.store.createWorkspace('Busy', 'Ada');
    // Write i: an update that sets key i, then blob i. A consistent read sees keys 0..m-1 and
    // blobs 0..m-1 or 0..m-2 (cut between the two writes), never a gap.
    const doc = new Y.Doc();
    const keys = doc.getMap<number>('k');
    const blobs: string[] = [];
    let written = 0;
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        // Bounded (~100 MB of blobs): on a busy machine the lowered reader is slow, and writing
        // flat out until it ends grew the log by gigabytes, which the close then checkpointed.
        if (i >= 2000) {
          while (writing) await new Promise((r) => setTimeout(r, 5));
          break;
        }
        const sv = Y.encodeStateVector(doc);
        keys.set(String(i), i);
        server.store.appendUpdate(ws.id, Y.encodeStateAsUpdate(doc, sv));
        const blob = randomBytes(48 * 1024);
        blob.writeUInt32BE(i, 0);
        const sha = createHash('sha256').update(blob).digest('hex');
        server.store.putBlob(ws.id, sha, blob);
        blobs.push(sha);
        written = i + 1;
        // Loading past COMPACT_AFTER rows rewrites the log under the reader's feet.
        if (i % 250 === 249) server.store.loadDoc(ws.id);
        await new Promise((r) => setImmediate(r));
      }
    })();
    await waitFor(() => written >= 600, 'writes flowing', 30_000);
    const before = written;
    const run = await server.backups!.runNow();
    const after = written;
    writing = false;
    await writer;
    expect(run.failed).toEqual([]);
    expect(after).toBeGreaterThan(before);

    const { rows } = await verifyArchive(run.written[0]!);
    const got = await entries(run.written[0]!);
    const restored = new Y.Doc();
    Y.applyUpdate(restored, got.get('docs/workspace.update')!);
    const m = restored.getMap<number>('k').size;
    expect(m).toBeGreaterThanOrEqual(before);
    expect([...restored.getMap<number>('k').keys()].map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: m }, (_, i) => i));
    const archivedBlobs = new Set(rows.blobs.map((b) => b.sha256));
    expect([m, m - 1]).toContain(archivedBlobs.size);
    expect(blobs.slice(0, archivedBlobs.size).every((s) => archivedBlobs.has(s))).toBe(true);
  }, 120_000);

  it('a reader thread that dies (out of memory) fails that archive only; the server logs it and keeps serving', async () => {
    const dir = tempDir();
    // The reader gets a heap too small for the workspace's monitor history (read as strings,
    // on the heap): it dies mid-archive, after the docs and blobs were read.
    class TightReaderStore extends ServerStore {
      override openArchiveSource(workspaceId: string): Promise<ArchiveSource> {
        return sqliteArchiveSource(join(this.dataDir, 'driftdesk-server.sqlite'), workspaceId, { resourceLimits: { maxOldGenerationSizeMb: 12, maxYoungGenerationSizeMb: 2 } });
      }
    }
    const store = new TightReaderStore(join(dir, 'data'));
    const events: Record<string, unknown>[] = [];
    const server = await startSyncServer({ port: 0, store, snapshotEveryMs: 0, backup: { dir: join(dir, 'backups'), everyMs: 3_600_000, keep: 2 }, log: (e) => events.push(e) });
    servers.push(server);
    const big = store.createWorkspace('Big', 'Ada');
    for (const u of bigDoc(big.id, big.memberId, 1000)) store.appendUpdate(big.id, u);
    const batch = store.db.prepare(INSERT_BATCH);
    for (let i = 0; i < 40; i++) batch.get(big.id, 'm1', Date.now() + i, JSON.stringify({ rows: i, note: 'y'.repeat(1024 * 1024) }), null);
    const small = store.createWorkspace('Small', 'Ada');

    const run = await server.backups!.runNow();
    expect(run.failed.map((f) => f.workspaceId)).toEqual([big.id]);
    expect(run.failed[0]!.error).toMatch(/reader thread (failed|stopped).*memory/i);
    expect(run.written.map((f) => f.includes(small.id))).toEqual([true]);
    expect(events.find((e) => e.event === 'backup_failed')).toMatchObject({ workspace: big.id });
    // Nothing of the failed archive is left, not even its `.partial`.
    expect(existsSync(join(dir, 'backups', big.id)) ? readdirSync(join(dir, 'backups', big.id)) : []).toEqual([]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/driftdesk_backup_failures_total 1/);

    // The server is unharmed: two clients still meet through it.
    const a = connectClient(server.url, small.id, small.token);
    const b = connectClient(server.url, small.id, small.token);
    disposers.push(a.dispose, b.dispose);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    createIncident(a.doc, { title: 'after the crash', severity: 'low' }, ctx(small.memberId, 'Ada'));
    await waitFor(() => listIncidents(b.doc).some((i) => i.title === 'after the crash'), 'an edit after the reader died');
  }, 60_000);

  it('a server killed mid-backup leaves only a .partial (not an archive), which the next run removes', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    const backupDir = join(dir, 'backups');
    const store = new ServerStore(dataDir);
    const ws = store.createWorkspace('Killed', 'Ada');
    for (const u of bigDoc(ws.id, ws.memberId, 2000)) store.appendUpdate(ws.id, u);
    for (let i = 0; i < 40; i++) {
      const blob = randomBytes(1024 * 1024);
      store.putBlob(ws.id, createHash('sha256').update(blob).digest('hex'), blob);
    }
    store.close();
    const folder = join(backupDir, ws.id);
    const files = () => (existsSync(folder) ? readdirSync(folder) : []);
    const serve = () => {
      const child = spawn(process.execPath, ['bin/driftdesk', 'server', '--port', '0', '--data', dataDir, '--backup-dir', backupDir, '--backup-every', '1s', '--keep', '3'], { cwd: ROOT, stdio: 'ignore' });
      children.push(child);
      return child;
    };

    const first = serve();
    await waitFor(() => files().some((f) => f.endsWith('.partial')), 'a backup under way', 60_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const left = files();
    expect(left.filter((f) => f.endsWith('.tar.gz'))).toEqual([]);
    expect(left.filter((f) => f.endsWith('.partial'))).toHaveLength(1);
    // What was left is not a workspace archive, and import says so.
    await expect(verifyArchive(join(folder, left[0]!))).rejects.toThrow();

    const second = serve();
    // The next run writes a whole archive and clears what the killed one left.
    await waitFor(() => files().some((f) => f.endsWith('.tar.gz')) && !files().includes(left[0]!), 'a backup after the restart', 60_000);
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
    const archive = files().find((f) => f.endsWith('.tar.gz'))!;
    expect((await verifyArchive(join(folder, archive))).rows.blobs).toHaveLength(40);
  }, 120_000);

  it("the reader loads the server's own native build of better-sqlite3 (the Electron one in the app)", async () => {
    const dir = tempDir();
    const store = new ServerStore(join(dir, 'data'));
    const ws = store.createWorkspace('Native', 'Ada');
    store.close();
    const file = join(dir, 'data', 'driftdesk-server.sqlite');
    const missing = join(dir, 'electron', 'better_sqlite3.node');
    await expect(sqliteArchiveSource(file, ws.id, { nativeBinding: missing })).rejects.toThrow(missing);
    const nodeBuild = join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    const source = await sqliteArchiveSource(file, ws.id, { nativeBinding: nodeBuild });
    try {
      expect(await source.workspace()).toMatchObject({ id: ws.id, name: 'Native' });
    } finally {
      await source.close();
    }
  });
});

// Linux gives each thread its own nice value; elsewhere the reader runs at the server's priority.
describe.runIf(process.platform === 'linux')('the reader thread yields the cores to the server', () => {
  const niceOf = (tid: number) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
  const expected = () => Math.min(19, getPriority() + 10);

  it('is ten nice steps below the server before its own code runs (its bootstrap included), with the data it was given', async () => {
    // No lowering of its own in this worker: what its first line sees is the starter's doing.
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const os = require('node:os');
      const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
      const atStart = os.getPriority(tid);
      parentPort.postMessage({ id: 0, value: null });
      parentPort.on('message', ({ id }) => parentPort.postMessage({ id, value: { atStart, tid, given: workerData.given } }));
    `;
    const mine = getPriority();
    const thread = await startReaderThread(code, { given: 'kept' });
    try {
      const seen = await thread.call<{ atStart: number; tid: number; given: string }>('how');
      expect(seen.atStart).toBe(expected());
      expect(niceOf(seen.tid)).toBe(expected());
      expect(seen.given).toBe('kept');
    } finally {
      await thread.close();
    }
    // The server's own thread is where it was.
    expect(getPriority()).toBe(mine);
  });

  it("writes the archive file on the reader thread itself, not on libuv's pool (whose threads run at the server's priority)", async () => {
    const dir = tempDir();
    const store = new ServerStore(join(dir, 'data'));
    const ws = store.createWorkspace('Writes', 'Ada');
    // Random bytes do not compress: the archive is at least this big.
    for (let i = 0; i < 8; i++) {
      const blob = randomBytes(1024 * 1024);
      store.putBlob(ws.id, createHash('sha256').update(blob).digest('hex'), blob);
    }
    store.close();
    // Bytes each thread has written (/proc/<pid>/task/<tid>/io, wchar); the reader thread is gone
    // by the end, so what the threads still alive wrote is what was not written by it.
    const written = () => new Map(readdirSync('/proc/self/task').map((t) => [t, Number(/wchar: (\d+)/.exec(readFileSync(`/proc/self/task/${t}/io`, 'utf8'))?.[1] ?? 0)]));
    const before = written();
    const source = await sqliteArchiveSource(join(dir, 'data', 'driftdesk-server.sqlite'), ws.id);
    let summary;
    try {
      summary = await exportWorkspace(source, join(dir, 'out.tar.gz'));
    } finally {
      await source.close();
    }
    const size = statSync(summary.file).size;
    expect(size).toBeGreaterThan(8 * 1024 * 1024);
    let byOthers = 0;
    for (const [tid, bytes] of written()) byOthers += bytes - (before.get(tid) ?? 0);
    expect(byOthers).toBeLessThan(size / 8);
  });

  it("a SQLite archive's reader runs at that priority while it reads, and no other thread of the process was lowered", async () => {
    const dir = tempDir();
    const store = new ServerStore(join(dir, 'data'));
    const ws = store.createWorkspace('Nice', 'Ada');
    store.close();
    const threads = () => new Map(readdirSync('/proc/self/task').map((t) => [Number(t), niceOf(Number(t))]));
    const before = threads();
    const source = await sqliteArchiveSource(join(dir, 'data', 'driftdesk-server.sqlite'), ws.id);
    try {
      expect(await source.workspace()).toMatchObject({ id: ws.id });
      const during = threads();
      const added = [...during].filter(([tid]) => !before.has(tid));
      expect(added.length).toBeGreaterThanOrEqual(1);
      expect(added.some(([, nice]) => nice === expected())).toBe(true);
      for (const [tid, nice] of before) if (during.has(tid)) expect(during.get(tid), `thread ${tid}`).toBe(nice);
    } finally {
      await source.close();
    }
  });
});

describe('backups on PostgreSQL read on a worker thread', () => {
  const services = serviceOwner();
  afterAll(() => services.stop());

  it('the main thread runs no query that reads a doc, snapshot or blob row and receives none of their bytes; the archive holds them byte for byte', async () => {
    const postgres = await services.start(startPostgres());
    const dir = tempDir();
    const server = await startSyncServer({ port: 0, store: await PostgresStore.open(postgres.url), monitorJobs: false, snapshotEveryMs: 0, backup: { dir: join(dir, 'backups'), everyMs: 3_600_000, keep: 2 } });
    servers.push(server);
    const ws = await server.store.createWorkspace('Big', 'Ada');
    const updates = bigDoc(ws.id, ws.memberId, 4000);
    for (const u of updates) await server.store.appendUpdate(ws.id, u);
    await server.store.addSnapshot(ws.id, updates[0]!, Date.now() - 1000);
    const blob = randomBytes(6 * 1024 * 1024);
    const sha = createHash('sha256').update(blob).digest('hex');
    await server.store.putBlob(ws.id, sha, blob);

    // Every query any node-postgres client on this thread sends while the backup runs.
    const sent: string[] = [];
    const original = pg.Client.prototype.query;
    vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const q = args[0];
      sent.push(typeof q === 'string' ? q : String((q as { text?: string })?.text));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original);
    const { result: run, bytes } = await bytesFromWorkers(() => server.backups!.runNow());
    vi.restoreAllMocks();

    expect(run.failed).toEqual([]);
    expect(run.written).toHaveLength(1);
    expect(bytes).toBeLessThan(64 * 1024);
    expect(sent.filter((sql) => /\bdata\b/i.test(sql) && /doc_updates|doc_history|blobs/.test(sql))).toEqual([]);
    await verifyArchive(run.written[0]!);
    const got = await entries(run.written[0]!);
    expect(Buffer.compare(got.get('docs/workspace.update')!, Buffer.from(Y.mergeUpdates(updates)))).toBe(0);
    expect(Buffer.compare(got.get('history/1.update')!, Buffer.from(updates[0]!))).toBe(0);
    expect(Buffer.compare(got.get(`blobs/${sha}`)!, blob)).toBe(0);
  }, 120_000);

  it('PostgreSQL going away mid-backup fails that archive, leaves no file, and the next run (database back) writes it', async () => {
    const postgres = await services.start(startPostgres());
    const dir = tempDir();
    const events: Record<string, unknown>[] = [];
    const server = await startSyncServer({ port: 0, store: await PostgresStore.open(postgres.url), monitorJobs: false, snapshotEveryMs: 0, backup: { dir: join(dir, 'backups'), everyMs: 3_600_000, keep: 2 }, log: (e) => events.push(e) });
    servers.push(server);
    const ws = await server.store.createWorkspace('Away', 'Ada');
    for (let i = 0; i < 40; i++) {
      const blob = randomBytes(1024 * 1024);
      await server.store.putBlob(ws.id, createHash('sha256').update(blob).digest('hex'), blob);
    }
    const folder = join(dir, 'backups', ws.id);
    const files = () => (existsSync(folder) ? readdirSync(folder) : []);
    const running = server.backups!.runNow();
    await waitFor(() => files().some((f) => f.endsWith('.partial')), 'the archive under way', 30_000);
    postgres.pause();
    const run = await running;
    expect(run.failed.map((f) => f.workspaceId)).toEqual([ws.id]);
    expect(events.find((e) => e.event === 'backup_failed')).toMatchObject({ workspace: ws.id });
    expect(files()).toEqual([]);

    postgres.resume();
    const again = await server.backups!.runNow();
    expect(again.failed).toEqual([]);
    expect((await verifyArchive(again.written[0]!)).rows.blobs).toHaveLength(40);
  }, 120_000);
});
