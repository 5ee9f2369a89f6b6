/**
 * A monitor's history rows keep the same contract in both stores (real SQLite file, real
 * PostgreSQL): oldest first by batch time then id, a time range, pages that neither skip nor
 * repeat a row (two batches at the same time included), patches that change only what they name,
 * and workspaces and monitors kept apart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../server/postgres-store.ts';
import type { MonitorBatch, Store } from '../../server/store-contract.ts';
import { ServerStore } from '../../server/store.ts';
import { type RunningPostgres, serviceOwner, startPostgres } from '../helpers/services.ts';

let dir: string;
let sqlite: ServerStore;
let pg: RunningPostgres;
let postgres: PostgresStore;
const services = serviceOwner();
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-history-store-'));
  sqlite = new ServerStore(dir);
  pg = await services.start(startPostgres());
  postgres = await PostgresStore.open(pg.url);
}, 60_000);
afterAll(async () => {
  sqlite?.close();
  try {
    await postgres?.close();
  } finally {
    await services.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

const entry = (monitorId: string, at: number, rows: number): Omit<MonitorBatch, 'id'> => ({
  monitorId, kind: 'batch', at, arrivedAt: 1000 + rows, timeFrom: 'timestamp', rows, driftShare: 0.2, driftedColumns: 1, testedColumns: 5,
  columns: [{ name: 'temp_max', test: 'ks', score: 0.01, threshold: 0.05, drifted: true }], metrics: {}, estimated: { accuracy: { value: 0.8, lower: 0.7, upper: 0.9 } },
  realized: {}, labelled: 0, outcomes: [{ ruleId: 'r', band: 'ok', summary: 's', value: 1 }], incidents: {}, reportBlob: null, predictionsBlob: null,
});

describe.each([['SQLite', () => sqlite as Store], ['PostgreSQL', () => postgres as Store]])('%s monitor history', (_name, storeOf) => {
  it('lists by time, pages without gaps, patches in place, and keeps monitors and workspaces apart', async () => {
    const store = storeOf();
    const ws = await store.createWorkspace('W', 'Ada');
    const other = await store.createWorkspace('Other', 'Bo');
    // Arrival order is not time order; two batches share a time.
    const ids: number[] = [];
    // The first keeps temp_max's result in the summary view (a rule names it).
    for (const [at, rows] of [[300, 3], [100, 1], [200, 2], [200, 4]] as const) ids.push(await store.addMonitorBatch(ws.id, entry('m1', at, rows), rows === 3 ? ['temp_max'] : []));
    await store.addMonitorBatch(ws.id, entry('m2', 150, 9));
    await store.addMonitorBatch(other.id, entry('m1', 150, 8));

    const all = await store.listMonitorBatches(ws.id, 'm1', { limit: 100 });
    expect(all.batches.map((b) => b.rows)).toEqual([1, 2, 4, 3]);
    expect(all.next).toBeNull();
    expect(all.batches[0]).toEqual({ ...entry('m1', 100, 1), id: ids[1] });

    const seen: number[] = [];
    let after: string | undefined;
    do {
      const page = await store.listMonitorBatches(ws.id, 'm1', { limit: 1, after });
      seen.push(...page.batches.map((b) => b.rows));
      after = page.next ?? undefined;
    } while (after);
    expect(seen).toEqual([1, 2, 4, 3]);
    expect((await store.listMonitorBatches(ws.id, 'm1', { limit: 100, from: 150, to: 250 })).batches.map((b) => b.rows)).toEqual([2, 4]);
    // The summary view leaves out the per-column results that no rule names, and only them.
    const summary = await store.listMonitorBatches(ws.id, 'm1', { limit: 100, view: 'summary' });
    expect(summary.batches).toEqual(all.batches.map((b) => ({ ...b, columns: b.rows === 3 ? b.columns : [] })));
    expect(summary.batches[3]!.columns.map((c) => c.name)).toEqual(['temp_max']);
    // The API's JSON text is the same page, in both views, cursor included.
    for (const query of [{ limit: 2, view: 'summary' as const }, { limit: 2, view: 'full' as const }, { limit: 100, view: 'summary' as const, from: 150 }]) {
      expect(JSON.parse(await store.listMonitorBatchesJson(ws.id, 'm1', query))).toEqual(await store.listMonitorBatches(ws.id, 'm1', query));
    }

    await store.updateMonitorBatch(ws.id, 'm1', ids[0]!, { realized: { accuracy: 0.75 }, labelled: 3, incidents: { r: 'inc1' } });
    expect(await store.getMonitorBatch(ws.id, 'm1', ids[0]!)).toEqual({ ...entry('m1', 300, 3), id: ids[0], realized: { accuracy: 0.75 }, labelled: 3, incidents: { r: 'inc1' } });
    // A patch leaves the summary's columns as they were.
    expect((await store.listMonitorBatches(ws.id, 'm1', { limit: 100, view: 'summary', from: 300 })).batches[0]!.columns.map((c) => c.name)).toEqual(['temp_max']);
    // Another monitor's or workspace's id is not reachable from here.
    expect(await store.getMonitorBatch(ws.id, 'm2', ids[0]!)).toBeUndefined();
    expect(await store.getMonitorBatch(other.id, 'm1', ids[0]!)).toBeUndefined();
    await store.updateMonitorBatch(other.id, 'm1', ids[0]!, { labelled: 99 });
    expect((await store.getMonitorBatch(ws.id, 'm1', ids[0]!))!.labelled).toBe(3);
  });
});
