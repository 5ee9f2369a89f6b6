/**
 * bench:open's workspace, written as a team writes it over months or years (deterministic:
 * seeded PRNG, fixed client ids), then split into conversation docs as the server's migration
 * does. Pure: Yjs updates in, Yjs updates out; open-data.ts stores them.
 *
 * Contents (per OpenBenchSizes): runs (a name, an experiment, 3–6 params, 2–5 metrics, most with a
 * detail blob hash; set as an importer sets them, parsed with the schema first: runs have no
 * command), incidents (title, 150–1,200-character description, most moved through their
 * lifecycle by later edits, each move a timeline event), comments (90 % spread unevenly over the
 * incidents, 10 % on runs; 7–600 characters, most under 200, ~5 % @mention someone; ~12 % get a
 * reaction, ~4 % of threads are resolved), notes in the registry (each with its own note doc of
 * 2–8 KB of markdown written in a few sittings), 12 members, and monitors: each with its reference
 * dataset version (`addDatasetVersion`, `createMonitor`), then its batches as the server records
 * them — the history row (returned here, for the server's `monitor_batches`) and, in the workspace
 * doc, `recordFindings` (the monitor's `lastBatchAt`; ~3 % of batches fire a rule, a finding on
 * the monitor's open incident, which it opens the first time).
 *
 * Everything is interleaved over the span as it happens, in sessions: each session (a person's
 * app, an importer run, the server's ingest) is one Yjs client and one transaction of up to
 * SESSION_OPS operations — a real doc written by a team over years has thousands of clients; one
 * transaction per session keeps generating the three-year workspace to a few minutes on 2 cores.
 * The last LOG_ROWS operations are one transaction (one saved update) each, for the `log` layout.
 */
import * as Y from 'yjs';
import { recordFindings } from '../src/core/monitor/monitors.ts';
import type { RuleOutcome } from '../src/core/monitor/rules.ts';
import type { MonitorBatch } from '../src/shared/server-api.ts';
import { addDatasetVersion } from '../src/core/workspace/datasets.ts';
import { addComment, createIncident, initWorkspace, updateIncident, upsertMember } from '../src/core/workspace/commands.ts';
import type { CommandContext } from '../src/core/workspace/command-context.ts';
import { resolveThread, toggleReaction } from '../src/core/workspace/comment-threads.ts';
import { createNote } from '../src/core/workspace/notes.ts';
import {
  type ConversationPart,
  DOC_KEYS,
  INCIDENT_STATUSES,
  type MonitorRecord,
  NOTE_TEXT_KEY,
  REACTIONS,
  RUN_STATUSES,
  type RunSummaryRecord,
  SEVERITIES,
  applyConversationRecords,
  conversationRecords,
  planConversations,
  runSummarySchema,
  writeConversationPart,
} from '../src/core/workspace/index.ts';
import { createMonitor } from '../src/core/monitor/monitors.ts';
import { removeMoved } from '../server/split-conversations.ts';
import { COLUMNS, EXPERIMENTS, MARKDOWN_BLOCKS, MEMBER_NAMES, METRICS, MODELS, PARAMS, SENTENCES, fill, hex, pick, prose, shuffled, skewed, uuid } from './open-text.ts';
import { prng } from '../test/helpers/prng.ts';

/** Log rows after the snapshot in the `log` layout: "a few hundred", below COMPACT_AFTER. */
export const LOG_ROWS = 300;
/** Operations per session (one Yjs client, one transaction). */
const SESSION_OPS = 60;
const DAY = 86_400_000;

export interface OpenBenchSizes {
  runs: number;
  incidents: number;
  comments: number;
  notes: number;
  /** Monitors, and their batches in all (spread evenly over them and over the span). */
  monitors: number;
  batches: number;
  /** The span the workspace was written over. */
  years: number;
}

export interface Built {
  workspaceId: string;
  ownerId: string;
  ownerName: string;
  /** Full state before the last LOG_ROWS saves, and each of those saves as its own update. */
  snapshot: Uint8Array;
  log: Uint8Array[];
  /** Each note doc as its few saved updates. */
  notes: { id: string; updates: Uint8Array[] }[];
  /** The monitors' history rows, oldest first (ids 1, 2, … in this order in a fresh store). */
  batches: Omit<MonitorBatch, 'id'>[];
  clients: number;
  /** Incidents opened by monitors (beyond `sizes.incidents`). */
  monitorIncidents: number;
}

