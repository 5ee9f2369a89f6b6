/**
 * One open workspace in the renderer: the workspace doc (a DocSync: cached, relayed between
 * windows, synced), the note docs opened from it (ref-counted, opened lazily), who is here, and
 * how many edits made on this device the server does not have yet. The session owns every
 * disposable it creates; `dispose()` ends them.
 */
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { type CommandContext, DOC_KEYS, type IncidentsPreview, parseIncidentsPreview } from '../../../core/workspace';
import type { HostApi, WorkspaceConnection } from '../../../shared/host-contract';
import { DocSync, type RefusedEdits, type SyncState } from './doc-sync';
import { memberColor } from './member-colors';
import { PreviewKeeper } from './preview-keeper';

export type { RefusedEdits, SyncState };

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

/** A note doc (or any other doc of the workspace) held open by one or more views. */
export interface DocHandle {
  /** The doc as of now: replaced when the server refuses an edit (the session's `generation` rises). */
  readonly doc: Y.Doc;
  /** This person's presence in the doc ('user' field set: name, colour, member id). */
  readonly awareness: Awareness;
  readonly synced: boolean;
  subscribe(listener: () => void): () => void;
  release(): void;
}

/** How long after the last save to ask the server what it has (a burst of edits is one ask). */
const PUSH_CHECK_DELAY_MS = 800;

export class WorkspaceSession {
  private readonly main: DocSync;
  private readonly opened = new Map<string, { sync: DocSync; users: number }>();
  private listeners = new Set<() => void>();
  private lastCheck = 0;
  private pushTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private readonly unsubscribers: (() => void)[] = [];
  /** Edits saved on this device that the server is not known to have (all the workspace's docs). */
  pending = 0;
  /** The incidents list as last drawn, shown until the doc is loaded (list-preview.ts); null when there is none. */
  incidentsPreview: IncidentsPreview | null = null;
  private readonly previews: PreviewKeeper;
  /** Inbox items read on this device; null until loaded. */
  inboxReads: ReadonlySet<string> | null = null;
  /** When this session began: mentions newer than this get a desktop notification. */
  readonly startedAt = Date.now();

  /**
   * Raised whenever one of the session's docs is replaced by the server's state (an edit was
   * refused): views remount on it, so none keeps the replaced doc.
   */
  generation = 0;
  /** Why editing was turned off or on, after the server changed this member's role; null before. */
  roleNotice: string | null = null;
  /** This person's colour once the members list is known (setColor). */
  private color: string | null = null;

  constructor(
    readonly host: HostApi,
    /** Who this person is here; the role follows the server live (see applyIdentity). */
    public connection: WorkspaceConnection,
    /** The kept incidents list, when it was already asked for (early-open.ts); otherwise start() asks. */
    private readonly previewJson?: Promise<string | null>,
  ) {
    this.main = new DocSync(host, connection, connection.workspaceId);
    this.unsubscribers.push(this.main.subscribe(this.emit), this.main.onSaved(this.schedulePushCheck), ...this.watch(this.main));
    this.previews = new PreviewKeeper(this.main);
  }

  /** Whether the workspace doc's cached state is applied (until then, views show the preview or a loading state). */
  get loaded(): boolean {
    return this.main.loaded;
  }

  /** While the cached state is being applied: bytes applied of the total; else null. */
  get loading(): { applied: number; total: number } | null {
    return this.main.loading;
  }

  get doc(): Y.Doc {
    return this.main.doc;
  }

  get provider() {
    return this.main.provider;
  }

  get sync(): SyncState {
    return this.main.sync;
  }

  get saveError(): string | null {
    return this.main.saveError;
  }

  /** Role changes and reloads of one of this session's docs. */
  private watch(sync: DocSync): (() => void)[] {
    let generation = sync.generation;
    return [
      sync.onIdentity(({ role, name }) => this.applyIdentity(role, name)),
      sync.subscribe(() => {
        if (sync.generation === generation) return;
        generation = sync.generation;
        this.generation += 1;
        this.emit();
      }),
    ];
  }

  /**
   * The server changed this member's role (or name): relabel, turn editing off or on by
   * re-rendering with the new role, say why, and keep it for the next start (workspaces.check
   * saves what the server says).
   */
  applyIdentity(role: WorkspaceConnection['role'], name: string): void {
    const before = this.connection.role;
    if (role === before && name === this.connection.memberName) return;
    this.connection = { ...this.connection, role, memberName: name };
    if (role !== before) this.roleNotice = roleSentence(before, role);
    for (const sync of [this.main, ...[...this.opened.values()].map((e) => e.sync)]) {
      const user = sync.awareness.getLocalState()?.user as PresenceUser | undefined;
      if (user) sync.awareness.setLocalStateField('user', { ...user, name, role });
    }
    void this.host.call('workspaces.check', { workspaceId: this.connection.workspaceId }).catch(() => {});
    this.emit();
  }

