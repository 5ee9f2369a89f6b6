/**
 * Stores made before monitor history ids were per workspace (issue 21) keyed `monitor_batches` by
 * id alone. Opened by this version, the key becomes (workspace, id) and every row saved before
 * reads back as it was, under its id. A real SQLite file and a real PostgreSQL, each made with the
 * old CREATE TABLE statements and rows written as the old stores wrote them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../server/postgres-store.ts';
import { type MonitorBatch, rowOfBatch } from '../../server/store-contract.ts';
import { ServerStore } from '../../server/store.ts';
import { serviceOwner, startPostgres } from '../helpers/services.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-history-migrate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (monitorId: string, at: number, rows: number): Omit<MonitorBatch, 'id'> => ({
  monitorId, kind: 'batch', at, arrivedAt: 1000 + rows, timeFrom: 'timestamp', rows, driftShare: 0.2, driftedColumns: 1, testedColumns: 5,
  columns: [{ name: 'temp_max', test: 'ks', score: 0.01, threshold: 0.05, drifted: true }, { name: 'wind', test: 'ks', score: 0.4, threshold: 0.05, drifted: false }],
  metrics: {}, estimated: {}, realized: {}, labelled: 0, outcomes: [{ ruleId: 'r', band: 'ok', summary: 's', value: 1 }], incidents: { r: `inc_${rows}` }, reportBlob: null, predictionsBlob: null,
});

/** Two workspaces' rows, interleaved as the old global id gave them out; some with a rule's column in the summary. */
const OLD_ROWS = Array.from({ length: 12 }, (_, i) => ({ ws: i % 3 === 0 ? 'ws_b' : 'ws_a', batch: entry(i % 2 ? 'm1' : 'm2', 1_700_000_000_000 + (i % 5) * 1000, i + 1), summary: i % 4 === 0 ? ['temp_max'] : [] }));

describe('a SQLite store made before per-workspace history ids', () => {
  it('is rebuilt under (workspace, id) on open, with every row as it was and new ids above them', () => {
    const data = join(dir, 'sqlite-old');
    const old = new ServerStore(data);
    old.close();
    // The old table, as the old store made it, and rows as it wrote them (ids from AUTOINCREMENT).
    const raw = new Database(join(data, 'driftdesk-server.sqlite'));
    raw.exec(`
      DROP TABLE monitor_batches;
      CREATE TABLE monitor_batches (
        id INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id TEXT NOT NULL REFERENCES workspaces(id), monitor_id TEXT NOT NULL,
        at INTEGER NOT NULL, data TEXT NOT NULL, columns TEXT);
      CREATE INDEX monitor_batches_at ON monitor_batches(workspace_id, monitor_id, at, id);
      INSERT INTO workspaces (id, name, created_at) VALUES ('ws_a', 'A', 1), ('ws_b', 'B', 2);
    `);
    const insert = raw.prepare('INSERT INTO monitor_batches (workspace_id, monitor_id, at, data, columns) VALUES (?, ?, ?, ?, ?)');
    const ids = OLD_ROWS.map(({ ws, batch, summary }) => {
      const row = rowOfBatch(batch, summary);
      return Number(insert.run(ws, row.monitorId, row.at, row.data, row.columns).lastInsertRowid);
    });
    const before = raw.prepare('SELECT id, workspace_id, monitor_id, at, data, columns FROM monitor_batches ORDER BY id').all();
    expect(before).toHaveLength(12);
    expect(raw.prepare('PRAGMA table_info(monitor_batches)').all()).toContainEqual(expect.objectContaining({ name: 'id', pk: 1 }));
    raw.close();

    const store = new ServerStore(data);
    try {
      const keyed = (store.db.prepare('PRAGMA table_info(monitor_batches)').all() as { name: string; pk: number }[]).filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      expect(keyed).toEqual(['workspace_id', 'id']);
      expect(store.db.prepare('SELECT id, workspace_id, monitor_id, at, data, columns FROM monitor_batches ORDER BY id').all()).toEqual(before);
      expect((store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'monitor_batches' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name)).toEqual(['monitor_batches_at', 'monitor_batches_id']);
      expect(store.db.prepare("SELECT name FROM sqlite_master WHERE name = 'monitor_batches_rekeyed'").get()).toBeUndefined();
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
      // Every row through the store's own reads, under its id, in its workspace.
      OLD_ROWS.forEach(({ ws, batch }, i) => {
        expect(store.getMonitorBatch(ws, batch.monitorId, ids[i]!)).toEqual({ ...batch, id: ids[i] });
        expect(store.getMonitorBatch(ws === 'ws_a' ? 'ws_b' : 'ws_a', batch.monitorId, ids[i]!)).toBeUndefined();
      });
      for (const ws of ['ws_a', 'ws_b']) {
        for (const m of ['m1', 'm2']) {
          const expected = OLD_ROWS.map((r, i) => ({ ...r, id: ids[i]! })).filter((r) => r.ws === ws && r.batch.monitorId === m).sort((a, b) => a.batch.at - b.batch.at || a.id - b.id);
          expect(store.listMonitorBatches(ws, m, { limit: 100 }).batches).toEqual(expected.map((r) => ({ ...r.batch, id: r.id })));
        }
      }
      // The next row's id is above every old one; a row of an existing id in the other workspace is allowed, in the same one refused.
      expect(store.addMonitorBatch('ws_b', entry('m1', 1, 99))).toBe(Math.max(...ids) + 1);
      store.db.prepare('INSERT INTO monitor_batches (id, workspace_id, monitor_id, at, data, columns) VALUES (?, ?, ?, ?, ?, ?)').run(ids[1], 'ws_b', 'm9', 1, '{}', null);
      expect(() => store.db.prepare('INSERT INTO monitor_batches (id, workspace_id, monitor_id, at, data, columns) VALUES (?, ?, ?, ?, ?, ?)').run(ids[1], 'ws_a', 'm9', 1, '{}', null)).toThrow(/UNIQUE/);
    } finally {
      store.close();
    }
    // Opened again: nothing to do, nothing changed.
    const again = new ServerStore(data);
    try {
      expect((again.db.prepare('SELECT count(*) AS n FROM monitor_batches').get() as { n: number }).n).toBe(14);
      expect(again.db.prepare("SELECT id, workspace_id, monitor_id, at, data, columns FROM monitor_batches WHERE monitor_id IN ('m1', 'm2') AND id <= ? ORDER BY id").all(Math.max(...ids))).toEqual(before);
    } finally {
      again.close();
    }
  });
});

