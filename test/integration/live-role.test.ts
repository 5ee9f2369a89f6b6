/**
 * Role is live state: when an owner changes a member's role, the server tells that member's
 * connections (a Driftdesk identity message, src/shared/sync-messages.ts) within a second, on
 * the workspace doc and on note docs alike; an edit the member makes as a viewer is refused
 * and never reaches anyone, and a fresh doc loaded from the server (what the app does after a
 * refusal) edits again once the member is an editor.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as authProtocol from 'y-protocols/auth';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createIncident, listIncidents, noteDocName, updateIncident } from '../../src/core/workspace/index.ts';
import { type DriftdeskMessage, MESSAGE_DRIFTDESK, readDriftdeskMessage } from '../../src/shared/sync-messages.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

let dataDir: string;
let server: SyncServer;
const disposers: (() => void)[] = [];

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-live-role-'));
  server = await startSyncServer({ port: 0, dataDir, recheckMs: 100 });
});
afterEach(async () => {
  for (const d of disposers.splice(0)) d();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const ctx = (id: string, name: string) => ({ actor: { id, name }, now: () => Date.now(), newId: () => crypto.randomUUID() });
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/driftdesk', 'token', ...args, '--data', dataDir], { encoding: 'utf8' });

/** A client that records the Driftdesk messages and permission denials it receives. */
function listening(docName: string, token: string) {
  const c = connectClient(server.url, docName, token);
  disposers.push(c.dispose);
  const messages: DriftdeskMessage[] = [];
  const denied: string[] = [];
  const provider = c.provider as WebsocketProvider;
  provider.messageHandlers[MESSAGE_DRIFTDESK] = (_e, decoder) => {
    const m = readDriftdeskMessage(decoder);
    if (m) messages.push(m);
  };
  provider.messageHandlers[2] = (_e, decoder) => authProtocol.readAuthMessage(decoder, c.doc, (_d, reason) => denied.push(reason));
  return { ...c, messages, denied };
}

describe('live roles', () => {
  it('tells the member\'s own connections of a role change within a second, both ways', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const cy = server.store.createMemberToken(ws.id, 'editor', 'Cy');
    const main = listening(ws.id, cy.token);
    const note = listening(noteDocName(ws.id, 'n1'), cy.token);
    const ada = listening(ws.id, ws.token);
    await Promise.all([synced(main.provider), synced(note.provider), synced(ada.provider)]);

    // The CLI writes the role to the store (its own start-up takes a while); timed from then.
    expect(cli('role', '--workspace', ws.id, '--member', cy.memberId, '--role', 'viewer').status).toBe(0);
    const started = Date.now();
    await waitFor(() => main.messages.length === 1 && note.messages.length === 1, 'identity messages', 1500);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(main.messages).toEqual([{ kind: 'identity', role: 'viewer', name: 'Cy' }]);
    expect(note.messages).toEqual([{ kind: 'identity', role: 'viewer', name: 'Cy' }]);
    expect(ada.messages).toEqual([]); // only the member whose role changed is told

    expect(cli('role', '--workspace', ws.id, '--member', cy.memberId, '--role', 'editor').status).toBe(0);
    await waitFor(() => main.messages.length === 2, 'second identity message', 1500);
    expect(main.messages[1]).toEqual({ kind: 'identity', role: 'editor', name: 'Cy' });
  });

  it('refuses a demoted member\'s edit, which never reaches others; a doc reloaded from the server edits again after promotion', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const cy = server.store.createMemberToken(ws.id, 'editor', 'Cy');
    const ada = listening(ws.id, ws.token);
    await synced(ada.provider);
    const incident = createIncident(ada.doc, { title: 'Drift on age', severity: 'high' }, ctx(ws.memberId, 'Ada'));
    const cyClient = listening(ws.id, cy.token);
    await waitFor(() => listIncidents(cyClient.doc).length === 1, 'incident at Cy');

    expect(cli('role', '--workspace', ws.id, '--member', cy.memberId, '--role', 'viewer').status).toBe(0);
    await waitFor(() => cyClient.messages.length === 1, 'demotion message', 1500);
    updateIncident(cyClient.doc, { incidentId: incident.id, severity: 'low' }, ctx(cy.memberId, 'Cy'));
    await waitFor(() => cyClient.denied.length === 1, 'permission denied', 2000);
    expect(cyClient.denied[0]).toBe('viewers cannot change this workspace');

    // What the app does on a refusal: a fresh doc from the server's state, a new client id.
    const reloaded = listening(ws.id, cy.token);
    await synced(reloaded.provider);
    expect(reloaded.doc.clientID).not.toBe(cyClient.doc.clientID);
    expect(listIncidents(reloaded.doc)[0]!.severity).toBe('high');
    cyClient.dispose();

    expect(cli('role', '--workspace', ws.id, '--member', cy.memberId, '--role', 'editor').status).toBe(0);
    await waitFor(() => reloaded.messages.some((m) => m.role === 'editor'), 'promotion message', 1500);
    updateIncident(reloaded.doc, { incidentId: incident.id, status: 'acknowledged' }, ctx(cy.memberId, 'Cy'));
    await waitFor(() => listIncidents(ada.doc)[0]!.status === 'acknowledged', 'Cy\'s edit after promotion at Ada');
    await server.flushed();
    const stored = new Y.Doc();
    Y.applyUpdate(stored, server.store.loadDoc(ws.id));
    // The refused severity never landed, before or after the promotion.
    expect(listIncidents(stored)[0]).toMatchObject({ severity: 'high', status: 'acknowledged' });
    expect(listIncidents(ada.doc)[0]!.severity).toBe('high');
  });
});
