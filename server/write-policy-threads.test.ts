/**
 * The write policy on conversation docs (`<ws>:thread:<kind>:<id>`), for every role: the same
 * record rules as in the workspace doc, comments only on the doc's own target, an append-only
 * timeline written by owners and editors, nothing else. test/integration/thread-docs.test.ts
 * runs such cases through a real server and clients.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  DOC_KEYS,
  type Role,
  THREAD_EVENTS_KEY,
  addComment,
  appendConversationEvent,
  createIncident,
  reactionKey,
  replyToComment,
  resolveThread,
  toggleReaction,
  upsertMember,
} from '../src/core/workspace/index.ts';
import { checkUpdateStructure } from './update-structure.ts';
import { type Verdict, judgeUpdate } from './write-policy.ts';

const T0 = 1_700_000_000_000;
let n = 0;
const as = (id: string, name: string) => ({ actor: { id, name }, now: () => T0 + ++n, newId: () => `id${++n}` });
const ada = as('m_ada', 'Ada');
const bob = as('m_bob', 'Bob');
const cleo = as('m_cleo', 'Cleo');
const people = { m_ada: ['Ada', 'owner'], m_bob: ['Bob', 'editor'], m_cleo: ['Cleo', 'commenter'], m_vic: ['Vic', 'viewer'] } as const;

function setup() {
  const workspace = new Y.Doc();
  for (const [id, [name, role]] of Object.entries(people)) upsertMember(workspace, { id, name, role, joinedAt: T0 - 1000 });
  const incident = createIncident(workspace, { title: 'Drift', severity: 'high' }, ada);
  const other = createIncident(workspace, { title: 'Other', severity: 'low' }, ada);
  const target = { kind: 'incident' as const, id: incident.id };
  // The server's copy of the incident's conversation doc.
  const server = new Y.Doc();
  const thread = addComment(workspace, { target, body: 'Vendor?' }, ada, server);
  toggleReaction(server, { commentId: thread.id, emoji: 'eyes' }, ada);
  const mine = addComment(workspace, { target, body: 'Mine' }, cleo, server);
  appendConversationEvent(server, { kind: 'status', from: 'open', to: 'acknowledged' }, ada);
  const judge = (memberId: keyof typeof people, change: (doc: Y.Doc) => void, now = T0 + 1_000_000): Verdict => {
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    change(client);
    const structure = checkUpdateStructure(server, Y.mergeUpdates(updates));
    if (structure.kind === 'bad') return { kind: 'denied', reason: `structure: ${structure.reason}` };
    const [name, role] = people[memberId];
    return judgeUpdate({ doc: server, isNote: false, thread: target, identity: { workspaceId: 'ws', workspaceName: 'W', memberId, name, role: role as Role }, now, ...structure });
  };
  return { workspace, incident, other, target, thread, mine, judge };
}

const ok = { kind: 'allowed' };
const refusedWith = (reason: string) => ({ kind: 'denied', reason: expect.stringContaining(reason) });

describe('conversation docs: commenters', () => {
  it('may comment, reply, react (and take it back) and resolve a thread they started', () => {
    const { workspace, target, thread, mine, judge } = setup();
    expect(judge('m_cleo', (d) => addComment(workspace, { target, body: 'New' }, cleo, d))).toEqual(ok);
    expect(judge('m_cleo', (d) => replyToComment(workspace, { commentId: thread.id, body: 'Yes' }, cleo, d))).toEqual(ok);
    expect(judge('m_cleo', (d) => toggleReaction(d, { commentId: thread.id, emoji: 'heart' }, cleo))).toEqual(ok);
    expect(judge('m_cleo', (d) => resolveThread(d, { commentId: mine.id }, cleo))).toEqual(ok);
  });

  it.each([
    ['forge another member\'s comment', (d: Y.Doc, s: ReturnType<typeof setup>) => addComment(s.workspace, { target: s.target, body: 'forged' }, ada, d), 'your own member id'],
    ['comment under another name', (d: Y.Doc, s: ReturnType<typeof setup>) => addComment(s.workspace, { target: s.target, body: 'hi' }, as('m_cleo', 'The CEO'), d), 'your name as the server has it'],
    ['put a comment on another incident into this conversation', (d: Y.Doc, s: ReturnType<typeof setup>) => addComment(s.workspace, { target: { kind: 'incident', id: s.other.id }, body: 'elsewhere' }, cleo, d), `must be on incident`],
    ['take someone else\'s reaction away', (d: Y.Doc, s: ReturnType<typeof setup>) => d.getMap(DOC_KEYS.reactions).delete(reactionKey({ commentId: s.thread.id, memberId: 'm_ada', emoji: 'eyes' })), 'cannot change or delete'],
    ['resolve someone else\'s thread', (d: Y.Doc, s: ReturnType<typeof setup>) => resolveThread(d, { commentId: s.thread.id }, cleo), 'only threads they started'],
    ['delete a comment', (d: Y.Doc, s: ReturnType<typeof setup>) => d.getMap(DOC_KEYS.comments).delete(s.mine.id), 'cannot change or delete'],
    ['add to the timeline', (d: Y.Doc) => appendConversationEvent(d, { kind: 'status', from: 'acknowledged', to: 'resolved' }, cleo), 'commenters can only add'],
  ])('may not %s', (_what, change, reason) => {
    const s = setup();
    expect(s.judge('m_cleo', (d) => change(d, s))).toEqual(refusedWith(reason));
  });
});

describe('conversation docs: viewers', () => {
  it('write nothing there: no comment, reaction or timeline event, even in their own name', () => {
    const { workspace, target, thread, judge } = setup();
    const vic = as('m_vic', 'Vic');
    for (const change of [
      (d: Y.Doc) => addComment(workspace, { target, body: 'hi' }, vic, d),
      (d: Y.Doc) => toggleReaction(d, { commentId: thread.id, emoji: 'eyes' }, vic),
      (d: Y.Doc) => appendConversationEvent(d, { kind: 'status', from: 'acknowledged', to: 'resolved' }, vic),
    ]) expect(judge('m_vic', change).kind).toBe('denied');
  });
});

describe('conversation docs: editors and owners', () => {
  it('append timeline events in their own name, and cannot rewrite the timeline or forge an outcome', () => {
    const { judge } = setup();
    expect(judge('m_bob', (d) => appendConversationEvent(d, { kind: 'status', from: 'acknowledged', to: 'investigating' }, bob))).toEqual(ok);
    expect(judge('m_bob', (d) => appendConversationEvent(d, { kind: 'status', from: 'acknowledged', to: 'investigating' }, ada))).toEqual(refusedWith('your own member id'));
    expect(judge('m_bob', (d) => d.getArray(THREAD_EVENTS_KEY).delete(0, 1))).toEqual(refusedWith('append-only'));
    expect(judge('m_ada', (d) => appendConversationEvent(d, { kind: 'action', action: 'retrain', outcome: 'ok', detail: '', follows: 'x' }, ada))).toEqual(refusedWith('only the server'));
  });

  it('write nothing but comments, reactions, resolutions and the timeline there, members and registries included', () => {
    const { judge } = setup();
    expect(judge('m_ada', (d) => d.getMap(DOC_KEYS.members).set('m_x', { id: 'm_x', name: 'X', role: 'owner', joinedAt: T0 }))).toEqual(refusedWith('not "members"'));
    expect(judge('m_ada', (d) => d.getMap(DOC_KEYS.runs).set('r', { id: 'r' }))).toEqual(refusedWith('not "runs"'));
    expect(judge('m_ada', (d) => d.getText('body').insert(0, 'x'))).toEqual(refusedWith('not "body"'));
  });

  it('may not write a timeline into a conversation that is not an incident\'s', () => {
    const { workspace } = setup();
    const server = new Y.Doc();
    const client = new Y.Doc();
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    appendConversationEvent(client, { kind: 'status', from: 'open', to: 'resolved' }, ada);
    const structure = checkUpdateStructure(server, Y.mergeUpdates(updates));
    if (structure.kind === 'bad') throw new Error(structure.reason);
    const verdict = judgeUpdate({ doc: server, isNote: false, thread: { kind: 'run', id: 'r1' }, identity: { workspaceId: 'ws', workspaceName: 'W', memberId: 'm_ada', name: 'Ada', role: 'owner' }, now: T0 + 1_000_000, ...structure });
    expect(verdict).toEqual(refusedWith('not "events"'));
    expect(workspace.getMap(DOC_KEYS.incidents).size).toBe(2);
  });
});

describe('workspace doc: conversation summaries', () => {
  it('are the server\'s: no role writes threadSummaries or commentMentions', () => {
    const server = new Y.Doc();
    upsertMember(server, { id: 'm_ada', name: 'Ada', role: 'owner', joinedAt: T0 - 1000 });
    for (const key of [DOC_KEYS.threadSummaries, DOC_KEYS.commentMentions]) {
      const client = new Y.Doc();
      Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
      const updates: Uint8Array[] = [];
      client.on('update', (u: Uint8Array) => updates.push(u));
      client.getMap(key).set('incident:i1', { kind: 'incident', id: 'i1', count: 99, lastActivityAt: T0 });
      const structure = checkUpdateStructure(server, Y.mergeUpdates(updates));
      if (structure.kind === 'bad') throw new Error(structure.reason);
      expect(judgeUpdate({ doc: server, isNote: false, identity: { workspaceId: 'ws', workspaceName: 'W', memberId: 'm_ada', name: 'Ada', role: 'owner' }, now: T0, ...structure })).toEqual(refusedWith('written by the server'));
    }
  });
});
