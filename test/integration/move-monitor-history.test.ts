/**
 * Moving a workspace with monitor history to a team server that already has history of its own
 * (issue 21). Every server numbers history rows from 1, and a moved workspace keeps its ids
 * (incidents' findings cite them), so the team's other workspace holds rows of the very same
 * ids: the move must succeed, the moved history and the findings' links must read back through
 * the team server's HTTP API, the other workspace's history must stay as it was, and the next
 * batch must get an id above all of them. Real embedded server, real team servers on SQLite and
 * PostgreSQL, the real host handler, real HTTP; monitors scored on real data (Seattle weather).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import type { ServerStore } from '../../server/store.ts';
import { listIncidents } from '../../src/core/workspace/index.ts';
import type { MonitorBatch } from '../../src/shared/server-api.ts';
import { startEmbeddedServer } from '../../src/node/embedded-server.ts';
import { createHostHandlers } from '../../src/node/host-handlers.ts';
import { JobRunner } from '../../src/node/jobs.ts';
import { LocalCache } from '../../src/node/local-cache.ts';
import { seattleWeatherYear } from '../helpers/seattle-weather.ts';
import { serviceOwner, startPostgres } from '../helpers/services.ts';
import { storedTimeline } from '../helpers/timelines.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-move-history-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const call = (url: string, ws: string, token: string) => async (path: string, init: { body?: string; type?: string; method?: string } = {}) =>
  fetch(`${url}/api/v1/workspaces/${ws}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined ? { 'content-type': init.type ?? 'application/json' } : {}) },
    body: init.body,
  });

/** A monitor on Seattle's 2012 weather, sent the years given as batches through the HTTP API. */
async function monitorWithHistory(url: string, ws: string, token: string, years: number[]): Promise<{ monitorId: string; batchIds: number[] }> {
  const api = call(url, ws, token);
  const reference = seattleWeatherYear(2012);
  const sha = createHash('sha256').update(reference).digest('hex');
  expect((await api(`/blobs/${sha}`, { method: 'PUT', body: reference, type: 'application/octet-stream' })).status).toBe(201);
  const created = await api('/monitors', {
    body: JSON.stringify({
      name: 'Weather feed', reference: { sha256: sha, fileName: 'seattle-2012.csv', format: 'csv' }, mapping: { timestamp: 'date' },
      rules: [{ kind: 'columnDrift', id: 'temp', column: 'temp_max' }],
    }),
  });
  expect(created.status).toBe(201);
  const { monitorId } = (await created.json()) as { monitorId: string };
  const batchIds: number[] = [];
  for (const year of years) {
    const res = await api(`/monitors/${monitorId}/batches`, { body: seattleWeatherYear(year), type: 'text/csv' });
    expect([res.status, res.status === 200 ? '' : await res.text()]).toEqual([200, '']);
    batchIds.push(((await res.json()) as { batchId: number }).batchId);
  }
  return { monitorId, batchIds };
}

const historyOf = async (url: string, ws: string, token: string, monitorId: string) => {
  const res = await call(url, ws, token)(`/monitors/${monitorId}/history?limit=1000`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { batches: MonitorBatch[] }).batches;
};

