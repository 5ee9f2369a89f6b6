import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addComment, createIncident, updateIncident, upsertMember } from './commands.ts';
import { docOfComment, incidentThreadedTimeline, listThreads, replyToComment, resolveThread, toggleReaction } from './comment-threads.ts';
import { listInbox } from './inbox.ts';
import { countCommentsByIncident } from './queries.ts';
import { assignIncident, listRawIncidentEvents } from './incident-events.ts';
import { upsertRunSummary } from './runs.ts';
import { DOC_KEYS, THREAD_EVENTS_KEY, parseDocName, threadDocName } from './schema.ts';
import { appendConversationEvent, listConversationEvents, mentionRecordsOf, missingFromConversation, planConversations, recordConversationSummary, summarizeConversation, writeConversationPart } from './thread-docs.ts';

const T0 = 1_700_000_000_000;
let n = 0;
const as = (id: string, name: string) => ({ actor: { id, name }, now: () => T0 + ++n, newId: () => `id${++n}` });
const ada = as('m_ada', 'Ada');
const bob = as('m_bob', 'Bob');

function workspace() {
  const doc = new Y.Doc();
  upsertMember(doc, { id: 'm_ada', name: 'Ada', role: 'owner', joinedAt: T0 });
  upsertMember(doc, { id: 'm_bob', name: 'Bob', role: 'commenter', joinedAt: T0 });
  const incident = createIncident(doc, { title: 'Drift on age', severity: 'high' }, ada);
  updateIncident(doc, { incidentId: incident.id, status: 'acknowledged' }, ada);
  assignIncident(doc, { incidentId: incident.id, assignee: { id: 'm_bob', name: 'Bob' } }, ada);
  const first = addComment(doc, { target: { kind: 'incident', id: incident.id }, body: 'Vendor change? @Bob' }, ada);
  replyToComment(doc, { commentId: first.id, body: 'Looks like it' }, bob);
  toggleReaction(doc, { commentId: first.id, emoji: 'eyes' }, bob);
  resolveThread(doc, { commentId: first.id }, ada);
  const run = upsertRunSummary(doc, { name: 'r1', experiment: 'e', status: 'finished', startedAt: T0, source: 'test:r1', params: {}, metrics: {} }, ada).record;
  addComment(doc, { target: { kind: 'run', id: run.id }, body: 'Good run' }, bob);
  return { doc, incident, run, first };
}

describe('conversation docs', () => {
  it('names a conversation doc so the server can tell its workspace and target', () => {
    expect(parseDocName(threadDocName('ws1', { kind: 'modelVersion', id: 'v-1' }))).toEqual({ kind: 'thread', workspaceId: 'ws1', target: { kind: 'modelVersion', id: 'v-1' } });
    expect(parseDocName('ws1:thread:member:x')).toBeNull();
    expect(parseDocName('ws1:thread:incident:a:b')).toBeNull();
    expect(parseDocName('ws1:thread:incident:')).toBeNull();
  });

  it('groups every comment, reaction, resolution and timeline event by target, and a conversation doc reads as the workspace doc did', () => {
    const { doc, incident, run } = workspace();
    const plan = planConversations(doc);
    expect(plan.unplaced).toEqual([]);
    expect([...plan.parts.keys()].sort()).toEqual([`incident:${incident.id}`, `run:${run.id}`].sort());
    const part = plan.parts.get(`incident:${incident.id}`)!;
    expect([part.comments.size, part.reactions.size, part.resolutions.size, part.events.length]).toEqual([2, 1, 1, 2]);

    const conversation = new Y.Doc();
    expect(writeConversationPart(conversation, part)).toBe(6);
    expect(missingFromConversation(conversation, part)).toEqual([]);
    // The same functions read the conversation doc and give what the workspace doc gave.
    expect(listThreads(conversation, 'incident', incident.id)).toEqual(listThreads(doc, 'incident', incident.id));
    expect(conversation.getArray(THREAD_EVENTS_KEY).toArray()).toEqual(listRawIncidentEvents(doc, incident.id));
    // Twice writes nothing more.
    expect(writeConversationPart(conversation, part)).toBe(0);
    expect(conversation.getArray(THREAD_EVENTS_KEY).length).toBe(2);
  });

  it('says what a conversation doc lacks, and leaves unplaceable records out', () => {
    const { doc, incident } = workspace();
    doc.getMap(DOC_KEYS.comments).set('bad', { id: 'bad', body: 'no target' });
    doc.getMap(DOC_KEYS.reactions).set('ghost:m_ada:eyes', { commentId: 'ghost', memberId: 'm_ada', memberName: 'Ada', emoji: 'eyes', at: T0 });
    const plan = planConversations(doc);
    expect(plan.unplaced.map((u) => `${u.map}/${u.key}`).sort()).toEqual(['comments/bad', 'reactions/ghost:m_ada:eyes']);
    const part = plan.parts.get(`incident:${incident.id}`)!;
    const conversation = new Y.Doc();
    const firstKey = [...part.comments.keys()][0]!;
    writeConversationPart(conversation, { ...part, comments: new Map([...part.comments].slice(1)), events: part.events.slice(1) });
    expect(missingFromConversation(conversation, part).sort()).toEqual([`comments/${firstKey}`, `events/${(part.events[0] as { id: string }).id}`].sort());
  });

  it('summarises a conversation and records its mentions in the workspace doc, writing nothing when unchanged', () => {
    const { doc, incident, first } = workspace();
    const part = planConversations(doc).parts.get(`incident:${incident.id}`)!;
    const conversation = new Y.Doc();
    writeConversationPart(conversation, part);
    const target = { kind: 'incident' as const, id: incident.id };
    const summary = summarizeConversation(conversation, target);
    expect(summary).toMatchObject({ count: 2, lastById: 'm_bob', lastByName: 'Bob' });
    const ws = new Y.Doc();
    upsertMember(ws, { id: 'm_bob', name: 'Bob', role: 'commenter', joinedAt: T0 });
    recordConversationSummary(ws, conversation, target);
    expect(ws.getMap(DOC_KEYS.threadSummaries).get(`incident:${incident.id}`)).toEqual(summary);
    expect([...ws.getMap(DOC_KEYS.commentMentions).values()]).toEqual(mentionRecordsOf(first));
    expect(mentionRecordsOf(first)[0]).toMatchObject({ memberId: 'm_bob', byName: 'Ada', target });
    let updates = 0;
    ws.on('update', () => updates++);
    recordConversationSummary(ws, conversation, target);
    expect(updates).toBe(0);
  });
});

