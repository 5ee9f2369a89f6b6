/**
 * The server side of `bench:open` (issue 20): what a sync server pays to load the room of bench:open's
 * workspace, split and not. For each layout a real server store (SQLite, `ServerStore` in a temp
 * folder) is written the way the server itself writes it, then a real sync server runs on it as a
 * child process (bench/sync-server.mjs: `startSyncServer`, auth, write policy, SQLite), so its RSS
 * is the server's alone; a real y-websocket client (Node, `ws`, `disableBc`, the member's token in
 * the subprotocol as the app sends it, `ws`'s 100 MiB message cap lifted as a browser has none)
 * connects to the workspace doc.
 *
 * What the store holds:
 * - `split`: the workspace doc after the migration, each conversation doc under its own name
 *   (`<ws>:thread:<kind>:<id>`), and the whole doc before the split as a history snapshot — what
 *   server/split-conversations.ts leaves (it writes each doc through its room, persisted as an
 *   update row; here each doc is one row, `Store.appendUpdate`);
 * - `single`: today's single workspace doc, one row.
 * In both, the monitors' history rows (`Store.addMonitorBatch`, with the columns their rules
 * name, as the batch handler adds them): monitor history lives on the server, outside every doc.
 * The workspace doc's `meta.id` is set to the server's id for it (as `workspace import --as` does).
 *
 * Measured: the server's RSS once started (nothing loaded), connect → synced of the first
 * client (the room is loaded from the store: the cold case), the server's RSS after, its JS heap
 * after a forced GC with the room open, and connect → synced of a second client (room in memory).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import * as Y from 'yjs';
import { ServerStore } from '../server/store.ts';
import { DOC_KEYS, type MonitorRecord } from '../src/core/workspace/schema.ts';
import { WebSocket as WebSocketPolyfill } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { syncProtocols } from '../src/shared/sync-messages.ts';
import { waitFor } from '../test/helpers/sync-clients.ts';
import { type OpenBenchData, describeSizes, ensureOpenBenchData, readBatches, readConversations, sizesFromArgs } from './open-data.ts';

const ROOT = join(import.meta.dirname, '..');
/** A client not synced by then is reported as such (it would never be, e.g. a server closing it as a slow reader). */
const SYNC_TIMEOUT_MS = 180_000;

export interface ServerSample {
  /** Bytes of the workspace doc the room loads. */
  docBytes: number;
  rssStartedMb: number;
  /** connect → synced, first client (room loaded from the store), and a second one (room in memory). */
  coldMs: number;
  warmMs: number;
  /** Of those: connect → the socket open (upgrade and auth), before any doc is read. */
  coldConnectedMs: number;
  warmConnectedMs: number;
  rssAfterMb: number;
  peakRssMb: number;
  heapAfterGcMb: number;
}

/** Writes a server store holding the workspace in `layout`; returns the workspace id and an owner's token. */
async function writeStore(dir: string, data: OpenBenchData, layout: 'split' | 'single'): Promise<{ workspaceId: string; token: string; docBytes: number }> {
  const store = new ServerStore(dir);
  try {
    const ws = store.createWorkspace('Risk & Fraud ML', data.memberName, Date.UTC(2026, 10, 20));
    const retarget = (state: Uint8Array): { state: Uint8Array; monitors: MonitorRecord[] } => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state);
      doc.getMap(DOC_KEYS.meta).set('id', ws.id);
      const monitors = [...doc.getMap<MonitorRecord>(DOC_KEYS.monitors).values()];
      const out = Y.encodeStateAsUpdate(doc);
      doc.destroy();
      return { state: out, monitors };
    };
    const single = retarget(new Uint8Array(await readFile(data.stateFile)));
    let docBytes = single.state.byteLength;
    if (layout === 'single') store.appendUpdate(ws.id, single.state);
    else {
      await store.addSnapshot(ws.id, single.state, Date.UTC(2026, 10, 20));
      const split = retarget(new Uint8Array(await readFile(data.splitStateFile)));
      docBytes = split.state.byteLength;
      store.appendUpdate(ws.id, split.state);
      const conversations = await readConversations(data, ws.id);
      store.db.transaction(() => {
        for (const c of conversations) store.appendUpdate(c.name, c.state);
      })();
    }
    const named = new Map(single.monitors.map((m) => [m.id, m.rules.flatMap((r) => (r.kind === 'columnDrift' ? [r.column] : []))]));
    const batches = await readBatches(data);
    if (batches.length > 0) store.markMonitored(ws.id);
    store.db.transaction(() => {
      for (const b of batches) store.addMonitorBatch(ws.id, b, named.get(b.monitorId) ?? []);
    })();
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    return { workspaceId: ws.id, token: ws.token, docBytes };
  } finally {
    store.close();
  }
}

