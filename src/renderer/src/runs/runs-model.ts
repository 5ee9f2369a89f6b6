/**
 * What the Runs page derives from every run — the runs, newest first; the vocabulary of params,
 * metrics, tags and experiments; the default columns; how many runs share each name — kept per state of the runs
 * registry. Before, each was a useMemo over `listRuns`, whose array is new at every read: a
 * remount, the mount's catch-up read or a comment elsewhere in the workspace was another pass
 * over every run, 0.2 s in one task for bench:open's three-year workspace (50,000 runs), and the
 * page drew twice on its first visit. Now a read is a lookup until the runs change, and after a
 * large workspace loads, DocSync computes the parts ahead, one per task (warmRunsModel), so the
 * first visit is lookups too.
 */
import type * as Y from 'yjs';
import { type RunSummaryRecord, listRuns, listRunsInSteps } from '../../../core/workspace';
import { DOC_KEYS } from '../../../core/workspace/schema';
import { changesTo } from '../session/map-changes';
import { type ColumnId, DEFAULT_SORT, type RunStats, type RunVocabulary, type SortSpec, defaultColumns, runLabel, runStats, runStatsInSteps, runVocabulary, sortRuns } from './run-table';

export interface RunsModel {
  runs: RunSummaryRecord[];
  vocab: RunVocabulary;
  defaults: ColumnId[];
  /** The name a row shows (runLabel): computed for the rows drawn, not for every run. */
  label: (run: RunSummaryRecord) => string;
  /**
   * Every run in `sort`'s order, kept per order while the runs are the same: sorting 50,000 runs
   * was 20–40 ms of the Runs page's first task at each visit.
   */
  sorted: (sort: SortSpec) => RunSummaryRecord[];
}

/** Orders kept per model: the default and whichever the person last chose. */
const SORTS_KEPT = 3;

interface Entry {
  version: number;
  runs?: RunSummaryRecord[];
  stats?: RunStats;
  vocab?: RunsModel['vocab'];
  defaults?: ColumnId[];
  model?: RunsModel;
}

const entries = new WeakMap<Y.Doc, Entry>();

/** Changes to `doc`'s runs registry (deep: a run is a plain record today, but a nested change must not leave the model stale). */
const runsVersion = (doc: Y.Doc): number => changesTo(doc, [DOC_KEYS.runs]);

function entry(doc: Y.Doc): Entry {
  const version = runsVersion(doc);
  let e = entries.get(doc);
  if (!e || e.version !== version) entries.set(doc, (e = { version }));
  return e;
}

const runsOf = (e: Entry, doc: Y.Doc) => (e.runs ??= listRuns(doc));
const statsOf = (e: Entry, doc: Y.Doc) => (e.stats ??= runStats(runsOf(e, doc)));
const STEPS = [
  (e: Entry, doc: Y.Doc) => void runsOf(e, doc),
  (e: Entry, doc: Y.Doc) => void statsOf(e, doc),
  (e: Entry, doc: Y.Doc) => {
    e.vocab ??= runVocabulary(runsOf(e, doc), statsOf(e, doc));
    e.defaults ??= defaultColumns(runsOf(e, doc), statsOf(e, doc));
  },
];

/** The model of `doc`'s runs as they are now: the same object until the runs change. */
export function runsModel(doc: Y.Doc): RunsModel {
  const e = entry(doc);
  for (const step of STEPS) step(e, doc);
  const names = e.stats!.names;
  const runs = e.runs!;
  const orders = new Map<string, RunSummaryRecord[]>();
  const sorted = (sort: SortSpec): RunSummaryRecord[] => {
    const key = `${sort.column}\u0000${sort.dir}`;
    let order = orders.get(key);
    if (order) {
      orders.delete(key); // most recently used last
    } else {
      order = sortRuns(runs, sort);
      if (orders.size >= SORTS_KEPT) orders.delete(orders.keys().next().value!);
    }
    orders.set(key, order);
    return order;
  };
  return (e.model ??= { runs, vocab: e.vocab!, defaults: e.defaults!, label: (run) => runLabel(names, run), sorted });
}

/** How long a step of warmRunsModel may run before it gives the page a turn (ms). */
const WARM_BUDGET_MS = 20;

/**
 * Computes the model in steps of about WARM_BUDGET_MS (collecting the runs, counting their
 * names, params and metrics), so a caller can give the page a turn between them; a change to the
 * runs meanwhile starts afresh.
 */
export function* warmRunsModel(doc: Y.Doc, now: () => number = () => performance.now()): Generator<void, void, void> {
  for (;;) {
    const e = entry(doc);
    if (e.model) return;
    const version = e.version;
    const runs = e.runs ?? (yield* listRunsInSteps(doc, now, WARM_BUDGET_MS));
    if (runsVersion(doc) !== version) continue;
    e.runs = runs;
    yield;
    const stats = e.stats ?? (yield* runStatsInSteps(runs, now, WARM_BUDGET_MS));
    if (runsVersion(doc) !== version) continue;
    e.stats = stats;
    yield;
    const model = runsModel(doc);
    yield;
    model.sorted(DEFAULT_SORT); // the order the Runs page opens in
    return;
  }
}
