/**
 * Restoring a workspace with monitor history into a store that holds other workspaces with
 * history of their own (issue 21): every store numbers history rows from 1 and an archive keeps
 * its ids (findings cite them), so ids meet. The import succeeds, the rows read back under their
 * ids, the other workspaces' rows stay as they were, and the next batch of any workspace gets an
 * id above every row of the store — whether the store's ids were ahead of the archive's or behind.
 * Real SQLite files, a real PostgreSQL, the real CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg_ from 'pg';
import * as Y from 'yjs';
import { importWorkspace } from '../../server/archive/import-workspace.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import type { MonitorBatch, Store } from '../../server/store-contract.ts';
import { ServerStore } from '../../server/store.ts';
import { cli } from '../helpers/archive-attack-fixture.ts';
import { serviceOwner, startPostgres } from '../helpers/services.ts';

let dir: string;
const services = serviceOwner();
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-history-ids-'));
});
afterAll(async () => {
  await services.stop();
  rmSync(dir, { recursive: true, force: true });
});

const entry = (monitorId: string, at: number, rows: number): Omit<MonitorBatch, 'id'> => ({
  monitorId, kind: 'batch', at, arrivedAt: at + 5, timeFrom: 'timestamp', rows, driftShare: 0.2, driftedColumns: 1, testedColumns: 5,
  columns: [{ name: 'temp_max', test: 'ks', score: 0.01, threshold: 0.05, drifted: true }], metrics: {}, estimated: {},
  realized: {}, labelled: 0, outcomes: [{ ruleId: 'r', band: 'critical', summary: 's', value: 1 }], incidents: { r: `inc_${rows}` }, reportBlob: null, predictionsBlob: null,
});

/** A workspace (an empty doc) with `count` history rows of monitor `monitorId`; returns its id. */
async function withHistory(store: Store, name: string, monitorId: string, count: number): Promise<string> {
  const ws = await store.createWorkspace(name, 'Ada');
  await store.appendUpdate(ws.id, Y.encodeStateAsUpdate(new Y.Doc()));
  for (let i = 0; i < count; i++) await store.addMonitorBatch(ws.id, entry(monitorId, 1_700_000_000_000 + i * 1000, 100 + i), ['temp_max']);
  return ws.id;
}

const all = async (store: Store, ws: string, monitorId: string) => (await store.listMonitorBatches(ws, monitorId, { limit: 1000 })).batches;

/** Origin: W (rows 1…5), a filler workspace (6…20), W2 (21…23); W and W2 exported by the CLI. */
async function origin() {
  const data = join(dir, 'origin');
  const store = new ServerStore(data);
  const w = await withHistory(store, 'W', 'mon_w', 5);
  await withHistory(store, 'Filler', 'mon_f', 15);
  const w2 = await withHistory(store, 'W2', 'mon_w2', 3);
  const rows = { w: await all(store, w, 'mon_w'), w2: await all(store, w2, 'mon_w2') };
  store.close();
  expect(rows.w.map((b) => b.id)).toEqual([1, 2, 3, 4, 5]);
  expect(rows.w2.map((b) => b.id)).toEqual([21, 22, 23]);
  const files = { w: join(dir, 'w.tar.gz'), w2: join(dir, 'w2.tar.gz') };
  for (const [id, out] of [[w, files.w], [w2, files.w2]] as const) {
    const exported = await cli(['workspace', 'export', id, '--data', data, '--out', out]);
    expect([exported.code, exported.stderr]).toEqual([0, '']);
  }
  return { w, w2, rows, files };
}

let made: Awaited<ReturnType<typeof origin>> | undefined;
const source = async () => (made ??= await origin());

