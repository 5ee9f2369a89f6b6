/**
 * WAL checkpoints on a thread of their own. SQLite checkpoints in the connection that commits
 * past `wal_autocheckpoint` frames: for the server that is its event loop, and a checkpoint
 * fsyncs the WAL and then the database file. An fsync waits for the disk, so now and then a
 * comment's write held every client for 25–65 ms (bench:backup, 2026-12-07: `fsync` on the main
 * thread, caught by bench/stall-watch.ts and strace), and after an online backup the frames its
 * read transaction kept from being checkpointed were all copied and synced in the first commit
 * after it. So the store's connection sets `wal_autocheckpoint = 0` and this worker, with a
 * connection of its own, checkpoints instead:
 *
 * - every `tickMs` it asks SQLite how much of the log is not yet in the database
 *   (`wal_checkpoint(NOOP)`, no I/O) and runs a PASSIVE checkpoint when that is `maxFrames` or
 *   more (4000, 16 MB of 4 KiB pages) or when frames have waited `maxAgeMs` (10 s: until a
 *   checkpoint syncs it, a commit survives the process dying but not a power cut);
 * - PASSIVE never waits for a lock and never blocks a writer or a reader: frames a reader (a
 *   backup's snapshot) still needs stay in the log and are copied on a later tick.
 *
 * The writer still restarts the log after a complete checkpoint, and SQLite syncs the new log
 * header in that commit (synchronous = NORMAL keeps that fsync: without it a power cut could
 * corrupt the database); that one sync of a header per log generation is all the disk waiting
 * left on the event loop (0.4–17 ms, once 55 ms, on the shared bench machine), hence the
 * thresholds above SQLite's 1000 frames: fewer generations. If the worker fails to start or
 * dies, the store's connection checkpoints itself again (`wal_autocheckpoint = 1000`), as before.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { startLowered } from './thread-priority.ts';

export interface CheckpointResult {
  /** Frames in the log and frames of it now in the database (SQLite's wal_checkpoint answer). */
  log: number;
  checkpointed: number;
  busy: number;
}

export interface CheckpointerOptions {
  nativeBinding?: string;
  tickMs?: number;
  maxFrames?: number;
  maxAgeMs?: number;
  /** A checkpoint that failed (an I/O error): the next tick tries again. */
  onError?: (error: Error) => void;
  /** The worker stopped without being asked to (its connection is gone). */
  onExit?: (error: Error) => void;
}

export interface Checkpointer {
  /** A PASSIVE checkpoint now, whatever the thresholds say; resolves with SQLite's answer. */
  checkpointNow(): Promise<CheckpointResult>;
  /** Closes the worker's connection and ends the thread. */
  close(): Promise<void>;
}

