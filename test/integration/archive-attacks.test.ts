/**
 * An attacker's review of workspace archives (issue 21). Every byte of an archive is the
 * attacker's: the file given to `driftdesk workspace import`, and the body sent to the move route
 * by an owner of a team server's workspace. Each hostile archive must be refused with an error that
 * names the entry or field, with nothing written (the SQLite file's rows, PostgreSQL's tables and
 * the data folder's files as they were), and the server serving its other workspaces throughout.
 * Real SQLite files, a real PostgreSQL, a real sync server, the real CLI; no mocks.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ArchiveError } from '../../server/archive/archive-format.ts';
import { exportWorkspace } from '../../server/archive/export-workspace.ts';
import { type ImportOptions, importWorkspace } from '../../server/archive/import-workspace.ts';
import { backupFileName, startBackups } from '../../server/backups.ts';
import { seal } from '../../server/archive/seal.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { ServerStore } from '../../server/store.ts';
import { addComment, createIncident, createNote, initWorkspace, listIncidents } from '../../src/core/workspace/index.ts';
import { type RawEntry, entriesOf, forged, gzOf, gzipMemberEnds, manyEmptyEntries, replaced, sha256, tarBoundaries, tarOf } from '../helpers/archive-forge.ts';
import { type RunningPostgres, serviceOwner, startPostgres } from '../helpers/services.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
let dir: string;
/** The archive every attack starts from: a real export of a small real workspace. */
let good: string;
let goodEntries: RawEntry[];
let seeded: ReturnType<typeof seed>;

/** The real CLI; one still running after `timeoutMs` (a server that started) is stopped, and its code is null. */
function cli(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
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

const ctx = (id: string, name: string) => ({ actor: { id, name }, now: Date.now, newId: () => crypto.randomUUID() });

/** Ada and Bob's workspace: an incident, a note with its text, a snapshot of each doc, a blob, monitor history, a webhook. */
function seed(store: ServerStore) {
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
    store.db.prepare('INSERT INTO monitor_batches (workspace_id, monitor_id, at, data, columns) VALUES (?, ?, ?, ?, ?)').run(ws.id, 'mon_a', 1_700_000_000_000 + i, JSON.stringify({ kind: 'batch', rows: 100 + i }), null);
  }
  return { ws, bob, note, blob };
}

