/**
 * The Driftdesk sync server: HTTP (health, a small API) and the y-websocket endpoint
 * `ws://HOST:PORT/sync/<workspaceId>` on one port, the token offered as the subprotocol
 * `driftdesk.token.<token>` beside `driftdesk.v1` (the one answered). `?token=` is still taken
 * from older and stock y-websocket clients, never logged (safePath). Auth happens on the HTTP
 * upgrade request, so a refused client never gets a websocket and nothing is buffered for it.
 *
 * This file wires the parts and owns start-up and shutdown: the handshake (ws-upgrade.ts), one
 * connection (ws-connection.ts), the loaded rooms (room-registry.ts) and their recovery after an
 * outage (room-recovery.ts), the token re-check (auth-recheck.ts), conversation docs' upkeep
 * (conversation-upkeep.ts), and plain HTTP (http-front.ts, the API in server/http).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SplitOptions, type SplitReport, splitConversations } from './split-conversations.ts';
import { getMonitor } from '../src/core/monitor/index.ts';
import { timelineWriter } from './incident-timeline.ts';
import { watchMissingBatches } from './missing-batches.ts';
import { MonitorEngine, defaultTempRoot } from './monitor-engine.ts';
import { type MonitorJobOptions, MonitorJobQueue } from './monitor-jobs.ts';
import { runBatchJob } from './http/handlers/monitor-batches.ts';
import { notify } from './http/handlers/monitor-shared.ts';
import { createHandlers } from './http/handlers/index.ts';
import { createRouter } from './http/router.ts';
import { WebhookSender } from './webhooks.ts';
import { ConnectionRate, DEFAULT_LIMITS, type Limits } from './limits.ts';
import { createMetrics } from './metrics.ts';
import { Room } from './room.ts';
import type { Fanout } from './fanout.ts';
import { ServerStore } from './store.ts';
import type { Store } from './store-contract.ts';
import { type BackupOptions, type Backups, startBackups } from './backups.ts';
import { TOKEN_PROTOCOL_PREFIX } from '../src/shared/sync-messages.ts';
import { DEFAULT_MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES_CEILING } from '../src/shared/server-api.ts';
import { httpFront } from './http-front.ts';
import { acceptUpgrades, syncSocketServer } from './ws-upgrade.ts';
import { AbuseCooldowns, attachConnection } from './ws-connection.ts';
import { roomRegistry } from './room-registry.ts';
import { catchUpOnResync, reviveBrokenRoomsEvery } from './room-recovery.ts';
import { recheckAuthEvery } from './auth-recheck.ts';
import { conversationUpkeep } from './conversation-upkeep.ts';

export interface SyncServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** SQLite data folder (the embedded default); ignored when `store` is given. */
  dataDir?: string;
  /** An opened store (e.g. PostgresStore); the server closes it on close(). */
  store?: Store;
  /** Fan-out to other server processes of the same workspaces (e.g. Redis). */
  fanout?: Fanout;
  /** Largest websocket message accepted, in bytes (shorthand for limits.maxMessageBytes). */
  maxMessageBytes?: number;
  /** Rate and size limits; anything left out keeps its default (DEFAULT_LIMITS). */
  limits?: Partial<Limits>;
  log?: (event: Record<string, unknown>) => void;
  /** History: at most one snapshot per doc (workspace, note, conversation) this often while it changes (default 10 min). */
  snapshotEveryMs?: number;
  /** A doc past this encoded size is snapshotted off the event loop (default SNAPSHOT_OFF_LOOP_BYTES; server/doc-snapshots.ts). */
  snapshotOffLoopBytes?: number | null;
  /** How often live connections are re-checked for revoked tokens and changed roles (ms). */
  recheckMs?: number;
  /** How often a room whose store write failed tries to load afresh (ms); default 1000. */
  reviveMs?: number;
  /** Largest blob accepted by the blob API, in bytes. */
  maxBlobBytes?: number;
  /**
   * Largest file a resumable upload (a dataset version's file) may declare, in bytes; default
   * DEFAULT_MAX_UPLOAD_BYTES, at most MAX_UPLOAD_BYTES_CEILING (what one stored value can hold).
   */
  maxUploadBytes?: number;
  /**
   * Where batch and reference files wait for DuckDB (made 0700; what a crashed server left is
   * removed at start-up). Default: `<dataDir>/monitor-tmp`, else a per-user folder in the
   * system temp directory.
   */
  monitorTempDir?: string;
  /** How often monitors are checked for missing batches (ms); default 60 000. */
  missingBatchCheckMs?: number;
  /**
   * On PostgreSQL, batches are scored as jobs on a queue in the database that every server
   * process works (monitor-jobs.ts); `false` scores them in the process that took them. Default on.
   */
  monitorJobs?: boolean | MonitorJobOptions;
  /** First webhook retry after this many ms (then ×4 each time); default 1000. */
  webhookRetryMs?: number;
  /** better-sqlite3 native build to load (the Electron-ABI one inside the desktop app). */
  nativeBinding?: string;
  /**
   * `/metrics` answers requests that carry `Authorization: Bearer <metricsToken>`; without a
   * token set, it answers only requests from this machine (loopback), so a server reachable by a
   * team does not publish its counters to everyone who can reach it.
   */
  metricsToken?: string;
  /**
   * Send webhooks to loopback and private-network addresses too (webhook-address.ts). Off for a
   * team server (`--allow-private-webhooks` turns it on); the desktop app's embedded server,
   * on the person's own machine, turns it on.
   */
  allowPrivateWebhooks?: boolean;
  /** Online backups: an archive of every workspace this often into a folder (server/backups.ts). */
  backup?: BackupOptions;
  /**
   * Split every workspace into conversation docs — comments, reactions, resolutions and incident
   * timelines — when its doc is first loaded, and move what an older client writes into the old
   * places afterwards (server/split-conversations.ts). On by default; false leaves workspaces as
   * they are (`driftdesk server --no-split-conversations`).
   */
  splitConversations?: boolean;
  /** How long after an older client's write into the old maps the server moves it (ms); default 1000. */
  splitSweepMs?: number;
}

