/**
 * Fetches the conversation docs of a split workspace (src/core/workspace/thread-docs.ts) that
 * this device should keep but has not got up to date, so the host's search index finds comments
 * in conversations nobody here has opened, and a conversation that mentions the member can be
 * read offline.
 *
 * Which: from the workspace doc's summaries (`threadSummaries`), those whose cached doc holds
 * fewer comments than the summary counts — every conversation that mentions the member (its
 * `commentMentions`), then the most recently active, looking at no more than `scan` summaries
 * and fetching no more than `limit` docs per call, so a call on a workspace of years stays short
 * (the host calls it after each push; the rest follows on later calls). Each is fetched whole
 * (`GET …/docs/:doc/state`: a conversation is small) and saved as a remote update, not as an
 * edit of this device's.
 */
import * as Y from 'yjs';
import { DOC_KEYS, commentMentionSchema, threadDocName, threadSummarySchema } from '../core/workspace/index.ts';
import type { WorkspaceConnection } from '../shared/host-contract.ts';
import type { LocalCache } from './local-cache.ts';
import { createServerClient } from './server-api-client.ts';

export interface PullOptions {
  /** Most docs fetched per call. */
  limit?: number;
  /** Most summaries looked at per call (besides the member's mentions). */
  scan?: number;
  /** Called with each doc saved (the host hands it to its search index). */
  onPulled?: (docId: string, update: Uint8Array) => void;
}

/** Fetches what is behind; never throws — a failure is reported in `error`, and what was fetched stays. */
export async function pullConversations(cache: LocalCache, conn: WorkspaceConnection, options: PullOptions = {}): Promise<{ pulled: number; error: string | null }> {
  const wanted = conversationsBehind(cache, conn, options.scan ?? 500).slice(0, options.limit ?? 50);
  if (wanted.length === 0) return { pulled: 0, error: null };
  const api = createServerClient({ serverUrl: conn.serverUrl, token: conn.token, workspaceId: conn.workspaceId });
  let pulled = 0;
  for (const docId of wanted) {
    try {
      const update = await api.call('docs.state', { params: { docName: docId }, timeoutMs: 10_000 });
      cache.appendUpdates(docId, [update], [false]);
      options.onPulled?.(docId, update);
      pulled++;
    } catch (err) {
      return { pulled, error: (err as Error).message };
    }
  }
  return { pulled, error: null };
}

/** The conversation docs to fetch, mentions of the member first, then by latest activity. */
export function conversationsBehind(cache: LocalCache, conn: WorkspaceConnection, scan: number): string[] {
  const workspace = new Y.Doc();
  try {
    if (!cache.loadDocInto(conn.workspaceId, workspace)) return [];
    if (workspace.getMap(DOC_KEYS.meta).get('conversations') !== 'threads') return [];
    const summaries = new Map<string, { count: number; at: number }>();
    for (const value of workspace.getMap(DOC_KEYS.threadSummaries).values()) {
      const s = threadSummarySchema.safeParse(value);
      if (s.success) summaries.set(threadDocName(conn.workspaceId, s.data), { count: s.data.count, at: s.data.lastActivityAt });
    }
    const mentioned = new Set<string>();
    for (const value of workspace.getMap(DOC_KEYS.commentMentions).values()) {
      const m = commentMentionSchema.safeParse(value);
      if (m.success && m.data.memberId === conn.memberId) mentioned.add(threadDocName(conn.workspaceId, m.data.target));
    }
    const recent = [...summaries.keys()].filter((d) => !mentioned.has(d)).sort((a, b) => summaries.get(b)!.at - summaries.get(a)!.at).slice(0, scan);
    return [...mentioned, ...recent].filter((docId) => cachedComments(cache, docId) < (summaries.get(docId)?.count ?? 1));
  } finally {
    workspace.destroy();
  }
}

function cachedComments(cache: LocalCache, docId: string): number {
  const state = cache.loadDoc(docId);
  if (!state) return 0;
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return doc.getMap(DOC_KEYS.comments).size;
  } finally {
    doc.destroy();
  }
}
