import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  CommandError,
  DOC_KEYS,
  addComment,
  createIncident,
  incidentThreadedTimeline,
  listMentionsOf,
  listThreads,
  reopenThread,
  replyToComment,
  resolveThread,
  threadResolution,
  toggleReaction,
  updateIncident,
  upsertMember,
} from './index.ts';

function setup() {
  const doc = new Y.Doc();
  let t = 1_700_000_000_000;
  let n = 0;
  const clock = { now: () => (t += 1000), newId: () => `id${++n}` };
  const as = (id: string, name: string) => ({ actor: { id, name }, ...clock });
  const ada = as('m_ada', 'Ada');
  const bob = as('m_bob', 'Bob');
  upsertMember(doc, { id: 'm_ada', name: 'Ada', role: 'owner', joinedAt: 1 });
  upsertMember(doc, { id: 'm_bob', name: 'Bob', role: 'commenter', joinedAt: 1 });
  const incident = createIncident(doc, { title: 'Drift on age', severity: 'high' }, ada);
  const target = { kind: 'incident' as const, id: incident.id };
  const first = addComment(doc, { target, body: 'Started after the Friday deploy?' }, ada);
  return { doc, ada, bob, incident, target, first };
}

describe('replies', () => {
  it('threads replies under the first comment, one level deep, with @mentions', () => {
    const { doc, ada, bob, target, first } = setup();
    const reply = replyToComment(doc, { commentId: first.id, body: 'Yes, @Ada: the mapping changed' }, bob);
    expect(reply).toMatchObject({ parentId: first.id, target, authorId: 'm_bob', mentions: ['m_ada'] });
    // Replying to a reply stays in the same thread.
    const again = replyToComment(doc, { commentId: reply.id, body: 'Thanks' }, ada);
    expect(again.parentId).toBe(first.id);
    const other = addComment(doc, { target, body: 'Separate point' }, ada);

    const threads = listThreads(doc, 'incident', target.id);
    expect(threads.map((t) => [t.root.body, t.replies.map((r) => r.body)])).toEqual([
      ['Started after the Friday deploy?', ['Yes, @Ada: the mapping changed', 'Thanks']],
      ['Separate point', []],
    ]);
    expect(listMentionsOf(doc, 'm_ada').map((c) => c.id)).toEqual([reply.id]);
    expect(threads[1]!.root.id).toBe(other.id);
  });

  it('refuses a reply to a missing comment, to a reply, or across targets, and writes nothing', () => {
    const { doc, ada, bob, target, first } = setup();
    const reply = replyToComment(doc, { commentId: first.id, body: 'a reply' }, bob);
    const second = createIncident(doc, { title: 'Other', severity: 'low' }, ada);
    const before = doc.getMap(DOC_KEYS.comments).size;
    expect(() => replyToComment(doc, { commentId: 'nope', body: 'x' }, bob)).toThrow('no comment nope');
    expect(() => replyToComment(doc, { commentId: first.id, body: '  ' }, bob)).toThrow(CommandError);
    expect(() => addComment(doc, { target, body: 'x', parentId: reply.id }, bob)).toThrow('reply to the first comment of the thread');
    expect(() => addComment(doc, { target: { kind: 'incident', id: second.id }, body: 'x', parentId: first.id }, bob)).toThrow('the comment is on something else');
    expect(doc.getMap(DOC_KEYS.comments).size).toBe(before);
  });

  it('shows a reply whose parent is not a thread on this target as a thread of its own', () => {
    const { doc, target } = setup();
    // Written by another client that skipped the command's checks.
    doc.getMap(DOC_KEYS.comments).set('stray', { id: 'stray', target, body: 'orphan', authorId: 'm_x', authorName: 'X', createdAt: 1_800_000_000_000, parentId: 'gone' });
    expect(listThreads(doc, 'incident', target.id).map((t) => t.root.body)).toEqual(['Started after the Friday deploy?', 'orphan']);
  });
});

describe('reactions', () => {
  it('toggles a member\'s reaction and summarizes who reacted, per emoji', () => {
    const { doc, ada, bob, target, first } = setup();
    expect(toggleReaction(doc, { commentId: first.id, emoji: 'eyes' }, bob)).toEqual({ added: true });
    toggleReaction(doc, { commentId: first.id, emoji: '+1' }, bob);
    toggleReaction(doc, { commentId: first.id, emoji: '+1' }, ada);
    const summary = () => listThreads(doc, 'incident', target.id)[0]!.reactions.get(first.id)?.map((r) => [r.emoji, r.members.map((m) => m.name)]);
    expect(summary()).toEqual([['+1', ['Bob', 'Ada']], ['eyes', ['Bob']]]);
    expect(doc.getMap(DOC_KEYS.reactions).has(`${first.id}:m_bob:eyes`)).toBe(true);

    expect(toggleReaction(doc, { commentId: first.id, emoji: 'eyes' }, bob)).toEqual({ added: false });
    expect(summary()).toEqual([['+1', ['Bob', 'Ada']]]);
    expect(() => toggleReaction(doc, { commentId: first.id, emoji: 'skull' as never }, bob)).toThrow('emoji');
    expect(() => toggleReaction(doc, { commentId: 'nope', emoji: 'eyes' }, bob)).toThrow('no comment nope');
  });

  it('keeps both people\'s reactions when they react at the same time on two replicas', () => {
    const { doc, ada, bob, first } = setup();
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    toggleReaction(doc, { commentId: first.id, emoji: 'heart' }, ada);
    toggleReaction(other, { commentId: first.id, emoji: 'heart' }, bob);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    for (const d of [doc, other]) {
      expect(listThreads(d, 'incident', first.target.id)[0]!.reactions.get(first.id)?.[0]?.members.map((m) => m.id).sort()).toEqual(['m_ada', 'm_bob']);
    }
  });

  it('ignores a reaction filed under a key that is not its own', () => {
    const { doc, target, first } = setup();
    doc.getMap(DOC_KEYS.reactions).set(`${first.id}:m_ada:+1`, { commentId: first.id, memberId: 'm_bob', memberName: 'Bob', emoji: '+1', at: 1 });
    expect(listThreads(doc, 'incident', target.id)[0]!.reactions.size).toBe(0);
  });
});