// Plain CommonJS, so the worker needs no TypeScript loader (as sqlite-read-worker.ts).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
const { file, nativeBinding, tickMs, maxFrames, maxAgeMs } = workerData;
const errorText = (error) => String((error && error.message) || error);
let db;
try {
  db = new Database(file, Object.assign({ fileMustExist: true }, nativeBinding ? { nativeBinding } : {}));
  // A checkpoint syncs the log and the database file whatever this says; NORMAL as the store.
  db.pragma('synchronous = NORMAL');
  // This connection never commits, so it never checkpoints by itself either.
  db.pragma('wal_autocheckpoint = 0');
  const mode = db.pragma('journal_mode', { simple: true });
  if (mode !== 'wal') throw new Error('the database is not in WAL mode (journal_mode = ' + mode + ')');
  parentPort.postMessage({ id: 0, value: null });
} catch (error) {
  parentPort.postMessage({ id: 0, error: errorText(error) });
  db = null;
}
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)')[0];
let waitingSince = 0;
let lastError = '';
let lastErrorAt = 0;
const timer = db && setInterval(() => {
  try {
    const { log, checkpointed } = db.pragma('wal_checkpoint(NOOP)')[0];
    const pending = log - checkpointed;
    if (pending <= 0) {
      waitingSince = 0;
      return;
    }
    const now = Date.now();
    if (waitingSince === 0) waitingSince = now;
    if (pending < maxFrames && now - waitingSince < maxAgeMs) return;
    const done = checkpoint();
    // Frames a reader still needs stay behind: they are pending from now, not from before.
    waitingSince = done.checkpointed < done.log ? now : 0;
  } catch (error) {
    // Said once, then again only if it changes or a minute has passed: a full disk fails every tick.
    const text = errorText(error);
    if (text !== lastError || Date.now() - lastErrorAt > 60000) {
      parentPort.postMessage({ id: -1, error: text });
      lastError = text;
      lastErrorAt = Date.now();
    }
  }
}, tickMs);
parentPort.on('message', ({ id, op }) => {
  try {
    if (op === 'checkpoint') return parentPort.postMessage({ id, value: checkpoint() });
    if (op === 'close') {
      clearInterval(timer);
      if (db && db.open) db.close();
      parentPort.postMessage({ id, value: null });
      parentPort.close();
    }
  } catch (error) {
    parentPort.postMessage({ id, error: errorText(error) });
  }
});
`;

/** Starts the worker; resolves once its connection is open (rejects, with why, if it cannot be). */
export async function startCheckpointer(file: string, options: CheckpointerOptions = {}): Promise<Checkpointer> {
  const require = createRequire(import.meta.url);
  // Background work, ten nice steps below the server: a checkpoint copies up to maxFrames pages
  // (16 MB), and more after a backup held them back; at the server's priority the event loop
  // waited up to 79 and 135 ms behind it on a busy machine (bench:backup's sched traces). PASSIVE
  // checkpoints never block a writer, so running later only leaves the log longer a while (and
  // a commit longer without the sync that makes it survive a power cut: a checkpoint is mostly
  // waiting for the disk, which a lower priority barely delays).
  const worker = startLowered(
    () =>
      new Worker(WORKER, {
        eval: true,
        workerData: {
          betterSqlite3: require.resolve('better-sqlite3'),
          file,
          nativeBinding: options.nativeBinding,
          tickMs: options.tickMs ?? 200,
          maxFrames: options.maxFrames ?? 4000,
          maxAgeMs: options.maxAgeMs ?? 10_000,
        },
      }),
  );
  // Background work: it must never keep a process from exiting.
  worker.unref();
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  let closing = false;
  let dead: Error | null = null;
  worker.on('message', (m: { id: number; value?: unknown; error?: string }) => {
    if (m.id === -1) return options.onError?.(new Error(`a WAL checkpoint failed: ${m.error}`));
    const p = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(m.id === 0 ? `the checkpoint thread could not open ${file}: ${m.error}` : m.error));
    else p?.resolve(m.value);
  });
  const fail = (error: Error) => {
    const first = dead === null;
    dead ??= error;
    for (const p of waiting.values()) p.reject(dead);
    waiting.clear();
    if (first && !closing) options.onExit?.(dead);
  };
  worker.on('error', (err) => fail(new Error(`the checkpoint thread failed: ${err.message}`)));
  worker.on('exit', (code) => fail(new Error(`the checkpoint thread stopped (exit code ${code})`)));
  const call = <T>(op: string): Promise<T> => {
    if (dead) return Promise.reject(dead);
    const id = ++next;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, op });
    });
  };
  try {
    await new Promise((resolve, reject) => waiting.set(0, { resolve, reject }));
  } catch (err) {
    closing = true;
    await worker.terminate();
    throw err;
  }
  let closed: Promise<void> | null = null;
  return {
    checkpointNow: () => call<CheckpointResult>('checkpoint'),
    close() {
      closed ??= (async () => {
        closing = true;
        await call('close').catch(() => {});
        await worker.terminate();
      })();
      return closed;
    },
  };
}
