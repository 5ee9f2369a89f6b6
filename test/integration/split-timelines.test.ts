/**
 * Incident timelines in conversation docs (`meta.timelines`), on a real server with real
 * y-websocket clients: the server's own timeline writers (monitor findings from a metrics post,
 * the missing-batch check, a retrain request's outcome) write into the incident's conversation
 * doc and keep the workspace doc's digest of it, so a member who has not opened the incident
 * still sees the rule standings; and the write policy per role for timelines: in the conversation
 * doc append-only, owners and editors only, in their own name; in the workspace doc after the
 * split, the same rules, and what passes is moved by the server.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getMonitor, ruleStandings } from '../../src/core/monitor/index.ts';
import {
  DOC_KEYS,
  INCIDENT_EVENTS_KEY,
  THREAD_EVENTS_KEY,
  appendConversationEvent,
  appendIncidentEvent,
  incidentDigest,
  listConversationEvents,
  listIncidentEvents,
  listIncidents,
  threadDocName,
  updateIncident,
} from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { seattleWeatherYear } from '../helpers/seattle-weather.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

let dir: string;
let server: SyncServer;
let receiver: Server;
let receiverUrl: string;
const clients: (() => void)[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-split-timelines-'));
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('ok'));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  server = await startSyncServer({ port: 0, dataDir: dir, splitSweepMs: 50, missingBatchCheckMs: 100, allowPrivateWebhooks: true });
});
afterAll(async () => {
  for (const d of clients.splice(0)) d();
  await server.close();
  await new Promise<void>((r) => receiver.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function client(room: string, token: string, doc?: Y.Doc) {
  const c = connectClient(server.url, room, token, doc);
  clients.push(c.dispose);
  return c;
}
const ctx = (id: string, name: string) => ({ actor: { id, name }, now: Date.now, newId: () => crypto.randomUUID() });
function stored(bytes: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  if (bytes.byteLength > 0) Y.applyUpdate(doc, bytes);
  return doc;
}
const settle = async () => {
  await new Promise((r) => setTimeout(r, 300));
  await server.flushed();
};

async function workspace() {
  const ws = server.store.createWorkspace('Weather', 'Ada');
  const bob = server.store.createMemberToken(ws.id, 'editor', 'Bob');
  const cleo = server.store.createMemberToken(ws.id, 'commenter', 'Cleo');
  const vic = server.store.createMemberToken(ws.id, 'viewer', 'Vic');
  const api = (path: string, body: BodyInit, type = 'application/json', method = 'POST') =>
    fetch(`${server.url}/api/v1/workspaces/${ws.id}${path}`, { method, headers: { authorization: `Bearer ${ws.token}`, 'content-type': type }, body });
  // Bob's app (editor) never opens an incident: whatever he sees comes from the workspace doc.
  const live = client(ws.id, bob.token);
  await synced(live.provider);
  await waitFor(() => live.doc.getMap(DOC_KEYS.meta).get('timelines') === 'threads', 'the workspace split on load');
  const reference = seattleWeatherYear(2012);
  const sha = createHash('sha256').update(reference).digest('hex');
  expect((await api(`/blobs/${sha}`, reference, 'application/octet-stream', 'PUT')).ok).toBe(true);
  return { ws, bob, cleo, vic, api, live, sha };
}

const conversationOf = async (workspaceId: string, incidentId: string) => stored(await server.store.loadDoc(threadDocName(workspaceId, { kind: 'incident', id: incidentId })));
const workspaceEvents = (doc: Y.Doc, incidentId: string) => (doc.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incidentId)?.get(INCIDENT_EVENTS_KEY) as Y.Array<unknown> | undefined)?.length ?? 0;

describe('the server\'s timeline writers, timelines split', () => {
  it('write findings and a retrain outcome into the incident\'s conversation doc, and the digest into the workspace doc', async () => {
    const { ws, api, live, sha } = await workspace();
    const { monitorId } = (await (await api('/monitors', JSON.stringify({
      name: 'Rain model', reference: { sha256: sha, fileName: 'seattle-2012.csv', format: 'csv' },
      rules: [{ kind: 'metric', id: 'acc', metric: 'accuracy', direction: 'below', warning: 0.9, critical: 0.8 }],
    }))).json()) as { monitorId: string };
    const post = async (value: number) => expect((await api(`/monitors/${monitorId}/metrics`, JSON.stringify([{ name: 'accuracy', value, timestamp: Date.now() }]))).status).toBe(200);
    await post(0.85);
    await post(0.7);
    await server.flushed();
    await waitFor(() => listIncidents(live.doc).length === 1 && incidentDigest(live.doc, listIncidents(live.doc)[0]!.id).findings === 2, 'incident and its digest at Bob');
    const incident = listIncidents(live.doc)[0]!;
    expect(incident).toMatchObject({ monitorId, severity: 'critical' });
    // The events are in the conversation doc, none in the workspace doc.
    expect(workspaceEvents(stored(await server.store.loadDoc(ws.id)), incident.id)).toBe(0);
    expect(listIncidentEvents(live.doc, incident.id)).toEqual([]);
    expect(listConversationEvents(await conversationOf(ws.id, incident.id)).map((e) => e.kind === 'finding' && `${e.ruleId} ${e.band} by ${e.byName}`)).toEqual(['acc warning by Ada', 'acc critical by Ada']);
    // What the monitor page shows, read where Bob is: from the workspace doc and its digest.
    const standing = ruleStandings(live.doc, getMonitor(live.doc, monitorId)!, Date.now())[0]!;
    expect(standing).toMatchObject({ band: 'critical', openIncidentId: incident.id, summary: expect.stringContaining('0.7') });

    // Request retrain: its outcome goes on the same timeline.
    expect((await api('/webhooks', JSON.stringify({ url: receiverUrl, purpose: 'retrain' }))).status).toBe(201);
    expect((await api(`/incidents/${incident.id}/retrain`, '')).status).toBe(200);
    await server.flushed();
    const conversation = await conversationOf(ws.id, incident.id);
    expect(listConversationEvents(conversation).map((e) => e.kind)).toEqual(['finding', 'finding', 'action']);
    expect(listConversationEvents(conversation)[2]).toMatchObject({ action: 'retrain', outcome: 'ok', byName: 'Ada' });
    expect(workspaceEvents(stored(await server.store.loadDoc(ws.id)), incident.id)).toBe(0);
  }, 30_000);

  it('lets the missing-batch check read its last finding from the digest: one warning, one escalation, no repeats', async () => {
    const { ws, api, live, sha } = await workspace();
    const { monitorId } = (await (await api('/monitors', JSON.stringify({
      name: 'Nightly scoring', reference: { sha256: sha, fileName: 'seattle-2012.csv', format: 'csv' },
      rules: [{ kind: 'batchMissing', id: 'late', warningAfterMs: 600, criticalAfterMs: 1800 }],
    }))).json()) as { monitorId: string };
    await waitFor(() => listIncidents(live.doc).some((i) => i.monitorId === monitorId && i.severity === 'critical'), 'escalation', 8000);
    await new Promise((r) => setTimeout(r, 600)); // several more checks
    await server.flushed();
    const incident = listIncidents(live.doc).find((i) => i.monitorId === monitorId)!;
    expect(listIncidents(live.doc)).toHaveLength(1);
    const events = listConversationEvents(await conversationOf(ws.id, incident.id));
    expect(events.map((e) => (e.kind === 'finding' ? e.band : e.kind))).toEqual(['warning', 'critical']);
    expect(events[0]!.byName).toBe('Driftdesk monitor');
    expect(workspaceEvents(stored(await server.store.loadDoc(ws.id)), incident.id)).toBe(0);
  }, 20_000);
});

describe('timeline writes by clients, timelines split, per role', () => {
  async function withIncident() {
    const w = await workspace();
    const ada = client(w.ws.id, w.ws.token);
    await synced(ada.provider);
    const incident = (await (await w.api('/monitors', JSON.stringify({
      name: 'M', reference: { sha256: w.sha, fileName: 'seattle-2012.csv', format: 'csv' },
      rules: [{ kind: 'metric', id: 'acc', metric: 'accuracy', direction: 'below', critical: 0.8 }],
    }))).json()) as { monitorId: string };
    await w.api(`/monitors/${incident.monitorId}/metrics`, JSON.stringify([{ name: 'accuracy', value: 0.5, timestamp: Date.now() }]));
    await waitFor(() => listIncidents(ada.doc).length === 1, 'incident at Ada');
    const incidentId = listIncidents(ada.doc)[0]!.id;
    await server.flushed();
    const room = threadDocName(w.ws.id, { kind: 'incident', id: incidentId });
    /** A fresh client of the conversation doc (its own client id, so one refused write does not taint the next). */
    const thread = async (token: string) => {
      const c = client(room, token);
      await synced(c.provider);
      return c;
    };
    return { ...w, ada, incidentId, room, thread };
  }

  it('take an owner\'s and an editor\'s events in their own name, and refuse a commenter\'s, a viewer\'s, a forged author, a deletion and a forged outcome', async () => {
    const { ws, bob, cleo, vic, incidentId, thread, live } = await withIncident();
    const attempts: [string, string, (doc: Y.Doc) => void, boolean][] = [
      ['owner, own name', ws.token, (d) => appendConversationEvent(d, { kind: 'status', from: 'open', to: 'acknowledged' }, ctx(ws.memberId, 'Ada')), true],
      ['editor, own name', bob.token, (d) => appendConversationEvent(d, { kind: 'status', from: 'acknowledged', to: 'investigating' }, ctx(bob.memberId, 'Bob')), true],
      ['editor in the owner\'s name', bob.token, (d) => appendConversationEvent(d, { kind: 'status', from: 'investigating', to: 'resolved' }, ctx(ws.memberId, 'Ada')), false],
      ['owner under another name', ws.token, (d) => appendConversationEvent(d, { kind: 'status', from: 'investigating', to: 'resolved' }, ctx(ws.memberId, 'The CTO')), false],
      ['commenter, own name', cleo.token, (d) => appendConversationEvent(d, { kind: 'status', from: 'investigating', to: 'resolved' }, ctx(cleo.memberId, 'Cleo')), false],
      ['viewer, own name', vic.token, (d) => appendConversationEvent(d, { kind: 'status', from: 'investigating', to: 'resolved' }, ctx(vic.memberId, 'Vic')), false],
      ['owner deleting the first finding', ws.token, (d) => d.getArray(THREAD_EVENTS_KEY).delete(0, 1), false],
      ['owner forging a retrain outcome', ws.token, (d) => appendConversationEvent(d, { kind: 'action', action: 'retrain', outcome: 'ok', detail: '', follows: 'x' }, ctx(ws.memberId, 'Ada')), false],
      ['owner forging a finding as the monitor', ws.token, (d) => appendConversationEvent(d, { kind: 'finding', band: 'critical', summary: 'fake', ruleId: 'acc' }, ctx('driftdesk', 'Driftdesk monitor')), false],
    ];
    for (const [what, token, change, accepted] of attempts) {
      const c = await thread(token);
      const before = listConversationEvents(c.doc).length;
      change(c.doc);
      await settle();
      const after = stored(await server.store.loadDoc(threadDocName(ws.id, { kind: 'incident', id: incidentId })));
      expect([what, after.getArray(THREAD_EVENTS_KEY).length]).toEqual([what, accepted ? before + 1 : before]);
      c.dispose();
    }
    // The owner's and the editor's changes reached the digest Bob's workspace doc reads.
    await waitFor(() => incidentDigest(live.doc, incidentId).findings === 1, 'digest at Bob');
    expect(listConversationEvents(await conversationOf(ws.id, incidentId)).map((e) => `${e.kind} ${e.byName}`)).toEqual(['finding Ada', 'status Ada', 'status Bob']);
  }, 40_000);

  it('in the workspace doc after the split: refuse a commenter\'s, a viewer\'s and a forged event, and move an editor\'s (an older app) into the conversation doc', async () => {
    const { ws, bob, cleo, vic, incidentId } = await withIncident();
    const old = async (token: string, change: (doc: Y.Doc) => void) => {
      const c = client(ws.id, token);
      await synced(c.provider);
      change(c.doc);
      await settle();
      c.dispose();
    };
    await old(cleo.token, (d) => appendIncidentEvent(d, incidentId, { kind: 'status', from: 'open', to: 'resolved' }, ctx(cleo.memberId, 'Cleo')));
    await old(vic.token, (d) => appendIncidentEvent(d, incidentId, { kind: 'status', from: 'open', to: 'resolved' }, ctx(vic.memberId, 'Vic')));
    await old(bob.token, (d) => appendIncidentEvent(d, incidentId, { kind: 'status', from: 'open', to: 'resolved' }, ctx(ws.memberId, 'Ada')));
    await old(ws.token, (d) => appendIncidentEvent(d, incidentId, { kind: 'assigned', assigneeId: bob.memberId, assigneeName: 'Bob' }, ctx(bob.memberId, 'Bob')));
    // Nor may an owner turn the split back off: the workspace's settings are the server's.
    await old(ws.token, (d) => d.getMap(DOC_KEYS.meta).delete('timelines'));
    expect(stored(await server.store.loadDoc(ws.id)).getMap(DOC_KEYS.meta).get('timelines')).toBe('threads');
    expect(workspaceEvents(stored(await server.store.loadDoc(ws.id)), incidentId)).toBe(0);
    expect(listConversationEvents(await conversationOf(ws.id, incidentId)).map((e) => e.kind)).toEqual(['finding']);

    // An older app's status change: the status stays on the incident, the event is moved.
    await old(bob.token, (d) => updateIncident(d, { incidentId, status: 'acknowledged' }, ctx(bob.memberId, 'Bob')));
    const deadline = Date.now() + 5000;
    while (workspaceEvents(stored(await server.store.loadDoc(ws.id)), incidentId) > 0 && Date.now() < deadline) await settle();
    const workspaceDoc = stored(await server.store.loadDoc(ws.id));
    expect(workspaceEvents(workspaceDoc, incidentId)).toBe(0);
    expect(workspaceDoc.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incidentId)!.get('status')).toBe('acknowledged');
    expect(listConversationEvents(await conversationOf(ws.id, incidentId)).map((e) => `${e.kind} ${e.byName}`)).toEqual(['finding Ada', 'status Bob']);
  }, 40_000);
});
