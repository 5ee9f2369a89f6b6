/**
 * The main thread's side of an archive reader thread (sqlite-read-worker.ts, pg-read-worker.ts):
 * starts the worker, waits for its first message (the read transaction began, or why not),
 * then sends it one request at a time by id and hands back its answers. A worker that dies (out
 * of memory, a native fault) rejects every pending and later call with what happened, so an
 * export fails and cleans up while the server goes on.
 *
 * The worker's side speaks this protocol: first `{ id: 0, value }` or `{ id: 0, error }`, then
 * for each `{ id, op, arg }` one `{ id, value }` or `{ id, error }`; `op: 'close'` ends its
 * transaction and connection.
 */
import { access } from 'node:fs/promises';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { backgroundNice, startLowered } from '../thread-priority.ts';
import type { ArchiveFileWriter, ArchiveRead } from './archive-store.ts';

export interface ReaderThread {
  call<T>(op: string, arg?: unknown): Promise<T>;
  /** Ends the worker's transaction (when it is alive) and the thread. */
  close(): Promise<void>;
}

/** Reads bytes in a worker and moves them to the main thread without a copy (plain CommonJS). */
export const WORKER_BYTES = `
// A Buffer that owns its whole ArrayBuffer moves to the main thread as is; any other is copied
// here first (a pooled Buffer cannot be transferred, and would drag its neighbours along).
function bytes(buf, transfer) {
  const u = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (u.byteOffset === 0 && u.byteLength === u.buffer.byteLength && !transfer.includes(u.buffer)) {
    transfer.push(u.buffer);
    return u;
  }
  const copy = new Uint8Array(u);
  transfer.push(copy.buffer);
  return copy;
}
const errorText = (error) => String((error && error.message) || error);
// A backup is background work: on Linux a thread has its own nice value, so this thread (its
// reads, merges, hashing and tar) yields a busy core to the server's thread. The starter lowered
// it as it was created (startLowered, server/thread-priority.ts) when it could; this is the fallback, to the same value
// (ten steps below the starter: a server started with \`nice\` is at 10 already). Elsewhere, or
// if refused, it runs at the server's priority.
try {
  const os = require('node:os');
  const { readerNice } = require('node:worker_threads').workerData;
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0 && Number.isInteger(readerNice) && os.getPriority(tid) < readerNice) os.setPriority(tid, readerNice);
} catch {}
`;

/**
 * Writes the archive file inside the worker (plain CommonJS), with synchronous writes on its own thread: gzip (level 6, in 1 MiB members) over a tar-stream
 * pack, each entry a 0600 file stamped with the archive's time, hashed (SHA-256) as it is added.
 * export-workspace.ts decides the entries and their order; the bytes of a doc, snapshot or blob
 * go from the read to the file without leaving this thread. The worker defines
 * `readBytes(op, arg)`, which reads an entry's bytes where it reads.
 */