describe('resolving threads', () => {
  it('resolves and reopens a thread with who and when; repeating a state changes nothing', () => {
    const { doc, ada, bob, target, first } = setup();
    const reply = replyToComment(doc, { commentId: first.id, body: 'Fixed upstream' }, bob);
    expect(threadResolution(doc, first.id)).toBeNull();
    const resolved = resolveThread(doc, { commentId: first.id }, ada);
    expect(resolved).toMatchObject({ commentId: first.id, resolved: true, byId: 'm_ada', byName: 'Ada' });
    expect(resolveThread(doc, { commentId: first.id }, bob)).toEqual(resolved);
    expect(doc.getMap(DOC_KEYS.threadResolutions).size).toBe(1);
    expect(listThreads(doc, 'incident', target.id)[0]!.resolution).toEqual(resolved);

    const reopened = reopenThread(doc, { commentId: first.id }, bob);
    expect(reopened).toMatchObject({ resolved: false, byName: 'Bob' });
    expect(threadResolution(doc, first.id)).toEqual(reopened);
    expect(doc.getMap(DOC_KEYS.threadResolutions).size).toBe(2);
    expect(() => resolveThread(doc, { commentId: reply.id }, ada)).toThrow('a reply is not a thread');
    expect(() => resolveThread(doc, { commentId: 'nope' }, ada)).toThrow('no comment nope');
  });

  it('agrees on one state when two people resolve and reopen at once', () => {
    const { doc, ada, bob, first } = setup();
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    resolveThread(doc, { commentId: first.id }, ada);
    // Same clock value on both replicas: the id decides, the same way on both.
    const sameTime = { ...bob, now: () => threadResolution(doc, first.id)!.at, newId: () => 'zz' };
    resolveThread(other, { commentId: first.id }, sameTime);
    reopenThread(other, { commentId: first.id }, { ...sameTime, newId: () => 'zzz' });
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    expect(threadResolution(doc, first.id)).toEqual(threadResolution(other, first.id));
    expect(threadResolution(doc, first.id)!.id).toBe('zzz');
  });

  it('keeps the order a person acted in when their clock does not move (resolve, reopen, resolve in one millisecond)', () => {
    const { doc, ada, first } = setup();
    // Ids that sort against the order of writing, so neither clock nor id can stand in for it.
    const ids = ['c', 'b', 'a'];
    const frozen = { ...ada, now: () => 1_800_000_000_000, newId: () => ids.shift()! };
    resolveThread(doc, { commentId: first.id }, frozen);
    reopenThread(doc, { commentId: first.id }, frozen);
    resolveThread(doc, { commentId: first.id }, frozen);
    expect(threadResolution(doc, first.id)).toMatchObject({ id: 'a', resolved: true, seq: 3 });
  });

  it('lets a reopen win over a resolve it saw even when the resolver\'s clock ran ahead', () => {
    const { doc, ada, bob, first } = setup();
    resolveThread(doc, { commentId: first.id }, { ...ada, now: () => 1_900_000_000_000 });
    const reopened = reopenThread(doc, { commentId: first.id }, { ...bob, now: () => 1_800_000_000_000 });
    expect(threadResolution(doc, first.id)).toEqual(reopened);
    expect(listThreads(doc, 'incident', first.target.id)[0]!.resolution?.resolved).toBe(false);
  });
});

describe('incidentThreadedTimeline', () => {
  it('mixes status events and threads in time order', () => {
    const { doc, ada, bob, incident, first } = setup();
    updateIncident(doc, { incidentId: incident.id, status: 'acknowledged' }, bob);
    replyToComment(doc, { commentId: first.id, body: 'later reply' }, bob);
    const second = addComment(doc, { target: first.target, body: 'after the ack' }, ada);
    const steps = incidentThreadedTimeline(doc, incident.id).map((e) => (e.kind === 'event' ? `${e.event.kind} by ${e.event.byName}` : `${e.thread.root.body} (+${e.thread.replies.length})`));
    expect(steps).toEqual(['Started after the Friday deploy? (+1)', 'status by Bob', `${second.body} (+0)`]);
  });
});