  /** Edits the server refused, per doc, kept aside for the person to copy or discard. */
  refusedEdits(): { docName: string; refused: RefusedEdits }[] {
    return [this.main, ...[...this.opened.values()].map((e) => e.sync)].flatMap((sync) => (sync.refused ? [{ docName: sync.docName, refused: sync.refused }] : []));
  }

  /** Docs whose server knew less than this copy when it connected (restored from a backup). */
  serverBehind(): { docName: string; behind: NonNullable<DocSync['behind']> }[] {
    return [this.main, ...[...this.opened.values()].map((e) => e.sync)].flatMap((sync) => (sync.behind ? [{ docName: sync.docName, behind: sync.behind }] : []));
  }

  dismissServerBehind(docName: string): void {
    this.docSync(docName)?.dismissBehind();
  }

  discardRefused(docName: string): void {
    this.docSync(docName)?.discardRefused();
  }

  /** Loads the cached doc (so the UI can render at once), then connects to the server. */
  async start(): Promise<void> {
    this.main.awareness.setLocalStateField('user', this.user('incidents'));
    this.main.awareness.on('change', this.emit);
    // The role kept on this device may be old (changed while the app was closed): ask.
    void this.host.call('workspaces.check', { workspaceId: this.connection.workspaceId }).then((check) => {
      if (check.kind === 'ok' && !this.disposed) this.applyIdentity(check.role, check.memberName);
    }, () => {});
    void this.host.call('inbox.reads', { workspaceId: this.connection.workspaceId }).then(({ itemIds }) => {
      this.inboxReads = new Set(itemIds);
      this.emit();
    }, () => (this.inboxReads = new Set()));
    // The incidents list as last drawn is on screen before the doc's cached state is applied
    // (which blocks the page for as long as it takes); the load is asked for meanwhile.
    const previewJson =
      this.previewJson ??
      this.host.call('cache.preview', { docId: this.connection.workspaceId, list: 'incidents' }).then(({ json }) => json, () => null);
    const previewPainted = previewJson.then((json) => {
      this.incidentsPreview = parseIncidentsPreview(json);
      if (!this.incidentsPreview || this.disposed) return;
      this.emit();
      return nextPaint();
    }).catch(() => {}); // without a preview the list waits for the doc, as before
    await this.main.start(previewPainted);
    this.incidentsPreview = null;
    if (this.disposed) return;
    this.previews.start();
    if (this.disposed) return;
    // Each provider the workspace doc connects through (a new one after a reload).
    this.unsubscribers.push(this.main.onProvider((provider) => {
      provider.on('status', ({ status }: { status: string }) => {
        if (provider === this.main.provider && status === 'disconnected' && this.sync.kind !== 'refused') void this.explainDisconnect();
      });
      // Back online: push every doc with edits made offline, open or not.
      provider.on('sync', (isSynced: boolean) => isSynced && this.schedulePushCheck());
      provider.on('connection-error', () => provider === this.main.provider && void this.explainDisconnect());
      this.main.awareness.off('change', this.emit);
      this.main.awareness.on('change', this.emit);
      this.schedulePushCheck();
    }));
  }

  /** Opens a doc of this workspace (a note) or shares the one already open. */
  openDoc(docName: string): DocHandle {
    let entry = this.opened.get(docName);
    if (!entry) {
      const sync = new DocSync(this.host, this.connection, docName);
      entry = { sync, users: 0 };
      this.opened.set(docName, entry);
      // Its saves change `pendingSaves` (the sync indicator's "all changes saved on this device"):
      // tell the session's readers, as the workspace doc's do (once per save batch, not per keystroke).
      this.unsubscribers.push(sync.onSaved(this.schedulePushCheck), sync.subscribe(this.emit), ...this.watch(sync));
      sync.awareness.setLocalStateField('user', this.user(`doc/${docName}`));
      void sync.start();
    }
    entry.users++;
    const { sync } = entry;
    let released = false;
    return {
      get doc() {
        return sync.doc;
      },
      get awareness() {
        return sync.awareness;
      },
      get synced() {
        return sync.sync.kind === 'synced';
      },
      subscribe: (listener) => sync.subscribe(listener),
      release: () => {
        if (released) return;
        released = true;
        const current = this.opened.get(docName);
        if (current && --current.users === 0) {
          this.opened.delete(docName);
          void current.sync.dispose();
        }
      },
    };
  }

  /** The DocSync behind an open doc, for views that need its load state. */
  docSync(docName: string): DocSync | undefined {
    return docName === this.connection.workspaceId ? this.main : this.opened.get(docName)?.sync;
  }

  private user(viewing: string): PresenceUser {
    return {
      memberId: this.connection.memberId,
      name: this.connection.memberName,
      role: this.connection.role,
      color: this.color ?? memberColor(this.connection.memberId, []),
      viewing,
    };
  }