export const WORKER_ARCHIVE = `
const tar = require(workerData.tarStream);
const { gzipSync } = require('node:zlib');
const { Transform } = require('node:stream');
const { closeSync, openSync, writeSync } = require('node:fs');
const { Writable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const { createHash } = require('node:crypto');
let archive = null;
// gzip in this thread, not on libuv's shared pool (whose threads run at the server's priority):
// the tar is compressed in members of at least 1 MiB with gzipSync, so the compression runs at
// this thread's lower priority. A gzip file of several members is one gzip stream to every
// reader (RFC 1952 §2.2; zlib's gunzip, Node's createGunzip, tar -z).
const MEMBER = 1 << 20;
function gzipMembers() {
  let parts = [];
  let size = 0;
  const emit = (stream) => {
    if (size === 0) return;
    stream.push(gzipSync(Buffer.concat(parts, size), { level: 6 }));
    parts = [];
    size = 0;
  };
  return new Transform({
    transform(chunk, _encoding, done) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= MEMBER) emit(this);
      done();
    },
    flush(done) {
      emit(this);
      done();
    },
  });
}
// The file is written with synchronous calls on this thread, not through a write stream: a
// stream's writes run on libuv's pool, whose threads are at the server's priority (they were
// blamed for 7-54 ms of the event loop's waits for a core per backup in bench:backup's sched
// traces); here they run at this thread's. A write blocks only this thread.
function fileSink(file) {
  // A new file only ('wx'): a link or file already at this name (planted in a shared backup
  // folder, say) is never written through; the archive fails instead.
  const fd = openSync(file, 'wx', 0o600);
  let open = true;
  const close = () => {
    if (open) {
      open = false;
      closeSync(fd);
    }
  };
  return new Writable({
    write(chunk, _encoding, done) {
      try {
        for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at, chunk.length - at);
        done();
      } catch (error) {
        done(error);
      }
    },
    final(done) {
      try {
        close();
        done();
      } catch (error) {
        done(error);
      }
    },
    destroy(error, done) {
      try {
        close();
      } catch {}
      done(error);
    },
  });
}
async function archiveOp(op, arg) {
  if (op === 'archive.open') {
    if (archive) throw new Error('an archive file is already open');
    const pack = tar.pack();
    const state = { pack, mtime: new Date(arg.mtime), failed: null };
    state.write = pipeline(pack, gzipMembers(), fileSink(arg.file));
    // A write error (disk full) surfaces here; entries must stop waiting for it then.
    state.write.catch((error) => { state.failed = error; });
    archive = state;
    return null;
  }
  if (!archive) throw new Error('no archive file is open');
  if (op === 'archive.entry') {
    const data = arg.from ? await readBytes(arg.from.op, arg.from.arg) : arg.data;
    const sha256 = createHash('sha256').update(data).digest('hex');
    await new Promise((resolve, reject) => {
      if (archive.failed) return reject(archive.failed);
      archive.pack.entry({ name: arg.path, size: data.byteLength, mtime: archive.mtime, mode: 0o600 }, Buffer.from(data.buffer, data.byteOffset, data.byteLength), (error) => (error ? reject(error) : resolve()));
    });
    return { sha256, bytes: data.byteLength };
  }
  if (op === 'archive.finish') {
    const { pack, write } = archive;
    pack.finalize();
    try {
      await write;
    } finally {
      archive = null;
    }
    return null;
  }
  if (op === 'archive.abort') {
    const { pack, write } = archive;
    archive = null;
    pack.destroy(new Error(arg));
    await write.catch(() => {});
    return null;
  }
  throw new Error('no such archive step: ' + op);
}
`;

/** An ArchiveFileWriter whose file is written by the reader thread; `from` says how it reads an entry. */
export async function threadFileWriter(thread: ReaderThread, file: string, mtime: number, from: (read: ArchiveRead) => { op: string; arg: unknown }): Promise<ArchiveFileWriter> {
  await thread.call('archive.open', { file, mtime });
  return {
    entry: (path, data) => thread.call('archive.entry', data instanceof Uint8Array ? { path, data } : { path, from: from(data) }),
    finish: () => thread.call('archive.finish'),
    abort: (reason) => thread.call<void>('archive.abort', reason.message).catch(() => {}),
  };
}

export async function startReaderThread(code: string, workerData: unknown, resourceLimits?: ResourceLimits): Promise<ReaderThread> {
  // libuv's thread pool starts its threads at its first use, and a thread starts at the priority
  // of the thread that made it: used here first, they are the server's, not the lowered reader's.
  await access(process.execPath).catch(() => {});
  // Lowered as it is made (its bootstrap too: the sched trace showed the event loop waiting up to
  // 5 ms behind it when it lowered itself only from its first line).
  const readerNice = backgroundNice();
  const worker = startLowered(() => new Worker(code, { eval: true, workerData: { ...(workerData as object), readerNice }, ...(resourceLimits ? { resourceLimits } : {}) }), readerNice);
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  let dead: Error | null = null;
  // Referenced only while a read is pending: a CLI export waiting on a read must not exit, and an
  // idle reader must not keep a server from exiting.
  const settle = () => (waiting.size > 0 ? worker.ref() : worker.unref());
  const fail = (error: Error) => {
    dead ??= error;
    for (const p of waiting.values()) p.reject(dead);
    waiting.clear();
    settle();
  };
  worker.on('message', (m: { id: number; value?: unknown; error?: string }) => {
    const p = waiting.get(m.id);
    waiting.delete(m.id);
    settle();
    if (m.error !== undefined) p?.reject(new Error(`reading the workspace for its archive failed: ${m.error}`));
    else p?.resolve(m.value);
  });
  worker.on('error', (err) => fail(new Error(`the archive's reader thread failed: ${err.message}`)));
  worker.on('exit', (code) => fail(new Error(`the archive's reader thread stopped (exit code ${code})`)));

  const call = <T>(op: string, arg?: unknown): Promise<T> => {
    if (dead) return Promise.reject(dead);
    const id = ++next;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      settle();
      worker.postMessage({ id, op, arg });
    });
  };
  try {
    await new Promise<unknown>((resolve, reject) => {
      waiting.set(0, { resolve, reject });
      settle();
    });
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  let closed = false;
  return {
    call,
    async close() {
      if (closed) return;
      closed = true;
      await call('close').catch(() => {});
      dead ??= new Error('the archive source is closed');
      await worker.terminate();
    },
  };
}
