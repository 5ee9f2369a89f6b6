/**
 * One doc in the renderer — a workspace doc or a note doc — kept three ways at once:
 * - saved: every update reaches the local cache (SQLite) within SAVE_DELAY_MS (cache-saver.ts), edits made here
 *   flagged `local` so the host tracks them until the server has them;
 * - in step with other windows of this app through the host's `doc.updated` events, with or
 *   without a server;
 * - synced with the server by a y-websocket provider, whose connection state this reports.
 * The owner calls `dispose()`, which saves what is pending and closes everything.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Awareness } from 'y-protocols/awareness';
import * as authProtocol from 'y-protocols/auth';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import { startTransition } from 'react';
import * as Y from 'yjs';
import { type ServerBehind, ownDiffVector, serverBehind } from '../../../core/workspace/server-behind';
import { warmRecords } from '../../../core/workspace/queries';
import { DOC_KEYS } from '../../../core/workspace/schema';
import type { HostApi, WorkspaceConnection } from '../../../shared/host-contract';
import { CacheSaver, type ClosingPreviews } from './cache-saver';
import { type DriftdeskMessage, MESSAGE_DRIFTDESK, STORAGE_DOWN_REASON, readDriftdeskMessage, syncProtocols } from '../../../shared/sync-messages';
import { beginHydration, batchUpdates, cachedPages, endHydration, yieldToPage } from './hydration';
import { refusedText } from './refused-text';
import { inboxOf } from './inbox-model';

export type SyncState =
  | { kind: 'offline'; detail: string }
  | { kind: 'syncing'; detail: string }
  | { kind: 'synced'; detail: string }
  | { kind: 'refused'; detail: string };

/** Edits the server refused, kept aside (not in the doc) for the person to copy or discard. */
export interface RefusedEdits {
  /** The server's words, e.g. "viewers cannot change this workspace". */
  reason: string;
  /** What the refused edits wrote, as text (refused-text.ts); empty when they only deleted. */
  text: string;
  at: number;
}

/** y-protocols' auth message: the only thing it says is "permission denied". */
const MESSAGE_AUTH = 2;
/** y-websocket's sync message (y-protocols/sync inside). */
const MESSAGE_SYNC = 0;

/** Updates read from the local cache or relayed by the host: already saved, not to save again. */
const SAVED_ORIGIN = Symbol('saved');
/**
 * Bytes of cached state applied per task while a doc loads: the host's snapshot slices are
 * this size (LocalCache.SNAPSHOT_SLICE_BYTES, whose note says what one costs), and the log's
 * small rows are grouped up to it.
 */
export const APPLY_BATCH_BYTES = 64 * 1024;
/** Parsing the largest registries after a sliced load takes turns with the page this often (ms). */
const WARM_BUDGET_MS = 25;
/** While a doc loads, progress is reported at most this often. */
const PROGRESS_EVERY_MS = 100;
/** From this many runs, the Runs page's model is computed ahead after a sliced load. */
const WARM_RUNS_MODEL_FROM = 2_000;

export class DocSync {
  /**
   * Replaced (with `awareness` and `provider`) when the server refuses an edit: see
   * reloadFromServer. Views read it afresh on each render and remount on `generation`.
   */
  doc = new Y.Doc();
  /** Presence in this doc; exists from the start, the provider shares it once connected. */
  awareness = new Awareness(this.doc);
  provider: WebsocketProvider | null = null;
  /** Raised each time the doc is replaced by the server's state. */
  generation = 0;
  /** Edits the server refused since this doc was opened, or null. */
  refused: RefusedEdits | null = null;
  /** Yjs clients that wrote this doc on this device (the cache's own_clients, and this session's). */
  private readonly ownClients = new Set<number>();
  /** The server knew less than this copy when it last connected (restored from a backup), or null. */
  behind: (ServerBehind & { at: number }) | null = null;
  private reloading = false;
  private readonly identityListeners = new Set<(message: Extract<DriftdeskMessage, { kind: 'identity' }>) => void>();
  private readonly providerListeners = new Set<(provider: WebsocketProvider) => void>();
  sync: SyncState = { kind: 'syncing', detail: 'Loading from this device…' };
  /** Set once the cached state is applied (the doc is ready to show). */
  loaded = false;
  /** While the cached state is being applied: bytes applied of the total; else null. */
  loading: { applied: number; total: number } | null = null;
  /** What is to be saved to the local cache, and how the last save went (cache-saver.ts). */
  private readonly saver: CacheSaver;
  /** When this doc last changed (performance.now()), from anywhere. */
  lastChangeAt = 0;
  /**
   * Lists to keep with the last edits as the page closes, drawn from the doc as it is then and
   * to be kept at `version` (PreviewKeeper): else a person who closes the app within seconds of
   * an edit, or of a teammate's, finds no kept screen at the next start.
   */
  closingPreviews: ClosingPreviews | null = null;
  private readonly listeners = new Set<() => void>();
  private stopRelay: (() => void) | null = null;
  private disposed = false;
  private readonly disposeListeners = new Set<() => void>();