describe.each([
  ['SQLite', async () => {
    const data = join(dir, 'target-sqlite');
    return { open: async (): Promise<Store & { close(): unknown }> => new ServerStore(data), where: ['--data', data] };
  }],
  ['PostgreSQL', async () => {
    const pg = await services.start(startPostgres());
    return { open: async (): Promise<Store & { close(): unknown }> => PostgresStore.open(pg.url), where: ['--postgres', pg.url] };
  }],
])('importing into a %s store whose other workspace has history rows of the same ids', (_name, target) => {
  it('succeeds, keeps every id, leaves the other rows alone, and numbers new rows above all', async () => {
    const { w, w2, rows, files } = await source();
    const { open, where } = await target();
    // The target's own workspace: rows 1…8.
    let store = await open();
    const other = await withHistory(store, 'Other', 'mon_o', 8);
    const othersBefore = await all(store, other, 'mon_o');
    expect(othersBefore.map((b) => b.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await store.close();

    // W's ids (1…5) are behind the target's; the import neither fails nor moves the target's numbering back.
    const first = await cli(['workspace', 'import', files.w, ...where]);
    expect([first.code, first.stderr]).toEqual([0, '']);
    store = await open();
    try {
      expect(await all(store, w, 'mon_w')).toEqual(rows.w);
      expect(await all(store, other, 'mon_o')).toEqual(othersBefore);
      const nextW = await store.addMonitorBatch(w, entry('mon_w', 1_800_000_000_000, 1));
      expect(nextW).toBe(9);
      expect(await store.getMonitorBatch(other, 'mon_o', nextW)).toBeUndefined();
      // A patch to W's row 3 leaves the other workspace's row 3 as it was.
      await store.updateMonitorBatch(w, 'mon_w', 3, { labelled: 42 });
      expect((await store.getMonitorBatch(w, 'mon_w', 3))!.labelled).toBe(42);
      expect(await all(store, other, 'mon_o')).toEqual(othersBefore);
    } finally {
      await store.close();
    }

    // W2's ids (21…23) are ahead of the target's: the next row of any workspace comes after them.
    const second = await cli(['workspace', 'import', files.w2, ...where]);
    expect([second.code, second.stderr]).toEqual([0, '']);
    store = await open();
    try {
      expect(await all(store, w2, 'mon_w2')).toEqual(rows.w2);
      expect(await store.addMonitorBatch(w2, entry('mon_w2', 1_800_000_000_000, 1))).toBe(24);
      expect(await store.addMonitorBatch(other, entry('mon_o', 1_800_000_000_000, 1))).toBe(25);
      expect((await all(store, w, 'mon_w')).map((b) => b.id)).toEqual([1, 2, 3, 4, 5, 9]);
      // What a move asks before it writes history into a workspace: only that workspace's ids are taken.
      const sink = await store.openArchiveSink();
      try {
        expect(await sink.taken({ workspaceId: '', memberIds: [], tokenHashes: [], webhookIds: [], batches: { workspaceId: w, ids: [9, 6, 1, 24] } })).toEqual([`monitor history row 1 in workspace ${w}`, `monitor history row 9 in workspace ${w}`]);
        expect(await sink.taken({ workspaceId: '', memberIds: [], tokenHashes: [], webhookIds: [], batches: { workspaceId: 'ws_new', ids: [1, 2, 3] } })).toEqual([]);
      } finally {
        await sink.rollback();
      }
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('importing into PostgreSQL while another process holds a history id it drew but has not committed', () => {
  it('moves the id sequence only forward, so that process’s row and the next ones never meet', async () => {
    const { w, w2, rows, files } = await source();
    const pg = await services.start(startPostgres());
    const store = await PostgresStore.open(pg.url);
    const other = await withHistory(store, 'Other', 'mon_o', 3);
    // Another server process inserting a batch: its id (4) is drawn, its row not yet committed.
    const writer = new pg_.Client({ connectionString: pg.url });
    await writer.connect();
    try {
      await writer.query('BEGIN');
      const held = Number((await writer.query("INSERT INTO monitor_batches (workspace_id, monitor_id, at, data, columns) VALUES ($1, 'mon_o', 1, '{}', NULL) RETURNING id", [other])).rows[0].id);
      expect(held).toBe(4);
      // W's rows go up to 5, past the held id: the sequence moves to 5, not back to what is committed (3).
      // (In this process: a starting server process, as the CLI is, waits for the writer's transaction to create its schema.)
      await importWorkspace(files.w, () => store.openArchiveSink());
      await writer.query('COMMIT');
      expect(await all(store, w, 'mon_w')).toEqual(rows.w);
      expect(await store.addMonitorBatch(other, entry('mon_o', 1_800_000_000_000, 1))).toBe(6);
      // With the sequence ahead of every row (ids drawn and given up), an import of ids below it leaves it there.
      await writer.query("SELECT nextval(pg_get_serial_sequence('monitor_batches', 'id')) FROM generate_series(1, 20)");
      const imported = await cli(['workspace', 'import', files.w2, '--postgres', pg.url]);
      expect([imported.code, imported.stderr]).toEqual([0, '']);
      expect(await all(store, w2, 'mon_w2')).toEqual(rows.w2);
      expect(await store.addMonitorBatch(other, entry('mon_o', 1_800_000_000_001, 1))).toBe(27);
    } finally {
      await writer.end();
      await store.close();
    }
  }, 60_000);
});