  /** Marks inbox items read on this device. */
  async markInboxRead(itemIds: string[]): Promise<void> {
    const unread = itemIds.filter((id) => !this.inboxReads?.has(id));
    if (unread.length === 0) return;
    this.inboxReads = new Set([...(this.inboxReads ?? []), ...unread]);
    this.emit();
    await this.host.call('inbox.markRead', { workspaceId: this.connection.workspaceId, itemIds: unread });
  }

  /** Asks the host to push what the server lacks and to count what is left, shortly. */
  private schedulePushCheck = (): void => {
    if (this.disposed || this.pushTimer) return;
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null;
      void this.checkPending();
    }, PUSH_CHECK_DELAY_MS);
  };

  private async checkPending(): Promise<void> {
    const conversations = this.doc.getMap(DOC_KEYS.meta).get('conversations') === 'threads';
    const result = await this.host.call('sync.push', { workspaceId: this.connection.workspaceId, conversations }).catch(() => null);
    if (!result || this.disposed) return;
    const changed = result.pending !== this.pending;
    this.pending = result.pending;
    // Still pending while connected: the server is catching up or refusing; look again later.
    if (this.pending > 0 && this.main.sync.kind !== 'offline' && this.main.sync.kind !== 'refused') {
      setTimeout(this.schedulePushCheck, 5000);
    }
    if (changed) this.emit();
  }

  /** Asks the host why the server cannot be reached, at most every few seconds. */
  private async explainDisconnect(): Promise<void> {
    if (Date.now() - this.lastCheck < 3000 || this.disposed) return;
    this.lastCheck = Date.now();
    const check = await this.host.call('workspaces.check', { workspaceId: this.connection.workspaceId }).catch((err: Error) => ({
      kind: 'unreachable' as const,
      message: err.message,
    }));
    if (this.disposed || this.provider?.wsconnected) return;
    if (check.kind === 'refused') {
      // Retrying a refused token only hammers the server; stop until the person acts.
      const detail = check.message;
      this.main.refuse(detail);
      for (const { sync } of this.opened.values()) sync.refuse(detail);
    } else {
      const why = check.kind === 'unreachable' ? check.message : 'Reconnecting…';
      this.main.setSync({ kind: 'offline', detail: why });
    }
  }

  /** Who is here, this person first. */
  presence(): PresenceEntry[] {
    const awareness = this.main.awareness;
    const out: PresenceEntry[] = [];
    awareness.getStates().forEach((state, clientId) => {
      const user = (state as { user?: PresenceUser }).user;
      if (user && typeof user.name === 'string') {
        out.push({ ...user, clientId, self: clientId === awareness.clientID });
      }
    });
    return out.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
  }

  /** This person's colour (member-colors.ts), in the presence of every doc open here. */
  setColor(color: string): void {
    this.color = color;
    for (const sync of [this.main, ...[...this.opened.values()].map((e) => e.sync)]) {
      const user = sync.awareness.getLocalState()?.user as PresenceUser | undefined;
      if (user && user.color !== color) sync.awareness.setLocalStateField('user', { ...user, color });
    }
  }

  setViewing(viewing: string): void {
    const awareness = this.main.awareness;
    const user = awareness.getLocalState()?.user as PresenceUser | undefined;
    if (user && user.viewing !== viewing) awareness.setLocalStateField('user', { ...user, viewing });
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

  /** Number of edits not yet written to the local cache (all open docs). */
  get pendingSaves(): number {
    let n = this.main.pendingSaves;
    for (const { sync } of this.opened.values()) n += sync.pendingSaves;
    return n;
  }

  /** Writes every pending update of every open doc to the local cache now. */
  async flush(): Promise<void> {
    await Promise.all([this.main.flush(), ...[...this.opened.values()].map(({ sync }) => sync.flush())]);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.previews.dispose();
    for (const u of this.unsubscribers.splice(0)) u();
    this.main.awareness.off('change', this.emit);
    await Promise.all([this.main.dispose(), ...[...this.opened.values()].map(({ sync }) => sync.dispose())]);
    this.opened.clear();
    this.listeners.clear();
  }

  private emit = (): void => {
    for (const l of this.listeners) l();
  };
}

/** Why editing changed, in the person's words. */
export function roleSentence(before: string, role: string): string {
  const what =
    role === 'viewer'
      ? 'editing is off: you can read this workspace but not change it'
      : role === 'commenter'
        ? 'you can read and comment, but not edit'
        : before === 'viewer' || before === 'commenter'
          ? 'editing is on again'
          : 'you can edit this workspace';
  return `An owner changed your role from ${before} to ${role}: ${what}.`;
}

/** Resolves after the browser has painted what was rendered before the call. */
function nextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
