/**
 * The Driftdesk sync server: HTTP (health, a small API) and the y-websocket endpoint
 * `ws://HOST:PORT/sync/<workspaceId>` on one port, the token offered as the subprotocol
 * `driftdesk.token.<token>` beside `driftdesk.v1` (the one answered). `?token=` is still taken
 * from older and stock y-websocket clients, never logged (safePath). Auth happens on the HTTP
 * upgrade request, so a refused client never gets a websocket and nothing is buffered for it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as authProtocol from 'y-protocols/auth';
import * as syncProtocol from 'y-protocols/sync';
import { type SplitOptions, type SplitReport, splitConversations } from './split-conversations.ts';
import { DOC_KEYS, MEMBER_NAME_MAX, applyConversationRecords, commentTargetExists, conversationRecords, holdsTimelineEvents, timelinesSplit } from '../src/core/workspace/index.ts';
import { getMonitor } from '../src/core/monitor/index.ts';
import { timelineWriter } from './incident-timeline.ts';
import { watchMissingBatches } from './missing-batches.ts';
import { MonitorEngine, defaultTempRoot } from './monitor-engine.ts';
import { type MonitorJobOptions, MonitorJobQueue } from './monitor-jobs.ts';
import { runBatchJob } from './http/handlers/monitor-batches.ts';
import { notify } from './http/handlers/monitor-shared.ts';
import { buildOpenApi } from './http/openapi.ts';
import { createHandlers } from './http/handlers/index.ts';
import { createRouter } from './http/router.ts';
import { WebhookSender } from './webhooks.ts';
import { ConnectionRate, DEFAULT_LIMITS, type Limits, TokenBucket } from './limits.ts';
import { createMetrics } from './metrics.ts';
import { type Connection, MESSAGE_AUTH, MESSAGE_SYNC, Room, UpdateRefused, type WithRoom } from './room.ts';
import { AwarenessRefused } from './awareness-stamp.ts';
import type { Fanout } from './fanout.ts';
import { ServerStore } from './store.ts';
import { type MemberIdentity, type Store, StorageUnavailableError } from './store-contract.ts';
import { type UpgradeVerdict, authorizeUpgrade } from './upgrade-auth.ts';
import { metricsRefusal } from './metrics-access.ts';
import { type BackupOptions, type Backups, startBackups } from './backups.ts';
import { STORAGE_DOWN_REASON, SYNC_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../src/shared/sync-messages.ts';
import { DEFAULT_MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES_CEILING } from '../src/shared/server-api.ts';

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
  /** Loaded (or loading) rooms; a promise so that concurrent joins share one load. */
  const rooms = new Map<string, Promise<Room>>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    // A browser needs one offered subprotocol echoed: only ever the plain one. Echoing the token
    // one would put the token in a response header (and in whatever logs headers).
    handleProtocols: (protocols) => (protocols.has(SYNC_PROTOCOL) ? SYNC_PROTOCOL : false),
  });

  const http: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      const refused = metricsRefusal(req, options.metricsToken);
      if (refused) return json(res, refused.status, { error: refused.error });
      metrics.docsLoaded.set(rooms.size);
      void metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          log({ event: 'metrics_failed', error: String(err) });
          json(res, 500, { error: 'metrics unavailable' });
        },
      );
      return;
    }
    api(req, res, () => outsideApi(req, res)).catch((err: unknown) => {
      const unavailable = err instanceof StorageUnavailableError;
      log({ event: unavailable ? 'http_storage_unavailable' : 'http_error', path: safePath(req), error: String(err) });
      if (res.headersSent) res.destroy();
      else if (unavailable) json(res, 503, { error: 'storage unavailable; try again shortly', code: err.code });
      else json(res, 500, { error: 'internal error' });
    });
  });

  /**
   * A token whose connection was closed for a large presence flood waits this long before it may
   * connect again: reconnecting at once would make each attempt cost the server a whole
   * oversized frame. Refused before the token is looked up (429). Small bad frames cost little
   * and are left to the per-IP connection rate.
   */
  const COSTLY_FRAME_BYTES = 64 * 1024;
  const cooldowns = new Map<string, number>();
  const ABUSE_COOLDOWN_MS = limits.abuseCooldownMs;
  const cooldownSweep = setInterval(() => {
    const now = Date.now();
    for (const [hash, until] of cooldowns) if (until <= now) cooldowns.delete(hash);
  }, 60_000);
  cooldownSweep.unref();

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    // Nothing from the client is read until its token checks out.
    socket.pause();
    const ip = req.socket.remoteAddress ?? 'unknown';
    const checking: Promise<UpgradeVerdict> = connectionRate.allow(ip, Date.now())
      ? authorizeUpgrade(req, store, (tokenHash) => (cooldowns.get(tokenHash) ?? 0) > Date.now())
      : Promise.resolve({ kind: 'refused', status: 429, reason: 'Too Many Connections' });
    checking
      .catch((err: unknown): UpgradeVerdict => {
        log({ event: 'auth_error', error: String(err) });
        return { kind: 'refused', status: 503, reason: 'Service Unavailable' };
      })
      .then((verdict) => {
        if (verdict.kind === 'refused') {
          metrics.refused.inc({ reason: verdict.reason.toLowerCase().replace(/ /g, '_') });
          log({ event: 'refused', reason: verdict.reason, path: safePath(req), ip });
          socket.end(`HTTP/1.1 ${verdict.status} ${verdict.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
          return;
        }
        socket.resume();
        wss.handleUpgrade(req, socket, head, (ws) => {
          attach(ws, verdict.identity, verdict.tokenHash, verdict.docName).catch((err: unknown) => {
            log({ event: 'attach_failed', workspace: verdict.identity.workspaceId, member: verdict.identity.memberId, error: String(err) });
            ws.close(1011, 'could not join the workspace; try again');
          });
        });
      })
      .catch((err: unknown) => {
        log({ event: 'upgrade_failed', path: safePath(req), error: String(err) });
        socket.destroy();
      });
  });

  /**
   * The workspace doc's summary and mention records of conversations (thread-docs.ts), written
   * one change after another per workspace, after a conversation doc took a client's change.
   */
  const summaryWrites = new Map<string, Promise<void>>();
  function recordSummary(room: Room): Promise<void> {
    // Read now: an HTTP push's room may be unloaded before the write runs.
    const records = conversationRecords(room.doc, room.thread!);
    const ws = room.workspaceId;
    const next = (summaryWrites.get(ws) ?? Promise.resolve())
      .then(() => withRoom(ws, async (workspace) => {
        // A conversation doc for something the workspace does not have (any member can open
        // one by name) is kept, but not listed: it would only grow the workspace doc.
        if (commentTargetExists(workspace.doc, records.summary)) await workspace.writeAsServer((doc) => applyConversationRecords(doc, records));
      }))
      .catch((err: unknown) => log({ event: 'conversation_summary_failed', workspace: ws, doc: room.docName, error: String(err) }));
    summaryWrites.set(ws, next);
    void next.then(() => summaryWrites.get(ws) === next && summaryWrites.delete(ws));
    return next;
  }

  const splitOn = options.splitConversations ?? true;
  /** Workspaces split (or being split) by this process, and the sweeps waiting to run. */
  const splitDone = new Set<string>();
  const sweeps = new Map<string, ReturnType<typeof setTimeout>>();
  const splitting = new Set<Promise<void>>();
  const runSplit = (workspaceId: string) => {
    const run: Promise<void> = splitConversations({ store, withRoom }, workspaceId)
      .then(async (report) => {
        if (report.conversations === 0) return;
        log({ event: 'conversations_split', workspace: workspaceId, ...report, unplaced: report.unplaced.length });
        // What was written into the old places while this ran (by the server too) goes next time.
        await withRoom(workspaceId, async (room) => sweepLater(room));
      })
      .catch((err: unknown) => {
        splitDone.delete(workspaceId); // tried again at the next load
        log({ event: 'conversations_split_failed', workspace: workspaceId, error: String(err) });
      })
      .finally(() => splitting.delete(run));
    splitting.add(run);
    return run;
  };
  function splitOnLoad(room: Room): void {
    if (!splitOn || !room.isWorkspace || splitDone.has(room.workspaceId)) return;
    splitDone.add(room.workspaceId);
    void runSplit(room.workspaceId);
  }
  function sweepLater(room: Room): void {
    if (!splitOn || sweeps.has(room.workspaceId)) return;
    const doc = room.doc;
    if (doc.getMap(DOC_KEYS.meta).get('conversations') !== 'threads') return;
    if (doc.getMap(DOC_KEYS.comments).size + doc.getMap(DOC_KEYS.reactions).size + doc.getMap(DOC_KEYS.threadResolutions).size === 0 && !(timelinesSplit(doc) && holdsTimelineEvents(doc))) return;
    sweeps.set(room.workspaceId, setTimeout(() => {
      sweeps.delete(room.workspaceId);
      void runSplit(room.workspaceId);
    }, options.splitSweepMs ?? 1000));
  }

  function newRoom(docName: string): Promise<Room> {
    return Room.load(docName, store, {
      onConversationChanged: recordSummary,
      onWorkspaceChanged: sweepLater,
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

  /** Rooms are keyed by doc name: a workspace id, or a note doc name within it. */
  function loadRoom(docName: string): Promise<Room> {
    let loading = rooms.get(docName);
    if (!loading) {
      loading = newRoom(docName);
      void loading.then(splitOnLoad, () => {});
      rooms.set(docName, loading);
      loading.catch(() => rooms.get(docName) === loading && rooms.delete(docName));
    }
    return loading;
  }

  /** For HTTP calls on a doc: a room nobody has open is loaded for the call and unloaded after. */
  const httpUsers = new Map<string, number>();
  const withRoom: WithRoom = async (docName, use) => {
    httpUsers.set(docName, (httpUsers.get(docName) ?? 0) + 1);
    const loading = loadRoom(docName);
    try {
      const room = await loading;
      // What a broken room holds may not all be stored: an HTTP answer (a state vector, "200
      // persisted") must not vouch for it.
      if (room.broken) throw new StorageUnavailableError(new Error(`${docName} could not be stored`));
      return await use(room);
    } finally {
      const users = httpUsers.get(docName)! - 1;
      if (users === 0) httpUsers.delete(docName);
      else httpUsers.set(docName, users);
      const room = await loading.catch(() => null);
      if (room && users === 0 && room.connections.size === 0 && rooms.get(docName) === loading) {
        rooms.delete(docName);
        dispose(room);
      }
    }
  };

  // The HTTP API (server/http): answered from the contract; what has not moved falls through to handleHttp.
  let jobs: MonitorJobQueue | null = null;
  /** The server's own timeline writes (findings, retrain outcomes), into conversation docs once timelines are split. */
  const timeline = timelineWriter(withRoom, recordSummary);

  const handlerDeps = { store, withRoom, engine, webhooks, allowPrivateWebhooks, maxUploadBytes, jobs: () => jobs, timeline };
  const api = createRouter({
    store,
    handlers: createHandlers(handlerDeps),
    maxBytes: {
      'docs.pushUpdate': limits.maxMessageBytes,
      ...(options.maxBlobBytes ? { 'blobs.put': options.maxBlobBytes, 'monitors.create': options.maxBlobBytes, 'monitors.batch': options.maxBlobBytes, 'monitors.metrics': options.maxBlobBytes } : {}),
    },
  });

  function dispose(room: Room): void {
    room.destroy().catch((err: unknown) => log({ event: 'room_destroy_failed', doc: room.docName, error: String(err) }));
  }

  /** A room nobody uses any more is unloaded (a broken one waits for the revive pass). */
  function unloadIfIdle(current: Room): void {
    if (current.connections.size > 0 || current.broken) return;
    void rooms.get(current.docName)?.then((loaded) => {
      if (loaded === current && current.connections.size === 0 && !httpUsers.has(current.docName)) {
        rooms.delete(current.docName);
        dispose(current);
      }
    }, () => {});
  }

  async function attach(ws: WebSocket, identity: MemberIdentity, tokenHash: string, docName: string): Promise<void> {
    metrics.connections.inc();
    const messages = new TokenBucket(limits.messagesPerSecond, limits.messageBurst, Date.now());
    const bytes = new TokenBucket(limits.bytesPerSecond, limits.byteBurst, Date.now());
    let room: Room | null = null;
    let conn: Connection | null = null;
    // Listen at once: a client speaks as soon as it is upgraded, possibly before its room has
    // loaded (PostgreSQL); those first messages wait here, inside the rate limits.
    const waiting: Uint8Array[] = [];
    const closeWith = (code: number, reason: string, metric: string) => {
      metrics.closed.inc({ reason: metric });
      ws.close(code, reason);
      if (room && conn) room.leave(conn);
    };
    const handle = (message: Uint8Array) => {
      if (room!.broken && isDocWrite(message)) {
        // Not applied: the client keeps the edit and sends it again when the room is revived.
        metrics.denied.inc({ reason: 'storage_unavailable' });
        if (ws.readyState === ws.OPEN) ws.send(STORAGE_DOWN_MESSAGE);
        return;
      }
      try {
        room!.receive(conn!, message);
      } catch (err) {
        log({ event: 'bad_message', workspace: identity.workspaceId, member: identity.memberId, error: String(err) });
        // A refused update says why (a close reason is at most 123 bytes).
        if (err instanceof AwarenessRefused) {
          if (message.byteLength >= COSTLY_FRAME_BYTES) cooldowns.set(tokenHash, Date.now() + ABUSE_COOLDOWN_MS);
          return closeWith(1008, closeReason(err.message), 'awareness_limit');
        }
        const reason = err instanceof UpdateRefused ? `update refused: ${err.message}` : 'malformed message';
        closeWith(1007, closeReason(reason), 'malformed');
      }
    };
    ws.on('message', (data, isBinary) => {
      if (room && conn && !room.connections.has(conn)) return;
      const message = toBytes(data);
      metrics.messagesIn.inc();
      metrics.bytesIn.inc(message.byteLength);
      if (!isBinary) return closeWith(1003, 'binary y-protocols messages only', 'text_frame');
      const now = Date.now();
      if (!messages.take(1, now) || !bytes.take(message.byteLength, now)) {
        log({ event: 'rate_limited', workspace: identity.workspaceId, member: identity.memberId });
        return closeWith(1008, 'rate limit exceeded', 'rate_limit');
      }
      if (room && conn) handle(message);
      else waiting.push(message);
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      metrics.connections.dec();
      if (!room || !conn) return;
      room.leave(conn);
      unloadIfIdle(room);
    });

    try {
      room = await loadRoom(docName);
    } catch (err) {
      log({ event: 'load_failed', workspace: identity.workspaceId, doc: docName, error: String(err) });
      ws.close(1011, 'could not load the workspace; try again');
      return;
    }
    // Gone while its room loaded (a big doc loads for seconds): the room may now be nobody's.
    if (ws.readyState !== ws.OPEN) return unloadIfIdle(room);
    const joined = room.join(ws, identity, tokenHash, Date.now());
    if (joined.kind === 'refused') {
      // A stored record the doc schema refuses (a name over MEMBER_NAME_MAX from an older CLI):
      // this member cannot be listed, so they are not let in; everyone else is unaffected.
      const tooLong = identity.name.length > MEMBER_NAME_MAX;
      log({ event: 'join_refused', workspace: identity.workspaceId, member: identity.memberId, error: String(joined.error) });
      metrics.closed.inc({ reason: 'join_refused' });
      ws.close(tooLong ? 1008 : 1011, tooLong ? `member name is over ${MEMBER_NAME_MAX} characters; ask an owner for a new invite` : 'could not join the workspace; try again');
      unloadIfIdle(room);
      return;
    }
    conn = joined.conn;
    for (const message of waiting.splice(0)) if (room.connections.has(conn)) handle(message);
  }

  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  // Tokens are revoked and roles changed by the CLI, possibly in another process: re-check
  // every live connection often enough that a change takes effect within a second.
  let seenAuthVersion = await store.authVersion();
  let rechecking = false;
  // The store can be away (PostgreSQL restarting): say so once, and once when it is back,
  // rather than every pass.
  let recheckFailing = false;
  const recheck = setInterval(() => {
    if (rechecking) return;
    rechecking = true;
    recheckConnections()
      .then(
        () => {
          if (recheckFailing) log({ event: 'auth_recheck_recovered' });
          recheckFailing = false;
        },
        (err: unknown) => {
          if (!recheckFailing) log({ event: 'auth_recheck_failed', error: String(err) });
          recheckFailing = true;
        },
      )
      .finally(() => (rechecking = false));
  }, options.recheckMs ?? 400);
  async function recheckConnections(): Promise<void> {
    // One tiny query per pass; the per-connection check runs only after an auth change.
    const version = await store.authVersion();
    if (version === seenAuthVersion) return;
    seenAuthVersion = version;
    const now = Date.now();
    for (const loading of rooms.values()) {
      const room = await loading.catch(() => null);
      if (!room) continue;
      for (const conn of [...room.connections]) {
        const fresh = await Promise.resolve(store.identityByHash(conn.tokenHash)).catch(() => conn.identity);
        if (!fresh) {
          log({ event: 'token_revoked', workspace: room.workspaceId, member: conn.identity.memberId });
          metrics.closed.inc({ reason: 'token_revoked' });
          conn.socket.close(4001, 'token revoked');
          room.leave(conn);
        } else if (fresh.role !== conn.identity.role || fresh.name !== conn.identity.name) {
          try {
            room.updateIdentity(conn, fresh, now);
          } catch (err) {
            // The changed record does not pass the schema: that member leaves, the pass goes on.
            log({ event: 'identity_update_refused', workspace: room.workspaceId, member: conn.identity.memberId, error: String(err) });
            conn.socket.close(1008, 'your member record changed and cannot be listed; reconnect');
            room.leave(conn);
          }
        }
      }
    }
  }
  recheck.unref();

  // Rooms whose store write failed are replaced by a fresh load once the store answers again.
  let reviving = false;
  const revive = setInterval(() => {
    if (reviving) return;
    reviving = true;
    reviveBrokenRooms()
      .catch((err: unknown) => log({ event: 'revive_failed', error: String(err) }))
      .finally(() => (reviving = false));
  }, options.reviveMs ?? 1000);
  revive.unref();
  async function reviveBrokenRooms(): Promise<void> {
    for (const [docName, loading] of [...rooms]) {
      const broken = await loading.catch(() => null);
      if (!broken?.broken || rooms.get(docName) !== loading) continue;
      if (broken.connections.size === 0 && !httpUsers.has(docName)) {
        rooms.delete(docName);
        dispose(broken);
        continue;
      }
      const fresh = await newRoom(docName).catch(() => null);
      if (!fresh) continue; // still away: the next pass tries again
      if (rooms.get(docName) !== loading) {
        dispose(fresh);
        continue;
      }
      rooms.set(docName, Promise.resolve(fresh));
      log({ event: 'room_revived', workspace: broken.workspaceId, doc: docName, clients: broken.connections.size });
      for (const conn of [...broken.connections]) {
        metrics.closed.inc({ reason: 'storage_recovered' });
        conn.socket.close(1012, 'storage is back; reconnect');
        broken.leave(conn);
      }
      dispose(broken);
      // Its clients reconnect within a second or so; if none does, the fresh room goes too.
      setTimeout(() => unloadIfIdle(fresh), 30_000).unref();
    }
  }

  // Fan-out messages were missed (Redis was away): every loaded room catches up from the store.
  // Requests come in bursts (both connections, every other process): one pass at a time, and at
  // most one more for everything asked while it ran.
  let catchingUp = false;
  let catchUpAgain = false;
  const requestCatchUp = (): void => {
    if (catchingUp) {
      catchUpAgain = true;
      return;
    }
    catchingUp = true;
    catchUpRooms()
      .catch((err: unknown) => log({ event: 'resync_failed', error: String(err) }))
      .finally(() => {
        catchingUp = false;
        if (catchUpAgain) {
          catchUpAgain = false;
          requestCatchUp();
        }
      });
  };
  const stopResync = fanout?.onResync(requestCatchUp);
  async function catchUpRooms(): Promise<void> {
    let count = 0;
    for (const [docName, loading] of [...rooms]) {
      const room = await loading.catch(() => null);
      if (!room || room.broken) continue;
      try {
        room.catchUp(await store.loadDoc(docName));
        count += 1;
      } catch (err) {
        log({ event: 'resync_failed', workspace: room.workspaceId, doc: docName, error: String(err) });
      }
    }
    log({ event: 'fanout_resynced', rooms: count });
  }
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
      await Promise.all(splitting);
      await Promise.all(summaryWrites.values());
      for (const loading of rooms.values()) await (await loading.catch(() => null))?.idle();
    },
    backups,
    async close() {
      await backups?.stop();
      clearInterval(recheck);
      clearInterval(cooldownSweep);
      clearInterval(revive);
      for (const timer of sweeps.values()) clearTimeout(timer);
      stopResync?.();
      missing.stop();
      // Graceful: stop taking connections, persist every update already applied, then close
      // each socket with a reason (clients reconnect elsewhere, or later), then the store.
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      await Promise.all(splitting);
      // A split that ended meanwhile may have set a sweep.
      for (const timer of sweeps.values()) clearTimeout(timer);
      sweeps.clear();
      await Promise.all(summaryWrites.values());
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

/** Sent instead of applying an edit to a room that cannot store it (y-protocols auth message). */
const STORAGE_DOWN_MESSAGE = encoding.encode((e) => {
  encoding.writeVarUint(e, MESSAGE_AUTH);
  authProtocol.writePermissionDenied(e, `${STORAGE_DOWN_REASON}: this edit was not saved; it is kept on your device and sent again when the server reconnects`);
});

/** A y-protocols sync step 2 or update: a message that would change the doc. */
function isDocWrite(message: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return false;
    const subtype = decoding.readVarUint(decoder);
    return subtype === syncProtocol.messageYjsSyncStep2 || subtype === syncProtocol.messageYjsUpdate;
  } catch {
    return false; // malformed: Room.receive says so
  }
}

/** What the server answers outside the API's map: liveness, the API's own description, and 404. */
function outsideApi(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/healthz') return json(res, 200, { status: 'ok' });
  if (req.method === 'GET' && url.pathname === '/api/v1/openapi.json') return json(res, 200, buildOpenApi());
  // Nothing unknown is ever answered 200.
  json(res, 404, { error: `no route ${req.method} ${url.pathname}` });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** A websocket close reason is at most 123 bytes of UTF-8. */
function closeReason(text: string): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= 123) return text;
  return bytes.subarray(0, 120).toString().replace(/\uFFFD+$/, '') + '…';
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The request path without its query string, so tokens never reach a log. */
function safePath(req: IncomingMessage): string {
  return (req.url ?? '').split('?')[0] ?? '';
}
