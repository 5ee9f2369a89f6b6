/**
 * The SQLite archive source, on a worker thread. better-sqlite3 reads synchronously: a 15.6 MB
 * doc row held the server's event loop for 20–30 ms, and a large blob would hold it in
 * proportion to its size. So a worker opens its own read-only connection to the data file and
 * holds one read transaction (WAL: the server keeps writing, the worker keeps seeing the moment
 * it began), reads every row there, merges a doc's update log there, and writes the archive file
 * there (openFile): the main thread never reads a row of the archive nor holds its bytes. The
 * methods that return bytes (a move uploads blobs through the API) move them by transfer.
 *
 * If the worker dies (out of memory, a native fault), every pending and later read rejects with
 * what happened; the export then removes its `.partial` file and the backup run logs a failure.
 */
import { createRequire } from 'node:module';
import type { ResourceLimits } from 'node:worker_threads';
import type { DeliveryInfo } from '../store-contract.ts';
import type { ArchiveSource, MemberRow, MonitorBatchRow, TokenRow, WebhookRow, WorkspaceRow } from './archive-store.ts';
import { WORKER_ARCHIVE, WORKER_BYTES, startReaderThread, threadFileWriter } from './reader-thread.ts';

// Plain CommonJS, so the worker needs no TypeScript loader; better-sqlite3 and Yjs are resolved
// from here, and `nativeBinding` is the one the server's own connection uses (Electron's build).
const WORKER = `${WORKER_BYTES}
const { parentPort, workerData } = require('node:worker_threads');
${WORKER_ARCHIVE}
const Database = require(workerData.betterSqlite3);
const Y = require(workerData.yjs);
const ws = workerData.workspaceId;

let db;
const all = (sql, ...params) => db.prepare(sql).all(...params);
const ops = {
  workspace: () => db.prepare('SELECT id, name, created_at AS createdAt FROM workspaces WHERE id = ?').get(ws),
  members: () => all('SELECT id, name, role, created_at AS createdAt FROM members WHERE workspace_id = ? ORDER BY created_at, id', ws),
  tokens: () => all(
    'SELECT t.hash, t.member_id AS memberId, t.created_at AS createdAt, t.revoked_at AS revokedAt ' +
    'FROM tokens t JOIN members m ON m.id = t.member_id WHERE m.workspace_id = ? ORDER BY t.created_at, t.hash', ws),
  webhooks: () => all('SELECT id, url, secret, purpose, created_at AS createdAt FROM webhooks WHERE workspace_id = ? ORDER BY created_at, id', ws),
  deliveries: () => all(
    'SELECT id, webhook_id AS webhookId, url, event, status, attempts, last_status AS lastStatus, last_error AS lastError, ' +
    'created_at AS createdAt, updated_at AS updatedAt FROM webhook_deliveries WHERE workspace_id = ? ORDER BY created_at, id', ws),
  monitored: () => db.prepare('SELECT 1 FROM monitored_workspaces WHERE workspace_id = ?').get(ws) !== undefined,
  docNames: () => all('SELECT DISTINCT doc FROM doc_updates WHERE workspace_id = ? ORDER BY doc', ws).map((r) => r.doc),
  docState: (transfer, doc) => {
    const updates = all('SELECT data FROM doc_updates WHERE workspace_id = ? AND doc = ? ORDER BY seq', ws, doc).map((r) => r.data);
    if (updates.length === 0) return new Uint8Array(0);
    return bytes(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates), transfer);
  },
  snapshots: () => all('SELECT id, doc, created_at AS createdAt FROM doc_history WHERE workspace_id = ? ORDER BY created_at, id', ws),
  snapshot: (transfer, id) => {
    const row = db.prepare('SELECT data, parts_key FROM doc_history WHERE workspace_id = ? AND id = ?').get(ws, id);
    if (!row) throw new Error('history snapshot ' + id + ' is gone from the read snapshot');
    // A big snapshot is kept in parts (server/sqlite-history.ts).
    if (!row.parts_key) return bytes(row.data, transfer);
    const parts = all('SELECT data FROM doc_history_parts WHERE key = ? ORDER BY n', row.parts_key).map((p) => p.data);
    return bytes(Buffer.concat([row.data, ...parts]), transfer);
  },
  blobs: () => all('SELECT sha256, created_at AS createdAt FROM blobs WHERE workspace_id = ? ORDER BY sha256', ws),
  blob: (transfer, sha256) => {
    const row = db.prepare('SELECT data FROM blobs WHERE workspace_id = ? AND sha256 = ?').get(ws, sha256);
    if (!row) throw new Error('blob ' + sha256 + ' is gone from the read snapshot');
    return bytes(row.data, transfer);
  },
  monitorBatches: () => all('SELECT id, monitor_id AS monitorId, at, data, columns FROM monitor_batches WHERE workspace_id = ? ORDER BY id', ws),
  close: () => {
    if (db && db.open) {
      db.exec('COMMIT');
      db.close();
    }
    return null;
  },
};
const BYTES = new Set(['docState', 'snapshot', 'blob']);

try {
  const { file, nativeBinding } = workerData;
  db = new Database(file, Object.assign({ readonly: true, fileMustExist: true }, nativeBinding ? { nativeBinding } : {}));
  db.pragma('busy_timeout = 5000');
  db.exec('BEGIN');
  // A read transaction starts at its first read: read now, so every later call sees this moment.
  db.prepare('SELECT count(*) FROM workspaces').get();
  parentPort.postMessage({ id: 0, value: null });
} catch (error) {
  parentPort.postMessage({ id: 0, error: errorText(error) });
}

const readBytes = async (op, arg) => ops[op]([], arg);

parentPort.on('message', async ({ id, op, arg }) => {
  try {
    const transfer = [];
    let value;
    if (op.startsWith('archive.')) value = await archiveOp(op, arg);
    else {
      if (!db || !db.open) throw new Error('the read connection is closed');
      value = BYTES.has(op) ? ops[op](transfer, arg) : ops[op](arg);
    }
    parentPort.postMessage({ id, value }, transfer);
  } catch (error) {
    parentPort.postMessage({ id, error: errorText(error) });
  }
});
`;

