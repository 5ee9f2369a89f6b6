/**
 * What every archive attack starts from (test/integration/archive-attacks-*.test.ts): a real
 * export of a small real workspace, a target store that already holds a workspace of its own, and
 * the checks that a refusal named what it should and wrote nothing (every row of every table, and
 * the files of the data folder, as they were).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import * as Y from 'yjs';
import { ArchiveError } from '../../server/archive/archive-format.ts';
import { exportWorkspace } from '../../server/archive/export-workspace.ts';
import { type ImportOptions, importWorkspace } from '../../server/archive/import-workspace.ts';
import { INSERT_BATCH } from '../../server/sqlite-batches.ts';
import { ServerStore } from '../../server/store.ts';
import { createIncident, createNote, initWorkspace } from '../../src/core/workspace/index.ts';
import { type RawEntry, entriesOf, gzOf, sha256 } from './archive-forge.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
/** This test file's temporary folder (made in useArchiveFixture's beforeAll). */
export let dir: string;
/** The archive every attack starts from: a real export of a small real workspace. */
export let good: string;
export let goodEntries: RawEntry[];
export let seeded: ReturnType<typeof seed>;

/** The real CLI; one still running after `timeoutMs` (a server that started) is stopped, and its code is null. */
export function cli(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/driftdesk', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('exit', () => clearTimeout(timer));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export const ctx = (id: string, name: string) => ({ actor: { id, name }, now: Date.now, newId: () => crypto.randomUUID() });

/** Ada and Bob's workspace: an incident, a note with its text, a snapshot of each doc, a blob, monitor history, a webhook. */
export function seed(store: ServerStore) {
  const ws = store.createWorkspace('Churn model', 'Ada');
  const bob = store.createMemberToken(ws.id, 'editor', 'Bob');
  const doc = new Y.Doc();
  doc.on('update', (u: Uint8Array) => store.appendUpdate(ws.id, u));
  initWorkspace(doc, { id: ws.id, name: 'Churn model' }, { now: Date.now });
  createIncident(doc, { title: 'PSI on tenure above 0.2', severity: 'high' }, ctx(ws.memberId, 'Ada'));
  const note = createNote(doc, { title: 'Why tenure drifts' }, ctx(ws.memberId, 'Ada'));
  const noteDoc = new Y.Doc();
  noteDoc.on('update', (u: Uint8Array) => store.appendUpdate(`${ws.id}:note:${note.id}`, u));
  noteDoc.getText('body').insert(0, 'The March release bucketed tenure by quarter.');
  store.addSnapshot(ws.id, Y.encodeStateAsUpdate(doc), 1_700_000_000_000);
  store.addSnapshot(`${ws.id}:note:${note.id}`, Y.encodeStateAsUpdate(noteDoc), 1_700_000_000_001);
  const blob = Buffer.from('{"profile":"tenure"}');
  store.putBlob(ws.id, sha256(blob), blob);
  store.createWebhook(ws.id, 'https://hooks.example.com/services/T000/B000/XXXXSECRET', 'incidents', Date.now());
  for (let i = 0; i < 3; i++) {
    store.db.prepare(INSERT_BATCH).get(ws.id, 'mon_a', 1_700_000_000_000 + i, JSON.stringify({ kind: 'batch', rows: 100 + i }), null);
  }
  return { ws, bob, note, blob };
}

/** Every row of every table of a SQLite store (bytes as their hash), and the files of its folder. */
export function sqliteState(dataDir: string) {
  const db = new Database(join(dataDir, 'driftdesk-server.sqlite'), { readonly: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    const rows = Object.fromEntries(
      tables.map((t) => [t, (db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[]).map((r) => JSON.stringify(r, (_k, v: unknown) => (v instanceof Uint8Array ? sha256(v) : v)))]),
    );
    return { rows, files: readdirSync(dataDir).sort() };
  } finally {
    db.close();
  }
}

/** Every row of every table of a PostgreSQL database, as text. */
export async function pgState(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).rows.map((r) => r.tablename);
    const out: Record<string, string[]> = {};
    for (const t of tables) out[t] = (await client.query<{ row: string }>(`SELECT t::text AS row FROM "${t}" t ORDER BY 1`)).rows.map((r) => r.row);
    return out;
  } finally {
    await client.end();
  }
}

/** Writes `entries` as a gzipped tar under this file's folder. */
export const written = async (entries: RawEntry[], name: string) => {
  const file = join(dir, `${name}.tar.gz`);
  writeFileSync(file, await gzOf(entries));
  return file;
};

/** Registers this test file's folder and good archive (a fresh one per file). */
export function useArchiveFixture(): void {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'driftdesk-archive-attacks-'));
    const origin = new ServerStore(join(dir, 'origin'));
    seeded = seed(origin);
    good = join(dir, 'good.tar.gz');
    const source = await origin.openArchiveSource(seeded.ws.id);
    await exportWorkspace(source, good);
    await source.close();
    origin.close();
    goodEntries = await entriesOf(good);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
}

/** A store that already holds a workspace of its own, so "unchanged" is more than "empty". */
export function targetStore(name: string) {
  const store = new ServerStore(join(dir, name));
  const other = store.createWorkspace('Someone else', 'Eve');
  store.appendUpdate(other.id, Y.encodeStateAsUpdate(new Y.Doc()));
  return store;
}

/** Imports `file` into `store`, expects the refusal, and that nothing in the store or its folder changed. */
export async function refusedBy(store: ServerStore, file: string, code: ArchiveError['code'] | ArchiveError['code'][], message: RegExp, options: ImportOptions = {}) {
  const before = sqliteState(store.dataDir);
  const err = await importWorkspace(file, () => store.openArchiveSink(), options).then(() => null, (e: unknown) => e);
  expect(err, `${file} was imported`).toBeInstanceOf(ArchiveError);
  expect((err as Error).message, file).toMatch(message);
  expect([code].flat()).toContain((err as ArchiveError).code);
  expect(sqliteState(store.dataDir)).toEqual(before);
  return err as ArchiveError;
}

/** A tar header block with its size field (and checksum) changed: a header that promises `size` bytes. */
export function withSize(header: Buffer, size: number): Buffer {
  const out = Buffer.from(header);
  out.write(size.toString(8).padStart(11, '0') + '\0', 124, 12, 'ascii');
  out.fill(' ', 148, 156);
  let sum = 0;
  for (const b of out) sum += b;
  out.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return out;
}

