/** A monitor whose batches stop coming: one incident when it is late, escalated once when very late. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listIncidents } from '../../src/core/workspace/index.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { seattleWeatherYear } from '../helpers/seattle-weather.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';
import { storedTimeline } from '../helpers/timelines.ts';

let dir: string;
let server: SyncServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-missing-'));
  server = await startSyncServer({ port: 0, dataDir: dir, missingBatchCheckMs: 100 });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

it('opens a "batch missing" incident once and escalates it once, by the system actor', async () => {
  const ws = server.store.createWorkspace('W', 'Ada');
  const api = (path: string, body: string, type = 'application/json', method = 'POST') =>
    fetch(`${server.url}/api/v1/workspaces/${ws.id}${path}`, { method, headers: { authorization: `Bearer ${ws.token}`, 'content-type': type }, body });
  const reference = seattleWeatherYear(2012);
  const sha = createHash('sha256').update(reference).digest('hex');
  await api(`/blobs/${sha}`, reference, 'application/octet-stream', 'PUT');
  const live = connectClient(server.url, ws.id, ws.token);
  await synced(live.provider);
  const { monitorId } = (await (await api('/monitors', JSON.stringify({
    name: 'Nightly scoring', reference: { sha256: sha, fileName: 'seattle-2012.csv', format: 'csv' },
    rules: [{ kind: 'batchMissing', id: 'late', warningAfterMs: 600, criticalAfterMs: 1800 }],
  }))).json()) as { monitorId: string };
  // A paused monitor expects nothing: it never opens a "batch missing" incident.
  const { monitorId: pausedId } = (await (await api('/monitors', JSON.stringify({
    name: 'Paused scoring', reference: { sha256: sha, fileName: 'seattle-2012.csv', format: 'csv' },
    rules: [{ kind: 'batchMissing', id: 'late', warningAfterMs: 600, criticalAfterMs: 1800 }],
  }))).json()) as { monitorId: string };
  expect((await api(`/monitors/${pausedId}`, JSON.stringify({ paused: true }), 'application/json', 'PATCH')).status).toBe(200);

  await waitFor(() => listIncidents(live.doc).length === 1, 'late incident', 5000);
  expect(listIncidents(live.doc)[0]).toMatchObject({ title: 'Nightly scoring: batch missing', severity: 'medium', monitorId });
  await waitFor(() => listIncidents(live.doc)[0]!.severity === 'critical', 'escalation', 5000);
  await new Promise((r) => setTimeout(r, 500)); // several more checks
  await server.flushed();
  // In the incident's conversation doc (the server splits timelines by default), or the workspace doc.
  const events = await storedTimeline(server.store, ws.id, listIncidents(live.doc)[0]!.id);
  expect(events.map((e) => (e.kind === 'finding' ? e.band : e.kind))).toEqual(['warning', 'critical']);
  expect(events[0]!.byName).toBe('Driftdesk monitor');
  expect(listIncidents(live.doc)).toHaveLength(1);
  expect(listIncidents(live.doc).filter((i) => i.monitorId === pausedId)).toEqual([]);
  live.dispose();
}, 20_000);
