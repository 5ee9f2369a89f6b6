/**
 * Moves a workspace's conversations out of its workspace doc into conversation docs, as the
 * server (the design is in src/core/workspace/thread-docs.ts). The server does it, not a client:
 * a moved comment keeps its author, and only the server may write a record in another member's
 * name. Nothing is lost, in this order:
 *
 * 1. the whole workspace doc is kept as a history snapshot (restorable, and in every backup);
 * 2. each target's comments, reactions, resolutions and timeline events are written into its
 *    conversation doc through its room (live clients of it get them), persisted;
 * 3. each conversation doc is read back from the store and must hold every record as it was;
 * 4. only then, in one transaction of the workspace doc, the moved records are deleted (each by
 *    its key, or an event by its id — what arrived meanwhile stays), the summaries (with each
 *    incident's timeline digest) and mention records are written, and `meta.conversations` is
 *    set to `threads` (and `meta.timelines` too when timelines were moved).
 *
 * Incident timelines move too unless `timelines: false`: from then on the server's timeline
 * writers (findings, retrain outcomes: server/incident-timeline.ts) and the app write events into
 * the conversation docs, and lists and pages read the digest in the summaries
 * (src/core/workspace/incident-digest.ts). An event an older app still appends to an incident in
 * the workspace doc is moved by the next run, as a late comment is.
 *
 * A failure before 4 deletes nothing; running it again writes only what is missing (the writes
 * are idempotent). Records it cannot place stay in the workspace doc and are reported. One run
 * per workspace at a time in this process.
 */
import * as Y from 'yjs';
import {
  type ConversationPart,
  type ConversationRecords,
  DOC_KEYS,
  INCIDENT_EVENTS_KEY,
  applyConversationRecords,
  conversationRecords,
  missingFromConversation,
  planConversations,
  threadDocName,
  writeConversationPart,
} from '../src/core/workspace/index.ts';
import type { WithRoom } from './room.ts';
import type { Store } from './store-contract.ts';

export interface SplitReport {
  /** Conversation docs written (one per target with anything to move). */
  conversations: number;
  comments: number;
  reactions: number;
  resolutions: number;
  events: number;
  /** Records left in the workspace doc because they could not be placed, and why. */
  unplaced: { map: string; key: string; why: string }[];
  /** Whether a copy of the workspace doc was kept as a history snapshot (false: nothing to move). */
  snapshotKept: boolean;
}

const running = new Map<string, Promise<SplitReport>>();

/** Splits one workspace's conversations into conversation docs (see the header). */
export interface SplitOptions {
  /** Move incidents' timeline events too (default true, see the header). */
  timelines?: boolean;
  now?: () => number;
}

export function splitConversations(deps: { store: Store; withRoom: WithRoom }, workspaceId: string, options: SplitOptions = {}): Promise<SplitReport> {
  const underway = running.get(workspaceId);
  if (underway) return underway;
  const run = split(deps, workspaceId, options.timelines ?? true, options.now ?? Date.now).finally(() => running.delete(workspaceId));
  running.set(workspaceId, run);
  return run;
}

async function split({ store, withRoom }: { store: Store; withRoom: WithRoom }, workspaceId: string, timelines: boolean, now: () => number): Promise<SplitReport> {
  // 1. The plan, and — for the migration itself — the copy kept until every conversation doc is
  // confirmed. A later run (a sweep of what an older app wrote into the old places) moves a few
  // records that step 3 reads back before anything is deleted; a whole-doc copy each time would
  // cost every such write a full encode (0.3 s for a 15 MB workspace, bench:backup) and a
  // history row of the whole doc.
  const { plan, state } = await withRoom(workspaceId, async (room) => {
    const meta = room.doc.getMap(DOC_KEYS.meta);
    const migrated = meta.get('conversations') === 'threads' && (!timelines || meta.get('timelines') === 'threads');
    return { plan: planConversations(room.doc), state: migrated ? null : Y.encodeStateAsUpdate(room.doc) };
  });
  const parts = [...plan.parts.values()]
    .map((p) => (timelines ? p : { ...p, events: [] }))
    .filter((p) => p.comments.size + p.reactions.size + p.resolutions.size + p.events.length > 0);
  const report: SplitReport = {
    conversations: parts.length,
    comments: sum(parts, (p) => p.comments.size),
    reactions: sum(parts, (p) => p.reactions.size),
    resolutions: sum(parts, (p) => p.resolutions.size),
    events: sum(parts, (p) => p.events.length),
    unplaced: plan.unplaced,
    snapshotKept: false,
  };
  if (parts.length > 0 && state) {
    await store.addSnapshot(workspaceId, state, now());
    report.snapshotKept = true;
  }

  // 2. Every conversation doc, written through its room and persisted.
  for (const part of parts) {
    await withRoom(threadDocName(workspaceId, part.target), (room) => room.writeAsServer((doc) => void writeConversationPart(doc, part)));
  }

  // 3. Confirmed: what the store holds of each has every record.
  const records: ConversationRecords[] = [];
  for (const part of parts) {
    const stored = new Y.Doc();
    try {
      const bytes = await store.loadDoc(threadDocName(workspaceId, part.target));
      if (bytes.byteLength > 0) Y.applyUpdate(stored, bytes);
      const missing = missingFromConversation(stored, part);
      if (missing.length > 0) throw new Error(`conversation ${part.target.kind} ${part.target.id} was not stored whole (missing ${missing.slice(0, 3).join(', ')}); nothing was removed from the workspace doc`);
      records.push(conversationRecords(stored, part.target));
    } finally {
      stored.destroy();
    }
  }

  // 4. One transaction: the moved records out, the summaries in, the mark set.
  await withRoom(workspaceId, (room) =>
    room.writeAsServer((doc) => {
      for (const part of parts) removeMoved(doc, part);
      for (const r of records) applyConversationRecords(doc, r);
      if (doc.getMap(DOC_KEYS.meta).get('conversations') !== 'threads') doc.getMap(DOC_KEYS.meta).set('conversations', 'threads');
      if (timelines && doc.getMap(DOC_KEYS.meta).get('timelines') !== 'threads') doc.getMap(DOC_KEYS.meta).set('timelines', 'threads');
    }),
  );
  return report;
}

/** Deletes from the workspace doc what `part` moved (by key, or an event by its content); what arrived since stays. */
export function removeMoved(doc: Y.Doc, part: ConversationPart): void {
  for (const [map, records] of [[DOC_KEYS.comments, part.comments], [DOC_KEYS.reactions, part.reactions], [DOC_KEYS.threadResolutions, part.resolutions]] as const) {
    const from = doc.getMap(map);
    for (const [key, value] of records) {
      // Only what was moved: a record under the key that is not the one copied stays.
      if (from.has(key) && JSON.stringify(from.get(key)) === JSON.stringify(value)) from.delete(key);
    }
  }
  if (part.events.length === 0) return;
  const entry = doc.getMap(DOC_KEYS.incidents).get(part.target.id);
  const events = entry instanceof Y.Map ? entry.get(INCIDENT_EVENTS_KEY) : undefined;
  if (!(events instanceof Y.Array)) return;
  const moved = new Set(part.events.map((e) => JSON.stringify(e)));
  const all = events.toArray();
  for (let i = all.length - 1; i >= 0; i--) if (moved.has(JSON.stringify(all[i]))) events.delete(i, 1);
}

const sum = <T>(items: T[], of: (item: T) => number) => items.reduce((total, item) => total + of(item), 0);
