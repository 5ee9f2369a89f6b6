/**
 * The write policy, one update at a time, for every role: what each may write, and that
 * records name their writer (test/integration/commenter-threads.test.ts and
 * test/integration/trust-boundary.test.ts run such cases through a real server and clients).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  DOC_KEYS,
  INCIDENT_EVENTS_KEY,
  type Role,
  addComment,
  addNotebookVersion,
  annotateRun,
  appendIncidentEvent,
  assignIncident,
  createIncident,
  createModel,
  createNote,
  deleteNote,
  moveAlias,
  reactionKey,
  registerModelVersion,
  replyToComment,
  resolveThread,
  setTeamRole,
  toggleReaction,
  updateIncident,
  upsertMember,
  upsertRunSummary,
} from '../src/core/workspace/index.ts';
import { checkUpdateStructure } from './update-structure.ts';
import { FUTURE_SKEW_MS, type Verdict, judgeUpdate } from './write-policy.ts';

const T0 = 1_700_000_000_000;
let n = 0;
const as = (id: string, name: string) => ({ actor: { id, name }, now: () => T0 + n, newId: () => `id${++n}` });
const ada = as('m_ada', 'Ada');
const bob = as('m_bob', 'Bob');
const cleo = as('m_cleo', 'Cleo');
const people = { m_ada: ['Ada', 'owner'], m_bob: ['Bob', 'editor'], m_cleo: ['Cleo', 'commenter'], m_vic: ['Vic', 'viewer'] } as const;

function setup() {
  const server = new Y.Doc();
  for (const [id, [name, role]] of Object.entries(people)) upsertMember(server, { id, name, role, joinedAt: T0 - 1000 });
  const incident = createIncident(server, { title: 'Drift', severity: 'high' }, ada);
  const thread = addComment(server, { target: { kind: 'incident', id: incident.id }, body: 'Vendor?' }, ada);
  toggleReaction(server, { commentId: thread.id, emoji: 'eyes' }, ada);
  const mine = addComment(server, { target: { kind: 'incident', id: incident.id }, body: 'Mine' }, cleo);
  toggleReaction(server, { commentId: thread.id, emoji: '+1' }, cleo);
  const model = createModel(server, { name: 'churn', description: '' }, ada);
  const run = upsertRunSummary(server, { name: 'r1', experiment: 'e', status: 'finished', startedAt: T0, source: 'test:r1', params: {}, metrics: {} }, ada);
  const version = registerModelVersion(server, { modelId: model.id, runId: run.record.id }, ada);
  updateIncident(server, { incidentId: incident.id, status: 'acknowledged' }, ada);
  const notebook = addNotebookVersion(server, { path: 'churn.ipynb', blob: 'a'.repeat(64), size: 10, nbformat: '4.5', cellCount: 2 }, ada);
  /** The verdict on what `change` does to a client's copy of the server's doc, as `memberId`. */
  const judge = (memberId: keyof typeof people, change: (doc: Y.Doc) => void, now = T0 + 1_000_000): Verdict => {
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    change(client);
    const structure = checkUpdateStructure(server, Y.mergeUpdates(updates));
    if (structure.kind === 'bad') return { kind: 'denied', reason: `structure: ${structure.reason}` };
    const [name, role] = people[memberId];
    return judgeUpdate({ doc: server, isNote: false, identity: { workspaceId: 'ws', workspaceName: 'W', memberId, name, role: role as Role }, now, ...structure });
  };
  return { server, incident, thread, mine, model, version, run: run.record, notebook, judge };
}

const ok = { kind: 'allowed' };
const refusedWith = (reason: string) => ({ kind: 'denied', reason: expect.stringContaining(reason) });

