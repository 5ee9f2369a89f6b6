/**
 * A doc's cached state handed to a window in pages (`cache.load`, then `cache.loadPage`), not
 * as one message. The three-year workspace of bench:open is 50 MiB of cached state: as one
 * binary WebSocket frame, receiving it held the page's main thread for 0.25–0.29 s (the
 * browser assembles the message and its ArrayBuffer in one task; a CPU profile shows it as
 * `(program)`), and as one IPC message Electron's structured clone would do the same. In pages
 * of PAGE_BYTES each receive is a short task, and the window applies one page while the next is
 * on its way.
 *
 * The pages are cut from one read of the cache (LocalCache.loadDocUpdates) and kept here until
 * the last is fetched: the state a window applies is the one `cache.load` answered with its
 * `version`, whatever other windows append meanwhile (their updates reach it as `doc.updated`).
 * A load left unfinished (a window closed half way) is dropped after IDLE_MS, and at most
 * MAX_HELD loads are kept (the oldest goes first), so a page cannot make the host hold memory.
 */
import { randomBytes } from 'node:crypto';
import { batchUpdates } from '../shared/update-batches.ts';

/** Bytes of updates per page (an update larger than this is a page alone). */
export const PAGE_BYTES = 2 * 1024 * 1024;
const IDLE_MS = 120_000;
const MAX_HELD = 4;

interface HeldLoad {
  pages: Uint8Array[][];
  caller: string;
  touched: number;
}

export interface FirstPage {
  updates: Uint8Array[];
  /** Bytes in all pages together (for a window's progress). */
  totalBytes: number;
  /** Absent when the first page is all there is. */
  more?: { loadId: string; pages: number };
}

/** The pages of `updates`: batchUpdates, and one empty page when there is nothing. */
export function cutPages(updates: readonly Uint8Array[], maxBytes: number): Uint8Array[][] {
  const pages = batchUpdates(updates, maxBytes);
  return pages.length > 0 ? pages : [[]];
}

export class CachePages {
  private readonly held = new Map<string, HeldLoad>();

  constructor(
    private readonly now: () => number,
    private readonly pageBytes = PAGE_BYTES,
  ) {}

  /** Cuts `updates` into pages; keeps all but the first for `caller` to fetch. */
  begin(updates: readonly Uint8Array[], caller: string): FirstPage {
    this.expire();
    const pages = cutPages(updates, this.pageBytes);
    const totalBytes = updates.reduce((n, u) => n + u.length, 0);
    if (pages.length === 1) return { updates: pages[0]!, totalBytes };
    while (this.held.size >= MAX_HELD) this.held.delete(this.held.keys().next().value!);
    const loadId = randomBytes(16).toString('hex');
    this.held.set(loadId, { pages, caller, touched: this.now() });
    return { updates: pages[0]!, totalBytes, more: { loadId, pages: pages.length } };
  }

  /**
   * Page `page` (1-based after the first) of a load this caller began. Throws, saying which,
   * for a load that is unknown, expired, another caller's, or a page it does not have.
   */
  page(loadId: string, page: number, caller: string): Uint8Array[] {
    this.expire();
    const load = this.held.get(loadId);
    if (!load || load.caller !== caller) throw new Error(`cache.loadPage: no load ${loadId} for this window (finished, expired or never begun); load the doc again`);
    if (page < 1 || page >= load.pages.length) throw new Error(`cache.loadPage: load ${loadId} has pages 1..${load.pages.length - 1}, not ${page}`);
    load.touched = this.now();
    if (page === load.pages.length - 1) this.held.delete(loadId);
    return load.pages[page]!;
  }

  /** Loads held now (for tests). */
  get size(): number {
    return this.held.size;
  }

  private expire(): void {
    const t = this.now();
    for (const [id, load] of this.held) if (t - load.touched > IDLE_MS) this.held.delete(id);
  }
}
