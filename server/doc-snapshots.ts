/**
 * History snapshots of one loaded doc — the workspace doc, a note doc or a conversation doc —
 * on one cadence rule: a doc that changed since its last snapshot, and whose last snapshot is
 * older than `everyMs`, gets one; a doc that did not change gets none. A change that comes while
 * a snapshot is not yet due arms a timer for when it is, so the last state of a burst of edits is
 * kept too (while the room is loaded), not only the first.
 *
 * Where the bytes come from: encoding a big doc in memory (`Y.encodeStateAsUpdate`) runs on the
 * event loop in one go — 0.2–0.3 s for a 15 MB workspace doc in bench/snapshot-stall.ts, 0.8 s
 * measured on a loaded machine — every member of every room on the process waiting. A doc past
 * `offLoopBytes` is instead snapshotted from what the store holds of it: a reader thread with its
 * own connection (the archive source: archive/sqlite-read-worker.ts, archive/pg-read-worker.ts)
 * reads the doc's log in one read transaction and merges it with `Y.mergeUpdates` there, and
 * hands the merged update over by transfer; here only the row is stored (SQLite writes a big one
 * in parts, one per macrotask: sqlite-history.ts). So the snapshot is the doc as persisted when
 * that read began. A small doc is encoded here (a worker's start costs more than it would save).
 */
import { type Store, docKey } from './store-contract.ts';

/** Past this encoded size (bytes, an upper bound the room keeps) a doc is snapshotted off the event loop. */
export const SNAPSHOT_OFF_LOOP_BYTES = 256 * 1024;

export interface SnapshotCadenceOptions {
  /** At most one snapshot per doc this often while it changes (ms). */
  everyMs: number;
  /** See SNAPSHOT_OFF_LOOP_BYTES; null: always encode the doc in memory (the bench's baseline). */
  offLoopBytes: number | null;
  /** A snapshot could not be taken (the doc's data is not touched; the next change tries again). */
  onFailed?(docName: string, error: unknown): void;
}

/**
 * How many reader threads snapshots may run at once in this process. Each holds a connection and
 * a big doc's log in memory: an editor who grows many notes past SNAPSHOT_OFF_LOOP_BYTES and edits
 * them all must not start a thread per note. The rest wait their turn (history is background work).
 */
export const OFF_LOOP_SNAPSHOTS_AT_ONCE = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function turn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= OFF_LOOP_SNAPSHOTS_AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next waiter, if any.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** The doc's whole stored state, read and merged on a reader thread of the store's (at most OFF_LOOP_SNAPSHOTS_AT_ONCE at once). */
export function storedStateOffLoop(store: Store, docName: string): Promise<Uint8Array> {
  const { workspaceId, doc } = docKey(docName);
  return turn(async () => {
    const source = await store.openArchiveSource(workspaceId);
    try {
      return await source.docState(doc);
    } finally {
      await source.close();
    }
  });
}

export class SnapshotCadence {
  private lastAt = 0;
  /** Changed since the last snapshot was begun. */
  private dirty = false;
  private running: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(
    private readonly docName: string,
    private readonly store: Store,
    private readonly options: SnapshotCadenceOptions,
    /** The doc's state in memory, for a small doc. */
    private readonly encode: () => Uint8Array,
    /** An upper bound of the doc's encoded size (bytes). */
    private readonly sizeBound: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** When the newest stored snapshot of the doc was taken (0: none), read as the room loads. */
  setLast(at: number): void {
    this.lastAt = at;
  }

  /** The doc took a change and it is persisted. */
  changed(): void {
    if (this.disposed) return;
    this.dirty = true;
    this.consider();
  }

  /** Resolves once no snapshot is being taken. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** No more snapshots: the timer is cleared and one under way is awaited. */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.settled();
  }

  private consider(): void {
    if (this.disposed || !this.dirty || this.running) return;
    const wait = this.lastAt + this.options.everyMs - this.now();
    if (wait > 0) {
      if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.consider();
        }, wait);
        // A pending snapshot never keeps a process alive.
        this.timer.unref?.();
      }
      return;
    }
    const at = this.now();
    this.lastAt = at;
    this.dirty = false;
    this.running = this.take(at).then(
      () => {
        this.running = null;
        // Changes that came while it was taken get theirs when it is due.
        this.consider();
      },
      (err: unknown) => {
        this.running = null;
        // Not retried at once (the store may be away): the next change tries again.
        this.dirty = true;
        this.options.onFailed?.(this.docName, err);
      },
    );
  }

  private async take(at: number): Promise<void> {
    const { offLoopBytes } = this.options;
    const state = offLoopBytes !== null && this.sizeBound() >= offLoopBytes ? await storedStateOffLoop(this.store, this.docName) : this.encode();
    if (state.byteLength === 0) return;
    await this.store.addSnapshot(this.docName, state, at);
  }
}