export interface SyncServer<S extends Store = ServerStore> {
  /** `http://host:port` */
  url: string;
  port: number;
  store: S;
  /** Resolves once every update received so far is persisted, and the history snapshots it started are stored. */
  flushed(): Promise<void>;
  /** Online backups, when `backup` was given. */
  backups?: Backups;
  /**
   * Moves a workspace's conversations (and timelines, unless `timelines: false`) into
   * conversation docs now (server/split-conversations.ts); the server also does it on its own
   * when a workspace is first loaded, unless started with `splitConversations: false`.
   */
  splitConversations(workspaceId: string, options?: Omit<SplitOptions, 'now'>): Promise<SplitReport>;
  close(): Promise<void>;
}

export { TOKEN_PROTOCOL_PREFIX };

export async function startSyncServer(options: SyncServerOptions & { dataDir: string; store?: undefined }): Promise<SyncServer<ServerStore>>;
export async function startSyncServer<S extends Store>(options: SyncServerOptions & { store: S }): Promise<SyncServer<S>>;
export async function startSyncServer(options: SyncServerOptions): Promise<SyncServer<Store>> {
  const log = options.log ?? (() => {});
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits, ...(options.maxMessageBytes ? { maxMessageBytes: options.maxMessageBytes } : {}) };
  const metrics = createMetrics();
  const connectionRate = new ConnectionRate(limits);
  if (!options.store && !options.dataDir) throw new Error('startSyncServer needs a dataDir or a store');
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  if (!(Number.isInteger(maxUploadBytes) && maxUploadBytes > 0 && maxUploadBytes <= MAX_UPLOAD_BYTES_CEILING)) {
    throw new Error(`maxUploadBytes must be a whole number of bytes from 1 to ${MAX_UPLOAD_BYTES_CEILING}, got ${options.maxUploadBytes}`);
  }
  const store: Store = options.store ?? new ServerStore(options.dataDir!, options.nativeBinding);
  store.onCompactionError = (workspace, err) => log({ event: 'compaction_failed', workspace, error: String(err) });
  store.onConnectionError = (err) => log({ event: 'storage_connection_lost', error: String(err) });
  if (store instanceof ServerStore) {
    // Checkpoints (and their fsyncs) off the event loop; without the thread the store's
    // connection checkpoints itself, as it did before, so a server still starts.
    store.onCheckpointError = (err) => log({ event: 'checkpoint_failed', error: err.message });
    await store.checkpointInBackground().catch((err: unknown) => log({ event: 'checkpoint_thread_unavailable', error: String(err) }));
  }
  const fanout = options.fanout ?? null;
  const engine = new MonitorEngine(options.monitorTempDir ?? defaultTempRoot(options.store ? undefined : options.dataDir), metrics.registry);
  const allowPrivateWebhooks = options.allowPrivateWebhooks ?? false;
  const webhooks = new WebhookSender(store, { baseRetryMs: options.webhookRetryMs, log, allowPrivate: allowPrivateWebhooks });
  const registry = roomRegistry({ newRoom, onLoaded: (room) => upkeep.splitOnLoad(room), log });
  const { rooms, withRoom, loadRoom, unloadIfIdle } = registry;
  const wss = syncSocketServer(limits.maxMessageBytes);

  // The HTTP API (server/http) is created below, once what its handlers need exists.
  const http: Server = createServer(httpFront({ metrics, metricsToken: options.metricsToken, docsLoaded: () => rooms.size, api: (req, res, outside) => api(req, res, outside), log }));

  const cooldowns = new AbuseCooldowns(limits.abuseCooldownMs);
  acceptUpgrades(http, {
    wss,
    store,
    connectionRate,
    cooldowns,
    metrics,
    log,
    attach: (ws, identity, tokenHash, docName) => attachConnection({ limits, metrics, log, cooldowns, loadRoom, unloadIfIdle }, ws, identity, tokenHash, docName),
  });

  const upkeep = conversationUpkeep({ store, withRoom, log, splitConversations: options.splitConversations, splitSweepMs: options.splitSweepMs });

  function newRoom(docName: string): Promise<Room> {
    return Room.load(docName, store, {
      onConversationChanged: upkeep.recordSummary,
      onWorkspaceChanged: upkeep.sweepLater,
      maxDocBytes: limits.maxDocBytes,
      limits,
      onRepaired: (doc, dropped) => log({ event: 'doc_repaired', doc, ...dropped }),
      snapshotEveryMs: options.snapshotEveryMs ?? 10 * 60_000,
      ...(options.snapshotOffLoopBytes !== undefined ? { snapshotOffLoopBytes: options.snapshotOffLoopBytes } : {}),
      onSnapshotFailed: (doc, err) => log({ event: 'snapshot_failed', doc, error: String(err) }),
      metrics,
      fanout,
      onBroken: (room, err) => {
        // The store failed. The room stays loaded and keeps answering reads, but takes no more
        // writes (refused with a reason, see refuseWhileBroken); the revive pass replaces it
        // once the store answers again and closes its clients, which reconnect and resend what
        // was not stored.
        log({ event: 'persistence_failed', workspace: room.workspaceId, doc: docName, error: String(err) });
      },
    });
  }

  const backups = options.backup ? startBackups(store, options.backup, metrics.registry, log) : undefined;

  // The HTTP API (server/http): every route answered from the contract (http-front.ts serves /metrics, healthz, openapi and the 404s).
  let jobs: MonitorJobQueue | null = null;
  /** The server's own timeline writes (findings, retrain outcomes), into conversation docs once timelines are split. */
  const timeline = timelineWriter(withRoom, upkeep.recordSummary);

  const handlerDeps = { store, withRoom, engine, webhooks, allowPrivateWebhooks, maxUploadBytes, jobs: () => jobs, timeline };
  const api = createRouter({
    store,
    handlers: createHandlers(handlerDeps),
    maxBytes: {
      'docs.pushUpdate': limits.maxMessageBytes,
      ...(options.maxBlobBytes ? { 'blobs.put': options.maxBlobBytes, 'monitors.create': options.maxBlobBytes, 'monitors.batch': options.maxBlobBytes, 'monitors.metrics': options.maxBlobBytes } : {}),
    },
  });

  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const recheck = await recheckAuthEvery(store, rooms, options.recheckMs ?? 400, metrics, log);
  const revive = reviveBrokenRoomsEvery(registry, newRoom, options.reviveMs ?? 1000, metrics, log);
  const stopResync = catchUpOnResync(fanout, rooms, store, log);
  const missing = watchMissingBatches({
    store,
    withRoom,
    timeline,
    everyMs: options.missingBatchCheckMs ?? 60_000,
    log,
    onFindings: (workspaceId, monitorId, outcomes, applied) => {
      withRoom(workspaceId, async (room) => getMonitor(room.doc, monitorId))
        .then((monitor) => monitor && notify(webhooks, workspaceId, monitor, applied, outcomes))
        .catch((err: unknown) => log({ event: 'missing_batch_notify_failed', workspace: workspaceId, monitor: monitorId, error: String(err) }));
    },
  });

  const databaseUrl = (store as { url?: unknown }).url;
  if (typeof databaseUrl === 'string' && options.monitorJobs !== false) {
    try {
      jobs = await MonitorJobQueue.start(databaseUrl, (job, control) => runBatchJob(handlerDeps, job, control), { ...(typeof options.monitorJobs === 'object' ? options.monitorJobs : {}), log });
    } catch (err) {
      // Batches are still scored, in this process: a queue that cannot start is not a server that cannot.
      log({ event: 'monitor_jobs_unavailable', error: String(err) });
    }
  }

  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    store,
    splitConversations: (workspaceId, splitOptions) => splitConversations({ store, withRoom }, workspaceId, splitOptions),
    async flushed() {
      await upkeep.splitsEnded();
      await upkeep.summariesWritten();
      for (const loading of rooms.values()) await (await loading.catch(() => null))?.idle();
    },
    backups,
    async close() {
      await backups?.stop();
      clearInterval(recheck);
      cooldowns.stop();
      clearInterval(revive);
      upkeep.cancelSweeps();
      stopResync?.();
      missing.stop();
      // Graceful: stop taking connections, persist every update already applied, then close
      // each socket with a reason (clients reconnect elsewhere, or later), then the store.
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      await upkeep.splitsEnded();
      // A split that ended meanwhile may have set a sweep.
      upkeep.cancelSweeps();
      await upkeep.summariesWritten();
      for (const loading of rooms.values()) await (await loading.catch(() => null))?.flushed();
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      await closed;
      for (const client of wss.clients) client.terminate();
      for (const loading of rooms.values()) await (await loading.catch(() => null))?.destroy();
      rooms.clear();
      webhooks.close();
      await jobs?.stop().catch((err: unknown) => log({ event: 'monitor_jobs_stop_failed', error: String(err) }));
      await engine.close();
      await fanout?.close();
      if (store instanceof ServerStore) await store.stopBackgroundCheckpoints();
      await store.close();
    },
  };
}
