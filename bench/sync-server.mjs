// Our sync server for `npm run bench:sync`: `node --import tsx bench/sync-server.mjs DATADIR`.
// The CLI has no flag for limits, and the bench opens up to 1000 connections from one IP
// (127.0.0.1) within seconds, which the per-IP connection rate (60 per 10 s) would refuse;
// the per-connection message rate is lifted too so a faster `--rate` never gets the writer
// closed. Auth, roles, the write policy and SQLite persistence (written before broadcast)
// stay on. Prints `listening on URL`, then answers `gc` on stdin with
// `gc done {process.memoryUsage()}` (needs --expose-gc), so memory is read after a full GC.
import { createInterface } from 'node:readline';
import { startSyncServer } from '../server/index.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: node --import tsx bench/sync-server.mjs DATADIR');
const server = await startSyncServer({
  host: '127.0.0.1',
  port: 0,
  dataDir,
  limits: { connectionsPerWindow: 1e9, messagesPerSecond: 1e6, messageBurst: 1e6 },
});
console.log(`listening on ${server.url}`);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'gc') return;
  // Twice: the first pass can leave work for the second (weak references, finalizers).
  globalThis.gc?.();
  globalThis.gc?.();
  console.log(`gc done ${JSON.stringify(process.memoryUsage())}`);
});
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