/** Every row of every table of a SQLite store (bytes as their hash), and the files of its folder. */
function sqliteState(dataDir: string) {
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
async function pgState(url: string) {
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

const written = async (entries: RawEntry[], name: string) => {
  const file = join(dir, `${name}.tar.gz`);
  writeFileSync(file, await gzOf(entries));
  return file;
};

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

/** A store that already holds a workspace of its own, so "unchanged" is more than "empty". */
function targetStore(name: string) {
  const store = new ServerStore(join(dir, name));
  const other = store.createWorkspace('Someone else', 'Eve');
  store.appendUpdate(other.id, Y.encodeStateAsUpdate(new Y.Doc()));
  return store;
}

/** Imports `file` into `store`, expects the refusal, and that nothing in the store or its folder changed. */
async function refusedBy(store: ServerStore, file: string, code: ArchiveError['code'] | ArchiveError['code'][], message: RegExp, options: ImportOptions = {}) {
  const before = sqliteState(store.dataDir);
  const err = await importWorkspace(file, () => store.openArchiveSink(), options).then(() => null, (e: unknown) => e);
  expect(err, `${file} was imported`).toBeInstanceOf(ArchiveError);
  expect((err as Error).message, file).toMatch(message);
  expect([code].flat()).toContain((err as ArchiveError).code);
  expect(sqliteState(store.dataDir)).toEqual(before);
  return err as ArchiveError;
}

describe('a hostile archive given to workspace import', () => {
  it('refuses entries that are not plain files at the paths an archive has, naming them', async () => {
    const store = targetStore('target-paths');
    try {
      const doc = goodEntries.find((e) => e.name === 'docs/workspace.update')!;
      const cases: [string, RawEntry, RegExp][] = [
        ['dotdot', { name: 'docs/../../../tmp/evil', data: Buffer.from('x') }, /^docs\/\.\.\/\.\.\/\.\.\/tmp\/evil: is not an entry a workspace archive has/],
        ['absolute', { name: '/etc/cron.d/evil', data: Buffer.from('x') }, /^\/etc\/cron\.d\/evil: is not an entry/],
        ['dot-segment', { name: 'docs/./workspace.update', data: doc.data }, /^docs\/\.\/workspace\.update: is not an entry/],
        ['symlink', { name: 'docs/note/link.update', data: Buffer.alloc(0), header: { type: 'symlink', linkname: '/etc/passwd' } }, /^docs\/note\/link\.update: is a symlink, not a file/],
        ['hardlink', { name: 'docs/note/hard.update', data: Buffer.alloc(0), header: { type: 'link', linkname: 'workspace.json' } }, /^docs\/note\/hard\.update: is a link, not a file/],
        ['directory', { name: 'docs/', data: Buffer.alloc(0), header: { type: 'directory' } }, /^docs\/: is a directory, not a file/],
        ['fifo', { name: 'history/9.update', data: Buffer.alloc(0), header: { type: 'fifo' } }, /^history\/9\.update: is a fifo, not a file/],
      ];
      for (const [name, extra, message] of cases) {
        // First, and last (after the manifest): refused wherever it stands.
        await refusedBy(store, await written([extra, ...goodEntries], `${name}-first`), 'bad_entry', message);
        await refusedBy(store, await written([...goodEntries, extra], `${name}-last`), 'bad_entry', message);
      }
      // Nothing was created outside the archive's own folder by any of them.
      expect(existsSync('/tmp/evil')).toBe(false);
    } finally {
      store.close();
    }
  });

  it('refuses duplicate entries, an entry longer or shorter than the manifest says, and a manifest that lists an entry twice', async () => {
    const store = targetStore('target-dupes');
    try {
      const doc = goodEntries.find((e) => e.name === 'docs/workspace.update')!;
      const other = Buffer.concat([doc.data, Buffer.from([0])]);
      // The same name twice: the same bytes, then different bytes (the manifest matching the first).
      await refusedBy(store, await written(forged([doc, ...goodEntries]), 'dup-same'), 'tampered', /^docs\/workspace\.update: appears twice/);
      await refusedBy(store, await written(forged([...goodEntries.slice(0, -1), { name: doc.name, data: other }, goodEntries.at(-1)!]), 'dup-other'), 'tampered', /^docs\/workspace\.update: appears twice/);
      // A manifest that is JSON but no object, or an object of the wrong shape.
      for (const [i, manifest] of ['null', '[]', '"driftdesk-workspace-archive"', '{"format":"driftdesk-workspace-archive","version":1,"workspaceId":"x","exportedAt":1,"entries":{}}', '{"format":"driftdesk-workspace-archive","version":"1"}'].entries()) {
        const file = await written(replaced(goodEntries, 'manifest.json', Buffer.from(manifest)), `manifest-${i}`);
        await refusedBy(store, file, ['not_an_archive', 'bad_entry'], /^manifest\.json: (is not a Driftdesk workspace archive manifest|entries: |version: )/);
      }
      // manifest.json twice: the second would otherwise win.
      await refusedBy(store, await written([...goodEntries, goodEntries.at(-1)!], 'dup-manifest'), 'tampered', /^manifest\.json: appears twice/);
      // Longer and shorter than the manifest says (its hash left as it was, and then matching too).
      await refusedBy(store, await written(replaced(goodEntries, doc.name, other), 'longer'), 'tampered', /^docs\/workspace\.update: does not match the manifest .* bytes; manifest says/);
      await refusedBy(store, await written(replaced(goodEntries, doc.name, doc.data.subarray(1)), 'shorter'), 'tampered', /^docs\/workspace\.update: does not match the manifest/);
      await refusedBy(store, await written(forged(goodEntries, { manifest: (m) => void (m.entries.find((e) => e.path === doc.name)!.bytes += 1) }), 'says-longer'), 'tampered', /^docs\/workspace\.update: does not match the manifest/);
      await refusedBy(store, await written(forged(goodEntries, { manifest: (m) => void m.entries.push({ ...m.entries[0]! }) }), 'listed-twice'), 'tampered', new RegExp(`^${goodEntries[0]!.name}: is listed twice in the manifest`));
      // An entry the manifest leaves out, and one it lists that is not there.
      await refusedBy(store, await written(forged(goodEntries, { manifest: (m) => void m.entries.shift() }), 'unlisted'), 'tampered', new RegExp(`^${goodEntries[0]!.name}: is not listed in the manifest`));
      await refusedBy(store, await written(forged(goodEntries, { manifest: (m) => void m.entries.push({ path: 'history/77.update', sha256: sha256(Buffer.alloc(0)), bytes: 0 }) }), 'absent'), 'truncated', /^history\/77\.update: is in the manifest but not in the archive/);
      // A blob whose bytes are not its name, with the manifest rewritten to match it.
      const blobName = `blobs/${sha256(seeded.blob)}`;
      await refusedBy(store, await written(forged(replaced(goodEntries, blobName, Buffer.from('{"profile":"other"}'))), 'blob-name'), 'tampered', new RegExp(`^${blobName}: its bytes do not hash to its name`));
    } finally {
      store.close();
    }
  });
});

describe('a hostile workspace.json or doc given to workspace import', () => {
  it('refuses rows of the wrong type, huge strings, unknown roles and keys that would reach a prototype, naming the field', async () => {
    const store = targetStore('target-rows');
    try {
      type Rows = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const cases: [string, (rows: Rows) => unknown, RegExp][] = [
        ['not-json', () => '{"workspace": ', /^workspace\.json: is not JSON/],
        ['array', () => '[]', /^workspace\.json: \(top\): /],
        ['members-string', (r) => void (r.members = 'Ada, Bob'), /^workspace\.json: members: /],
        ['created-string', (r) => void (r.workspace.createdAt = 'yesterday'), /^workspace\.json: workspace\.createdAt: /],
        ['created-negative', (r) => void (r.members[0].createdAt = -1), /^workspace\.json: members\.0\.createdAt: /],
        ['huge-name', (r) => void (r.members[1].name = 'B'.repeat(5_000_000)), /^workspace\.json: members\.1\.name: /],
        ['role', (r) => void (r.members[1].role = 'admin'), /^workspace\.json: members\.1\.role: /],
        ['role-proto', (r) => void (r.members[1].role = '__proto__'), /^workspace\.json: members\.1\.role: /],
        ['member-id-path', (r) => void (r.members[1].id = '../../etc'), /^workspace\.json: members\.1\.id: an id of letters/],
        // A name given only through `__proto__`: JSON.parse makes it an own key, never the object's prototype.
        ['proto-name', () => null, /^workspace\.json: workspace\.name: /],
        ['constructor', (r) => void (r.workspace = { constructor: { prototype: { id: 'x' } } }), /^workspace\.json: workspace\.id: /],
        ['token-hash', (r) => void (r.tokens[0].hash = 'not-a-hash'), /^workspace\.json: tokens\.0\.hash: a SHA-256/],
        ['token-member', (r) => void (r.tokens[0].memberId = 'mem_nobody'), /^workspace\.json: a token belongs to member mem_nobody, who is not in the archive/],
        ['doc-elsewhere', (r) => void (r.docs[0].path = 'docs/note/other.update'), /^workspace\.json: lists doc "" at docs\/note\/other\.update/],
        ['doc-kind', (r) => void (r.docs[0].doc = 'members'), /^workspace\.json: lists doc "members"/],
        ['blob-missing', (r) => void r.blobs.push({ sha256: 'a'.repeat(64), createdAt: 1 }), new RegExp(`^blobs/${'a'.repeat(64)}: is a listed blob that is missing`)],
        ['webhook-purpose', (r) => void (r.webhooks[0].purpose = 'everything'), /^workspace\.json: webhooks\.0\.purpose: /],
        ['delivery-status', (r) => void r.deliveries.push({ id: 'd', webhookId: r.webhooks[0].id, origin: 'x', event: 'e', status: 'sent', attempts: 1, lastStatus: null, lastError: null, createdAt: 1, updatedAt: 1 }), /^workspace\.json: deliveries\.0\.status: /],
      ];
      for (const [name, change, message] of cases) {
        const rows = name === 'proto-name'
          ? forged(goodEntries, { rows: (r) => JSON.stringify(r).replace(/"name":"Churn model"/, '"__proto__":{"name":"Churn model"}') })
          : forged(goodEntries, { rows: change });
        await refusedBy(store, await written(rows, `rows-${name}`), name === 'blob-missing' ? 'truncated' : name.startsWith('doc-') && name !== 'doc-kind' ? 'tampered' : 'bad_entry', message);
      }
      expect(({} as Record<string, unknown>).name).toBeUndefined();
      expect(({} as Record<string, unknown>).id).toBeUndefined();
    } finally {
      store.close();
    }
  });

  it('refuses rows that name one thing twice or point a snapshot at an entry that is not a snapshot, before anything is written', async () => {
    const store = targetStore('target-twice');
    try {
      type Rows = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const cases: [string, (rows: Rows) => void, RegExp][] = [
        ['member-twice', (r) => void r.members.push({ ...r.members[1], name: 'Mallory', role: 'owner' }), /^workspace\.json: lists member [A-Za-z0-9_-]+ twice/],
        ['token-twice', (r) => void r.tokens.push({ ...r.tokens[0] }), /^workspace\.json: lists token [0-9a-f]{12}… twice/],
        ['doc-twice', (r) => void r.docs.push({ ...r.docs[0] }), /^workspace\.json: lists doc "" twice/],
        ['snapshot-twice', (r) => void r.snapshots.push({ ...r.snapshots[0] }), /^workspace\.json: lists history\/1\.update for two snapshots/],
        ['snapshot-is-doc', (r) => void (r.snapshots[0].path = 'docs/workspace.update'), /^workspace\.json: lists docs\/workspace\.update as a history snapshot/],
        ['snapshot-is-rows', (r) => void (r.snapshots[0].path = 'workspace.json'), /^workspace\.json: lists workspace\.json as a history snapshot/],
        ['blob-twice', (r) => void r.blobs.push({ ...r.blobs[0] }), /^workspace\.json: lists blob [0-9a-f]{12}… twice/],
        ['webhook-twice', (r) => void r.webhooks.push({ ...r.webhooks[0] }), /^workspace\.json: lists webhook [^ ]+ twice/],
      ];
      for (const [name, change, message] of cases) await refusedBy(store, await written(forged(goodEntries, { rows: change }), `twice-${name}`), 'bad_entry', message, { skipSecrets: true });
    } finally {
      store.close();
    }
  });

  it('refuses rows whose ids another workspace of the store already has (a delivery, a monitor history row) as a conflict, rolling back', async () => {
    const store = targetStore('target-collide');
    try {
      const other = (store.db.prepare('SELECT id FROM workspaces').get() as { id: string }).id;
      store.saveDelivery(other, { id: 'd-collide', webhookId: 'wh_other', url: 'https://other.example.com', event: 'incident.opened', status: 'delivered', attempts: 1, lastStatus: 200, lastError: null, createdAt: 1, updatedAt: 1 });
      type Rows = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const delivery = (r: Rows) => void r.deliveries.push({ id: 'd-collide', webhookId: r.webhooks[0].id, origin: 'https://hooks.example.com', event: 'incident.opened', status: 'pending', attempts: 0, lastStatus: null, lastError: null, createdAt: 1, updatedAt: 1 });
      await refusedBy(store, await written(forged(goodEntries, { rows: delivery }), 'collide-delivery'), 'conflict', /^workspace\.json: this store already has webhook delivery d-collide/, { skipSecrets: true });
      const firstRow = (JSON.parse(goodEntries.find((e) => e.name === 'monitors/history.jsonl')!.data.toString().split('\n')[0]!) as { id: number }).id;
      store.db.prepare('INSERT INTO monitor_batches (id, workspace_id, monitor_id, at, data, columns) VALUES (?, ?, ?, ?, ?, ?)').run(firstRow, other, 'mon_other', 1, '{}', null);
      await refusedBy(store, good, 'conflict', new RegExp(`^monitors/history\\.jsonl: this store already has monitor history row ${firstRow}`), { skipSecrets: true });
    } finally {
      store.close();
    }
  });

  it('refuses a doc or history entry that is not a sound Yjs update, even with the manifest rewritten to match', async () => {
    const store = targetStore('target-yjs');
    try {
      const noteEntry = goodEntries.find((e) => e.name.startsWith('docs/note/'))!.name;
      const garbage = [
        Buffer.from('not a yjs update at all'),
        Buffer.from([1, 1, 200, 1, 0, 8, 1, 99, 0, 0]),
        Buffer.alloc(0),
        // A sound update of another doc with a struct that refers to a client's clock never sent.
        (() => {
          const d = new Y.Doc();
          d.getText('t').insert(0, 'abc');
          const u = Y.encodeStateAsUpdate(d);
          d.getText('t').insert(3, 'def');
          return Buffer.from(Y.diffUpdate(Y.encodeStateAsUpdate(d), Y.encodeStateVectorFromUpdate(u)));
        })(),
      ];
      for (const [i, bytes] of garbage.entries()) {
        for (const entry of ['docs/workspace.update', noteEntry, 'history/1.update', 'history/2.update']) {
          const name = entry.replace(/[/.]/g, '_');
          await refusedBy(store, await written(forged(replaced(goodEntries, entry, bytes)), `yjs-${i}-${name}`), 'bad_entry', new RegExp(`^${entry.replace(/[.]/g, '\\.')}: is not a sound Yjs (document|update)`), { skipSecrets: true });
        }
      }
    } finally {
      store.close();
    }
  });
});

describe('a cut, padded, inflated or swapped archive given to workspace import', () => {
  it('refuses an archive cut at every tar boundary, mid header, mid entry and mid gzip member, and takes one missing only its end blocks', async () => {
    const store = targetStore('target-cut');
    try {
      const plain = await tarOf(goodEntries);
      const { headers, data, end } = tarBoundaries(plain);
      expect(data.map((d) => d.name)).toEqual(goodEntries.map((e) => e.name));
      // Every refusal closes the archive file it opened (a server or a CLI refusing many keeps no descriptors).
      const openFiles = () => readdirSync('/proc/self/fd').length;
      const filesBefore = openFiles();
      const cuts = new Set<number>();
      for (const h of headers) [h, h + 1, h + 100, h + 511].forEach((c) => cuts.add(c));
      for (const d of data) [d.at + 1, d.at + Math.floor(d.size / 2), d.at + d.size - 1, d.at + d.size].forEach((c) => cuts.add(c));
      for (const c of [...cuts].sort((a, b) => a - b)) {
        if (c <= 0 || c >= end) continue;
        const file = join(dir, `cut-tar-${c}.tar.gz`);
        writeFileSync(file, gzipSync(plain.subarray(0, c)));
        await refusedBy(store, file, 'truncated', /cut short or corrupt|has no manifest\.json|is in the manifest but not in the archive/);
      }
      // The compressed bytes cut: in gzip's header, mid stream, in its trailer (CRC and size).
      const gz = await gzOf(goodEntries);
      for (const c of [1, 2, 9, 10, 11, 64, Math.floor(gz.length / 3), Math.floor(gz.length / 2), gz.length - 9, gz.length - 8, gz.length - 4, gz.length - 1]) {
        const file = join(dir, `cut-gz-${c}.tar.gz`);
        writeFileSync(file, gz.subarray(0, c));
        const err = await importWorkspace(file, () => store.openArchiveSink()).then(() => null, (e: unknown) => e);
        expect(err, `cut at ${c} of ${gz.length}`).toBeInstanceOf(ArchiveError);
        expect(['truncated', 'not_an_archive']).toContain((err as ArchiveError).code);
        expect((err as Error).message).toMatch(/cut short or corrupt|is not a Driftdesk workspace archive/);
      }
      expect(openFiles()).toBeLessThanOrEqual(filesBefore + 2);
      // Every entry there, only the end-of-archive blocks missing: nothing is lost, so it imports, whole.
      const file = join(dir, 'no-end-blocks.tar.gz');
      writeFileSync(file, gzipSync(plain.subarray(0, end)));
      const fresh = new ServerStore(join(dir, 'target-no-end'));
      expect(await importWorkspace(file, () => fresh.openArchiveSink(), { skipSecrets: true })).toMatchObject({ docs: 2, snapshots: 2, blobs: 1, members: 2, monitorHistoryRows: 3 });
      fresh.close();
    } finally {
      store.close();
    }
  });

  it('refuses an export cut where one of its gzip members ends (a valid gzip file of fewer members)', async () => {
    // An export of more than a megabyte is written in 1 MiB gzip members (reader-thread.ts).
    const origin = new ServerStore(join(dir, 'origin-members'));
    const ws = origin.createWorkspace('Big', 'Ada');
    origin.appendUpdate(ws.id, Y.encodeStateAsUpdate(new Y.Doc()));
    for (let i = 0; i < 3; i++) {
      const blob = randomBytes(1024 * 1024 + 1000);
      origin.putBlob(ws.id, sha256(blob), blob);
    }
    const big = join(dir, 'big.tar.gz');
    const source = await origin.openArchiveSource(ws.id);
    await exportWorkspace(source, big);
    await source.close();
    origin.close();
    const gz = readFileSync(big);
    const ends = gzipMemberEnds(gz);
    expect(ends.length).toBeGreaterThanOrEqual(3);
    const store = targetStore('target-members');
    try {
      for (const at of ends) {
        const file = join(dir, `members-${at}.tar.gz`);
        writeFileSync(file, gz.subarray(0, at));
        await refusedBy(store, file, 'truncated', /cut short or corrupt|has no manifest\.json/);
      }
    } finally {
      store.close();
    }
  });

  it('refuses trailing garbage after the gzip stream and after the tar, and entries hidden after it', async () => {
    const store = targetStore('target-trailing');
    try {
      const gz = await gzOf(goodEntries);
      const plain = await tarOf(goodEntries);
      const { end } = tarBoundaries(plain);
      // Bytes after the gzip stream fail gunzip before tar sees an entry (zlib reports them with its first output).
      const garbage: ArchiveError['code'][] = ['not_an_archive', 'truncated'];
      const variants: [string, Buffer, ArchiveError['code'] | ArchiveError['code'][], RegExp][] = [
        ['gz-garbage', Buffer.concat([gz, Buffer.from('#!/bin/sh\nrm -rf /\n')]), garbage, /\(incorrect header check\)/],
        ['gz-magic', Buffer.concat([gz, Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2])]), garbage, /\(unexpected end of file\)/],
        ['tar-garbage', gzipSync(Buffer.concat([plain, Buffer.alloc(512, 0x41)])), 'truncated', /cut short or corrupt \(Invalid tar header/],
        ['tar-odd', gzipSync(Buffer.concat([plain, Buffer.from('x')])), 'truncated', /cut short or corrupt \(Unexpected end of data\)/],
        // A second gzip member, after the first's end blocks, with an entry of its own.
        ['hidden-entry', Buffer.concat([gz, await gzOf([{ name: 'docs/note/hidden.update', data: Buffer.from([0, 0]) }])]), 'tampered', /^docs\/note\/hidden\.update: is not listed in the manifest/],
        // …or a second manifest that would list it.
        ['hidden-manifest', gzipSync(Buffer.concat([plain.subarray(0, end), Buffer.alloc(1024), await tarOf([goodEntries.at(-1)!])])), 'tampered', /^manifest\.json: appears twice/],
      ];
      for (const [name, bytes, code, message] of variants) {
        const file = join(dir, `trailing-${name}.tar.gz`);
        writeFileSync(file, bytes);
        await refusedBy(store, file, code, message);
      }
    } finally {
      store.close();
    }
  });

  it('refuses a gzip bomb at its entry header, before inflating it', async () => {
    const store = targetStore('target-bomb');
    try {
      // 2 GiB of zeros in 2 MB: a tar header naming a 2 GiB blob, then one gzip member of 1 MiB of
      // zeros repeated (each ~1 KB). Named and listed as a real one would be (the hash of 2 GiB of zeros).
      const size = 2 * 1024 * 1024 * 1024;
      const zerosHash = '0'.repeat(64);
      const sized = withSize((await tarOf([{ name: `blobs/${zerosHash}`, data: Buffer.alloc(0) }])).subarray(0, 512), size);
      const zeros = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
      const bomb = Buffer.concat([gzipSync(sized), ...Array.from({ length: size / (1024 * 1024) }, () => zeros)]);
      expect(bomb.length).toBeLessThan(3 * 1024 * 1024);
      const file = join(dir, 'bomb.tar.gz');
      writeFileSync(file, bomb);
      await refusedBy(store, file, 'bad_entry', new RegExp(`^blobs/${zerosHash}: is 2147483648 bytes, more than an entry of its kind may be`));
      // A million and one empty entries in a few megabytes: refused at the one past the bound.
      const many = join(dir, 'many.tar.gz');
      writeFileSync(many, await manyEmptyEntries(1_000_001, (i) => `history/${i + 1}.update`));
      await refusedBy(store, many, 'bad_entry', /^history\/1000001\.update: is entry 1000001: an archive has at most 1000000/);
      // A doc entry past its kind's bound, with the manifest listing it as it is.
      const hugeDoc = Buffer.alloc(256 * 1024 * 1024 + 1);
      await refusedBy(store, await written(forged(replaced(goodEntries, 'docs/workspace.update', hugeDoc)), 'huge-doc'), 'bad_entry', /^docs\/workspace\.update: is 268435457 bytes, more than an entry of its kind may be/);
    } finally {
      store.close();
    }
  }, 60_000);

  it('refuses an archive that is another file when it is read the second time (swapped between the passes)', async () => {
    const store = targetStore('target-swap');
    try {
      const swaps: [string, RawEntry[], RegExp][] = [
        ['entry-gone', goodEntries.filter((e) => e.name !== 'history/2.update'), /^history\/2\.update: was gone when the archive was read again/],
        ['entry-twice', [goodEntries.find((e) => e.name === 'history/1.update')!, ...goodEntries], /^history\/1\.update: changed while it was being imported/],
        ['entry-changed', replaced(goodEntries, 'docs/workspace.update', Buffer.from([0, 0])), /^docs\/workspace\.update: changed while it was being imported/],
      ];
      for (const [name, entries, message] of swaps) {
        const file = join(dir, `swap-${name}.tar.gz`);
        writeFileSync(file, await gzOf(goodEntries));
        const before = sqliteState(store.dataDir);
        const swapped = await gzOf(entries);
        // openSink runs between the passes: the file changes there, as a concurrent writer would.
        const err = await importWorkspace(file, async () => {
          writeFileSync(file, swapped);
          return store.openArchiveSink();
        }, { skipSecrets: true }).then(() => null, (e: unknown) => e);
        expect(err, name).toBeInstanceOf(ArchiveError);
        expect((err as Error).message).toMatch(message);
        expect(sqliteState(store.dataDir)).toEqual(before);
      }
    } finally {
      store.close();
    }
  });
});

describe('the import command and PostgreSQL', () => {
  it('the CLI refuses an --as that is not an id and a refused archive, exiting 2, and leaves no data folder behind', async () => {
    for (const as of ['', '../escape', 'a/b', 'ws id', 'x'.repeat(129), 'ws\nid']) {
      const target = join(dir, `cli-as-${Buffer.from(as).toString('hex').slice(0, 16)}`);
      const r = await cli(['workspace', 'import', good, '--data', target, `--as=${as}`, '--skip-secrets']);
      expect(r.code, JSON.stringify(as)).toBe(2);
      expect(r.stderr).toMatch(/--as [^]*: a workspace id is letters, digits, _ and - \(at most 128\); nothing was imported/);
      expect(existsSync(target)).toBe(false);
    }
    const cut = join(dir, 'cli-cut.tar.gz');
    writeFileSync(cut, (await gzOf(goodEntries)).subarray(0, 300));
    const target = join(dir, 'cli-fresh');
    const r = await cli(['workspace', 'import', cut, '--data', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cut short or corrupt.*nothing was imported/);
    expect(existsSync(target)).toBe(false);
    // A refusal that comes from the store (a conflict) also leaves it as it was; the folder existed already.
    const taken = join(dir, 'cli-taken');
    expect((await cli(['workspace', 'import', good, '--data', taken, '--skip-secrets'])).code).toBe(0);
    const before = sqliteState(taken);
    const again = await cli(['workspace', 'import', good, '--data', taken, '--skip-secrets']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/this store already has workspace/);
    expect(sqliteState(taken)).toEqual(before);
  }, 60_000);

  describe('on PostgreSQL', () => {
    const services = serviceOwner();
    let pgdb: RunningPostgres;
    beforeAll(async () => {
      pgdb = await services.start(startPostgres());
    }, 60_000);
    afterAll(() => services.stop());

    it('a failure inside the import transaction (a bad history entry, a conflicting row) leaves every table as it was', async () => {
      const store = await PostgresStore.open(pgdb.url);
      try {
        const other = await store.createWorkspace('Someone else', 'Eve');
        await store.appendUpdate(other.id, Y.encodeStateAsUpdate(new Y.Doc()));
        const before = await pgState(pgdb.url);
        const refused = async (file: string, message: RegExp) => {
          const err = await importWorkspace(file, () => store.openArchiveSink(), { skipSecrets: true }).then(() => null, (e: unknown) => e);
          expect(err, file).toBeInstanceOf(ArchiveError);
          expect((err as Error).message).toMatch(message);
          expect(await pgState(pgdb.url)).toEqual(before);
        };
        // Found in the second pass, after rows are written in the transaction: rolled back.
        await refused(await written(forged(replaced(goodEntries, 'history/2.update', Buffer.from('garbage'))), 'pg-history'), /^history\/2\.update: is not a sound Yjs document/);
        await refused(await written(forged(replaced(goodEntries, 'monitors/history.jsonl', Buffer.from('{"id":1,"monitorId":"m","at":1,"data":"{}","columns":null}\n{"__proto__":{"id":2}}\n'))), 'pg-jsonl'), /^monitors\/history\.jsonl: line 2: id: /);
        // More rows than workspace.json says (the summary and the move route's bound go by what it says).
        const jsonl = goodEntries.find((e) => e.name === 'monitors/history.jsonl')!.data;
        await refused(await written(forged(replaced(goodEntries, 'monitors/history.jsonl', Buffer.concat([jsonl, Buffer.from('{"id":999,"monitorId":"m","at":1,"data":"{}","columns":null}\n')]))), 'pg-jsonl-more'), /^monitors\/history\.jsonl: holds 4 rows; workspace\.json says 3/);
        const swapped = join(dir, 'pg-swap.tar.gz');
        writeFileSync(swapped, await gzOf(goodEntries));
        const gone = await gzOf(goodEntries.filter((e) => e.name !== 'monitors/history.jsonl'));
        const err = await importWorkspace(swapped, async () => {
          writeFileSync(swapped, gone);
          return store.openArchiveSink();
        }, { skipSecrets: true }).then(() => null, (e: unknown) => e);
        expect((err as Error).message).toMatch(/^monitors\/history\.jsonl: was gone when the archive was read again/);
        expect(await pgState(pgdb.url)).toEqual(before);
        // Found in the first pass: the transaction never begins.
        await refused(await written(forged(goodEntries, { rows: (r) => void (r.members as unknown[]).push((r.members as unknown[])[0]) }), 'pg-member-twice'), /^workspace\.json: lists member .* twice/);
        // The good archive still imports after all of that.
        expect(await importWorkspace(good, () => store.openArchiveSink(), { skipSecrets: true })).toMatchObject({ workspaceId: seeded.ws.id, snapshots: 2 });
      } finally {
        await store.close();
      }
    }, 60_000);
  });
});

describe('a hostile archive sent to the move route by an owner', () => {
  let team: SyncServer<ServerStore>;
  let moveEntries: RawEntry[];
  const disposers: (() => void)[] = [];
  beforeAll(async () => {
    team = await startSyncServer({ port: 0, dataDir: join(dir, 'team'), snapshotEveryMs: 0 });
    // What the app sends: an export without blobs (they go through the blob API first).
    const origin = new ServerStore(join(dir, 'origin'));
    const source = await origin.openArchiveSource(seeded.ws.id);
    const file = join(dir, 'move.tar.gz');
    await exportWorkspace(source, file, { blobs: false });
    await source.close();
    origin.close();
    moveEntries = await entriesOf(file);
  }, 60_000);
  afterAll(async () => {
    for (const d of disposers) d();
    await team.close();
  });

  const adopt = (workspaceId: string, token: string, memberId: string, body: Buffer) =>
    fetch(`${team.url}/api/v1/workspaces/${workspaceId}/adopt/${encodeURIComponent(memberId)}`, { method: 'POST', body: new Uint8Array(body), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' } });

  it('refuses each with a 400 naming the entry, changes nothing, and keeps serving another workspace', async () => {
    // Another team's workspace, live: it must keep syncing through every attack.
    const other = team.store.createWorkspace('Other team', 'Olga');
    const olga = connectClient(team.url, other.id, other.token);
    const oscar = connectClient(team.url, other.id, team.store.createMemberToken(other.id, 'editor', 'Oscar').token);
    disposers.push(olga.dispose, oscar.dispose);
    await Promise.all([synced(olga.provider), synced(oscar.provider)]);
    const empty = team.store.createWorkspace('Churn (team)', 'Ada');
    // Its room loaded first (its own first write, the server's upkeep, is not the archive's).
    const owner = connectClient(team.url, empty.id, empty.token);
    await synced(owner.provider);
    await team.flushed();
    owner.dispose();
    const me = seeded.ws.memberId;
    const noteEntry = moveEntries.find((e) => e.name.startsWith('docs/note/'))!.name;
    // Zeros that inflate past what the route reads (1 GiB) in five history entries of 250 MiB, each
    // within its own kind's bound: the tar headers in one gzip member, the zeros in 1 MiB members.
    const quarter = 250 * 1024 * 1024;
    const zeros = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
    const bombParts: Buffer[] = [];
    for (let i = 1; i <= 5; i++) {
      bombParts.push(gzipSync(withSize((await tarOf([{ name: `history/${i}.update`, data: Buffer.alloc(0) }])).subarray(0, 512), quarter)));
      for (let m = 0; m < quarter / (1024 * 1024); m++) bombParts.push(zeros);
    }
    const cases: [string, Buffer, number, string, RegExp][] = [
      ['many', await manyEmptyEntries(200_001, (i) => `history/${i + 1}.update`), 400, 'archive_bad_entry', /^history\/200001\.update: is entry 200001: an archive has at most 200000/],
      ['members', await gzOf(forged(moveEntries, { rows: (r) => void (r.members as unknown[]).push(...Array.from({ length: 10_000 }, (_, i) => ({ id: `m_extra${i}`, name: `M${i}`, role: 'viewer', createdAt: 1 }))) })), 400, 'archive_bad_entry', /^workspace\.json: lists 10002 members; a move brings at most 10000/],
      ['history-rows', await gzOf(forged(replaced(moveEntries, 'monitors/history.jsonl', Buffer.from(Array.from({ length: 250_001 }, (_, i) => `{"id":${i + 1},"monitorId":"m","at":1,"data":"","columns":null}`).join('\n'))), { rows: (r) => void ((r.monitorHistory as { rows: number }).rows = 250_001) })), 400, 'archive_bad_entry', /^workspace\.json: lists 250001 monitor history rows; a move brings at most 250000/],
      ['dotdot', await gzOf([{ name: '../../../../tmp/evil', data: Buffer.from('x') }, ...moveEntries]), 400, 'archive_bad_entry', /^\.\.\/\.\.\/\.\.\/\.\.\/tmp\/evil: is not an entry a workspace archive has/],
      ['absolute', await gzOf([...moveEntries, { name: '/etc/passwd', data: Buffer.from('x') }]), 400, 'archive_bad_entry', /^\/etc\/passwd: is not an entry/],
      ['symlink', await gzOf([{ name: 'docs/workspace.update', data: Buffer.alloc(0), header: { type: 'symlink', linkname: '/etc/shadow' } }, ...moveEntries]), 400, 'archive_bad_entry', /^docs\/workspace\.update: is a symlink/],
      ['hardlink', await gzOf([...moveEntries.slice(0, 1), { name: 'history/1.update', data: Buffer.alloc(0), header: { type: 'link', linkname: 'manifest.json' } }, ...moveEntries.slice(1)]), 400, 'archive_bad_entry', /^history\/1\.update: is a link/],
      ['dup', await gzOf(forged([...moveEntries.slice(0, 1), ...moveEntries])), 400, 'archive_tampered', /appears twice/],
      ['longer', await gzOf(replaced(moveEntries, 'docs/workspace.update', Buffer.concat([moveEntries.find((e) => e.name === 'docs/workspace.update')!.data, Buffer.from([0])]))), 400, 'archive_tampered', /^docs\/workspace\.update: does not match the manifest/],
      ['listed-twice', await gzOf(forged(moveEntries, { manifest: (m) => void m.entries.push({ ...m.entries[0]! }) })), 400, 'archive_tampered', /is listed twice in the manifest/],
      ['doc-garbage', await gzOf(forged(replaced(moveEntries, 'docs/workspace.update', Buffer.from([1, 1, 200, 1, 0, 8, 1, 99, 0, 0])))), 400, 'archive_bad_entry', /^docs\/workspace\.update: is not a sound Yjs document/],
      ['note-garbage', await gzOf(forged(replaced(moveEntries, noteEntry, Buffer.from('not yjs')))), 400, 'archive_bad_entry', new RegExp(`^${noteEntry.replace(/\./g, '\\.')}: is not a sound Yjs document`)],
      ['history-garbage', await gzOf(forged(replaced(moveEntries, 'history/1.update', Buffer.from('not yjs')))), 400, 'archive_bad_entry', /^history\/1\.update: is not a sound Yjs document/],
      ['role', await gzOf(forged(moveEntries, { rows: (r) => void ((r.members as { role: string }[])[1]!.role = 'superuser') })), 400, 'archive_bad_entry', /^workspace\.json: members\.1\.role: /],
      ['proto', await gzOf(forged(moveEntries, { rows: (r) => JSON.stringify(r).replace('"members":', '"__proto__":{"members":[]},"members":').replace(/"role":"editor"/, '"role":"__proto__"') })), 400, 'archive_bad_entry', /^workspace\.json: members\.1\.role: /],
      ['member-twice', await gzOf(forged(moveEntries, { rows: (r) => void (r.members as unknown[]).push({ ...(r.members as object[])[1], role: 'owner' }) })), 400, 'archive_bad_entry', /^workspace\.json: lists member .* twice/],
      ['jsonl', await gzOf(forged(replaced(moveEntries, 'monitors/history.jsonl', Buffer.from('{"id":"1"}\n')))), 400, 'archive_bad_entry', /^monitors\/history\.jsonl: line 1: id: /],
      ['cut', (await gzOf(moveEntries)).subarray(0, 700), 400, 'archive_truncated', /cut short or corrupt/],
      ['trailing', Buffer.concat([await gzOf(moveEntries), Buffer.from('trailing')]), 400, 'archive_', /incorrect header check/],
      ['not-gzip', Buffer.from('{"hello":"world"}'), 400, 'archive_not_an_archive', /is not a Driftdesk workspace archive/],
      ['bomb', Buffer.concat(bombParts), 400, 'archive_bad_entry', /^history\/5\.update: takes the archive past 1073741824 bytes unpacked/],
    ];
    // While the bomb is read, the other workspace syncs.
    const bombing = adopt(empty.id, empty.token, me, Buffer.concat(bombParts));
    createIncident(olga.doc, { title: 'During the bomb', severity: 'low' }, ctx(other.memberId, 'Olga'));
    await waitFor(() => listIncidents(oscar.doc).some((i) => i.title === 'During the bomb'), 'an edit in the other workspace while the bomb is read', 30_000);
    expect((await bombing).status).toBe(400);
    const teamDir = team.store.dataDir;
    const before = sqliteState(teamDir);
    for (const [name, body, status, code, message] of cases) {
      const res = await adopt(empty.id, empty.token, me, body);
      const answer = (await res.json()) as { error: string; code: string };
      expect([name, res.status]).toEqual([name, status]);
      expect(answer.code, name).toMatch(new RegExp(`^${code}`));
      expect(answer.error, name).toMatch(message);
      expect(sqliteState(teamDir), name).toEqual(before);
      expect((await fetch(`${team.url}/healthz`)).status).toBe(200);
    }
    // The archived member the caller claims must be in it; the path cannot name anything else.
    for (const who of ['mem_nobody', '../../members', '__proto__']) {
      const res = await adopt(empty.id, empty.token, who, await gzOf(moveEntries));
      // A path the router does not match is its 404; one it does, the archive's 400.
      expect([400, 404], who).toContain(res.status);
      if (res.status === 400) expect(((await res.json()) as { error: string }).error).toMatch(/the archive has no member/);
    }
    expect(sqliteState(teamDir)).toEqual(before);
    // The other team's workspace went on syncing.
    createIncident(olga.doc, { title: 'Still here', severity: 'low' }, ctx(other.memberId, 'Olga'));
    await waitFor(() => listIncidents(oscar.doc).some((i) => i.title === 'Still here'), 'an edit in the other workspace after the attacks');
    // And the real archive moves in, once, as before.
    const res = await adopt(empty.id, empty.token, me, await gzOf(moveEntries));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { invites: { name: string }[] }).invites.map((i) => i.name)).toEqual(['Bob']);
    const there = connectClient(team.url, empty.id, empty.token);
    disposers.push(there.dispose);
    await synced(there.provider);
    await waitFor(() => listIncidents(there.doc).length === 1, 'the moved incident');
    expect(team.store.listMembers(empty.id).map((m) => m.name).sort()).toEqual(['Ada', 'Bob']);

    // Moved: the same archive again (a retry whose answer was lost) changes nothing and is answered…
    const same = await adopt(empty.id, empty.token, me, await gzOf(moveEntries));
    expect(same.status).toBe(200);
    expect(((await same.json()) as { invites: unknown[] }).invites).toEqual([]);
    // …but one that would change the workspace is not merged as the server: Ada cannot put a
    // comment under Bob's name this way, which the write policy refuses her on a socket.
    const forgedDoc = new Y.Doc();
    Y.applyUpdate(forgedDoc, moveEntries.find((e) => e.name === 'docs/workspace.update')!.data);
    const incidentId = listIncidents(forgedDoc)[0]!.id;
    addComment(forgedDoc, { target: { kind: 'incident', id: incidentId }, body: 'Bob: I approve shipping the drifted model' }, ctx(seeded.bob.memberId, 'Bob'));
    const forgedNote = new Y.Doc();
    Y.applyUpdate(forgedNote, moveEntries.find((e) => e.name === noteEntry)!.data);
    forgedNote.getText('body').insert(0, 'Rewritten by the owner, as the server. ');
    const roomBefore = sqliteState(teamDir);
    for (const [entry, bytes] of [['docs/workspace.update', Y.encodeStateAsUpdate(forgedDoc)], [noteEntry, Y.encodeStateAsUpdate(forgedNote)]] as const) {
      const res = await adopt(empty.id, empty.token, me, await gzOf(forged(replaced(moveEntries, entry, Buffer.from(bytes)))));
      expect([entry, res.status]).toEqual([entry, 409]);
      expect(((await res.json()) as { error: string }).error).toMatch(/was moved here already; an archive that changes it is not merged/);
    }
    expect(sqliteState(teamDir)).toEqual(roomBefore);
    expect(JSON.stringify(there.doc.toJSON())).not.toContain('I approve shipping');
  }, 120_000);

  it('refuses a doc larger than the team server lets a doc grow, before any member is added', async () => {
    const small = await startSyncServer({ port: 0, dataDir: join(dir, 'team-small'), snapshotEveryMs: 0, limits: { maxDocBytes: 256 } });
    try {
      const doc = moveEntries.find((e) => e.name === 'docs/workspace.update')!;
      expect(doc.data.byteLength).toBeGreaterThan(256);
      const target = small.store.createWorkspace('Small', 'Ada');
      const before = small.store.listMembers(target.id);
      const res = await fetch(`${small.url}/api/v1/workspaces/${target.id}/adopt/${seeded.ws.memberId}`, {
        method: 'POST', body: new Uint8Array(await gzOf(moveEntries)), headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/gzip' },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(new RegExp(`^docs/workspace\\.update: is ${doc.data.byteLength} bytes, more than a doc on this server may hold`));
      expect(small.store.listMembers(target.id)).toEqual(before);
    } finally {
      await small.close();
    }
  });
});

describe('a hostile archive sent to the move route of a team server on PostgreSQL', () => {
  const services = serviceOwner();
  afterAll(() => services.stop());

  it('is refused with a 400 and every table as it was', async () => {
    const pgdb = await services.start(startPostgres());
    const pgTeam = await startSyncServer({ port: 0, store: await PostgresStore.open(pgdb.url), snapshotEveryMs: 0 });
    try {
      const origin = new ServerStore(join(dir, 'origin'));
      const source = await origin.openArchiveSource(seeded.ws.id);
      const file = join(dir, 'move-pg.tar.gz');
      await exportWorkspace(source, file, { blobs: false });
      await source.close();
      origin.close();
      const entries = await entriesOf(file);
      const empty = await pgTeam.store.createWorkspace('Churn (team)', 'Ada');
      // The room loaded first (its own first write, the server's upkeep, is not the archive's).
      const owner = connectClient(pgTeam.url, empty.id, empty.token);
      await synced(owner.provider);
      await pgTeam.flushed();
      owner.dispose();
      const before = await pgState(pgdb.url);
      const cases: [string, Buffer, RegExp][] = [
        ['doc-garbage', await gzOf(forged(replaced(entries, 'docs/workspace.update', Buffer.from([1, 1, 200, 1, 0, 8, 1, 99, 0, 0])))), /^docs\/workspace\.update: is not a sound Yjs document/],
        ['history-garbage', await gzOf(forged(replaced(entries, 'history/2.update', Buffer.from('x')))), /^history\/2\.update: is not a sound Yjs document/],
        ['member-twice', await gzOf(forged(entries, { rows: (r) => void (r.members as unknown[]).push((r.members as unknown[])[1]) })), /^workspace\.json: lists member .* twice/],
        ['jsonl', await gzOf(forged(replaced(entries, 'monitors/history.jsonl', Buffer.from('{"id":1,"monitorId":"m","at":1,"data":"{}","columns":null}\n{"id":1,"monitorId":"m","at":2,"data":"{}","columns":null}\n')))), /^monitors\/history\.jsonl: line 2: row 1 appears twice/],
        ['symlink', await gzOf([{ name: 'docs/workspace.update', data: Buffer.alloc(0), header: { type: 'symlink', linkname: '/etc/passwd' } }, ...entries]), /^docs\/workspace\.update: is a symlink/],
      ];
      for (const [name, body, message] of cases) {
        const res = await fetch(`${pgTeam.url}/api/v1/workspaces/${empty.id}/adopt/${seeded.ws.memberId}`, {
          method: 'POST', body: new Uint8Array(body), headers: { authorization: `Bearer ${empty.token}`, 'content-type': 'application/gzip' },
        });
        const answer = (await res.json()) as { error: string };
        expect([name, res.status === 400 || res.status === 409]).toEqual([name, true]);
        expect(answer.error, name).toMatch(message);
        expect(await pgState(pgdb.url), name).toEqual(before);
      }
      const ok = await fetch(`${pgTeam.url}/api/v1/workspaces/${empty.id}/adopt/${seeded.ws.memberId}`, {
        method: 'POST', body: new Uint8Array(await gzOf(entries)), headers: { authorization: `Bearer ${empty.token}`, 'content-type': 'application/gzip' },
      });
      expect(ok.status).toBe(200);
      expect((await pgTeam.store.listMembers(empty.id)).map((m) => m.name).sort()).toEqual(['Ada', 'Bob']);
    } finally {
      await pgTeam.close();
    }
  }, 120_000);
});

/** A tar header block with its size field (and checksum) changed: a header that promises `size` bytes. */
function withSize(header: Buffer, size: number): Buffer {
  const out = Buffer.from(header);
  out.write(size.toString(8).padStart(11, '0') + '\0', 124, 12, 'ascii');
  out.fill(' ', 148, 156);
  let sum = 0;
  for (const b of out) sum += b;
  out.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return out;
}

describe('online backups in a folder an attacker or a full disk shares', () => {
  let server: SyncServer<ServerStore>;
  const disposers: (() => void)[] = [];
  beforeAll(async () => {
    server = await startSyncServer({ port: 0, dataDir: join(dir, 'backup-server'), snapshotEveryMs: 0 });
  });
  afterAll(async () => {
    for (const d of disposers) d();
    await server.close();
  });

  /** A backup runner on the live server's store, with its own clock and metrics. */
  const runner = (backupDir: string, keep: number, clock: { now: number }) => {
    const registry = new Registry();
    const events: Record<string, unknown>[] = [];
    const backups = startBackups(server.store, { dir: backupDir, everyMs: 3_600_000, keep }, registry, (e) => events.push(e), () => clock.now);
    return { backups, events, metrics: () => registry.metrics() };
  };

  it('--keep prunes only its own archives: a person’s files, links named like archives and archives from the future stay, and a new backup is never the one pruned', async () => {
    const ws = server.store.createWorkspace('Pruned', 'Ada');
    server.store.appendUpdate(ws.id, Y.encodeStateAsUpdate(new Y.Doc()));
    const backupDir = join(dir, 'backups-prune');
    const folder = join(backupDir, ws.id);
    mkdirSync(folder, { recursive: true });
    // A person's own files: notes, and precious archives outside the folder that links point at.
    writeFileSync(join(folder, 'notes.txt'), 'restore drill: see runbook');
    writeFileSync(join(backupDir, 'precious.tar.gz'), 'the only copy');
    const old = (ms: number) => `${ws.id}-${new Date(ms).toISOString().replace(/[-:.]/g, '')}.tar.gz`;
    symlinkSync(join(backupDir, 'precious.tar.gz'), join(folder, old(Date.UTC(2001, 0, 1))));
    symlinkSync('/etc/hostname', join(folder, old(Date.UTC(2001, 0, 2))));
    mkdirSync(join(folder, old(Date.UTC(2001, 0, 3))));
    writeFileSync(join(folder, old(Date.UTC(2001, 0, 3)), 'inside.txt'), 'kept');
    // Named as an archive of 2999: not ours to count or prune (ours are never stamped after the run).
    const future = old(Date.UTC(2999, 0, 1));
    writeFileSync(join(folder, future), 'an operator’s file');
    const clock = { now: Date.UTC(2026, 11, 1) };
    const { backups } = runner(backupDir, 1, clock);
    try {
      const mine: string[] = [];
      for (let i = 0; i < 3; i++) {
        clock.now += 60_000;
        const run = await backups.runNow();
        expect(run.failed).toEqual([]);
        expect(run.written).toEqual([join(folder, backupFileName(ws.id, clock.now))]);
        mine.push(run.written[0]!);
        // keep 1: the archive just written is the one kept, each time.
        expect(existsSync(run.written[0]!)).toBe(true);
      }
      expect(mine.slice(0, 2).map(existsSync)).toEqual([false, false]);
      expect(readFileSync(join(backupDir, 'precious.tar.gz'), 'utf8')).toBe('the only copy');
      expect(lstatSync(join(folder, old(Date.UTC(2001, 0, 1)))).isSymbolicLink()).toBe(true);
      expect(lstatSync(join(folder, old(Date.UTC(2001, 0, 2)))).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(folder, old(Date.UTC(2001, 0, 3)), 'inside.txt'), 'utf8')).toBe('kept');
      expect(readFileSync(join(folder, future), 'utf8')).toBe('an operator’s file');
      expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('restore drill: see runbook');
      // A `.partial` that is a link is not ours to remove either.
      const partialLink = join(folder, `${old(Date.UTC(2001, 0, 4))}.partial`);
      symlinkSync(join(backupDir, 'precious.tar.gz'), partialLink);
      clock.now += 60_000;
      expect((await backups.runNow()).failed).toEqual([]);
      expect(lstatSync(partialLink).isSymbolicLink()).toBe(true);
    } finally {
      await backups.stop();
    }
  });

  it('a backup period a timer cannot hold (past 24.8 days) is a usage error, not backups every millisecond', async () => {
    for (const every of ['25d', '30d', '999999999d']) {
      const r = await cli(['server', '--port', '0', '--data', join(dir, 'every-data'), '--backup-dir', join(dir, 'every-backups'), '--backup-every', every], {}, 8_000);
      expect([every, r.code]).toEqual([every, 2]);
      expect(r.stderr).toContain(`--backup-every takes a duration like 30m, 1h or 1d, at most 24d, got ${every}`);
    }
    expect(existsSync(join(dir, 'every-backups'))).toBe(false);
    expect(() => startBackups(server.store, { dir: join(dir, 'every-backups'), everyMs: 30 * 86_400_000, keep: 1 }, new Registry(), () => {})).toThrow(/between 1 s and 2147483647 ms/);
  }, 60_000);

  it('a disk that fills mid-archive or a folder that turns unwritable is reported, leaves no .partial, and the server and the next run go on', async () => {
    const ws = server.store.createWorkspace('Full disk', 'Ada');
    const ada = connectClient(server.url, ws.id, ws.token);
    const bob = connectClient(server.url, ws.id, server.store.createMemberToken(ws.id, 'editor', 'Bob').token);
    disposers.push(ada.dispose, bob.dispose);
    await Promise.all([synced(ada.provider), synced(bob.provider)]);
    // Two megabytes that do not compress: the archive's first gzip member is written mid-blob.
    const blob = randomBytes(2 * 1024 * 1024);
    server.store.putBlob(ws.id, sha256(blob), blob);
    await server.flushed();
    const backupDir = join(dir, 'backups-full');
    const folder = join(backupDir, ws.id);
    mkdirSync(folder, { recursive: true });
    const clock = { now: Date.UTC(2026, 11, 2) };
    const { backups, events, metrics } = runner(backupDir, 3, clock);
    try {
      // A link planted at the name the next archive is written under first: never written through.
      clock.now += 60_000;
      writeFileSync(join(backupDir, 'victim.txt'), 'not an archive');
      symlinkSync(join(backupDir, 'victim.txt'), `${join(folder, backupFileName(ws.id, clock.now))}.partial`);
      const planted = await backups.runNow();
      expect(planted.written).toContain(join(folder, backupFileName(ws.id, clock.now)));
      expect(readFileSync(join(backupDir, 'victim.txt'), 'utf8')).toBe('not an archive');
      expect(lstatSync(join(folder, backupFileName(ws.id, clock.now))).isFile()).toBe(true);
      rmSync(folder, { recursive: true });
      mkdirSync(folder);

      // The disk fills: the folder is a 512 KiB file system, and the archive needs 2 MB.
      clock.now += 60_000;
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k,mode=0700', 'tmpfs', folder]);
      let fullResult: Awaited<ReturnType<typeof backups.runNow>>;
      try {
        fullResult = await backups.runNow();
        expect(readdirSync(folder)).toEqual([]);
      } finally {
        execFileSync('umount', [folder]);
      }
      // (Every workspace of the server is backed up; this one's folder is the one under attack.)
      const mineOnly = <T extends { written: string[]; failed: { workspaceId: string; error: string }[] }>(run: T) => ({ written: run.written.filter((f) => f.startsWith(folder)), failed: run.failed.filter((f) => f.workspaceId === ws.id) });
      const full = mineOnly(fullResult);
      expect(full.written).toEqual([]);
      expect(full.failed).toEqual([{ workspaceId: ws.id, error: expect.stringMatching(/ENOSPC|no space left/i) as unknown as string }]);
      expect(events.find((e) => e.event === 'backup_failed')).toMatchObject({ workspace: ws.id });
      expect(await metrics()).toMatch(/driftdesk_backup_failures_total 1\b/);
      const archivesTotal = async () => Number(/driftdesk_backup_archives_total (\d+)/.exec(await metrics())![1]);
      const writtenBefore = await archivesTotal();
      expect(await metrics()).toMatch(/driftdesk_backup_last_failure_timestamp_seconds [1-9]/);
      expect(readdirSync(folder)).toEqual([]);
      // The server went on serving the workspace being backed up.
      createIncident(ada.doc, { title: 'After the full disk', severity: 'low' }, ctx(ws.memberId, 'Ada'));
      await waitFor(() => listIncidents(bob.doc).length === 1, 'an edit after the failed backup');
      await server.flushed();

      // The folder turns unwritable (immutable: root writes anywhere a mode allows).
      const root = process.getuid?.() === 0;
      if (root) execFileSync('chattr', ['+i', folder]);
      else execFileSync('chmod', ['0500', folder]);
      try {
        clock.now += 60_000;
        const unwritable = mineOnly(await backups.runNow());
        expect(unwritable.written).toEqual([]);
        expect(unwritable.failed.map((f) => f.workspaceId)).toEqual([ws.id]);
        expect(unwritable.failed[0]!.error).toMatch(/EPERM|EACCES|not permitted|permission denied/i);
        expect(await metrics()).toMatch(/driftdesk_backup_failures_total 2\b/);
      } finally {
        if (root) execFileSync('chattr', ['-i', folder]);
        else execFileSync('chmod', ['0700', folder]);
      }
      expect(readdirSync(folder)).toEqual([]);

      // Space again: the next run writes a whole archive, which imports with the edit made in between.
      clock.now += 60_000;
      const again = mineOnly(await backups.runNow());
      expect(again.failed).toEqual([]);
      expect(readdirSync(folder)).toEqual([backupFileName(ws.id, clock.now)]);
      expect(await archivesTotal()).toBe(writtenBefore + 1 + (server.store.workspaceIds().length - 1) * 2);
      const restored = new ServerStore(join(dir, 'restored-after-full'));
      try {
        expect(await importWorkspace(again.written[0]!, () => restored.openArchiveSink())).toMatchObject({ blobs: 1 });
        const doc = new Y.Doc();
        Y.applyUpdate(doc, restored.loadDoc(ws.id));
        expect(listIncidents(doc).map((i) => i.title)).toEqual(['After the full disk']);
      } finally {
        restored.close();
      }
    } finally {
      await backups.stop();
    }
  }, 60_000);
});

describe('webhook secrets sealed with a passphrase', () => {
  it('a wrong passphrase, a changed byte, a cut tag, a ruinous scrypt cost or a sealed non-webhook is refused with nothing written', async () => {
    const passphrase = 'correct horse battery staple';
    const origin = new ServerStore(join(dir, 'origin'));
    const sealedFile = join(dir, 'sealed.tar.gz');
    const source = await origin.openArchiveSource(seeded.ws.id);
    await exportWorkspace(source, sealedFile, { passphrase });
    await source.close();
    origin.close();
    const sealedEntries = await entriesOf(sealedFile);
    const store = targetStore('target-sealed');
    try {
      type Sealed = { N: number; r: number; p: number; salt: string; iv: string; tag: string; data: string };
      const withSealed = (change: (s: Sealed) => void) => forged(sealedEntries, { rows: (r) => void change((r.webhooks as { sealed: Sealed }[])[0]!.sealed) });
      const flip = (b64: string, at = 0) => {
        const b = Buffer.from(b64, 'base64');
        b[at] = b[at]! ^ 1;
        return b.toString('base64');
      };
      await refusedBy(store, sealedFile, 'passphrase', /^workspace\.json webhook [^:]+: the passphrase does not open the webhook secrets/, { passphrase: 'not the passphrase at all' });
      const changes: [string, (s: Sealed) => void][] = [
        ['data', (x) => void (x.data = flip(x.data, 3))],
        ['tag', (x) => void (x.tag = flip(x.tag))],
        ['iv', (x) => void (x.iv = flip(x.iv))],
        ['salt', (x) => void (x.salt = flip(x.salt))],
        ['cost', (x) => void (x.N = 2 ** 14)],
        // The genuine tag's first 4 bytes: GCM checks only as many bytes as it is given, unless told the length.
        ['short-tag', (x) => void (x.tag = Buffer.from(x.tag, 'base64').subarray(0, 4).toString('base64'))],
        ['no-tag', (x) => void (x.tag = '')],
        ['not-base64', (x) => void (x.data = '!!!not base64!!!')],
      ];
      for (const [name, change] of changes) {
        await refusedBy(store, await written(withSealed(change), `sealed-${name}`), 'passphrase', /the passphrase does not open the webhook secrets \(wrong passphrase, or the archive was changed\)/, { passphrase });
      }
      // A cost that would take gigabytes and minutes per webhook is refused before scrypt runs.
      for (const cost of [{ N: 2 ** 20, r: 16, p: 4 }, { N: 2 ** 19, r: 8, p: 1 }, { N: 2 ** 15, r: 64, p: 1 }, { N: 2 ** 15, r: 8, p: 16 }]) {
        await refusedBy(store, await written(withSealed((x) => Object.assign(x, cost)), `sealed-cost-${cost.N}-${cost.r}-${cost.p}`), 'bad_entry', /the sealed secrets ask for an unreasonable scrypt cost/, { passphrase });
      }
      // Sealed properly, with the passphrase the archive's maker chose, but not a webhook inside.
      for (const plain of ['not json', '{"url":"javascript:alert(1)","secret":"s"}', '{"url":"https://ok.example.com/h","secret":5}', '{"__proto__":{"url":"https://x.example.com","secret":"s"}}']) {
        const file = await written(withSealed((x) => Object.assign(x, seal(plain, passphrase))), `sealed-plain-${sha256(Buffer.from(plain)).slice(0, 8)}`);
        await refusedBy(store, file, 'bad_entry', /^workspace\.json: webhook [^:]+: its sealed URL and secret are not a webhook's/, { passphrase });
      }
      // The genuine archive opens with the genuine passphrase.
      expect(await importWorkspace(sealedFile, () => store.openArchiveSink(), { passphrase })).toMatchObject({ webhooks: 1 });
      expect(store.listWebhooks(seeded.ws.id).map((h) => h.url)).toEqual(['https://hooks.example.com/services/T000/B000/XXXXSECRET']);
    } finally {
      store.close();
    }
  }, 120_000);
});
