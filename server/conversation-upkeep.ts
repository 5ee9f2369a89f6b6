/**
 * What the server keeps up for conversation docs (thread-docs.ts, split-conversations.ts): the
 * workspace doc's summary and mention records after a conversation doc changed, the split of a
 * workspace into conversation docs when it is first loaded, and a later sweep of what an older
 * client still writes into the old places.
 */
import { DOC_KEYS, applyConversationRecords, commentTargetExists, conversationRecords, holdsTimelineEvents, timelinesSplit } from '../src/core/workspace/index.ts';
import { splitConversations } from './split-conversations.ts';
import type { Room, WithRoom } from './room.ts';
import type { Store } from './store-contract.ts';

export interface ConversationUpkeepDeps {
  store: Store;
  withRoom: WithRoom;
  /** SyncServerOptions.splitConversations (default on). */
  splitConversations?: boolean;
  /** SyncServerOptions.splitSweepMs (default 1000). */
  splitSweepMs?: number;
  log: (event: Record<string, unknown>) => void;
}

export interface ConversationUpkeep {
  recordSummary(room: Room): Promise<void>;
  /** A workspace room has loaded: split it unless this process did already. */
  splitOnLoad(room: Room): void;
  /** A workspace doc changed: if old places hold conversations again, move them a little later. */
  sweepLater(room: Room): void;
  /** Resolves when the splits running now have ended. */
  splitsEnded(): Promise<unknown>;
  /** Resolves when the summary writes queued now have ended. */
  summariesWritten(): Promise<unknown>;
  /** Cancels the sweeps waiting to run. */
  cancelSweeps(): void;
}

export function conversationUpkeep({ store, withRoom, log, ...options }: ConversationUpkeepDeps): ConversationUpkeep {
  /**
   * The workspace doc's summary and mention records of conversations (thread-docs.ts), written
   * one change after another per workspace, after a conversation doc took a client's change.
   */
  const summaryWrites = new Map<string, Promise<void>>();
  function recordSummary(room: Room): Promise<void> {
    // Read now: an HTTP push's room may be unloaded before the write runs.
    const records = conversationRecords(room.doc, room.thread!);
    const ws = room.workspaceId;
    const next = (summaryWrites.get(ws) ?? Promise.resolve())
      .then(() => withRoom(ws, async (workspace) => {
        // A conversation doc for something the workspace does not have (any member can open
        // one by name) is kept, but not listed: it would only grow the workspace doc.
        if (commentTargetExists(workspace.doc, records.summary)) await workspace.writeAsServer((doc) => applyConversationRecords(doc, records));
      }))
      .catch((err: unknown) => log({ event: 'conversation_summary_failed', workspace: ws, doc: room.docName, error: String(err) }));
    summaryWrites.set(ws, next);
    void next.then(() => summaryWrites.get(ws) === next && summaryWrites.delete(ws));
    return next;
  }

  const splitOn = options.splitConversations ?? true;
  /** Workspaces split (or being split) by this process, and the sweeps waiting to run. */
  const splitDone = new Set<string>();
  const sweeps = new Map<string, ReturnType<typeof setTimeout>>();
  const splitting = new Set<Promise<void>>();
  const runSplit = (workspaceId: string) => {
    const run: Promise<void> = splitConversations({ store, withRoom }, workspaceId)
      .then(async (report) => {
        if (report.conversations === 0) return;
        log({ event: 'conversations_split', workspace: workspaceId, ...report, unplaced: report.unplaced.length });
        // What was written into the old places while this ran (by the server too) goes next time.
        await withRoom(workspaceId, async (room) => sweepLater(room));
      })
      .catch((err: unknown) => {
        splitDone.delete(workspaceId); // tried again at the next load
        log({ event: 'conversations_split_failed', workspace: workspaceId, error: String(err) });
      })
      .finally(() => splitting.delete(run));
    splitting.add(run);
    return run;
  };
  function splitOnLoad(room: Room): void {
    if (!splitOn || !room.isWorkspace || splitDone.has(room.workspaceId)) return;
    splitDone.add(room.workspaceId);
    void runSplit(room.workspaceId);
  }
  function sweepLater(room: Room): void {
    if (!splitOn || sweeps.has(room.workspaceId)) return;
    const doc = room.doc;
    if (doc.getMap(DOC_KEYS.meta).get('conversations') !== 'threads') return;
    if (doc.getMap(DOC_KEYS.comments).size + doc.getMap(DOC_KEYS.reactions).size + doc.getMap(DOC_KEYS.threadResolutions).size === 0 && !(timelinesSplit(doc) && holdsTimelineEvents(doc))) return;
    sweeps.set(room.workspaceId, setTimeout(() => {
      sweeps.delete(room.workspaceId);
      void runSplit(room.workspaceId);
    }, options.splitSweepMs ?? 1000));
  }

  return {
    recordSummary,
    splitOnLoad,
    sweepLater,
    splitsEnded: () => Promise.all(splitting),
    summariesWritten: () => Promise.all(summaryWrites.values()),
    cancelSweeps() {
      for (const timer of sweeps.values()) clearTimeout(timer);
      sweeps.clear();
    },
  };
}