  constructor(
    readonly host: HostApi,
    readonly connection: WorkspaceConnection,
    /** The workspace id, or a note doc name (`noteDocName`). */
    readonly docName: string,
  ) {
    this.saver = new CacheSaver(host, docName, () => this.emit());
    this.doc.on('update', this.onDocUpdate);
    // A page being left (reload, close, a link away) saves what waits now, not SAVE_DELAY_MS
    // later, when the page is gone: the save is on its way before the page unloads.
    globalThis.addEventListener?.('pagehide', this.onPageHide);
  }

  /** The page is going: what waits goes to the cache now, with the screen drawn with it (CacheSaver.closing). */
  private onPageHide = (): void => this.saver.closing(this.loaded ? this.closingPreviews : null);

  /**
   * Loads the cached doc (so the UI can render at once), then joins other windows and the server.
   * `beforeApply` (a list preview being painted) is waited for before the cached state is applied
   * (in slices, see applyCached); the load itself is asked for at once.
   */
  async start(beforeApply?: Promise<unknown>): Promise<void> {
    // Listen first: an update another window saves while the cache loads must not be missed.
    this.stopRelay = this.host.on('doc.updated', ({ docId, update }) => {
      if (docId === this.docName && !this.disposed) Y.applyUpdate(this.doc, update, SAVED_ORIGIN);
    });
    const loading = this.host.call('cache.load', { docId: this.docName });
    await beforeApply;
    const first = await loading;
    if (this.disposed) return;
    this.saver.cacheVersion = first.version;
    // For profiles and bench:open: when the cached state's first page was in hand, and when the
    // whole state was in the doc.
    performance.mark('driftdesk:cache-loaded', { detail: this.docName });
    await this.applyCached(cachedPages(this.host, this.docName, first), first.totalBytes);
    if (this.disposed) return;
    performance.mark('driftdesk:cache-applied', { detail: this.docName });
    // One transition for every view: those that read the doc (told by endHydration) and those
    // that follow `loaded` render together — a view told only that the doc is loaded would show
    // its read of the empty doc ("No incidents yet") for a moment — and React renders them in
    // slices of its own, so the page answers a click meanwhile.
    startTransition(() => {
      endHydration(this.doc);
      this.loaded = true;
      this.emit();
    });
    // Which edits are this device's to send (see createProvider); a host that cannot say leaves
    // this session's own, which is what a device that never wrote here has anyway.
    const clients = await this.host.call('sync.clients', { docId: this.docName }).catch(() => null);
    if (this.disposed) return;
    for (const c of clients?.own ?? []) this.ownClients.add(c);
    this.connect();
  }