/** Every finding of every incident of the workspace, read through the docs API: the incident and the batch it cites. */
async function findingsOf(url: string, ws: string, token: string) {
  const api = call(url, ws, token);
  const overHttp = {
    loadDoc: async (name: string) => {
      const res = await api(`/docs/${encodeURIComponent(name)}/state`);
      expect(res.status).toBe(200);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await overHttp.loadDoc(ws));
  const out: { incidentId: string; ruleId: string | undefined; batchId: number }[] = [];
  for (const incident of listIncidents(doc)) {
    for (const e of await storedTimeline(overHttp, ws, incident.id)) {
      if (e.kind === 'finding' && e.batchId !== undefined) out.push({ incidentId: incident.id, ruleId: e.ruleId, batchId: e.batchId });
    }
  }
  return out;
}

/** A desktop: the app's embedded server, its cache and host handlers (numbering history from 1). */
async function desktop(name: string) {
  const embedded = await startEmbeddedServer(join(dir, `${name}-embedded`));
  const cache = new LocalCache({ file: join(dir, `${name}-cache.sqlite`) });
  const handlers = createHostHandlers({ cache, jobs: new JobRunner({ node: process.execPath, cli: 'bin/driftdesk' }), localServer: embedded.local, info: { mode: 'web', version: 'test', dataDir: dir } });
  return { embedded, handlers, close: async () => { cache.close(); await embedded.server.close(); } };
}

/** The move, and everything it must leave true, against a team server `team`. */
async function moveWithHistory(name: string, team: SyncServer<ServerStore> | SyncServer<PostgresStore>) {
  const years = [2013, 2014, 2015];
  const teamStore = team.store;
  // The team already has another workspace with monitor history: rows 1…3 of its own.
  const other = await teamStore.createWorkspace('Forecasts', 'Olga');
  const othersMonitor = await monitorWithHistory(team.url, other.id, other.token, years);
  const othersBefore = await historyOf(team.url, other.id, other.token, othersMonitor.monitorId);

  const app = await desktop(name);
  try {
    const local = await app.handlers['workspaces.create']({ name: 'Weather', yourName: 'Ada' });
    const url = app.embedded.server.url;
    const mine = await monitorWithHistory(url, local.workspaceId, local.token, years);
    await app.embedded.server.flushed();
    const historyHere = await historyOf(url, local.workspaceId, local.token, mine.monitorId);
    const findingsHere = await findingsOf(url, local.workspaceId, local.token);
    // The same ids on both sides: what used to refuse the move (409).
    expect(mine.batchIds).toEqual(othersMonitor.batchIds);
    expect(findingsHere.length).toBeGreaterThan(0);

    const empty = await teamStore.createWorkspace('Weather (team)', 'Ada');
    const moved = await app.handlers['workspaces.move']({ workspaceId: local.workspaceId, serverUrl: team.url, token: empty.token });
    expect(moved.connection.workspaceId).toBe(empty.id);

    // The history, row for row under its ids, through the team server's API.
    const historyThere = await historyOf(team.url, empty.id, empty.token, mine.monitorId);
    expect(historyThere).toEqual(historyHere);
    expect(historyThere.map((b) => b.id)).toEqual(mine.batchIds);
    // Each finding's batch id names the batch it came from, in this workspace.
    const findingsThere = await findingsOf(team.url, empty.id, empty.token);
    expect(findingsThere).toEqual(findingsHere);
    for (const f of findingsThere) {
      const batch = historyThere.find((b) => b.id === f.batchId);
      expect(batch, `batch ${f.batchId}`).toBeDefined();
      expect(batch!.incidents[f.ruleId ?? '']).toBe(f.incidentId);
      expect(othersBefore.some((b) => b.id === f.batchId)).toBe(true);
    }
    // The other workspace's history is as it was, and the moved monitor is not reachable from it.
    expect(await historyOf(team.url, other.id, other.token, othersMonitor.monitorId)).toEqual(othersBefore);
    expect((await call(team.url, other.id, other.token)(`/monitors/${mine.monitorId}/history`)).status).toBe(404);

    // The next batch of either workspace gets an id above every row there is, and lands in its own workspace.
    const next = await monitorBatch(team.url, empty.id, empty.token, mine.monitorId, 2012);
    expect(next).toBeGreaterThan(Math.max(...mine.batchIds, ...othersMonitor.batchIds));
    const nextOther = await monitorBatch(team.url, other.id, other.token, othersMonitor.monitorId, 2012);
    expect(nextOther).toBeGreaterThan(next);
    // (2012 is dated before every other year: history is oldest first by batch time.)
    expect((await historyOf(team.url, empty.id, empty.token, mine.monitorId)).map((b) => b.id)).toEqual([next, ...mine.batchIds]);
    expect((await historyOf(team.url, other.id, other.token, othersMonitor.monitorId)).map((b) => b.id)).toContain(nextOther);
    expect((await historyOf(team.url, other.id, other.token, othersMonitor.monitorId)).map((b) => b.id)).not.toContain(next);
  } finally {
    await app.close();
  }
}

async function monitorBatch(url: string, ws: string, token: string, monitorId: string, year: number): Promise<number> {
  const res = await call(url, ws, token)(`/monitors/${monitorId}/batches`, { body: seattleWeatherYear(year), type: 'text/csv' });
  expect(res.status).toBe(200);
  return ((await res.json()) as { batchId: number }).batchId;
}

describe('moving a workspace with monitor history to a team server with history of its own', () => {
  it('on SQLite: the move succeeds, the history and the findings’ links read back, the other workspace’s rows stay', async () => {
    const team = await startSyncServer({ port: 0, dataDir: join(dir, 'team') });
    try {
      await moveWithHistory('sqlite', team);
    } finally {
      await team.close();
    }
  }, 120_000);

  describe('on PostgreSQL', () => {
    const services = serviceOwner();
    afterAll(() => services.stop());
    it('the same', async () => {
      const pg = await services.start(startPostgres());
      const team = await startSyncServer({ port: 0, store: await PostgresStore.open(pg.url) });
      try {
        await moveWithHistory('pg', team);
      } finally {
        await team.close();
      }
    }, 120_000);
  });
});
