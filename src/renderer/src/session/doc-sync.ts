/**
 * One doc in the renderer — a workspace doc or a note doc — kept three ways at once:
 * - saved: every update reaches the local cache (SQLite) within SAVE_DELAY_MS, edits made here
 *   flagged `local` so the host tracks them until the server has them;
 * - in step with other windows of this app through the host's `doc.updated` events, with or
 *   without a server;
 * - synced with the server by a y-websocket provider, whose connection state this reports.
 * The owner calls `dispose()`, which saves what is pending and closes everything.
 */
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { HostApi, WorkspaceConnection } from '../../../shared/host-contract';

export type SyncState =
  | { kind: 'offline'; detail: string }
  | { kind: 'syncing'; detail: string }
  | { kind: 'synced'; detail: string }
  | { kind: 'refused'; detail: string };

/** Updates read from the local cache or relayed by the host: already saved, not to save again. */
const SAVED_ORIGIN = Symbol('saved');
/** Writes to the local cache are batched at most this long (issue: 100–300 ms). */
export const SAVE_DELAY_MS = 150;

export class DocSync {
  readonly doc = new Y.Doc();
  /** Presence in this doc; exists from the start, the provider shares it once connected. */
  readonly awareness = new Awareness(this.doc);
  provider: WebsocketProvider | null = null;
  sync: SyncState = { kind: 'syncing', detail: 'Loading from this device…' };
  saveError: string | null = null;
  /** Set once the cached state is applied (the doc is ready to show). */
  loaded = false;
  /** The cache's version of this doc as of the last load or save answered (LocalCache.docVersion). */
  cacheVersion: number | null = null;
  private unsaved: { update: Uint8Array; local: boolean }[] = [];
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private saving: Promise<void> = Promise.resolve();
  /** Batches handed to `saving` and not yet answered. */
  private inFlight = 0;
  private readonly listeners = new Set<() => void>();
  private readonly savedListeners = new Set<() => void>();
  private stopRelay: (() => void) | null = null;
  private disposed = false;

  constructor(
    readonly host: HostApi,
    readonly connection: WorkspaceConnection,
    /** The workspace id, or a note doc name (`noteDocName`). */
    readonly docName: string,
  ) {
    this.doc.on('update', this.onDocUpdate);
  }

  /**
   * Loads the cached doc (so the UI can render at once), then joins other windows and the server.
   * `beforeApply` (a list preview being painted) is waited for before the cached state is applied,
   * which blocks the page for as long as it takes; the load itself is asked for at once.
   */
  async start(beforeApply?: Promise<unknown>): Promise<void> {
    // Listen first: an update another window saves while the cache loads must not be missed.
    this.stopRelay = this.host.on('doc.updated', ({ docId, update }) => {
      if (docId === this.docName && !this.disposed) Y.applyUpdate(this.doc, update, SAVED_ORIGIN);
    });
    const loading = this.host.call('cache.load', { docId: this.docName });
    await beforeApply;
    const { updates, version } = await loading;
    if (this.disposed) return;
    this.cacheVersion = version;
    // For profiles and bench:open: when the cached state was in hand, and when it was in the doc.
    performance.mark('driftdesk:cache-loaded', { detail: this.docName });
    this.applyCached(updates);
    performance.mark('driftdesk:cache-applied', { detail: this.docName });
    this.loaded = true;
    this.emit();
    this.connect();
  }

  /**
   * Applies the cached state (a snapshot and the log after it) as one transaction, so views
   * re-read once, with this doc's 'update' listener off meanwhile: Yjs encodes a transaction
   * back into an update whenever anyone listens to 'update', and for a cached state, which
   * needs no saving, that encode cost as much as the apply itself (0.6 s of a 15 MB workspace,
   * bench:open). Views listen to 'afterTransaction' for the same reason (useDocValue).
   */
  private applyCached(updates: Uint8Array[]): void {
    if (updates.length === 0) return;
    this.doc.off('update', this.onDocUpdate);
    try {
      this.doc.transact(() => {
        for (const update of updates) Y.applyUpdate(this.doc, update, SAVED_ORIGIN);
      }, SAVED_ORIGIN);
    } finally {
      this.doc.on('update', this.onDocUpdate);
    }
  }

  private connect(): void {
    const { serverUrl, token } = this.connection;
    const provider = new WebsocketProvider(`${serverUrl.replace(/^http/, 'ws')}/sync`, this.docName, this.doc, {
      params: { token },
      awareness: this.awareness,
      // Windows of this app talk through the host; BroadcastChannel would let a stale tab skip
      // the server's auth checks.
      disableBc: true,
    });
    this.provider = provider;
    provider.on('status', ({ status }: { status: string }) => {
      if (status === 'connected') this.setSync({ kind: 'syncing', detail: 'Connected; syncing…' });
      else if (status === 'disconnected' && this.sync.kind !== 'refused') {
        this.setSync({ kind: 'offline', detail: 'Offline: edits are kept on this device and sent when the server is back.' });
      }
    });
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced) this.setSync({ kind: 'synced', detail: `Synced with ${serverUrl}` });
    });
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
    this.savedListeners.add(listener);
    return () => this.savedListeners.delete(listener);
  }

  /** True when every update of the doc is in the cache and no save is under way. */
  get settled(): boolean {
    return this.loaded && this.unsaved.length === 0 && this.inFlight === 0;
  }

  /** Number of updates not yet written to the local cache. */
  get pendingSaves(): number {
    return this.unsaved.length;
  }

  /** Writes every pending update to the local cache now. */
  async flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    const batch = this.unsaved;
    if (batch.length === 0) return this.saving;
    this.unsaved = [];
    this.inFlight += 1;
    this.saving = this.saving.then(async () => {
      try {
        const { version } = await this.host.call('cache.append', { docId: this.docName, updates: batch.map((b) => b.update), local: batch.map((b) => b.local) });
        this.cacheVersion = version;
        this.saveError = null;
        for (const l of this.savedListeners) l();
      } catch (err) {
        // Keep them for the next try: a failed save must not drop an edit.
        this.unsaved = [...batch, ...this.unsaved];
        this.saveError = `Could not save to this device: ${(err as Error).message}`;
        this.saveTimer ??= setTimeout(() => void this.flush(), 2000);
      } finally {
        this.inFlight -= 1;
      }
      this.emit();
    });
    return this.saving;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.flush();
    this.stopRelay?.();
    this.provider?.destroy();
    this.awareness.destroy();
    this.doc.off('update', this.onDocUpdate);
    this.doc.destroy();
    this.listeners.clear();
    this.savedListeners.clear();
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === SAVED_ORIGIN) return;
    // From the server (the provider is the origin of what it applies) or made here.
    this.unsaved.push({ update, local: this.provider === null || origin !== this.provider });
    this.saveTimer ??= setTimeout(() => void this.flush(), SAVE_DELAY_MS);
    // Tell the UI once per batch that something is unsaved (not on every keystroke).
    if (this.unsaved.length === 1) this.emit();
  };

  private emit = (): void => {
    for (const l of this.listeners) l();
  };
}