describe('commenters', () => {
  it('may reply, react (and take it back) and resolve a thread they started', () => {
    const { thread, mine, judge } = setup();
    expect(judge('m_cleo', (d) => replyToComment(d, { commentId: thread.id, body: 'Yes' }, cleo))).toEqual(ok);
    expect(judge('m_cleo', (d) => toggleReaction(d, { commentId: thread.id, emoji: 'heart' }, cleo))).toEqual(ok);
    expect(judge('m_cleo', (d) => toggleReaction(d, { commentId: thread.id, emoji: '+1' }, cleo))).toEqual(ok);
    expect(judge('m_cleo', (d) => resolveThread(d, { commentId: mine.id }, cleo))).toEqual(ok);
    // Added and taken back before it was sent: nothing lands, nothing to refuse.
    expect(judge('m_cleo', (d) => { toggleReaction(d, { commentId: thread.id, emoji: 'rocket' }, cleo); toggleReaction(d, { commentId: thread.id, emoji: 'rocket' }, cleo); })).toEqual(ok);
  });

  it.each([
    ['react under someone else\'s id', (d: Y.Doc, t: string) => toggleReaction(d, { commentId: t, emoji: 'rocket' }, ada), 'your own member id'],
    ['take someone else\'s reaction away', (d: Y.Doc, t: string) => d.getMap(DOC_KEYS.reactions).delete(reactionKey({ commentId: t, memberId: 'm_ada', emoji: 'eyes' })), 'cannot change or delete'],
    ['change their own reaction in place', (d: Y.Doc, t: string) => d.getMap(DOC_KEYS.reactions).set(reactionKey({ commentId: t, memberId: 'm_cleo', emoji: '+1' }), { commentId: t, memberId: 'm_cleo', memberName: 'Cleo', emoji: '+1', at: T0 + 9 }), 'cannot change'],
    ['file a reaction under a key that is not its own', (d: Y.Doc, t: string) => d.getMap(DOC_KEYS.reactions).set(`${t}:m_cleo:rocket`, { commentId: t, memberId: 'm_cleo', memberName: 'Cleo', emoji: 'laugh', at: T0 + 9 }), 'wrong key'],
    ['resolve someone else\'s thread', (d: Y.Doc, t: string) => resolveThread(d, { commentId: t }, cleo), 'only threads they started'],
    ['reply under someone else\'s id', (d: Y.Doc, t: string) => replyToComment(d, { commentId: t, body: 'forged' }, ada), 'your own member id'],
    ['comment under another name', (d: Y.Doc, t: string) => replyToComment(d, { commentId: t, body: 'hi' }, as('m_cleo', 'The CEO')), 'your name as the server has it'],
    ['comment dated in the future', (d: Y.Doc, t: string) => replyToComment(d, { commentId: t, body: 'hi' }, { ...cleo, now: () => T0 + 1_000_000 + FUTURE_SKEW_MS + 1 }), 'in the future'],
    ['comment dated before they joined', (d: Y.Doc, t: string) => replyToComment(d, { commentId: t, body: 'hi' }, { ...cleo, now: () => T0 - 365 * 86_400_000 }), 'before you joined'],
    ['add a comment with an unknown 4 MiB field', (d: Y.Doc, t: string) => d.getMap(DOC_KEYS.comments).set('c_x', { id: 'c_x', target: { kind: 'incident', id: 'x' }, body: 'hi', authorId: 'm_cleo', authorName: 'Cleo', createdAt: T0, parentId: t, junk: 'x'.repeat(4 << 20) }), 'unknown field junk'],
  ])('may not %s', (_what, change, reason) => {
    const { thread, judge } = setup();
    expect(judge('m_cleo', (d) => change(d, thread.id))).toEqual(refusedWith(reason));
  });

  it('may not touch anything outside comments, reactions and resolutions, deletions included', () => {
    const { incident, mine, judge } = setup();
    expect(judge('m_cleo', (d) => updateIncident(d, { incidentId: incident.id, status: 'resolved' }, cleo))).toMatchObject({ kind: 'denied' });
    expect(judge('m_cleo', (d) => d.getMap(DOC_KEYS.comments).delete(mine.id))).toMatchObject({ kind: 'denied' });
    expect(judge('m_cleo', (d) => d.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incident.id)!.delete('description'))).toMatchObject({ kind: 'denied' });
  });
});

describe('viewers', () => {
  it('write nothing', () => {
    const { thread, judge } = setup();
    expect(judge('m_vic', (d) => replyToComment(d, { commentId: thread.id, body: 'hi' }, as('m_vic', 'Vic')))).toEqual(refusedWith('viewers'));
  });
});