export interface SqliteReaderOptions {
  /** The native build of better-sqlite3 the server's own connection uses (Electron's). */
  nativeBinding?: string;
  /** Heap limits for the reader thread: past them the worker dies and the archive fails, the server does not. */
  resourceLimits?: ResourceLimits;
}

/**
 * Opens the worker and its read transaction; resolves once the snapshot is taken, so the
 * archive is the workspace as it was when this resolved.
 */
export async function sqliteArchiveSource(file: string, workspaceId: string, options: SqliteReaderOptions = {}): Promise<ArchiveSource> {
  const require = createRequire(import.meta.url);
  const thread = await startReaderThread(
    WORKER,
    { betterSqlite3: require.resolve('better-sqlite3'), yjs: require.resolve('yjs'), tarStream: require.resolve('tar-stream'), file, workspaceId, nativeBinding: options.nativeBinding },
    options.resourceLimits,
  );
  return {
    workspace: () => thread.call<WorkspaceRow | undefined>('workspace'),
    members: () => thread.call<MemberRow[]>('members'),
    tokens: () => thread.call<TokenRow[]>('tokens'),
    webhooks: () => thread.call<WebhookRow[]>('webhooks'),
    deliveries: () => thread.call<DeliveryInfo[]>('deliveries'),
    monitored: () => thread.call<boolean>('monitored'),
    docNames: () => thread.call<string[]>('docNames'),
    docState: (doc) => thread.call<Uint8Array>('docState', doc),
    snapshots: () => thread.call<{ id: number; doc: string; createdAt: number }[]>('snapshots'),
    snapshot: (id) => thread.call<Uint8Array>('snapshot', id),
    blobs: () => thread.call<{ sha256: string; createdAt: number }[]>('blobs'),
    blob: (sha256) => thread.call<Uint8Array>('blob', sha256),
    monitorBatches: () => thread.call<MonitorBatchRow[]>('monitorBatches'),
    openFile: (archiveFile, mtime) =>
      threadFileWriter(thread, archiveFile, mtime, (read) =>
        read.kind === 'docState' ? { op: 'docState', arg: read.doc } : read.kind === 'snapshot' ? { op: 'snapshot', arg: read.id } : { op: 'blob', arg: read.sha256 },
      ),
    close: () => thread.close(),
  };
}
