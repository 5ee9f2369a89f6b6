import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createIncident, listIncidents, updateIncident } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

let dataDir: string;
let server: SyncServer;
const disposers: (() => void)[] = [];
beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-history-'));
  server = await startSyncServer({ port: 0, dataDir, snapshotEveryMs: 0 });
});
afterEach(async () => {
  for (const d of disposers.splice(0)) d();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const ctx = (id: string) => ({ actor: { id, name: 'Ada' }, now: Date.now, newId: () => crypto.randomUUID() });

describe('history', () => {
  it('keeps snapshots, serves them to members, and a restore syncs like any edit', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const viewer = server.store.createMemberToken(ws.id, 'viewer', 'Vic');
    const a = connectClient(server.url, ws.id, ws.token);
    const v = connectClient(server.url, ws.id, viewer.token);
    disposers.push(a.dispose, v.dispose);
    await Promise.all([synced(a.provider), synced(v.provider)]);
    const incident = createIncident(a.doc, { title: 'Drift on age', severity: 'high' }, ctx(ws.memberId));
    await server.flushed();
    await waitFor(() => listIncidents(v.doc).length === 1, 'incident at viewer');
    updateIncident(a.doc, { incidentId: incident.id, status: 'resolved' }, ctx(ws.memberId));
    createIncident(a.doc, { title: 'Opened later', severity: 'low' }, ctx(ws.memberId));
    await waitFor(() => listIncidents(v.doc).length === 2, 'second incident at viewer');
    await server.flushed();

    const get = (path: string, token = viewer.token) => fetch(`${server.url}/api/v1/workspaces/${ws.id}/history${path}`, { headers: { authorization: `Bearer ${token}` } });
    const { snapshots } = (await (await get('')).json()) as { snapshots: { id: number; createdAt: number; bytes: number }[] };
    expect(snapshots.length).toBeGreaterThanOrEqual(3);
    // Find the snapshot that holds exactly the first incident, still open.
    let chosen: Y.Doc | null = null;
    let chosenId = 0;
    for (const s of snapshots) {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, new Uint8Array(await (await get(`/${s.id}`)).arrayBuffer()));
      const incidents = listIncidents(doc);
      if (incidents.length === 1 && incidents[0]!.status === 'open') [chosen, chosenId] = [doc, s.id];
    }
    expect(chosen).not.toBeNull();
    expect((await get('/999999')).status).toBe(404);
    const other = server.store.createWorkspace('Other', 'Eve');
    expect((await get('', other.token)).status).toBe(403);

    // A restore is the server's to do (it re-adds what others wrote): viewers may not ask.
    const restore = (token: string) => fetch(`${server.url}/api/v1/workspaces/${ws.id}/history/${chosenId}/restore`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect((await restore(viewer.token)).status).toBe(403);
    expect((await get(`/${chosenId}/restore`, ws.token)).status).toBe(405);
    const restored = await restore(ws.token);
    expect(restored.status).toBe(200);
    expect(await restored.json()).toMatchObject({ removed: 1, changed: 1 });
    await waitFor(() => listIncidents(v.doc).length === 1 && listIncidents(v.doc)[0]!.status === 'open', 'restore reaches the viewer');
    expect(listIncidents(v.doc)[0]!.title).toBe('Drift on age');
  });
});