describe('a PostgreSQL database made before per-workspace history ids', () => {
  const services = serviceOwner();
  afterAll(() => services.stop());

  it('gets the (workspace, id) key when three processes open it at once, with every row as it was', async () => {
    const db = await services.start(startPostgres());
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    let ids: number[];
    let before: unknown[];
    try {
      await client.query(`
        CREATE TABLE workspaces (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL);
        CREATE TABLE monitor_batches (
          id BIGSERIAL PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), monitor_id TEXT NOT NULL,
          at BIGINT NOT NULL, data TEXT NOT NULL, columns TEXT);
        CREATE INDEX monitor_batches_at ON monitor_batches(workspace_id, monitor_id, at, id);
        INSERT INTO workspaces (id, name, created_at) VALUES ('ws_a', 'A', 1), ('ws_b', 'B', 2);
      `);
      ids = [];
      for (const { ws, batch, summary } of OLD_ROWS) {
        const row = rowOfBatch(batch, summary);
        ids.push(Number((await client.query('INSERT INTO monitor_batches (workspace_id, monitor_id, at, data, columns) VALUES ($1, $2, $3, $4, $5) RETURNING id', [ws, row.monitorId, row.at, row.data, row.columns])).rows[0].id));
      }
      before = (await client.query('SELECT id::int, workspace_id, monitor_id, at::bigint::text, data, columns FROM monitor_batches ORDER BY id')).rows;
    } finally {
      await client.end();
    }

    // Three server processes starting on it at once: one migrates, the others find it done.
    const stores = await Promise.all([0, 1, 2].map(() => PostgresStore.open(db.url)));
    const check = new pg.Client({ connectionString: db.url });
    await check.connect();
    try {
      const key = await check.query(`SELECT array_agg(a.attname::text ORDER BY k.n) AS cols FROM pg_constraint c
        CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
        WHERE c.conrelid = 'monitor_batches'::regclass AND c.contype = 'p'`);
      expect(key.rows[0].cols).toEqual(['workspace_id', 'id']);
      expect((await check.query('SELECT id::int, workspace_id, monitor_id, at::bigint::text, data, columns FROM monitor_batches ORDER BY id')).rows).toEqual(before);
      const store = stores[1]!;
      for (const [i, { ws, batch }] of OLD_ROWS.entries()) {
        expect(await store.getMonitorBatch(ws, batch.monitorId, ids[i]!)).toEqual({ ...batch, id: ids[i] });
      }
      const expected = OLD_ROWS.map((r, i) => ({ ...r, id: ids[i]! })).filter((r) => r.ws === 'ws_a' && r.batch.monitorId === 'm1').sort((a, b) => a.batch.at - b.batch.at || a.id - b.id);
      expect((await store.listMonitorBatches('ws_a', 'm1', { limit: 100 })).batches).toEqual(expected.map((r) => ({ ...r.batch, id: r.id })));
      // The sequence goes on where it was; an id of another workspace is no conflict, the same workspace's is.
      expect(await stores[2]!.addMonitorBatch('ws_b', entry('m1', 1, 99))).toBe(Math.max(...ids) + 1);
      await check.query("INSERT INTO monitor_batches (id, workspace_id, monitor_id, at, data, columns) VALUES ($1, 'ws_b', 'm9', 1, '{}', NULL)", [ids[1]]);
      await expect(check.query("INSERT INTO monitor_batches (id, workspace_id, monitor_id, at, data, columns) VALUES ($1, 'ws_a', 'm9', 1, '{}', NULL)", [ids[1]])).rejects.toThrow(/duplicate key/);
    } finally {
      await check.end();
      for (const s of stores) await s.close();
    }
  }, 60_000);
});
