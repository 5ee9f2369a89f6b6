/**
 * Deterministic data for `bench:open`: one workspace as a real app's local cache would hold it
 * after months of use, written into a real LocalCache SQLite file under a data folder that
 * `driftdesk web --data DIR` can open.
 *
 * Contents (at the default sizes): 10,000 runs (a name, an experiment, 3–6 params, 2–5
 * metrics, most with a detail blob hash), 2,000 incidents (title, 150–1,200-character
 * description, most moved through their lifecycle by later edits), 20,000 comments (18,000
 * spread unevenly over the incidents, 2,000 on runs; 7–600 characters, most under 200, ~5 %
 * @mention someone),
 * 200 notes in the registry, each with its own note doc of 2–8 KB of markdown written in a few
 * edits, and 12 members. Everything is written through the named commands where one exists
 * (runs have none yet: their records are set as an importer would, after parsing them with
 * the schema), by many Yjs clients: each "session" (a person's app, or an importer run) gets
 * its own client id, as a real doc written by a team over months has hundreds of them.
 *
 * Two cache layouts are written, in two data folders, from the same doc:
 * - `compacted`: the workspace doc as one snapshot row and no log rows — what LocalCache leaves
 *   right after a compaction (it folds the log once it passes COMPACT_AFTER = 500 rows);
 * - `log`: a snapshot plus LOG_ROWS small log rows (the last edits, one row per save, each a
 *   comment, a status change or a new incident) — the usual state between two compactions,
 *   which every load must merge.
 * Both hold the same final state; the `log` one is the worst case short of compaction.
 * Each folder has a `connections` row for the workspace whose server URL points at a port
 * nothing listens on (cache only, no server), and a search index built up front, as it would
 * be after the app has run once (building it takes seconds and is not part of opening).
 *
 * Folders go to `os.tmpdir()/driftdesk-bench/open-<sizes>/` and are reused while
 * `params.json` matches (bump GENERATOR_VERSION when the data changes). The runner copies a
 * folder before each host start, so a run never sees what an earlier run wrote.
 *
 * Run alone: `npx tsx bench/open-data.ts [--runs N --incidents N --comments N --notes N]`.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import { addComment, createIncident, initWorkspace, updateIncident, upsertMember } from '../src/core/workspace/commands.ts';
import type { CommandContext } from '../src/core/workspace/command-context.ts';
import { createNote } from '../src/core/workspace/notes.ts';
import { DOC_KEYS, INCIDENT_STATUSES, NOTE_TEXT_KEY, RUN_STATUSES, type RunSummaryRecord, SEVERITIES, noteDocName, runSummarySchema } from '../src/core/workspace/schema.ts';
import { appDataLayout } from '../src/node/app-paths.ts';
import { LocalCache } from '../src/node/local-cache.ts';
import { SearchIndex } from '../src/node/search-index.ts';

const GENERATOR_VERSION = 4; // 4: the search index is version 2 (models, versions, handoffs)
/** Log rows after the snapshot in the `log` layout: "a few hundred", below COMPACT_AFTER. */
export const LOG_ROWS = 300;
/** Where the workspace's server would be: a port nothing listens on (cache only; not one Chromium blocks as unsafe, like 9). */
export const DEAD_SERVER_URL = 'http://127.0.0.1:2';

export interface OpenBenchSizes {
  runs: number;
  incidents: number;
  comments: number;
  notes: number;
}

export const DEFAULT_SIZES: OpenBenchSizes = { runs: 10_000, incidents: 2_000, comments: 20_000, notes: 200 };

/** `--runs N --incidents N --comments N --notes N` from the command line, DEFAULT_SIZES for the rest. */
export function sizesFromArgs(args: string[] = process.argv.slice(2)): OpenBenchSizes {
  const { values } = parseArgs({ args, options: { runs: { type: 'string' }, incidents: { type: 'string' }, comments: { type: 'string' }, notes: { type: 'string' } } });
  return {
    runs: Number(values.runs ?? DEFAULT_SIZES.runs),
    incidents: Number(values.incidents ?? DEFAULT_SIZES.incidents),
    comments: Number(values.comments ?? DEFAULT_SIZES.comments),
    notes: Number(values.notes ?? DEFAULT_SIZES.notes),
  };
}

