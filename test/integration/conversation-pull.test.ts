/**
 * The host fetches the conversation docs of a split workspace that nobody on this device has
 * opened (src/node/conversation-pull.ts), so search finds their comments and a mention can be
 * read offline; through `GET …/docs/:doc/state` on a real server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { DOC_KEYS, addComment, createIncident, threadDocName, upsertRunSummary } from '../../src/core/workspace/index.ts';
import { conversationsBehind, pullConversations } from '../../src/node/conversation-pull.ts';
import { LocalCache } from '../../src/node/local-cache.ts';
import { SearchIndex } from '../../src/node/search-index.ts';
import type { WorkspaceConnection } from '../../src/shared/host-contract.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

let dir: string;
let server: SyncServer;
let cache: LocalCache;
let index: SearchIndex;
const disposers: (() => void)[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-pull-'));
  server = await startSyncServer({ port: 0, dataDir: join(dir, 'server') });
  cache = new LocalCache({ file: join(dir, 'cache.sqlite') });
  index = new SearchIndex(cache, { noteDelayMs: 1, warn: (m) => { throw new Error(m); } });
});
afterEach(async () => {
  for (const d of disposers.splice(0)) d();
  index.dispose();
  cache.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const ctx = (id: string, name: string) => ({ actor: { id, name }, now: Date.now, newId: () => crypto.randomUUID() });

describe('pullConversations', () => {
  it('fetches the conversations a split workspace has, mentions first, and search finds their comments', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const bobToken = server.store.createMemberToken(ws.id, 'commenter', 'Bob');
    const ada = connectClient(server.url, ws.id, ws.token);
    const bob = connectClient(server.url, ws.id, bobToken.token);
    disposers.push(ada.dispose, bob.dispose);
    await Promise.all([synced(ada.provider), synced(bob.provider)]);
    await waitFor(() => ada.doc.getMap(DOC_KEYS.members).size === 2, 'members');
    const A = ctx(ws.memberId, 'Ada');
    const incident = createIncident(ada.doc, { title: 'Drift on age', severity: 'high' }, A);
    const run = upsertRunSummary(ada.doc, { name: 'r1', experiment: 'e', status: 'finished', startedAt: Date.now(), source: 'test:r1', params: {}, metrics: {} }, A).record;
    addComment(ada.doc, { target: { kind: 'incident', id: incident.id }, body: 'The isotonic calibration drifted, @Bob' }, A);
    addComment(ada.doc, { target: { kind: 'run', id: run.id }, body: 'Quantile sketch looks fine' }, A);
    await waitFor(() => bob.doc.getMap(DOC_KEYS.comments).size === 2, 'comments at Bob');
    bob.provider.disconnect();
    await server.flushed();
    expect(await server.splitConversations(ws.id)).toMatchObject({ conversations: 2, comments: 2 });

    // Bob's device: the workspace doc as a window saved it, no conversation doc.
    const state = new Uint8Array(await (await fetch(`${server.url}/api/v1/workspaces/${ws.id}/docs/${ws.id}/state`, { headers: { authorization: `Bearer ${bobToken.token}` } })).arrayBuffer());
    cache.appendUpdates(ws.id, [state], [false]);
    const conn: WorkspaceConnection = { workspaceId: ws.id, name: 'W', serverUrl: server.url, token: bobToken.token, memberId: bobToken.memberId, memberName: 'Bob', role: 'commenter', local: false, lastOpenedAt: 0 };
    const incidentDoc = threadDocName(ws.id, { kind: 'incident', id: incident.id });
    const runDoc = threadDocName(ws.id, { kind: 'run', id: run.id });
    expect(conversationsBehind(cache, conn, 500)).toEqual([incidentDoc, runDoc]);

    const pulled = await pullConversations(cache, conn, { onPulled: (docId, update) => index.afterAppend(docId, [update]) });
    expect(pulled).toEqual({ pulled: 2, error: null });
    index.flush();
    expect(index.query(ws.id, 'isotonic')[0]).toMatchObject({ kind: 'comment', target: { kind: 'incident', id: incident.id } });
    expect(index.query(ws.id, 'quantile')).toHaveLength(1);
    // Saved as the server's, not as edits of this device to send back.
    expect(cache.docsWithPendingEdits(ws.id)).toEqual([]);
    // Up to date: nothing more to fetch.
    expect(conversationsBehind(cache, conn, 500)).toEqual([]);
    expect(await pullConversations(cache, conn)).toEqual({ pulled: 0, error: null });
    // At most `limit` per call.
    const limited = new LocalCache({ file: join(dir, 'limited.sqlite') });
    try {
      limited.appendUpdates(ws.id, [state], [false]);
      expect(await pullConversations(limited, conn, { limit: 1 })).toEqual({ pulled: 1, error: null });
      expect(conversationsBehind(limited, conn, 500)).toEqual([runDoc]);
    } finally {
      limited.close();
    }
  });

  it('refuses another workspace\'s conversation doc', async () => {
    const a = server.store.createWorkspace('A', 'Ada');
    const b = server.store.createWorkspace('B', 'Bo');
    const res = await fetch(`${server.url}/api/v1/workspaces/${b.id}/docs/${threadDocName(a.id, { kind: 'incident', id: 'i1' })}/state`, { headers: { authorization: `Bearer ${b.token}` } });
    expect(res.status).toBe(404);
    const other = await fetch(`${server.url}/api/v1/workspaces/${a.id}/docs/${threadDocName(a.id, { kind: 'incident', id: 'i1' })}/state`, { headers: { authorization: `Bearer ${b.token}` } });
    expect(other.status).toBe(403);
  });
});