describe('reading a split workspace', () => {
  /** What the server's split leaves: the conversation in its doc, summaries and mentions in the workspace doc. */
  function split() {
    const w = workspace();
    const before = { threads: listThreads(w.doc, 'incident', w.incident.id), timeline: incidentThreadedTimeline(w.doc, w.incident.id), inbox: listInbox(w.doc, 'm_bob'), count: countCommentsByIncident(w.doc).get(w.incident.id) };
    const part = planConversations(w.doc).parts.get(`incident:${w.incident.id}`)!;
    const conversation = new Y.Doc();
    writeConversationPart(conversation, part);
    w.doc.transact(() => {
      for (const key of part.comments.keys()) w.doc.getMap(DOC_KEYS.comments).delete(key);
      for (const key of part.reactions.keys()) w.doc.getMap(DOC_KEYS.reactions).delete(key);
      for (const key of part.resolutions.keys()) w.doc.getMap(DOC_KEYS.threadResolutions).delete(key);
      (w.doc.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(w.incident.id)!.get('events') as Y.Array<unknown>).delete(0, part.events.length);
      recordConversationSummary(w.doc, conversation, { kind: 'incident', id: w.incident.id });
    });
    return { ...w, conversation, before };
  }

  it('shows the same threads, timeline, inbox and counts as before the split', () => {
    const { doc, incident, conversation, before } = split();
    expect(listThreads(doc, 'incident', incident.id)).toEqual([]);
    expect(listThreads(doc, 'incident', incident.id, conversation)).toEqual(before.threads);
    expect(incidentThreadedTimeline(doc, incident.id, conversation)).toEqual(before.timeline);
    // Nobody has the conversation open: the inbox and the count come from the workspace doc alone.
    expect(listInbox(doc, 'm_bob').map((i) => [i.id, i.byName, i.kind === 'comment' && i.targetTitle])).toEqual(before.inbox.map((i) => [i.id, i.byName, i.kind === 'comment' && i.targetTitle]));
    expect(countCommentsByIncident(doc).get(incident.id)).toBe(before.count);
  });

  it('adds a late comment written the old way, and writes new ones into the conversation doc', () => {
    const { doc, incident, first, conversation, before } = split();
    const late = addComment(doc, { target: { kind: 'incident', id: incident.id }, body: 'from an old client' }, bob);
    const fresh = addComment(doc, { target: { kind: 'incident', id: incident.id }, body: 'new @Bob' }, ada, conversation);
    expect(conversation.getMap(DOC_KEYS.comments).get(fresh.id)).toEqual(fresh);
    expect(doc.getMap(DOC_KEYS.comments).has(fresh.id)).toBe(false);
    expect(listThreads(doc, 'incident', incident.id, conversation).map((t) => t.root.id)).toEqual([...before.threads.map((t) => t.root.id), late.id, fresh.id]);
    expect(countCommentsByIncident(doc).get(incident.id)).toBe(before.count! + 1); // the summary is the server's to update
    // Reactions go where the comment is.
    expect(docOfComment(doc, conversation, first.id)).toBe(conversation);
    expect(docOfComment(doc, conversation, late.id)).toBe(doc);
    appendConversationEvent(conversation, { kind: 'status', from: 'acknowledged', to: 'resolved' }, ada);
    expect(incidentThreadedTimeline(doc, incident.id, conversation).filter((e) => e.kind === 'event')).toHaveLength(3);
  });
});

describe('a conversation doc\'s timeline', () => {
  it('counts an event copied twice (two servers splitting at once) once, in the list and in the summary', () => {
    const conversation = new Y.Doc();
    const event = appendConversationEvent(conversation, { kind: 'finding', band: 'critical', summary: 'acc low', ruleId: 'acc' }, ada);
    conversation.getArray(THREAD_EVENTS_KEY).push([event]);
    expect(conversation.getArray(THREAD_EVENTS_KEY).length).toBe(2);
    expect(listConversationEvents(conversation)).toEqual([event]);
    expect(summarizeConversation(conversation, { kind: 'incident', id: 'i1' })).toMatchObject({ findings: 1, latestFindings: [{ ruleId: 'acc', band: 'critical', summary: 'acc low', at: event.at }] });
  });
});