describe('editors and owners', () => {
  it('do their work: incidents, timeline, assignment, runs, notes, registry', () => {
    const { incident, model, version, run, judge } = setup();
    expect(judge('m_bob', (d) => createIncident(d, { title: 'New', severity: 'low' }, bob))).toEqual(ok);
    expect(judge('m_bob', (d) => updateIncident(d, { incidentId: incident.id, status: 'investigating', severity: 'low' }, bob))).toEqual(ok);
    expect(judge('m_bob', (d) => assignIncident(d, { incidentId: incident.id, assignee: { id: 'm_ada', name: 'Ada' } }, bob))).toEqual(ok);
    expect(judge('m_bob', (d) => appendIncidentEvent(d, incident.id, { kind: 'action', action: 'retrain', outcome: 'ok', detail: '' }, bob))).toEqual(ok);
    expect(judge('m_bob', (d) => annotateRun(d, { runId: run.id, text: 'baseline' }, bob))).toEqual(ok);
    expect(judge('m_bob', (d) => { const note = createNote(d, { title: 'Plan' }, bob); deleteNote(d, { noteId: note.id }, bob); })).toEqual(ok);
    expect(judge('m_bob', (d) => createModel(d, { name: 'fraud', description: '' }, bob))).toEqual(ok);
    expect(judge('m_bob', (d) => moveAlias(d, { modelId: model.id, alias: 'champion', versionId: version.id }, bob))).toEqual(ok);
    expect(judge('m_ada', (d) => moveAlias(d, { modelId: model.id, alias: 'production', versionId: version.id, overrideReason: 'hotfix' }, ada))).toEqual(ok);
    expect(judge('m_ada', (d) => setTeamRole(d, { memberId: 'm_bob', teamRole: 'ml-engineer' }, ada))).toEqual(ok);
  });

  it.each([
    ['write a comment as someone else', (d: Y.Doc, s: ReturnType<typeof setup>) => addComment(d, { target: { kind: 'incident', id: s.incident.id }, body: 'forged' }, ada), 'your own member id'],
    ['append a timeline event as someone else', (d: Y.Doc, s: ReturnType<typeof setup>) => appendIncidentEvent(d, s.incident.id, { kind: 'status', from: 'open', to: 'resolved' }, ada), 'your own member id'],
    ['record the later outcome of an action (the server does, for each webhook retry)', (d: Y.Doc, s: ReturnType<typeof setup>) => appendIncidentEvent(d, s.incident.id, { kind: 'action', action: 'retrain', outcome: 'ok', detail: 'delivered', follows: 'id1' }, bob), 'only the server records'],
    ['append a severity change as someone else', (d: Y.Doc, s: ReturnType<typeof setup>) => appendIncidentEvent(d, s.incident.id, { kind: 'severity', from: 'high', to: 'low' }, ada), 'your own member id'],
    ['open an incident in someone else\'s name', (d: Y.Doc) => createIncident(d, { title: 'X', severity: 'low' }, ada), 'your own member id'],
    ['claim a version was created by someone else', (d: Y.Doc, s: ReturnType<typeof setup>) => d.getMap(DOC_KEYS.modelVersions).set(s.version.id, { ...s.version, createdById: 'm_bob', createdByName: 'Bob' }), 'cannot be changed'],
    ['record an owner\'s override of production', (d: Y.Doc, s: ReturnType<typeof setup>) => moveAlias(d, { modelId: s.model.id, alias: 'production', versionId: s.version.id, overrideReason: 'x' }, ada), 'your own member id'],
    ['override production under their own name', (d: Y.Doc, s: ReturnType<typeof setup>) => d.getMap(DOC_KEYS.aliasEvents).set('ae', { id: 'ae', modelId: s.model.id, alias: 'production', versionId: s.version.id, byId: 'm_bob', byName: 'Bob', at: T0, seq: 1, override: { reason: 'x' } }), 'only owners'],
    ['accept a handoff under someone else\'s name', (d: Y.Doc) => d.getMap(DOC_KEYS.handoffEvents).set('he', { kind: 'decision', id: 'he', handoffId: 'h', decision: 'accepted', comment: '', byId: 'm_ada', byName: 'Ada', at: T0, seq: 1 }), 'your own member id'],
    ['make themselves owner in the members list', (d: Y.Doc) => d.getMap(DOC_KEYS.members).set('m_bob', { id: 'm_bob', name: 'Bob', role: 'owner', joinedAt: T0 }), 'written by the server'],
    ['demote the owner in the members list', (d: Y.Doc) => d.getMap(DOC_KEYS.members).delete('m_ada'), 'written by the server'],
    ['mark the workspace as moved here (meta.movedAt, which closes the move route)', (d: Y.Doc) => d.getMap(DOC_KEYS.meta).set('movedAt', T0), 'written by the server'],
    ['set team roles (owners only)', (d: Y.Doc) => d.getMap(DOC_KEYS.teamRoles).set('m_bob', { memberId: 'm_bob', teamRole: 'ops', setById: 'm_bob', setByName: 'Bob', at: T0 }), 'editors cannot add teamRoles'],
    ['rewrite an incident\'s creator', (d: Y.Doc, s: ReturnType<typeof setup>) => d.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(s.incident.id)!.set('createdBy', 'm_bob'), 'createdBy cannot be changed'],
    ['erase an incident\'s timeline', (d: Y.Doc, s: ReturnType<typeof setup>) => { (d.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(s.incident.id)!.get(INCIDENT_EVENTS_KEY) as Y.Array<unknown>).delete(0, 1); }, 'append-only'],
    ['assign under a false name', (d: Y.Doc, s: ReturnType<typeof setup>) => assignIncident(d, { incidentId: s.incident.id, assignee: { id: 'm_ada', name: 'Mallory' } }, bob), 'assignee\'s name'],
    ['delete a comment', (d: Y.Doc, s: ReturnType<typeof setup>) => d.getMap(DOC_KEYS.comments).delete(s.thread.id), 'cannot be deleted'],
    ['write a top-level type the workspace does not have', (d: Y.Doc) => d.getMap('evil').set('x', 1), 'not part of a workspace'],
  ])('may not %s', (_what, change, reason) => {
    const s = setup();
    expect(s.judge('m_bob', (d) => change(d, s))).toEqual(refusedWith(reason));
  });

  it('an owner may not write the meta either: moving the workspace is the server\'s to record', () => {
    const s = setup();
    expect(s.judge('m_ada', (d) => d.getMap(DOC_KEYS.meta).set('movedAt', T0))).toEqual(refusedWith('written by the server'));
    expect(s.judge('m_ada', (d) => d.getMap(DOC_KEYS.meta).set('name', 'Renamed by a client'))).toEqual(refusedWith('written by the server'));
  });
});