function procMb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN) / 1024);
}

function lines(child: ChildProcess, match: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what}: timed out; output: ${out.slice(-2000)}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = match.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what}: the server exited ${code}; output: ${out.slice(-2000)}`));
    });
  });
}

/**
 * `ws` in Node refuses a message over 100 MiB (its `maxPayload`), which the three-year single doc's
 * first sync message is: the client would close and reconnect for ever. Browsers (the app's
 * renderer) have no such cap, so the bench's client lifts it.
 */
class UncappedWebSocket extends WebSocketPolyfill {
  constructor(address: string | URL, protocols?: string | string[]) {
    super(address, protocols, { maxPayload: 2 ** 31 });
  }
}

async function syncOnce(url: string, workspaceId: string, token: string): Promise<{ ms: number; connectedMs: number; dispose: () => void }> {
  const started = performance.now();
  const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/sync`, workspaceId, new Y.Doc(), {
    WebSocketPolyfill: UncappedWebSocket as unknown as typeof WebSocket,
    disableBc: true,
    protocols: syncProtocols(token),
  });
  const client = { provider, dispose: () => { provider.destroy(); provider.doc.destroy(); } };
  let connectedMs = NaN;
  client.provider.on('status', (e: { status: string }) => {
    if (e.status === 'connected' && Number.isNaN(connectedMs)) connectedMs = performance.now() - started;
  });
  await waitFor(() => client.provider.synced, 'the client synced', SYNC_TIMEOUT_MS).catch((err: unknown) => {
    client.dispose();
    throw err;
  });
  return { ms: performance.now() - started, connectedMs, dispose: client.dispose };
}

/** One server, one layout: see the header. `dir` must be a fresh folder. */
export async function measureServer(data: OpenBenchData, layout: 'split' | 'single', dir: string): Promise<ServerSample> {
  const { workspaceId, token, docBytes } = await writeStore(dir, data, layout);
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/sync-server.mjs', dir], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  // The server's log, for an error that says what it did (e.g. closed a slow reader).
  let log = '';
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  try {
    const url = (await lines(child, /listening on (http:\/\/\S+)/, 'sync server start'))[1]!;
    await new Promise((r) => setTimeout(r, 1000));
    const rssStartedMb = await procMb(child.pid!, 'VmRSS');
    const sync = (which: string) =>
      syncOnce(url, workspaceId, token).catch((err: unknown) => {
        throw new Error(`${layout}, ${which} client: ${err instanceof Error ? err.message : String(err)}; the server's last output: ${log.slice(-1500)}`);
      });
    const cold = await sync('first');
    const warm = await sync('second');
    const rssAfterMb = await procMb(child.pid!, 'VmRSS');
    const peakRssMb = await procMb(child.pid!, 'VmHWM');
    const gc = lines(child, /gc done (\{.*\})/, 'server gc');
    child.stdin!.write('gc\n');
    const heapAfterGcMb = (JSON.parse((await gc)[1]!) as { heapUsed: number }).heapUsed / 2 ** 20;
    cold.dispose();
    warm.dispose();
    return { docBytes, rssStartedMb, coldMs: cold.ms, warmMs: warm.ms, coldConnectedMs: cold.connectedMs, warmConnectedMs: warm.connectedMs, rssAfterMb, peakRssMb, heapAfterGcMb };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

// Alone: `npx tsx bench/open-server.ts [--preset 1y|3y …]` — the server side only (split, then single).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = sizesFromArgs();
  const data = await ensureOpenBenchData(sizes, console.log, []);
  console.log(`bench:open, server side — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${describeSizes(sizes)}`);
  for (const layout of ['split', 'single'] as const) {
    const dir = await mkdtemp(join(tmpdir(), `driftdesk-bench-open-server-${layout}-`));
    try {
      console.log(layout, JSON.stringify(await measureServer(data, layout, dir)));
    } catch (err) {
      console.log(layout, 'failed:', err instanceof Error ? err.message : String(err));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
