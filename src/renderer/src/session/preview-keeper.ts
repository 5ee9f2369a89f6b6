/**
 * Keeps the incidents list's preview (src/core/workspace/list-preview.ts) in the host: once after
 * the doc is loaded — so even a workspace opened only to read opens fast the next time — and a
 * while after each save. Written only while every update of the doc is in the cache and no save
 * is under way, with the version the cache last answered; the host refuses it if the doc has
 * moved on meanwhile (another window saved), so a preview never shows what the doc does not.
 */
import type * as Y from 'yjs';
import { incidentsPreview } from '../../../core/workspace';
import { DOC_KEYS } from '../../../core/workspace/schema';
import type { PREVIEW_LISTS } from '../../../shared/host-contract';
import type { DocSync } from './doc-sync';
import { changesTo } from './map-changes';
import { splashOfScreen } from './splash';

type PreviewList = (typeof PREVIEW_LISTS)[number];

/** Quiet time after the last save before the preview is rewritten (reading the list costs a few ms per 1,000 incidents). */
const PREVIEW_DELAY_MS = 2000;
/** After the load: soon, so that a window opened only for a glance still leaves a preview behind. */
const FIRST_PREVIEW_DELAY_MS = 300;
/**
 * As the page closes, the screen is kept only if the doc has not changed for this long: React
 * draws a change within a frame or two, and a screen a change behind must not be kept as the
 * doc's version with the change.
 */
const SCREEN_SETTLED_MS = 250;
/** What incidentsPreview reads: the incidents, and the comments and thread summaries it counts. */
const PREVIEW_READS = [DOC_KEYS.incidents, DOC_KEYS.comments, DOC_KEYS.threadSummaries] as const;

export class PreviewKeeper {
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** What the host last took, per list: nothing is sent again while it is unchanged. */
  private readonly written = new Map<PreviewList, { version: number; json: string }>();
  private readonly stopSaved: () => void;
  private disposed = false;
  /**
   * The incidents preview's JSON while what it reads is unchanged: a save elsewhere in the
   * workspace (a run, a note's record) needs the same preview stamped with the new version, not
   * another pass over every incident (~40 ms for 10,000 of them, a task of its own).
   */
  private incidentsJson: { doc: Y.Doc; changes: number; json: string } | null = null;

  constructor(private readonly sync: DocSync) {
    this.stopSaved = sync.onSaved(this.schedule);
    sync.closingPreviews = this.closing;
    // Coming back to the incidents list is a screen worth keeping (splash.ts), saves or not.
    window.addEventListener('hashchange', this.onRoute);
  }

  private onRoute = (): void => {
    if (this.sync.loaded) this.schedule(FIRST_PREVIEW_DELAY_MS);
  };

  /** Call once the doc is loaded. */
  start(): void {
    this.schedule(FIRST_PREVIEW_DELAY_MS);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.stopSaved();
    if (this.sync.closingPreviews === this.closing) this.sync.closingPreviews = null;
    window.removeEventListener('hashchange', this.onRoute);
  }

  /**
   * What to keep as the page closes, drawn now, for the cache's `version` once what DocSync
   * sends with it is in: the lists that differ from what the host last took (CacheSaver.closing).
   */
  private closing = (version: number): { list: PreviewList; json: string }[] => {
    if (this.disposed) return [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const out: { list: PreviewList; json: string }[] = [];
    const add = (list: PreviewList, json: string | null): void => {
      const last = this.written.get(list);
      if (json !== null && !(last?.version === version && last.json === json)) out.push({ list, json });
    };
    add('incidents', this.previewJson(this.sync.doc));
    if (performance.now() - this.sync.lastChangeAt >= SCREEN_SETTLED_MS) add('splash', splashOfScreen());
    return out;
  };

  /** The preview of the doc the sync holds now (it swaps it after a refused edit). */
  private previewJson(doc: Y.Doc): string {
    const changes = changesTo(doc, PREVIEW_READS);
    const kept = this.incidentsJson;
    if (kept && kept.doc === doc && kept.changes === changes) return kept.json;
    const json = JSON.stringify(incidentsPreview(doc));
    this.incidentsJson = { doc, changes, json };
    return json;
  }

  private schedule = (delayMs = PREVIEW_DELAY_MS): void => {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(this.write, delayMs);
  };

  private write = (): void => {
    this.timer = null;
    const { sync } = this;
    const version = sync.cacheVersion;
    // Not settled: a save is coming, and its onSaved schedules the next try.
    if (this.disposed || !sync.settled || version === null) return;
    this.keep('incidents', version, this.previewJson(sync.doc));
    // The screen too, when it is the incidents list drawn from the doc (else the kept one goes
    // stale with this version and is no longer served) — in a task of its own: reading the list
    // and copying the screen in one were a long task on a workspace of years.
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.disposed || !sync.settled || sync.cacheVersion !== version) return;
      const splash = splashOfScreen();
      if (splash !== null) this.keep('splash', version, splash);
    }, 0);
  };

  private keep(list: PreviewList, version: number, json: string): void {
    const last = this.written.get(list);
    if (last?.version === version && last.json === json) return;
    this.sync.host.call('cache.savePreview', { docId: this.sync.docName, list, version, json }).then(
      ({ saved }) => saved && this.written.set(list, { version, json }),
      () => {}, // a preview is an optimisation: the next open applies the doc as before
    );
  }
}
