/**
 * WAL checkpoints run on the checkpoint thread, never in a commit on the server's connection
 * (issue 21: a checkpoint's fsync on the event loop was the backup bench's longest pause).
 * Real SQLite files, the real worker, a real archive reader holding a backup's snapshot.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../test/helpers/sync-clients.ts';
import { sqliteArchiveSource } from './archive/sqlite-read-worker.ts';
import { startCheckpointer } from './sqlite-checkpointer.ts';
import { ServerStore } from './store.ts';
import { startSyncServer } from './sync-server.ts';

const dirs: string[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'driftdesk-checkpointer-'));
  dirs.push(d);
  return d;
}

const FILE = 'driftdesk-server.sqlite';

/** SQLite's own account of the log, from a connection of the test's (NOOP: it copies nothing). */
function walState(dir: string): { log: number; checkpointed: number } {
  const db = new Database(join(dir, FILE), { readonly: true });
  try {
    return (db.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[])[0]!;
  } finally {
    db.close();
  }
}

/** `n` updates of 5 KB each on the store's own connection: at least one WAL frame apiece. */
function write(store: ServerStore, workspaceId: string, n: number): void {
  for (let i = 0; i < n; i++) store.appendUpdate(workspaceId, new Uint8Array(5000).fill(i % 251));
}

async function storeWithThread(dir: string, options = { tickMs: 10, maxFrames: 40, maxAgeMs: 60_000 }) {
  const store = new ServerStore(dir);
  cleanups.push(() => store.close());
  await store.checkpointInBackground(options);
  return store;
}

describe('the checkpoint thread', () => {
  it('checkpoints what the server writes, and the server\'s connection never does', async () => {
    const dir = tempDir();
    const store = await storeWithThread(dir);
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const ws = store.createWorkspace('W', 'Ada');
    write(store, ws.id, 100);
    // Nothing else writes or checkpoints: only the thread can bring the log into the database.
    await waitFor(() => {
      const s = walState(dir);
      return s.log > 0 && s.checkpointed === s.log;
    }, 'the checkpoint thread to copy the log into the database');
  });

  it('leaves a small log alone until it is old enough, then checkpoints it', async () => {
    const dir = tempDir();
    const store = await storeWithThread(dir, { tickMs: 10, maxFrames: 1000, maxAgeMs: 300 });
    const ws = store.createWorkspace('W', 'Ada');
    write(store, ws.id, 3);
    const written = Date.now();
    await waitFor(() => {
      const s = walState(dir);
      return s.log > 0 && s.checkpointed === s.log;
    }, 'the aged log to be checkpointed');
    expect(Date.now() - written).toBeGreaterThanOrEqual(250);
  });

  it('holds back what a backup\'s snapshot still reads, and copies it once the backup ends, with no commit in between', async () => {
    const dir = tempDir();
    const store = await storeWithThread(dir);
    const ws = store.createWorkspace('W', 'Ada');
    write(store, ws.id, 10);
    await store.checkpointNow();
    // A backup's reader: a read transaction on its own thread, as a backup run opens it.
    const source = await sqliteArchiveSource(join(dir, FILE), ws.id);
    let closed = false;
    cleanups.push(() => (closed ? undefined : source.close()));
    write(store, ws.id, 100);
    const during = (await store.checkpointNow())!;
    expect(during.checkpointed).toBeLessThan(during.log);
    await source.close();
    closed = true;
    // The server writes nothing now; before this thread, only its next commit would have copied the rest.
    await waitFor(() => {
      const s = walState(dir);
      return s.checkpointed === s.log;
    }, 'the frames the backup held back to be checkpointed');
  });

  it('hands checkpoints back to the server\'s connection when stopped', async () => {
    const dir = tempDir();
    const store = await storeWithThread(dir);
    await store.stopBackgroundCheckpoints();
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(store.checkpointNow()).toBeUndefined();
  });

  it('refuses a database it cannot serve, saying which and why', async () => {
    const dir = tempDir();
    await expect(startCheckpointer(join(dir, 'missing.sqlite'))).rejects.toThrow(/could not open .*missing\.sqlite/);
    const rollback = new Database(join(dir, 'rollback.sqlite'));
    rollback.exec('CREATE TABLE t (x)');
    rollback.close();
    await expect(startCheckpointer(join(dir, 'rollback.sqlite'))).rejects.toThrow(/not in WAL mode \(journal_mode = delete\)/);
  });

  // Linux gives each thread its own nice value; elsewhere the thread runs at the server's priority.
  it.runIf(process.platform === 'linux')("runs ten nice steps below the thread that started it, and leaves the process's other threads alone", async () => {
    const dir = tempDir();
    const store = new ServerStore(dir);
    cleanups.push(() => store.close());
    await store.stopBackgroundCheckpoints();
    const file = join(dir, 'driftdesk-server.sqlite');
    const niceOf = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
    const threads = () => new Map(readdirSync('/proc/self/task').map((t) => [t, niceOf(t)]));
    const before = threads();
    const checkpointer = await startCheckpointer(file);
    try {
      const during = threads();
      const added = [...during].filter(([tid]) => !before.has(tid));
      expect(added).toHaveLength(1);
      expect(added[0]![1]).toBe(Math.min(19, getPriority() + 10));
      for (const [tid, nice] of before) if (during.has(tid)) expect(during.get(tid), `thread ${tid}`).toBe(nice);
      expect(await checkpointer.checkpointNow()).toMatchObject({ busy: 0 });
    } finally {
      await checkpointer.close();
    }
  });

  it('is started by a server on a data directory, and stopped with it', async () => {
    const dir = tempDir();
    const server = await startSyncServer({ port: 0, dataDir: dir });
    let open = true;
    cleanups.push(() => (open ? server.close() : undefined));
    expect(server.store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(await server.store.checkpointNow()).toMatchObject({ busy: 0 });
    await server.close();
    open = false;
    expect(server.store.checkpointNow()).toBeUndefined();
  });
});
