/**
 * Per-doc history migrates stores made before it in place (issue 20): a SQLite file and a
 * PostgreSQL database with the schema the server had then (doc_history without a `doc` column,
 * snapshots of the workspace doc only) open with every snapshot still listed and read under its
 * old id, as the workspace doc's; new snapshots of note and conversation docs go beside them, and
 * the history API serves both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startSyncServer } from '../../server/index.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import { ServerStore } from '../../server/store.ts';
import type { Store } from '../../server/store-contract.ts';
import { type RunningPostgres, serviceOwner, startPostgres } from '../helpers/services.ts';

const services = serviceOwner();
let postgres: RunningPostgres;
let dir: string;
beforeAll(async () => {
  postgres = await services.start(startPostgres());
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-history-migration-'));
}, 60_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await services.stop();
});

/** The tables history touches, as the server created them before per-doc history (SQLite). */
const OLD_SQLITE = `
  CREATE TABLE workspaces (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL);
  CREATE TABLE members (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), name TEXT NOT NULL, role TEXT NOT NULL, created_at INTEGER NOT NULL);
  CREATE TABLE tokens (hash TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members(id), created_at INTEGER NOT NULL, revoked_at INTEGER);
  CREATE TABLE doc_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id TEXT NOT NULL REFERENCES workspaces(id), data BLOB NOT NULL, doc TEXT NOT NULL DEFAULT '');
  CREATE TABLE doc_history (id INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id TEXT NOT NULL REFERENCES workspaces(id), created_at INTEGER NOT NULL, data BLOB NOT NULL);
  CREATE INDEX doc_history_ws ON doc_history(workspace_id, created_at);
`;
/** The same in PostgreSQL. */
const OLD_PG = `
  CREATE TABLE workspaces (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL);
  CREATE TABLE doc_history (id BIGSERIAL PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), created_at BIGINT NOT NULL, data BYTEA NOT NULL);
  CREATE INDEX doc_history_ws ON doc_history(workspace_id, created_at);
`;

/** Two snapshots of a workspace doc, as the old server kept them. */
function oldSnapshots(): { at: number; state: Uint8Array }[] {
  const doc = new Y.Doc();
  doc.getMap('incidents').set('i1', { title: 'Drift on age' });
  const first = Y.encodeStateAsUpdate(doc);
  doc.getMap('incidents').set('i2', { title: 'Opened later' });
  return [{ at: 1_700_000_000_000, state: first }, { at: 1_700_000_100_000, state: Y.encodeStateAsUpdate(doc) }];
}

/** What a migrated store must answer: the old rows under their ids as the workspace doc's, new docs' apart. */
async function checkMigrated(store: Store, ws: string, ids: number[], snaps: { at: number; state: Uint8Array }[]) {
  const listed = await store.listSnapshots(ws);
  expect(listed.map((s) => s.id)).toEqual([...ids].reverse());
  expect(listed.map((s) => s.createdAt)).toEqual(snaps.map((s) => s.at).reverse());
  for (const [i, id] of ids.entries()) expect(Buffer.from((await store.getSnapshot(ws, id))!).equals(Buffer.from(snaps[i]!.state))).toBe(true);
  const note = `${ws}:note:n1`;
  const thread = `${ws}:thread:incident:i1`;
  await store.addSnapshot(note, Uint8Array.of(0, 0), 1_700_000_200_000);
  await store.addSnapshot(thread, Uint8Array.of(0, 0), 1_700_000_300_000);
  expect((await store.listSnapshots(ws)).map((s) => s.id)).toEqual([...ids].reverse());
  const [noteSnap] = await store.listSnapshots(note);
  expect(noteSnap).toMatchObject({ createdAt: 1_700_000_200_000, bytes: 2 });
  expect((await store.listSnapshots(thread)).map((s) => s.createdAt)).toEqual([1_700_000_300_000]);
  // What a room's load reads: the newest snapshot's time, per doc (0: none).
  expect(await store.latestSnapshotAt(ws)).toBe(snaps.at(-1)!.at);
  expect(await store.latestSnapshotAt(thread)).toBe(1_700_000_300_000);
  expect(await store.latestSnapshotAt(`${ws}:note:none`)).toBe(0);
  // An id is read back only under its own doc.
  expect(await store.getSnapshot(note, ids[0]!)).toBeUndefined();
  expect(await store.getSnapshot(ws, noteSnap!.id)).toBeUndefined();
}

describe('history migration', () => {
  it('opens a SQLite store made before per-doc history with its snapshots readable, and serves them', async () => {
    const dataDir = mkdtempSync(join(dir, 'sqlite-'));
    const snaps = oldSnapshots();
    const old = new Database(join(dataDir, 'driftdesk-server.sqlite'));
    old.exec(OLD_SQLITE);
    old.prepare('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)').run('ws_old', 'Old', 1);
    const ids = snaps.map((s) => Number(old.prepare('INSERT INTO doc_history (workspace_id, created_at, data) VALUES (?, ?, ?)').run('ws_old', s.at, s.state).lastInsertRowid));
    old.close();

    const store = new ServerStore(dataDir);
    try {
      await checkMigrated(store, 'ws_old', ids, snaps);
    } finally {
      store.close();
    }
    // Opened again (the migration ran once): the same; and the server serves the old ids.
    const server = await startSyncServer({ port: 0, dataDir });
    try {
      const owner = server.store.createMemberToken('ws_old', 'owner', 'Ada');
      const get = (path: string) => fetch(`${server.url}/api/v1/workspaces/ws_old/history${path}`, { headers: { authorization: `Bearer ${owner.token}` } });
      const { snapshots } = (await (await get('')).json()) as { snapshots: { id: number }[] };
      expect(snapshots.map((s) => s.id)).toEqual([...ids].reverse());
      expect(Buffer.from(await (await get(`/${ids[0]}`)).arrayBuffer()).equals(Buffer.from(snaps[0]!.state))).toBe(true);
      expect(((await (await get('?doc=ws_old:note:n1')).json()) as { snapshots: unknown[] }).snapshots).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('migrates a PostgreSQL database made before per-doc history in place', async () => {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const snaps = oldSnapshots();
    const ids: number[] = [];
    try {
      await client.query(OLD_PG);
      await client.query('INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3)', ['ws_old', 'Old', 1]);
      for (const s of snaps) ids.push(Number((await client.query('INSERT INTO doc_history (workspace_id, created_at, data) VALUES ($1, $2, $3) RETURNING id', ['ws_old', s.at, Buffer.from(s.state)])).rows[0].id));
    } finally {
      await client.end();
    }
    const store = await PostgresStore.open(postgres.url);
    try {
      await checkMigrated(store, 'ws_old', ids, snaps);
    } finally {
      await store.close();
    }
    // A second process opening the same database finds it migrated and changes nothing.
    const again = await PostgresStore.open(postgres.url);
    try {
      expect((await again.listSnapshots('ws_old')).map((s) => s.id)).toEqual([...ids].reverse());
      expect(await again.listSnapshots('ws_old:note:n1')).toHaveLength(1);
    } finally {
      await again.close();
    }
  });
});