/** Writes the workspace doc in many sessions (each its own Yjs client id), as a team would. */
export function buildWorkspace(sizes: OpenBenchSizes): Built {
  const r = prng(0x5eed);
  const doc = new Y.Doc();
  const workspaceId = uuid(r);
  const end = Date.UTC(2026, 10, 20);
  const start = end - Math.round(sizes.years * 365 * DAY);
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
  const ctx = (member = pick(r, members)): CommandContext => ({ actor: { id: member.id, name: member.name }, now: () => clock, newId: () => uuid(r) });
  // Steps of 0.45–1.45 × (span / operations), 0.95 on average: spread over the whole span without
  // running into its end (where every later record would share one timestamp).
  const advance = (total: number) => {
    clock = Math.min(end, clock + Math.floor(((end - start) / total) * (0.45 + r())));
  };

  // Monitors first (a team sets them up early): each on its own reference dataset version.
  const monitors: string[] = [];
  for (let i = 0; i < sizes.monitors; i++) {
    const model = MODELS[i % MODELS.length]!;
    const c = ctx(members[i % 8]!);
    const version = addDatasetVersion(doc, { dataset: `${model}-reference`, fileName: `${model}-train-${2024 + (i % 3)}.parquet`, format: 'parquet', md5: hex(r, 32), size: 40_000_000 + Math.floor(r() * 1e8), rows: 200_000 + Math.floor(r() * 1e6), columns: COLUMNS.length, profileBlob: hex(r, 64) }, c);
    const column = COLUMNS[i % COLUMNS.length]!;
    const monitor = createMonitor(doc, {
      name: `${model} ${['prod', 'shadow', 'eu', 'us'][Math.floor(i / MODELS.length) % 4]}`,
      model,
      referenceVersionId: version.id,
      referenceBlob: hex(r, 64),
      referenceFormat: 'parquet',
      expectBatchEveryMs: DAY,
      rules: [{ kind: 'driftShare', id: 'share', critical: 0.5 }, { kind: 'columnDrift', id: `drift-${column}`, column, critical: 0.2 }],
    }, c);
    monitors.push(monitor.id);
  }

  const incidentIds: string[] = [];
  const runIds: string[] = [];
  const noteIds: string[] = [];
  const recentComments: { id: string; root: boolean }[] = [];
  const openIncidents: { id: string; status: number }[] = [];
  const batches: Omit<MonitorBatch, 'id'>[] = [];
  const monitorIncidents = new Set<string>();
  const statusChanges = Math.round(sizes.incidents * 1.6);
  const incidentComments = Math.round(sizes.comments * 0.9);
  type Op = 'run' | 'incident' | 'comment' | 'runComment' | 'reaction' | 'resolve' | 'status' | 'note' | 'batch';
  const plan: Op[] = [
    ...Array<Op>(sizes.runs).fill('run'),
    ...Array<Op>(sizes.incidents).fill('incident'),
    ...Array<Op>(incidentComments).fill('comment'),
    ...Array<Op>(sizes.comments - incidentComments).fill('runComment'),
    ...Array<Op>(Math.round(sizes.comments * 0.12)).fill('reaction'),
    ...Array<Op>(Math.round(sizes.comments * 0.04)).fill('resolve'),
    ...Array<Op>(statusChanges).fill('status'),
    ...Array<Op>(sizes.notes).fill('note'),
    ...Array<Op>(sizes.monitors > 0 ? sizes.batches : 0).fill('batch'),
  ];
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  // Things that need a target come after it: the first incident, run and comment go first.
  plan.unshift('run', 'incident', 'comment');
  let nextBatch = 0;
  const doOne = (op: Op) => {
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
        const comment = addComment(doc, { target: { kind: onRun ? 'run' : 'incident', id: target }, body: mention + prose(r, skewed(r, 20, 500)) }, ctx());
        recentComments.push({ id: comment.id, root: comment.parentId === undefined });
        if (recentComments.length > 200) recentComments.shift();
        break;
      }
      case 'reaction':
      case 'resolve': {
        if (recentComments.length === 0) break;
        const c = recentComments[Math.floor(r() * recentComments.length)]!;
        const by = ctx();
        if (op === 'reaction') toggleReaction(doc, { commentId: c.id, emoji: pick(r, REACTIONS) }, by);
        else resolveThread(doc, { commentId: c.id }, by);
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
      case 'batch': {
        const monitorId = monitors[nextBatch++ % monitors.length]!;
        const monitor = doc.getMap<MonitorRecord>(DOC_KEYS.monitors).get(monitorId)!;
        const columns = COLUMNS.map((name) => {
          const score = r() ** 3 * 0.4;
          return { name, test: name === 'merchant_category' || name === 'region' || name === 'device_type' ? 'jensenshannon' : 'wasserstein', score, threshold: 0.1, drifted: score > 0.1 };
        });
        const drifted = columns.filter((c) => c.drifted).length;
        const fire = r();
        const outcomes: RuleOutcome[] = monitor.rules.map((rule, i) => ({
          ruleId: rule.id,
          band: i === 0 && fire < 0.01 ? 'critical' : i === 0 && fire < 0.03 ? 'warning' : 'ok',
          summary: i === 0 ? `${drifted} of ${columns.length} columns drifted` : `${rule.kind === 'columnDrift' ? rule.column : ''} within bounds`,
          value: i === 0 ? drifted / columns.length : columns[i]!.score,
        }));
        const reportBlob = hex(r, 64);
        batches.push({
          monitorId, kind: 'batch', at: clock, arrivedAt: clock + Math.floor(r() * 600_000), timeFrom: 'timestamp', rows: 20_000 + Math.floor(r() * 80_000),
          driftShare: drifted / columns.length, driftedColumns: drifted, testedColumns: columns.length, columns, metrics: {},
          estimated: { roc_auc: { value: 0.85 + r() * 0.1, lower: 0.8, upper: 0.97 } }, realized: {}, labelled: 0, outcomes, incidents: {}, reportBlob, predictionsBlob: null,
        });
        const applied = recordFindings(doc, monitor, outcomes, { reportBlob, batchId: batches.length }, ctx(members[0]!), clock);
        for (const i of applied.opened) monitorIncidents.add(i.id);
        if (Object.keys(applied.incidentOfRule).length) batches[batches.length - 1]!.incidents = applied.incidentOfRule;
        break;
      }
    }
  };
  const logFrom = plan.length - LOG_ROWS;
  let snapshot: Uint8Array | null = null;
  const log: Uint8Array[] = [];
  const onUpdate = (u: Uint8Array) => log.push(u);
  for (let i = 0; i < logFrom; i += SESSION_OPS) {
    session();
    doc.transact(() => {
      for (let j = i; j < Math.min(i + SESSION_OPS, logFrom); j++) {
        advance(plan.length);
        doOne(plan[j]!);
      }
    });
  }
  snapshot = Y.encodeStateAsUpdate(doc);
  doc.on('update', onUpdate);
  for (let i = Math.max(0, logFrom); i < plan.length; i++) {
    if (i % 40 === 0) session();
    advance(plan.length);
    doOne(plan[i]!);
  }
  doc.off('update', onUpdate);

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
  return { workspaceId, ownerId: members[0]!.id, ownerName: members[0]!.name, snapshot, log, notes, batches, clients: clients.size, monitorIncidents: monitorIncidents.size };
}

