/**
 * Timeline truth through a real server: a severity change is on the timeline like a status
 * change, for everyone, and the server's write policy takes it from the member who made it;
 * a client may not write an action's later outcome (only the server does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as authProtocol from 'y-protocols/auth';
import * as Y from 'yjs';
import { appendIncidentEvent, createIncident, listIncidentEvents, listRawIncidentEvents, updateIncident } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

let dataDir: string;
let server: SyncServer;
const disposers: (() => void)[] = [];

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-timeline-'));
  server = await startSyncServer({ port: 0, dataDir });
});
afterEach(async () => {
  for (const d of disposers.splice(0)) d();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const ctx = (id: string, name: string) => ({ actor: { id, name }, now: () => Date.now(), newId: () => crypto.randomUUID() });
function client(workspaceId: string, token: string) {
  const c = connectClient(server.url, workspaceId, token);
  disposers.push(c.dispose);
  return c;
}

describe('incident timeline through the server', () => {
  it('shows a severity change to everyone, by who made it', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const bob = server.store.createMemberToken(ws.id, 'editor', 'Bob');
    const ada = client(ws.id, ws.token);
    await synced(ada.provider);
    const incident = createIncident(ada.doc, { title: 'Drift on age', severity: 'high' }, ctx(ws.memberId, 'Ada'));
    const b = client(ws.id, bob.token);
    await waitFor(() => b.doc.getMap('incidents').has(incident.id), 'incident at Bob');
    updateIncident(b.doc, { incidentId: incident.id, severity: 'critical' }, ctx(bob.memberId, 'Bob'));
    await waitFor(() => listIncidentEvents(ada.doc, incident.id).some((e) => e.kind === 'severity'), 'severity event at Ada');
    await server.flushed();
    const stored = new Y.Doc();
    Y.applyUpdate(stored, server.store.loadDoc(ws.id));
    expect(listIncidentEvents(stored, incident.id)).toEqual([expect.objectContaining({ kind: 'severity', byId: bob.memberId, byName: 'Bob', from: 'high', to: 'critical' })]);
  });

  it('refuses a client\'s follow-up to an action (the server writes outcomes)', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const ada = client(ws.id, ws.token);
    await synced(ada.provider);
    const incident = createIncident(ada.doc, { title: 'Drift', severity: 'high' }, ctx(ws.memberId, 'Ada'));
    const asked = appendIncidentEvent(ada.doc, incident.id, { kind: 'action', action: 'retrain', outcome: 'failed', detail: 'answered 500' }, ctx(ws.memberId, 'Ada'));
    await server.flushed();
    await waitFor(() => server.store.loadDoc(ws.id).byteLength > 0, 'stored');
    // A second session (the first would be poisoned by the refusal) forges a happy ending.
    const forger = client(ws.id, ws.token);
    await synced(forger.provider);
    const denied: string[] = [];
    forger.provider.messageHandlers[2] = (_e, decoder) => authProtocol.readAuthMessage(decoder, forger.doc, (_d, reason) => denied.push(reason));
    appendIncidentEvent(forger.doc, incident.id, { kind: 'action', action: 'retrain', outcome: 'ok', detail: 'forged', follows: asked.id }, ctx(ws.memberId, 'Ada'));
    await waitFor(() => denied.length === 1, 'permission denied');
    expect(denied[0]).toContain('only the server records the outcome of an action');
    await server.flushed();
    const stored = new Y.Doc();
    Y.applyUpdate(stored, server.store.loadDoc(ws.id));
    expect(listRawIncidentEvents(stored, incident.id).map((e) => e.kind === 'action' && e.detail)).toEqual(['answered 500']);
  });
});
