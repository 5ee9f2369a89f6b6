/**
 * What a commenter may do in a comment thread, judged by the real server: reply, react and take
 * their reaction back, resolve and reopen a thread they started — and not react as someone
 * else, take someone else's reaction away, or resolve someone else's thread.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  DOC_KEYS,
  addComment,
  createIncident,
  listIncidents,
  listThreads,
  reactionKey,
  reopenThread,
  replyToComment,
  resolveThread,
  toggleReaction,
} from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

let dataDir: string;
let server: SyncServer;
const disposers: (() => void)[] = [];

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-threads-'));
  server = await startSyncServer({ port: 0, dataDir });
});
afterEach(async () => {
  for (const d of disposers.splice(0)) d();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function client(workspaceId: string, token: string) {
  const c = connectClient(server.url, workspaceId, token);
  disposers.push(c.dispose);
  return c;
}
const ctx = (id: string, name: string) => ({ actor: { id, name }, now: () => Date.now(), newId: () => crypto.randomUUID() });

describe('comment threads and the commenter role', () => {
  it('lets a commenter reply, react, and resolve their own thread, and nothing that is someone else\'s', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const cm = server.store.createMemberToken(ws.id, 'commenter', 'Cleo');
    const [ada, cleo] = [ctx(ws.memberId, 'Ada'), ctx(cm.memberId, 'Cleo')];
    const owner = client(ws.id, ws.token);
    await synced(owner.provider);
    const incident = createIncident(owner.doc, { title: 'Drift on age', severity: 'high' }, ada);
    const adaThread = addComment(owner.doc, { target: { kind: 'incident', id: incident.id }, body: 'Is it the new vendor?' }, ada);
    toggleReaction(owner.doc, { commentId: adaThread.id, emoji: 'eyes' }, ada);
    const threads = (doc: Y.Doc) => listThreads(doc, 'incident', incident.id);

    const c = client(ws.id, cm.token);
    await waitFor(() => threads(c.doc).length === 1, 'thread at the commenter');
    replyToComment(c.doc, { commentId: adaThread.id, body: 'Yes, since Monday' }, cleo);
    toggleReaction(c.doc, { commentId: adaThread.id, emoji: '+1' }, cleo);
    toggleReaction(c.doc, { commentId: adaThread.id, emoji: 'heart' }, cleo);
    toggleReaction(c.doc, { commentId: adaThread.id, emoji: 'heart' }, cleo); // and took it back
    const cleoThread = addComment(c.doc, { target: { kind: 'incident', id: incident.id }, body: 'Separately: the null share doubled' }, cleo);
    resolveThread(c.doc, { commentId: cleoThread.id }, cleo);
    reopenThread(c.doc, { commentId: cleoThread.id }, cleo);
    resolveThread(c.doc, { commentId: cleoThread.id }, cleo);
    await waitFor(() => threads(owner.doc)[1]?.resolution?.resolved === true, 'commenter\'s thread resolved at the owner');
    const reacted = (doc: Y.Doc) => threads(doc)[0]!.reactions.get(adaThread.id)?.map((r) => `${r.emoji}:${r.members.map((m) => m.name).join('+')}`);
    expect(threads(owner.doc)[0]!.replies.map((r) => r.body)).toEqual(['Yes, since Monday']);
    expect(reacted(owner.doc)).toEqual(['+1:Cleo', 'eyes:Ada']);

    // Forbidden, each from a fresh session (after a refused update a client's later updates
    // depend on it, so the server refuses those too).
    const adaReactionKey = reactionKey({ commentId: adaThread.id, memberId: ws.memberId, emoji: 'eyes' });
    const cleoReactionKey = reactionKey({ commentId: adaThread.id, memberId: cm.memberId, emoji: '+1' });
    const attempts: ((doc: Y.Doc) => void)[] = [
      // A reaction under Ada's id, through the command as a forger would call it.
      (doc) => toggleReaction(doc, { commentId: adaThread.id, emoji: 'rocket' }, ada),
      // Ada's reaction taken away, and rewritten in place.
      (doc) => doc.getMap(DOC_KEYS.reactions).delete(adaReactionKey),
      (doc) => doc.getMap(DOC_KEYS.reactions).set(adaReactionKey, { commentId: adaThread.id, memberId: cm.memberId, memberName: 'Cleo', emoji: 'eyes', at: 1 }),
      // Their own reaction filed under a key that claims another emoji: keys must match records.
      (doc) => doc.getMap(DOC_KEYS.reactions).set(`${adaThread.id}:${cm.memberId}:rocket`, { commentId: adaThread.id, memberId: cm.memberId, memberName: 'Cleo', emoji: 'laugh', at: 1 }),
      // Their own reaction changed in place instead of deleted.
      (doc) => doc.getMap(DOC_KEYS.reactions).set(cleoReactionKey, { commentId: adaThread.id, memberId: cm.memberId, memberName: 'Cleo', emoji: '+1', at: 2 }),
      // Someone else's thread resolved, and a resolution written under Ada's id.
      (doc) => resolveThread(doc, { commentId: adaThread.id }, cleo),
      (doc) => reopenThread(doc, { commentId: cleoThread.id }, ada),
      // A thread resolution rewritten.
      (doc) => {
        const [key, value] = [...doc.getMap<Record<string, unknown>>(DOC_KEYS.threadResolutions).entries()][0]!;
        doc.getMap(DOC_KEYS.threadResolutions).set(key, { ...value, at: 5 });
      },
    ];
    for (const attempt of attempts) {
      const session = client(ws.id, cm.token);
      await synced(session.provider);
      attempt(session.doc);
    }
    // A clean session's allowed write lands after all the refused ones: the server had them all.
    const clean = client(ws.id, cm.token);
    await synced(clean.provider);
    toggleReaction(clean.doc, { commentId: cleoThread.id, emoji: 'hooray' }, cleo);
    await waitFor(() => threads(owner.doc)[1]!.reactions.size === 1, 'allowed reaction after the refused ones');

    const fresh = client(ws.id, ws.token);
    await synced(fresh.provider);
    await waitFor(() => threads(fresh.doc)[1]?.reactions.size === 1, 'fresh client sync');
    expect(reacted(fresh.doc)).toEqual(['+1:Cleo', 'eyes:Ada']);
    expect((fresh.doc.getMap(DOC_KEYS.reactions).get(cleoReactionKey) as { at: number }).at).not.toBe(2);
    expect(threads(fresh.doc).map((t) => [t.root.body, t.resolution?.resolved ?? false, t.resolution?.byName])).toEqual([
      ['Is it the new vendor?', false, undefined],
      ['Separately: the null share doubled', true, 'Cleo'],
    ]);
    expect(fresh.doc.getMap(DOC_KEYS.threadResolutions).size).toBe(3);
    expect([...fresh.doc.getMap(DOC_KEYS.reactions).keys()].sort()).toEqual([adaReactionKey, cleoReactionKey, `${cleoThread.id}:${cm.memberId}:hooray`].sort());
    expect(listIncidents(fresh.doc)).toHaveLength(1);
  });
});