export interface SplitWorkspace {
  /** The workspace doc's state after the migration: what a client's cache holds once it synced it. */
  workspace: Uint8Array;
  /** One conversation doc per target, as the server wrote it. */
  conversations: { kind: ConversationPart['target']['kind']; id: string; state: Uint8Array }[];
  moved: { comments: number; reactions: number; resolutions: number; events: number };
}

/**
 * The migration of server/split-conversations.ts, in memory, with the server's own functions
 * (planConversations, writeConversationPart, conversationRecords + applyConversationRecords for
 * the summaries and mention records, removeMoved, `meta.conversations = 'threads'`), timelines
 * moved too (what issue 20 asks for: conversations and histories in their own docs). The
 * server's writes get client ids of their own, as a server process has.
 */
export function splitWorkspace(state: Uint8Array): SplitWorkspace {
  const r = prng(0x5e4e7);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  doc.clientID = Math.floor(r() * 2 ** 31);
  const parts = [...planConversations(doc).parts.values()].filter((p) => p.comments.size + p.reactions.size + p.resolutions.size + p.events.length > 0);
  const conversations: SplitWorkspace['conversations'] = [];
  const moved = { comments: 0, reactions: 0, resolutions: 0, events: 0 };
  const records = parts.map((part) => {
    const conversation = new Y.Doc();
    conversation.clientID = Math.floor(r() * 2 ** 31);
    writeConversationPart(conversation, part);
    conversations.push({ kind: part.target.kind, id: part.target.id, state: Y.encodeStateAsUpdate(conversation) });
    const out = conversationRecords(conversation, part.target);
    conversation.destroy();
    moved.comments += part.comments.size;
    moved.reactions += part.reactions.size;
    moved.resolutions += part.resolutions.size;
    moved.events += part.events.length;
    return out;
  });
  doc.transact(() => {
    for (const part of parts) removeMoved(doc, part);
    for (const rec of records) applyConversationRecords(doc, rec);
    doc.getMap(DOC_KEYS.meta).set('conversations', 'threads');
  });
  const workspace = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return { workspace, conversations, moved };
}
