/**
 * The commenter policy's reasons, one update at a time (test/integration/commenter-threads.test.ts
 * runs the same cases through a real server and real clients).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  DOC_KEYS,
  addComment,
  createIncident,
  reactionKey,
  replyToComment,
  resolveThread,
  toggleReaction,
  updateIncident,
} from '../src/core/workspace/index.ts';
import { checkCommenterUpdate } from './write-policy.ts';

let n = 0;
const as = (id: string, name: string) => ({ actor: { id, name }, now: () => 1_700_000_000_000 + n, newId: () => `id${++n}` });
const ada = as('m_ada', 'Ada');
const cleo = as('m_cleo', 'Cleo');

function setup() {
  const server = new Y.Doc();
  const incident = createIncident(server, { title: 'Drift', severity: 'high' }, ada);
  const thread = addComment(server, { target: { kind: 'incident', id: incident.id }, body: 'Vendor?' }, ada);
  toggleReaction(server, { commentId: thread.id, emoji: 'eyes' }, ada);
  const mine = addComment(server, { target: { kind: 'incident', id: incident.id }, body: 'Mine' }, cleo);
  toggleReaction(server, { commentId: thread.id, emoji: '+1' }, cleo);
  /** The verdict on what `change` does to a client's copy of the server's doc. */
  const judge = (change: (doc: Y.Doc) => void) => {
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    change(client);
    return checkCommenterUpdate(server, Y.mergeUpdates(updates), 'm_cleo');
  };
  return { incident, thread, mine, judge };
}

describe('checkCommenterUpdate', () => {
  it('allows replies, own reactions (added or taken back) and resolving a thread one started', () => {
    const { thread, mine, judge } = setup();
    expect(judge((d) => replyToComment(d, { commentId: thread.id, body: 'Yes' }, cleo))).toEqual({ kind: 'allowed' });
    expect(judge((d) => toggleReaction(d, { commentId: thread.id, emoji: 'heart' }, cleo))).toEqual({ kind: 'allowed' });
    expect(judge((d) => toggleReaction(d, { commentId: thread.id, emoji: '+1' }, cleo))).toEqual({ kind: 'allowed' });
    expect(judge((d) => resolveThread(d, { commentId: mine.id }, cleo))).toEqual({ kind: 'allowed' });
    // Added and taken back before it was sent: nothing lands, nothing to refuse.
    expect(judge((d) => { toggleReaction(d, { commentId: thread.id, emoji: 'rocket' }, cleo); toggleReaction(d, { commentId: thread.id, emoji: 'rocket' }, cleo); })).toEqual({ kind: 'allowed' });
  });

  it.each([
    ['react under someone else\'s id', (d: Y.Doc, t: string) => toggleReaction(d, { commentId: t, emoji: 'rocket' }, ada), 'a reaction must be given under your own member id'],
    ['take someone else\'s reaction away', (d: Y.Doc, t: string) => d.getMap(DOC_KEYS.reactions).delete(reactionKey({ commentId: t, memberId: 'm_ada', emoji: 'eyes' })), 'cannot change or delete'],
    ['change their own reaction in place', (d: Y.Doc, t: string) => d.getMap(DOC_KEYS.reactions).set(reactionKey({ commentId: t, memberId: 'm_cleo', emoji: '+1' }), { commentId: t, memberId: 'm_cleo', memberName: 'C', emoji: '+1', at: 9 }), 'cannot change or delete'],
    ['file a reaction under a key that is not its own', (d: Y.Doc, t: string) => d.getMap(DOC_KEYS.reactions).set(`${t}:m_cleo:rocket`, { commentId: t, memberId: 'm_cleo', memberName: 'C', emoji: 'laugh', at: 9 }), 'is not a valid reaction'],
    ['resolve someone else\'s thread', (d: Y.Doc, t: string) => resolveThread(d, { commentId: t }, cleo), 'only threads they started'],
    ['reply under someone else\'s id', (d: Y.Doc, t: string) => replyToComment(d, { commentId: t, body: 'forged' }, ada), 'your own member id'],
  ])('refuses to %s', (_what, change, reason) => {
    const { thread, judge } = setup();
    const verdict = judge((d) => change(d, thread.id));
    expect(verdict.kind).toBe('denied');
    expect(verdict.kind === 'denied' && verdict.reason).toContain(reason);
  });

  it('refuses anything outside comments, reactions and resolutions, deletions included', () => {
    const { incident, mine, judge } = setup();
    expect(judge((d) => updateIncident(d, { incidentId: incident.id, status: 'resolved' }, cleo))).toMatchObject({ kind: 'denied' });
    expect(judge((d) => d.getMap(DOC_KEYS.comments).delete(mine.id))).toMatchObject({ kind: 'denied', reason: expect.stringContaining('existing comment') });
    expect(judge((d) => d.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incident.id)!.delete('description'))).toMatchObject({ kind: 'denied' });
  });
});