describe('notebooks', () => {
  const push = (blob: string, path = 'churn.ipynb') => (ctx: typeof ada) => (d: Y.Doc) => addNotebookVersion(d, { path, blob: blob.repeat(64), size: 1, nbformat: '4.5', cellCount: 1 }, ctx);
  const anchor = (nb: ReturnType<typeof setup>['notebook']) => ({ versionId: nb.version.id, version: 1, cellIndex: 0, cellId: 'c1', part: 'output' as const, outputIndex: 0 });

  it('editors and owners add notebooks and versions', () => {
    const { judge } = setup();
    expect(judge('m_bob', push('b')(bob))).toEqual(ok);
    expect(judge('m_bob', push('c', 'new.ipynb')(bob))).toEqual(ok);
    expect(judge('m_ada', push('d', 'other.ipynb')(ada))).toEqual(ok);
  });

  it('commenters and viewers may not add them; commenters comment on a cell or an output', () => {
    const { judge, notebook } = setup();
    expect(judge('m_cleo', push('b')(cleo))).toEqual(refusedWith('commenters can only add comments'));
    expect(judge('m_cleo', push('c', 'new.ipynb')(cleo))).toEqual(refusedWith('commenters can only add comments'));
    expect(judge('m_vic', push('b')(as('m_vic', 'Vic')))).toEqual(refusedWith('viewers cannot change'));
    expect(judge('m_cleo', (d) => addComment(d, { target: { kind: 'notebook', id: notebook.notebook.id, anchor: anchor(notebook) }, body: 'this plot?' }, cleo))).toEqual(ok);
    expect(judge('m_vic', (d) => addComment(d, { target: { kind: 'notebook', id: notebook.notebook.id }, body: 'x' }, as('m_vic', 'Vic')))).toEqual(refusedWith('viewers cannot change'));
  });

  it('versions are append-only and name their writer', () => {
    const { judge, notebook } = setup();
    const versionKey = notebook.version.id;
    expect(judge('m_bob', (d) => d.getMap(DOC_KEYS.notebookVersions).set(versionKey, { ...notebook.version, blob: 'f'.repeat(64) }))).toEqual(refusedWith('cannot be changed once written'));
    expect(judge('m_ada', (d) => d.getMap(DOC_KEYS.notebookVersions).delete(versionKey))).toEqual(refusedWith('cannot be deleted'));
    expect(judge('m_bob', (d) => d.getMap(DOC_KEYS.notebookVersions).set('v9', { ...notebook.version, id: 'v9', version: 2 }))).toEqual(refusedWith('your own member id'));
    expect(judge('m_bob', (d) => d.getMap(DOC_KEYS.notebookVersions).set('v9', { ...notebook.version, id: 'v9', version: 2, addedBy: 'm_bob', addedByName: 'Bob', script: '<x>' }))).toEqual(refusedWith('unknown field script'));
    expect(judge('m_bob', (d) => d.getMap(DOC_KEYS.notebooks).set(notebook.notebook.id, { ...notebook.notebook, title: 'Renamed' }))).toEqual(ok);
    expect(judge('m_bob', (d) => d.getMap(DOC_KEYS.notebooks).set(notebook.notebook.id, { ...notebook.notebook, createdBy: 'm_bob', createdByName: 'Bob' }))).toEqual(refusedWith('who wrote a record cannot be changed'));
  });
});
