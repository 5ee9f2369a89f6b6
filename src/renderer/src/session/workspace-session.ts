/**
 * One open workspace in the renderer: the Y.Doc (filled from the local cache first, then
 * synced), the y-websocket provider, the write-behind to the local cache, and the sync state
 * the indicator shows. The session owns every disposable it creates; `dispose()` ends them.
 */
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { CommandContext } from '../../../core/workspace';
import type { HostApi, WorkspaceConnection } from '../../../shared/host-contract';

export type SyncState =
  | { kind: 'offline'; detail: string }
  | { kind: 'syncing'; detail: string }
  | { kind: 'synced'; detail: string }
  | { kind: 'refused'; detail: string };

export interface PresenceUser {
  memberId: string;
  name: string;
  role: string;
  color: string;
  viewing: string;
}

export interface PresenceEntry extends PresenceUser {
  clientId: number;
  self: boolean;
}

const CACHE_ORIGIN = Symbol('local-cache');
/** Writes to the local cache are batched at most this long (issue: 100–300 ms). */
const SAVE_DELAY_MS = 150;
const COLORS = ['#2563eb', '#16a34a', '#db2777', '#d97706', '#7c3aed', '#0891b2', '#dc2626'];

export class WorkspaceSession {
  readonly doc = new Y.Doc();
  provider: WebsocketProvider | null = null;
  sync: SyncState = { kind: 'syncing', detail: 'Loading from this device…' };
  /** Updates not yet written to the local cache. */
  private unsaved: Uint8Array[] = [];
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private saving: Promise<void> = Promise.resolve();
  private listeners = new Set<() => void>();
  private lastCheck = 0;
  private disposed = false;
  saveError: string | null = null;

  constructor(
    readonly host: HostApi,
    readonly connection: WorkspaceConnection,
  ) {
    this.doc.on('update', this.onDocUpdate);
  }

  /** Loads the cached doc (so the UI can render at once), then connects to the server. */
  async start(): Promise<void> {
    const { update } = await this.host.call('cache.load', { docId: this.connection.workspaceId });
    if (this.disposed) return;
    if (update) Y.applyUpdate(this.doc, update, CACHE_ORIGIN);
    this.connect();
  }

  private connect(): void {
    const { serverUrl, workspaceId, token } = this.connection;
    const provider = new WebsocketProvider(`${serverUrl.replace(/^http/, 'ws')}/sync`, workspaceId, this.doc, {
      params: { token },
      // Two windows of one person talk through the server; BroadcastChannel would let a stale
      // tab skip the server's auth checks.
      disableBc: true,
    });
    this.provider = provider;
    const user: PresenceUser = {
      memberId: this.connection.memberId,
      name: this.connection.memberName,
      role: this.connection.role,
      color: COLORS[hash(this.connection.memberId) % COLORS.length]!,
      viewing: 'incidents',
    };
    provider.awareness.setLocalStateField('user', user);
    provider.on('status', ({ status }: { status: string }) => {
      if (status === 'connected') this.setSync({ kind: 'syncing', detail: 'Connected; syncing…' });
      else if (status === 'disconnected' && this.sync.kind !== 'refused') void this.explainDisconnect();
    });
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced) this.setSync({ kind: 'synced', detail: `Synced with ${serverUrl}` });
    });
    provider.on('connection-error', () => void this.explainDisconnect());
    provider.awareness.on('change', this.emit);
  }

  /** Asks the host why the server cannot be reached, at most every few seconds. */
  private async explainDisconnect(): Promise<void> {
    if (Date.now() - this.lastCheck < 3000 || this.disposed) {
      if (this.sync.kind === 'synced' || this.sync.kind === 'syncing') this.setSync({ kind: 'offline', detail: 'Offline: edits are kept on this device and sent when the server is back.' });
      return;
    }
    this.lastCheck = Date.now();
    const check = await this.host.call('workspaces.check', { workspaceId: this.connection.workspaceId }).catch((err: Error) => ({
      kind: 'unreachable' as const,
      message: err.message,
    }));
    if (this.disposed || this.provider?.wsconnected) return;
    if (check.kind === 'refused') {
      // Retrying a refused token only hammers the server; stop until the person acts.
      this.provider?.disconnect();
      this.setSync({ kind: 'refused', detail: `${check.message} Your edits stay on this device.` });
    } else {
      const why = check.kind === 'unreachable' ? check.message : 'Reconnecting…';
      this.setSync({ kind: 'offline', detail: `Offline: ${why} Edits are kept on this device.` });
    }
  }

  /** Who is here, this person first. */
  presence(): PresenceEntry[] {
    const awareness = this.provider?.awareness;
    if (!awareness) return [];
    const out: PresenceEntry[] = [];
    awareness.getStates().forEach((state, clientId) => {
      const user = (state as { user?: PresenceUser }).user;
      if (user && typeof user.name === 'string') {
        out.push({ ...user, clientId, self: clientId === awareness.clientID });
      }
    });
    return out.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
  }

  setViewing(viewing: string): void {
    const awareness = this.provider?.awareness;
    const user = awareness?.getLocalState()?.user as PresenceUser | undefined;
    if (awareness && user && user.viewing !== viewing) awareness.setLocalStateField('user', { ...user, viewing });
  }

  /** The context named commands need: who acts, the clock, new ids. */
  commandContext(): CommandContext {
    return {
      actor: { id: this.connection.memberId, name: this.connection.memberName },
      now: () => Date.now(),
      newId: () => crypto.randomUUID(),
    };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Number of edits not yet written to the local cache. */
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
    this.saving = this.saving.then(async () => {
      try {
        await this.host.call('cache.append', { docId: this.connection.workspaceId, updates: batch });
        this.saveError = null;
      } catch (err) {
        // Keep them for the next try: a failed save must not drop an edit.
        this.unsaved = [...batch, ...this.unsaved];
        this.saveError = `Could not save to this device: ${(err as Error).message}`;
      }
      this.emit();
    });
    return this.saving;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.flush();
    this.provider?.awareness.off('change', this.emit);
    this.provider?.destroy();
    this.doc.off('update', this.onDocUpdate);
    this.doc.destroy();
    this.listeners.clear();
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === CACHE_ORIGIN) return;
    this.unsaved.push(update);
    this.saveTimer ??= setTimeout(() => void this.flush(), SAVE_DELAY_MS);
  };

  private setSync(state: SyncState): void {
    this.sync = state;
    this.emit();
  }

  private emit = (): void => {
    for (const l of this.listeners) l();
  };
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
