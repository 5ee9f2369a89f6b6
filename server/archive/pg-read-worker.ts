/**
 * The PostgreSQL archive source's reads, on a worker thread. node-postgres parses every row on
 * the thread that runs it, and a bytea value arrives as hex text twice its size: one 15.6 MB doc
 * held the server's event loop for ~0.7 s (`npm run bench:backup -- --store postgres`, on a
 * loaded machine). So a worker opens a connection of its own, holds one REPEATABLE READ, READ
 * ONLY transaction (every query sees the same snapshot while other server processes keep
 * writing), parses there, merges a doc's update log there and writes the archive file there.
 * The main thread sends the statements and maps the small rows (pg-archive.ts).
 */
import { createRequire } from 'node:module';
import type { ResourceLimits } from 'node:worker_threads';
import type { ArchiveFileWriter, ArchiveRead } from './archive-store.ts';
import { type ReaderThread, WORKER_ARCHIVE, WORKER_BYTES, startReaderThread, threadFileWriter } from './reader-thread.ts';

// Plain CommonJS, so the worker needs no TypeScript loader; pg and Yjs are resolved from here.
const WORKER = `${WORKER_BYTES}
const { parentPort, workerData } = require('node:worker_threads');
${WORKER_ARCHIVE}
const pg = require(workerData.pg);
const Y = require(workerData.yjs);

const client = new pg.Client({ connectionString: workerData.url, connectionTimeoutMillis: 5000 });
// A dropped connection is reported here; every later read then fails with it.
let broken = null;
client.on('error', (error) => { broken = error; });

(async () => {
  try {
    await client.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // The snapshot is taken at the transaction's first query: take it now.
    await client.query('SELECT count(*) FROM workspaces');
    parentPort.postMessage({ id: 0, value: null });
  } catch (error) {
    client.end().catch(() => {});
    parentPort.postMessage({ id: 0, error: errorText(error) });
  }
})();

async function read(op, arg, transfer) {
  if (broken) throw broken;
  const { rows } = await client.query(arg.sql, arg.params);
  if (op === 'rows') return rows;
  if (op === 'bytes') {
    if (!rows[0]) throw new Error(arg.missing);
    return bytes(rows[0].data, transfer);
  }
  if (op === 'merged') {
    const updates = rows.map((r) => r.data);
    return updates.length === 0 ? new Uint8Array(0) : bytes(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates), transfer);
  }
  throw new Error('no such read: ' + op);
}
const readBytes = (op, arg) => read(op, arg, []);

parentPort.on('message', async ({ id, op, arg }) => {
  try {
    if (op === 'close') {
      await client.query('COMMIT').catch(() => {});
      await client.end();
      parentPort.postMessage({ id, value: null });
      return;
    }
    const transfer = [];
    const value = op.startsWith('archive.') ? await archiveOp(op, arg) : await read(op, arg, transfer);
    parentPort.postMessage({ id, value }, transfer);
  } catch (error) {
    parentPort.postMessage({ id, error: errorText(error) });
  }
});
`;

export interface PgReader {
  /** Rows as node-postgres returns them (BIGINT as text, bytea as bytes). */
  rows(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  /** The `data` column of the first row; rejects with `missing` when there is none. */
  bytes(sql: string, params: unknown[], missing: string): Promise<Uint8Array>;
  /** Every row's `data` (Yjs updates) merged into one update. */
  merged(sql: string, params: unknown[]): Promise<Uint8Array>;
  /** The archive file, written on the reader's thread; `from` gives the read behind an entry. */
  openFile(file: string, mtime: number, from: (read: ArchiveRead) => { op: 'bytes' | 'merged'; arg: { sql: string; params: unknown[]; missing?: string } }): Promise<ArchiveFileWriter>;
  close(): Promise<void>;
}

/** Connects the worker to `url` and begins its transaction; resolves once the snapshot is taken. */
export async function startPgReader(url: string, resourceLimits?: ResourceLimits): Promise<PgReader> {
  const require = createRequire(import.meta.url);
  const thread: ReaderThread = await startReaderThread(WORKER, { pg: require.resolve('pg'), yjs: require.resolve('yjs'), tarStream: require.resolve('tar-stream'), url }, resourceLimits);
  return {
    rows: (sql, params) => thread.call('rows', { sql, params }),
    bytes: (sql, params, missing) => thread.call('bytes', { sql, params, missing }),
    merged: (sql, params) => thread.call('merged', { sql, params }),
    openFile: (file, mtime, from) => threadFileWriter(thread, file, mtime, from),
    close: () => thread.close(),
  };
}