  /**
   * Applies the cached state — the snapshot's slices, then the log (LocalCache.loadDocUpdates) —
   * in batches of about APPLY_BATCH_BYTES, each its own transaction and its own task, so a large
   * workspace never holds the page for long (issue 20; the host cuts the snapshot so that each
   * slice integrates fully after the ones before it: update-slices.ts). Views wait for the whole
   * state (hydration.ts) and read it once; `loading` says how far it is, for a progress line.
   * This doc's 'update' listener is off while a batch is applied: Yjs encodes a transaction back
   * into an update whenever anyone listens to 'update', and for a cached state, which needs no
   * saving, that encode cost as much as the apply itself (0.6 s of a 15 MB workspace,
   * bench:open). Between batches it is on, so an edit made meanwhile is saved as usual.
   */
  private async applyCached(pages: AsyncIterable<Uint8Array[]>, total: number): Promise<void> {
    if (total === 0) return;
    const doc = this.doc;
    const sliced = total > APPLY_BATCH_BYTES;
    if (sliced) beginHydration(doc);
    this.loading = { applied: 0, total };
    let lastEmit = performance.now();
    try {
      let yielded = true;
      for await (const page of pages) {
        if (this.disposed || this.doc !== doc) break;
        for (const batch of batchUpdates(page, APPLY_BATCH_BYTES)) {
          if (!yielded) {
            await yieldToPage();
            if (this.disposed || this.doc !== doc) break;
          }
          doc.off('update', this.onDocUpdate);
          try {
            doc.transact(() => {
              for (const update of batch) Y.applyUpdate(doc, update, SAVED_ORIGIN);
            }, SAVED_ORIGIN);
          } finally {
            doc.on('update', this.onDocUpdate);
          }
          yielded = false;
          performance.mark('driftdesk:cache-batch', { detail: this.docName });
          this.loading = { applied: this.loading.applied + batch.reduce((n, u) => n + u.length, 0), total };
          if (performance.now() - lastEmit > PROGRESS_EVERY_MS) {
            lastEmit = performance.now();
            this.emit();
          }
        }
        if (this.disposed || this.doc !== doc) break;
      }
      // Views would parse every run and incident at their first read, in one task: parse them
      // now, a few milliseconds per task, so those reads are cache hits.
      if (sliced && !this.disposed && this.doc === doc) {
        for (const _ of warmRecords(doc, () => performance.now(), WARM_BUDGET_MS)) {
          await yieldToPage();
          if (this.disposed || this.doc !== doc) break;
        }
        // And what the Runs page derives from every run, a pass per task (runs-model.ts).
        if (doc.getMap(DOC_KEYS.runs).size >= WARM_RUNS_MODEL_FROM && !this.disposed && this.doc === doc) {
          const { warmRunsModel } = await import('../runs/runs-model');
          for (const _ of warmRunsModel(doc)) {
            await yieldToPage();
            if (this.disposed || this.doc !== doc) break;
          }
        }
        // And this person's inbox, which the shell reads at its first render (inbox-model.ts).
        if (this.docName === this.connection.workspaceId && !this.disposed && this.doc === doc) {
          await yieldToPage();
          if (!this.disposed && this.doc === doc) inboxOf(doc, this.connection.memberId);
        }
      }
    } catch (err) {
      endHydration(doc);
      throw err;
    } finally {
      this.loading = null;
    }
    // Left hydrating on purpose when it ends normally: start() ends it with `loaded`.
    if (this.disposed || this.doc !== doc) endHydration(doc);
  }

  private connect(): void {
    this.provider = this.createProvider(this.doc, this.awareness);
    for (const l of this.providerListeners) l(this.provider);
  }

