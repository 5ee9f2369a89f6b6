/**
 * What a doc's window has to save to the host's local cache (DocSync's "saved" part): updates
 * are batched for at most SAVE_DELAY_MS, appended one batch after another (`cache.append`, which
 * answers the doc's new version), kept for another try when a save fails, and — as the page goes —
 * sent at once in one message with the screen's lists drawn with them (`closing`).
 */
import type { HostApi, PREVIEW_LISTS } from '../../../shared/host-contract';

/** Writes to the local cache are batched at most this long (issue: 100–300 ms). */
export const SAVE_DELAY_MS = 150;
/** After a failed save, the next try. */
const RETRY_MS = 2000;

/** An update waiting to be saved; `local`: made on this device (not relayed from the server). */
export interface SaveItem {
  update: Uint8Array;
  local: boolean;
}
/** A batch handed to the save chain; `sent` once it is on its way to the host. */
interface SaveBatch {
  items: SaveItem[];
  sent: boolean;
}
export type PreviewList = (typeof PREVIEW_LISTS)[number];
/** Lists drawn from the doc as it is now, to keep at the cache's `version` (PreviewKeeper). */
export type ClosingPreviews = (version: number) => { list: PreviewList; json: string }[];

export class CacheSaver {
  /** The last save's failure, shown to the person; null once a save succeeds. */
  saveError: string | null = null;
  /** The cache's version of this doc as of the last load or save answered (LocalCache.docVersion). */
  cacheVersion: number | null = null;
  private unsaved: SaveItem[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private saving: Promise<void> = Promise.resolve();
  /** Batches handed to `saving` and not yet answered. */
  private inFlight = 0;
  /** Batches handed to `saving` and not yet sent to the host (a page being closed sends them at once). */
  private readonly queued = new Set<SaveBatch>();
  /** Appends sent to the host and not yet answered: the cache's version is this far past `cacheVersion`. */
  private sentUnanswered = 0;
  private readonly savedListeners = new Set<() => void>();

  constructor(
    private readonly host: HostApi,
    private readonly docName: string,
    /** Something the UI shows changed (unsaved edits, a save's outcome). */
    private readonly changed: () => void,
  ) {}

  /** An update to save within SAVE_DELAY_MS. */
  add(item: SaveItem): void {
    this.unsaved.push(item);
    this.timer ??= setTimeout(() => void this.flush(), SAVE_DELAY_MS);
    // Tell the UI once per batch that something is unsaved (not on every keystroke).
    if (this.unsaved.length === 1) this.changed();
  }

  /** Updates not yet written to the local cache. */
  get pending(): number {
    return this.unsaved.length;
  }

  /** Nothing waits and no save is under way. */
  get idle(): boolean {
    return this.unsaved.length === 0 && this.inFlight === 0;
  }

  /** Edits made here are waiting or on their way to the cache. */
  get localUnsaved(): boolean {
    return this.unsaved.some((u) => u.local) || this.inFlight > 0;
  }

  /** Called after each batch is in the local cache. */
  onSaved(listener: () => void): () => void {
    this.savedListeners.add(listener);
    return () => this.savedListeners.delete(listener);
  }

  /** Writes every pending update to the local cache now. */
  async flush(): Promise<void> {
    this.stopTimer();
    if (this.unsaved.length === 0) return this.saving;
    const batch: SaveBatch = { items: this.unsaved, sent: false };
    this.unsaved = [];
    this.inFlight += 1;
    this.queued.add(batch);
    this.saving = this.saving.then(async () => {
      this.queued.delete(batch);
      if (batch.sent) {
        // The page's close sent it already (closing).
        this.inFlight -= 1;
        return;
      }
      batch.sent = true;
      this.sentUnanswered += 1;
      try {
        await this.append(batch.items);
      } finally {
        this.inFlight -= 1;
        this.sentUnanswered -= 1;
      }
      this.changed();
    });
    return this.saving;
  }

  /**
   * The page is going (closed, reloaded, left): what waits is sent now in one message, not after
   * the save before it is answered (the page would be gone), with the lists `previews` draws when
   * given. The host keeps them only if its version is still the one this window expects (its own
   * sends in flight counted): another window's save in between means they may lack that save,
   * and they are dropped.
   */
  closing(previews: ClosingPreviews | null): void {
    this.stopTimer();
    const waiting = [...this.queued].filter((b) => !b.sent);
    for (const b of waiting) b.sent = true;
    const items = [...waiting.flatMap((b) => b.items), ...this.unsaved];
    this.unsaved = [];
    const base = this.cacheVersion === null ? null : this.cacheVersion + this.sentUnanswered;
    const lists = base === null ? [] : (previews?.(base + (items.length > 0 ? 1 : 0)) ?? []);
    if (items.length === 0) {
      for (const { list, json } of lists) this.host.call('cache.savePreview', { docId: this.docName, list, version: base!, json }).catch(() => {});
      return;
    }
    this.sentUnanswered += 1;
    const sent = this.append(items, lists.length > 0 ? { expectVersion: base!, lists } : undefined).finally(() => {
      this.sentUnanswered -= 1;
      this.changed();
    });
    this.saving = Promise.all([this.saving, sent]).then(() => {});
  }

  /**
   * The doc was replaced by the server's state (DocSync.reloadFromServer): what waited belongs to
   * the old doc, and the cache is to hold `state` instead, after the saves before it.
   */
  replace(state: Uint8Array, reason: string): void {
    this.stopTimer();
    this.unsaved = [];
    this.saving = this.saving.then(async () => {
      try {
        const { version } = await this.host.call('cache.replace', { docId: this.docName, state, reason });
        this.cacheVersion = version;
      } catch (err) {
        this.saveError = `Could not replace the refused edits on this device: ${(err as Error).message}`;
      }
    });
  }

  dispose(): void {
    this.savedListeners.clear();
  }

  /** One append; a failed one keeps its updates for the next try: a failed save must not drop an edit. */
  private async append(items: SaveItem[], previews?: { expectVersion: number; lists: { list: PreviewList; json: string }[] }): Promise<void> {
    try {
      const { version } = await this.host.call('cache.append', { docId: this.docName, updates: items.map((b) => b.update), local: items.map((b) => b.local), previews });
      this.cacheVersion = version;
      this.saveError = null;
      for (const l of this.savedListeners) l();
    } catch (err) {
      this.unsaved = [...items, ...this.unsaved];
      this.saveError = `Could not save to this device: ${(err as Error).message}`;
      this.timer ??= setTimeout(() => void this.flush(), RETRY_MS);
    }
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