export interface OpenBenchData {
  dir: string;
  workspaceId: string;
  memberName: string;
  /** Data folders to copy before a host starts (each has cache.sqlite). */
  layouts: { compacted: string; log: string };
  /** The workspace doc's full state (what the renderer gets from `cache.load`). */
  stateFile: string;
  stats: { stateBytes: number; logBytes: number; noteDocBytes: number; clients: number; indexSeconds: number };
}

/** Small, fast, seedable PRNG (mulberry32), so every run writes the same workspace. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COLUMNS = ['income', 'age', 'tenure_months', 'merchant_category', 'region', 'device_type', 'txn_amount', 'days_since_signup', 'credit_limit', 'num_logins_7d', 'basket_size', 'session_length'];
const MODELS = ['churn-xgb', 'fraud-lgbm', 'ltv-catboost', 'reco-two-tower', 'credit-risk-glm', 'eta-regressor', 'search-ranker', 'demand-prophet'];
const EXPERIMENTS = MODELS.flatMap((m) => [`${m}/weekly-retrain`, `${m}/hparam-sweep`, `${m}/feature-ablation`, `${m}/backfill-2026q3`, `${m}/shadow-eval`]);
const PARAMS: [string, (r: () => number) => string][] = [
  ['learning_rate', (r) => String(+(10 ** (-4 + 3 * r())).toPrecision(3))],
  ['max_depth', (r) => String(3 + Math.floor(r() * 10))],
  ['n_estimators', (r) => String(100 * (1 + Math.floor(r() * 20)))],
  ['subsample', (r) => (0.5 + r() * 0.5).toFixed(2)],
  ['colsample_bytree', (r) => (0.4 + r() * 0.6).toFixed(2)],
  ['batch_size', (r) => String(2 ** (5 + Math.floor(r() * 6)))],
  ['optimizer', (r) => pick(r, ['adam', 'adamw', 'sgd', 'rmsprop'])],
  ['epochs', (r) => String(5 + Math.floor(r() * 60))],
  ['dropout', (r) => (r() * 0.5).toFixed(2)],
  ['seed', (r) => String(Math.floor(r() * 100_000))],
  ['train_data', (r) => `dv-${hex(r, 12)}`],
  ['feature_set', (r) => `fs-v${1 + Math.floor(r() * 14)}`],
];
const METRICS = ['auc', 'f1', 'precision', 'recall', 'log_loss', 'rmse', 'val_loss', 'accuracy', 'psi_max', 'latency_p95_ms'];
const MEMBER_NAMES = ['Ada Okafor', 'Bruno Silva', 'Chen Wei', 'Dana Kowalski', 'Emeka Obi', 'Farah Haddad', 'Greta Lind', 'Hiro Tanaka', 'Ines Duarte', 'Jonas Berg', 'Kavya Rao', 'Liam Byrne'];
const SENTENCES = [
  'PSI for {col} crossed 0.2 on the last three daily batches.',
  'The reference window is the training set from {month}; current is the last 7 days of production traffic.',
  'Wasserstein distance on {col} doubled after the upstream schema change.',
  'Looks like the {col} pipeline started emitting nulls where it used to emit zeros.',
  'I checked the feature store: the backfill for {col} ran twice, so the share of duplicates went up.',
  'Retraining on the last 30 days brings AUC back to {num}, but calibration is off in the top decile.',
  'The alert fired for {model} at {time}; on-call acknowledged and opened this incident.',
  'Not a real drift: the marketing campaign in {region} changed the mix of new users for a week.',
  'Can we pin the data version used for the shadow evaluation? Otherwise the comparison is meaningless.',
  'Jensen–Shannon on {col} is {num}, above the 0.1 threshold, mostly from two new categories.',
  'Rolled back the model to the previous version while we investigate; latency is back to normal.',
  'The monitor compares against a stale reference; I updated it to the dataset version from the last handoff.',
  'Adding the profile diff here: the missing-value share of {col} went from 0.4 % to 6.1 %.',
  'Handing off to the ML engineering side: the fix needs a new feature transform, not a retrain.',
  'Confirmed with the data owner that {col} changed units (cents instead of euros) on {month} 14.',
  'Closing as resolved: two clean weeks after the retrain and the monitor is green.',
];
const MARKDOWN_BLOCKS = [
  '## Context\n\nThe {model} model scores every transaction in under 50 ms. Drift on {col} shows up first in the weekly report.\n',
  '### Checklist\n\n- [x] reference dataset pinned\n- [ ] thresholds reviewed with ops\n- [ ] alert routing to #ml-oncall\n- [x] runbook linked\n',
  '```python\nfrom evidently.metrics import ColumnDriftMetric\nreport = Report(metrics=[ColumnDriftMetric(column_name="{col}")])\nreport.run(reference_data=ref, current_data=cur)\n```\n',
  '| metric | before | after |\n|---|---|---|\n| auc | 0.912 | {num} |\n| psi {col} | 0.04 | 0.27 |\n',
  'We agreed to retrain when PSI stays above 0.2 for three batches in a row, and to page only for critical severities. {sentence}\n',
  '> {sentence}\n\nFollow-up: compare the candidate against the champion on the same data version before the handoff.\n',
];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November'];
const REGIONS = ['EMEA', 'LATAM', 'APAC', 'North America', 'the Nordics'];

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

function shuffled<T>(r: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function hex(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

/** A UUID-shaped id, as `crypto.randomUUID()` makes them in the app. */
function uuid(r: () => number): string {
  const h = hex(r, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function fill(r: () => number, template: string): string {
  return template
    .replaceAll('{col}', () => pick(r, COLUMNS))
    .replaceAll('{model}', () => pick(r, MODELS))
    .replaceAll('{month}', () => pick(r, MONTHS))
    .replaceAll('{region}', () => pick(r, REGIONS))
    .replaceAll('{num}', () => (0.7 + r() * 0.29).toFixed(3))
    .replaceAll('{time}', () => `${String(Math.floor(r() * 24)).padStart(2, '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')} UTC`)
    .replaceAll('{sentence}', () => fill(r, pick(r, SENTENCES)));
}

const SHORT_REPLIES = ['Agreed.', 'On it.', 'Thanks, looking now.', '+1, same on our side.', 'Fixed by the last retrain.', 'Can you attach the profile diff?', 'Paging the data owner.', 'Ack, I own this one.'];

/** Prose of about `chars` characters (whole sentences; a short reply under 50). */
function prose(r: () => number, chars: number): string {
  if (chars < 50) return pick(r, SHORT_REPLIES);
  let text = fill(r, pick(r, SENTENCES));
  for (;;) {
    const next = `${text} ${fill(r, pick(r, SENTENCES))}`;
    if (next.length > chars + 30) return text;
    text = next;
  }
}

/** A length between lo and hi, skewed towards the short end (most comments are short). */
function skewed(r: () => number, lo: number, hi: number): number {
  return Math.round(lo + (hi - lo) * r() ** 2.2);
}

interface Built {
  workspaceId: string;
  ownerId: string;
  ownerName: string;
  /** Full state before the last LOG_ROWS saves, and each of those saves as its own update. */
  snapshot: Uint8Array;
  log: Uint8Array[];
  /** Each note doc as its few saved updates. */
  notes: { id: string; updates: Uint8Array[] }[];
  clients: number;
}

/** Writes the workspace doc in many sessions (each its own Yjs client id), as a team would. */
function buildWorkspace(sizes: OpenBenchSizes): Built {
  const r = rng(0x5eed);
  const doc = new Y.Doc();
  const workspaceId = uuid(r);
  const start = Date.UTC(2026, 4, 1);
  const end = Date.UTC(2026, 10, 20);
  let clock = start;
  const clients = new Set<number>();
  const session = () => {
    doc.clientID = Math.floor(r() * 2 ** 31);
    clients.add(doc.clientID);
  };
  session();
  initWorkspace(doc, { id: workspaceId, name: 'Risk & Fraud ML' }, { now: () => start });
  const members = MEMBER_NAMES.map((name, i) => ({ id: uuid(r), name, role: i === 0 ? ('owner' as const) : i < 8 ? ('editor' as const) : ('commenter' as const) }));
  for (const m of members) upsertMember(doc, { ...m, joinedAt: start });
  const ctx = (member = pick(r, members)): CommandContext => ({
    actor: { id: member.id, name: member.name },
    now: () => clock,
    newId: () => uuid(r),
  });
  // Steps of 0.45–1.45 × (span / operations), 0.95 on average: spread over the whole span without
  // running into its end (where every later record would share one timestamp).
  const advance = (total: number) => {
    clock = Math.min(end, clock + Math.floor(((end - start) / total) * (0.45 + r())));
  };

  // Interleave everything over time, as it happens: imports of runs, incidents, comments,
  // status changes, notes. A new session (client id) every ~40 operations.
  const incidentIds: string[] = [];
  const runIds: string[] = [];
  const noteIds: string[] = [];
  const openIncidents: { id: string; status: number }[] = [];
  const statusChanges = Math.round(sizes.incidents * 1.6);
  const incidentComments = Math.round(sizes.comments * 0.9);
  const plan: ('run' | 'incident' | 'comment' | 'runComment' | 'status' | 'note')[] = [
    ...Array<'run'>(sizes.runs).fill('run'),
    ...Array<'incident'>(sizes.incidents).fill('incident'),
    ...Array<'comment'>(incidentComments).fill('comment'),
    ...Array<'runComment'>(sizes.comments - incidentComments).fill('runComment'),
    ...Array<'status'>(statusChanges).fill('status'),
    ...Array<'note'>(sizes.notes).fill('note'),
  ];
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  // Things that need a target come after it: the first incident and run go first.
  plan.unshift('run', 'incident');
  const logFrom = plan.length - LOG_ROWS;
  const doOne = (op: (typeof plan)[number]) => {
    switch (op) {
      case 'run': {
        const model = pick(r, MODELS);
        const params: Record<string, string> = {};
        // "A handful" each: 3–6 params, 2–5 metrics (the full sets are in the detail blob).
        for (const [k, v] of shuffled(r, PARAMS).slice(0, 3 + Math.floor(r() * 4))) params[k] = v(r);
        const metrics: Record<string, number> = {};
        for (const k of shuffled(r, METRICS).slice(0, 2 + Math.floor(r() * 4))) metrics[k] = r();
        const status = r() < 0.85 ? 'finished' : pick(r, RUN_STATUSES);
        const record: RunSummaryRecord = runSummarySchema.parse({
          id: uuid(r),
          name: `${model}-${pick(r, COLUMNS).replaceAll('_', '-')}-${hex(r, 6)}`,
          experiment: pick(r, EXPERIMENTS.filter((e) => e.startsWith(model))),
          status,
          startedAt: clock,
          ...(status === 'finished' || status === 'failed' ? { endedAt: clock + Math.floor(r() * 3_600_000) } : {}),
          source: `mlflow:${hex(r, 32)}`,
          params,
          metrics,
          ...(r() < 0.8 ? { detailBlob: hex(r, 64) } : {}),
          createdAt: clock,
        });
        doc.getMap<RunSummaryRecord>(DOC_KEYS.runs).set(record.id, record);
        runIds.push(record.id);
        break;
      }
      case 'incident': {
        const title = fill(r, pick(r, ['PSI on {col} above 0.2 since {month}', 'Drift in {col} for {model}', '{model}: AUC down after {month} retrain', 'Null share of {col} jumped in {region}', 'New categories in {col} ({region})', '{model} latency p95 over budget']));
        const incident = createIncident(doc, { title, severity: pick(r, SEVERITIES), description: prose(r, skewed(r, 150, 1200)) }, ctx());
        incidentIds.push(incident.id);
        openIncidents.push({ id: incident.id, status: 0 });
        break;
      }
      case 'comment':
      case 'runComment': {
        // Incidents get comments unevenly: recent ones and a few hot ones get most.
        const onRun = op === 'runComment';
        const ids = onRun ? runIds : incidentIds;
        const target = r() < 0.3 ? ids[Math.floor(r() ** 3 * ids.length)]! : ids[ids.length - 1 - Math.floor(r() ** 2 * Math.min(ids.length, 300))]!;
        const mention = r() < 0.05 ? `@${pick(r, members).name} ` : '';
        addComment(doc, { target: { kind: onRun ? 'run' : 'incident', id: target }, body: mention + prose(r, skewed(r, 20, 500)) }, ctx());
        break;
      }
      case 'status': {
        const open = openIncidents.filter((i) => i.status < INCIDENT_STATUSES.length - 1);
        if (open.length === 0) break;
        const inc = open[Math.floor(r() * open.length)]!;
        inc.status += 1 + Math.floor(r() * 1.5);
        const status = INCIDENT_STATUSES[Math.min(inc.status, INCIDENT_STATUSES.length - 1)]!;
        updateIncident(doc, { incidentId: inc.id, status, ...(r() < 0.1 ? { severity: pick(r, SEVERITIES) } : {}) }, ctx());
        break;
      }
      case 'note':
        noteIds.push(createNote(doc, { title: fill(r, pick(r, ['{model} runbook', 'Drift review {month}', 'Handoff: {model} v{num}', 'Postmortem: {col} unit change', 'Monitoring plan for {col}'])) }, ctx()).id);
        break;
    }
  };
  let snapshot: Uint8Array | null = null;
  const log: Uint8Array[] = [];
  const onUpdate = (u: Uint8Array) => log.push(u);
  for (let i = 0; i < plan.length; i++) {
    if (i % 40 === 0) session();
    if (i === logFrom) {
      snapshot = Y.encodeStateAsUpdate(doc);
      doc.on('update', onUpdate);
    }
    advance(plan.length);
    doOne(plan[i]!);
  }
  doc.off('update', onUpdate);
  if (!snapshot) snapshot = Y.encodeStateAsUpdate(doc);

  // Note docs: the text written in a few sittings, some of it rewritten.
  const notes = noteIds.map((id) => {
    const noteDoc = new Y.Doc();
    const updates: Uint8Array[] = [];
    noteDoc.on('update', (u: Uint8Array) => updates.push(u));
    const text = noteDoc.getText(NOTE_TEXT_KEY);
    const target = 2000 + Math.floor(r() * 6000);
    while (text.length < target) {
      noteDoc.clientID = Math.floor(r() * 2 ** 31);
      text.insert(text.length, `${fill(r, pick(r, MARKDOWN_BLOCKS))}\n`);
      if (r() < 0.3 && text.length > 200) {
        const at = Math.floor(r() * (text.length - 100));
        text.delete(at, 20 + Math.floor(r() * 60));
        text.insert(at, fill(r, pick(r, SENTENCES)));
      }
    }
    noteDoc.destroy();
    return { id, updates };
  });
  doc.destroy();
  return { workspaceId, ownerId: members[0]!.id, ownerName: members[0]!.name, snapshot, log, notes, clients: clients.size };
}

/** Writes one data folder: the connection, the workspace doc in the given layout, the note docs, the search index. */
function writeLayout(dataDir: string, built: Built, layout: 'compacted' | 'log'): number {
  const cache = new LocalCache({ file: appDataLayout(dataDir).cacheFile });
  try {
    cache.saveConnection({
      workspaceId: built.workspaceId,
      name: 'Risk & Fraud ML',
      serverUrl: DEAD_SERVER_URL,
      token: 'bench-token-not-used-no-server',
      memberId: built.ownerId,
      memberName: built.ownerName,
      role: 'owner',
      local: false,
      lastOpenedAt: Date.UTC(2026, 10, 20),
    });
    // The snapshot row is what LocalCache.compact writes: the merge of snapshot and log.
    const snapshot = layout === 'compacted' ? Y.mergeUpdates([built.snapshot, ...built.log]) : built.snapshot;
    cache.sqlite.prepare('INSERT INTO doc_snapshots (doc_id, data, updated_at) VALUES (?, ?, ?)').run(built.workspaceId, snapshot, Date.UTC(2026, 10, 20));
    // Received from the server, not made here: nothing pending, so no push is attempted.
    if (layout === 'log') for (const u of built.log) cache.appendUpdates(built.workspaceId, [u]);
    for (const note of built.notes) cache.appendUpdates(noteDocName(built.workspaceId, note.id), note.updates);
    const started = performance.now();
    const search = new SearchIndex(cache, { warn: (m) => console.error(m) });
    search.ensureIndexed(built.workspaceId);
    search.flush();
    search.dispose();
    cache.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    return (performance.now() - started) / 1000;
  } finally {
    cache.close();
  }
}

/** Makes sure both data folders exist for these sizes (about 30–60 s the first time), and returns them. */
export async function ensureOpenBenchData(sizes: OpenBenchSizes = DEFAULT_SIZES, log: (line: string) => void = () => {}): Promise<OpenBenchData> {
  const dir = join(tmpdir(), 'driftdesk-bench', `open-${sizes.runs}-${sizes.incidents}-${sizes.comments}-${sizes.notes}`);
  const params = JSON.stringify({ GENERATOR_VERSION, LOG_ROWS, ...sizes });
  const paramsFile = join(dir, 'params.json');
  const existing = await readFile(paramsFile, 'utf8').catch(() => null);
  if (existing) {
    const saved = JSON.parse(existing) as { params: string; data: OpenBenchData };
    if (saved.params === params) return saved.data;
  }
  log(`generating the workspace (${sizes.runs} runs, ${sizes.incidents} incidents, ${sizes.comments} comments, ${sizes.notes} notes) in ${dir} …`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const built = buildWorkspace(sizes);
  const layouts = { compacted: join(dir, 'compacted'), log: join(dir, 'log') };
  const indexSeconds = writeLayout(layouts.compacted, built, 'compacted');
  writeLayout(layouts.log, built, 'log');
  const state = Y.mergeUpdates([built.snapshot, ...built.log]);
  const stateFile = join(dir, 'state.bin');
  await writeFile(stateFile, state);
  const data: OpenBenchData = {
    dir,
    workspaceId: built.workspaceId,
    memberName: built.ownerName,
    layouts,
    stateFile,
    stats: {
      stateBytes: state.length,
      logBytes: built.log.reduce((n, u) => n + u.length, 0),
      noteDocBytes: built.notes.reduce((n, note) => n + Y.mergeUpdates(note.updates).length, 0),
      clients: built.clients,
      indexSeconds,
    },
  };
  await writeFile(paramsFile, JSON.stringify({ params, data }));
  return data;
}

/** Copies a layout's data folder to `target` (a fresh folder per host start). */
export async function copyLayout(source: string, target: string): Promise<void> {
  const { cacheFile } = appDataLayout(target);
  await mkdir(target, { recursive: true });
  await copyFile(appDataLayout(source).cacheFile, cacheFile);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = sizesFromArgs();
  const started = performance.now();
  const data = await ensureOpenBenchData(sizes, console.log);
  console.log(JSON.stringify(data, null, 2));
  console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
}