  private createProvider(doc: Y.Doc, awareness: Awareness): WebsocketProvider {
    const { serverUrl, token } = this.connection;
    const provider = new WebsocketProvider(`${serverUrl.replace(/^http/, 'ws')}/sync`, this.docName, doc, {
      // The token rides in a subprotocol, never in the URL (which ends up in console errors and
      // access logs); the server answers with the plain one.
      protocols: syncProtocols(token),
      awareness,
      // Windows of this app talk through the host; BroadcastChannel would let a stale tab skip
      // the server's auth checks.
      disableBc: true,
    });
    provider.messageHandlers[MESSAGE_DRIFTDESK] = (_encoder, decoder) => {
      const message = readDriftdeskMessage(decoder);
      if (message?.kind === 'identity') for (const l of this.identityListeners) l(message);
    };
    // The server opens with its state vector (sync step 1). The answer (step 2) carries this
    // device's own edits only: after a restore from a backup the server lacks others' edits too,
    // and would refuse the whole answer for relaying them (server-behind.ts). Both vectors are
    // kept to tell the person what the server had lost (checkServerBehind).
    const handleSync = provider.messageHandlers[MESSAGE_SYNC]!;
    let vectors: { server: Map<number, number>; local: Map<number, number> } | null = null;
    provider.messageHandlers[MESSAGE_SYNC] = (encoder, decoder, ...rest) => {
      const peek = decoding.createDecoder(decoder.arr.subarray(decoder.pos));
      if (decoding.readVarUint(peek) !== syncProtocol.messageYjsSyncStep1) return handleSync(encoder, decoder, ...rest);
      decoding.readVarUint(decoder);
      const server = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
      const local = Y.decodeStateVector(Y.encodeStateVector(doc));
      vectors = { server, local };
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeSyncStep2(encoder, doc, Y.encodeStateVector(ownDiffVector(local, server, this.own(doc))));
    };
    provider.messageHandlers[MESSAGE_AUTH] = (_encoder, decoder) => {
      authProtocol.readAuthMessage(decoder, doc, (_doc, reason) => {
        // A room whose store is down refuses every edit for now, not this one: it is kept
        // and sent again on reconnect, so nothing is reloaded.
        if (!reason.startsWith(STORAGE_DOWN_REASON) && provider === this.provider) void this.reloadFromServer(reason);
      });
    };
    provider.on('status', ({ status }: { status: string }) => {
      if (provider !== this.provider || this.reloading) return;
      if (status === 'connected') this.setSync({ kind: 'syncing', detail: 'Connected; syncing…' });
      else if (status === 'disconnected' && this.sync.kind !== 'refused') {
        this.setSync({ kind: 'offline', detail: 'The server cannot be reached; reconnecting…' });
      }
    });
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced && provider === this.provider && !this.reloading) this.setSync({ kind: 'synced', detail: `Synced with ${serverUrl}` });
      if (isSynced && vectors) void this.checkServerBehind(vectors);
      vectors = null;
    });
    return provider;
  }

  /** Called when the server says this member's role or name changed (this connection's). */
  onIdentity(listener: (message: Extract<DriftdeskMessage, { kind: 'identity' }>) => void): () => void {
    this.identityListeners.add(listener);
    return () => this.identityListeners.delete(listener);
  }

  /** Called with each provider this doc connects through (a new one after a reload). */
  onProvider(listener: (provider: WebsocketProvider) => void): () => void {
    this.providerListeners.add(listener);
    if (this.provider) listener(this.provider);
    return () => this.providerListeners.delete(listener);
  }

  /**
   * The server refused an edit. The doc here holds it, and every later edit of this Yjs client
   * would depend on it — which the server refuses too (closing the socket) — so the doc is
   * replaced by a fresh one with the server's state, under a new client id. What the server
   * lacks (the refused edits and any sent after them) is kept aside as text (`refused`) for the
   * person to copy or discard, and the local cache is replaced the same way, so the refused
   * edits are never pushed later, here or by the host's pusher.
   */
  private async reloadFromServer(reason: string): Promise<void> {
    if (this.reloading || this.disposed) return;
    this.reloading = true;
    this.setSync({ kind: 'syncing', detail: `The server refused an edit (${reason}); loading the workspace as the server has it…` });
    const fresh = new Y.Doc();
    const freshAwareness = new Awareness(fresh);
    const user = this.awareness.getLocalState()?.user;
    if (user) freshAwareness.setLocalStateField('user', user);
    const provider = this.createProvider(fresh, freshAwareness);
    await new Promise<void>((resolve) => {
      const done = (isSynced: boolean) => {
        if (!isSynced && !this.disposed) return;
        provider.off('sync', done);
        resolve();
      };
      provider.on('sync', done);
      // dispose() must not leave this waiting forever.
      this.disposeListeners.add(() => done(true));
    });
    if (this.disposed) {
      provider.destroy();
      freshAwareness.destroy();
      fresh.destroy();
      return;
    }
    // Swap in one go: nothing awaits between reading the old doc and listening to the new one.
    const old = this.doc;
    old.off('update', this.onDocUpdate);
    this.provider?.destroy();
    this.awareness.destroy();
    // What the old doc has beyond the server's state, encoded as only that (not the whole old
    // doc and then a diff of it: seconds for a workspace of years).
    const diff = Y.encodeStateAsUpdate(old, Y.encodeStateVector(fresh));
    const text = refusedText(diff, old);
    const previous = this.refused?.text ?? '';
    this.refused = { reason, text: [previous, text].filter(Boolean).join('\n'), at: Date.now() };
    const state = Y.encodeStateAsUpdate(fresh);
    this.doc = fresh;
    this.awareness = freshAwareness;
    this.provider = provider;
    fresh.on('update', this.onDocUpdate);
    // What was not yet saved belongs to the old doc: it is in `diff`, not to be saved.
    this.saver.replace(state, reason);
    old.destroy();
    this.generation += 1;
    this.reloading = false;
    this.setSync({ kind: 'synced', detail: `Synced with ${this.connection.serverUrl}` });
    for (const l of this.providerListeners) l(provider);
  }

  /** The person has copied what they needed, or does not want it: forget the refused edits. */
  /**
   * Says so when the server lacked edits this copy had, beyond the ones waiting to be sent from
   * here (a server restored from a backup). The sync has already sent them back.
   */
  private async checkServerBehind(vectors: { server: Map<number, number>; local: Map<number, number> }): Promise<void> {
    const clients = await this.host.call('sync.clients', { docId: this.docName }).catch(() => null);
    // Without knowing what is unsent, a loss cannot be told from offline work: say nothing.
    if (!clients || this.disposed) return;
    for (const c of clients.own) this.ownClients.add(c);
    const unsent = new Set([...clients.unsent, ...(this.saver.localUnsaved ? [this.doc.clientID] : [])]);
    const behind = serverBehind(vectors.local, vectors.server, this.own(this.doc), unsent);
    if (!behind) return;
    this.behind = { ...behind, at: Date.now() };
    this.emit();
  }

  /** The Yjs clients whose edits this device may send as its own: those that wrote here. */
  private own(doc: Y.Doc): Set<number> {
    return new Set([...this.ownClients, doc.clientID]);
  }

  dismissBehind(): void {
    this.behind = null;
    this.emit();
  }

  discardRefused(): void {
    this.refused = null;
    this.emit();
  }

  /** Stops retrying (the server refused this token); edits keep being saved on this device. */
  refuse(detail: string): void {
    this.provider?.disconnect();
    this.setSync({ kind: 'refused', detail });
  }

  /** Reports a state the owner worked out (e.g. why the server cannot be reached). */
  setSync(state: SyncState): void {
    this.sync = state;
    this.emit();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after each batch of edits is in the local cache. */
  onSaved(listener: () => void): () => void {
    return this.saver.onSaved(listener);
  }

  /** True when every update of the doc is in the cache and no save is under way. */
  get settled(): boolean {
    return this.loaded && this.saver.idle;
  }

  /** Number of updates not yet written to the local cache. */
  get pendingSaves(): number {
    return this.saver.pending;
  }

  /** The cache's version of this doc as of the last load or save answered (LocalCache.docVersion). */
  get cacheVersion(): number | null {
    return this.saver.cacheVersion;
  }

  /** Why the last save to this device failed, or null. */
  get saveError(): string | null {
    return this.saver.saveError;
  }

  /** Writes every pending update to the local cache now. */
  flush(): Promise<void> {
    return this.saver.flush();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    globalThis.removeEventListener?.('pagehide', this.onPageHide);
    for (const l of this.disposeListeners) l();
    await this.flush();
    this.stopRelay?.();
    this.provider?.destroy();
    this.awareness.destroy();
    this.doc.off('update', this.onDocUpdate);
    this.doc.destroy();
    this.listeners.clear();
    this.saver.dispose();
    this.identityListeners.clear();
    this.providerListeners.clear();
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.lastChangeAt = performance.now();
    if (origin === SAVED_ORIGIN) return;
    // From the server (the provider is the origin of what it applies) or made here.
    this.saver.add({ update, local: this.provider === null || origin !== this.provider });
  };

  private emit = (): void => {
    for (const l of this.listeners) l();
  };
}
