/**
 * Workspace archives (issue 21): SQLite → archive → PostgreSQL → archive → SQLite gives the
 * same docs and blobs byte for byte, the same members, tokens, roles and history; a tampered,
 * truncated, newer-format or conflicting archive is refused naming the entry, with nothing
 * written. Real SQLite files, a real PostgreSQL, the real CLI for export and import.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ArchiveError } from '../../server/archive/archive-format.ts';
import { importWorkspace, verifyArchive } from '../../server/archive/import-workspace.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import { INSERT_BATCH } from '../../server/sqlite-batches.ts';
import { ServerStore } from '../../server/store.ts';
import type { Store } from '../../server/store-contract.ts';
import { addComment, createIncident, createNote, initWorkspace, threadDocName } from '../../src/core/workspace/index.ts';
import { type RunningPostgres, serviceOwner, startPostgres } from '../helpers/services.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const services = serviceOwner();
let pg: RunningPostgres;
let dir: string;
beforeAll(async () => {
  pg = await services.start(startPostgres());
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-archive-'));
}, 60_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await services.stop();
});

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/driftdesk', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A workspace with a history: incidents and comments from two clients, a note doc, a conversation doc, every doc's snapshots, blobs, a webhook. */
function seed(store: ServerStore) {
  const ws = store.createWorkspace('Churn model', 'Ada');
  const editor = store.createMemberToken(ws.id, 'editor', 'Bob');
  const viewer = store.createMemberToken(ws.id, 'viewer', 'Vic');
  const revoked = store.createMemberToken(ws.id, 'commenter', 'Cy');
  store.revokeToken(revoked.token);
  const ada = new Y.Doc();
  const bob = new Y.Doc();
  const ctx = (id: string, name: string) => ({ actor: { id, name }, now: Date.now, newId: () => crypto.randomUUID() });
  const log = (doc: Y.Doc, docName: string) => doc.on('update', (u: Uint8Array) => store.appendUpdate(docName, u));
  log(ada, ws.id);
  log(bob, ws.id);
  initWorkspace(ada, { id: ws.id, name: 'Churn model' }, { now: Date.now });
  let firstIncident = '';
  for (let i = 0; i < 30; i++) {
    const incident = createIncident(ada, { title: `Drift on feature ${i}`, severity: i % 2 ? 'high' : 'low' }, ctx(ws.memberId, 'Ada'));
    firstIncident ||= incident.id;
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(ada));
    addComment(bob, { target: { kind: 'incident', id: incident.id }, body: `Looking at ${i} — é✓` }, ctx(editor.memberId, 'Bob'));
    Y.applyUpdate(ada, Y.encodeStateAsUpdate(bob));
    if (i === 10 || i === 20) store.addSnapshot(ws.id, Y.encodeStateAsUpdate(ada), 1_700_000_000_000 + i);
  }
  const note = createNote(ada, { title: 'Why the churn model drifts' }, ctx(ws.memberId, 'Ada'));
  const noteDoc = new Y.Doc();
  log(noteDoc, `${ws.id}:note:${note.id}`);
  noteDoc.getText('body').insert(0, '# Findings\n\nThe tenure column moved in March.');
  // A conversation doc with its own history, taken between the workspace doc's (per-doc history, issue 20).
  const thread = threadDocName(ws.id, { kind: 'incident', id: firstIncident });
  const conversation = new Y.Doc();
  log(conversation, thread);
  addComment(ada, { target: { kind: 'incident', id: firstIncident }, body: 'Moved to its own doc' }, ctx(ws.memberId, 'Ada'), conversation);
  store.addSnapshot(thread, Y.encodeStateAsUpdate(conversation), 1_700_000_000_015);
  addComment(ada, { target: { kind: 'incident', id: firstIncident }, body: 'And answered there' }, ctx(ws.memberId, 'Ada'), conversation);
  store.addSnapshot(thread, Y.encodeStateAsUpdate(conversation), 1_700_000_000_025);
  store.addSnapshot(`${ws.id}:note:${note.id}`, Y.encodeStateAsUpdate(noteDoc), 1_700_000_000_020);
  const blobs = [randomBytes(3 * 1024 * 1024), Buffer.from('{"metric":"auc"}'), randomBytes(10)];
  for (const b of blobs) store.putBlob(ws.id, sha(b), b);
  const hook = store.createWebhook(ws.id, 'https://hooks.example.com/services/T000/B000/XXXXSECRET', 'incidents', Date.now());
  store.saveDelivery(ws.id, { id: 'd1', webhookId: hook.id, url: 'https://hooks.example.com/services/T000/B000/XXXXSECRET', event: 'incident.opened', status: 'delivered', attempts: 1, lastStatus: 200, lastError: null, createdAt: 1, updatedAt: 2 });
  store.markMonitored(ws.id);
  // Two monitors' history, kept outside the doc; incidents' findings cite rows by id.
  for (let i = 0; i < 25; i++) {
    store.db.prepare(INSERT_BATCH)
      .get(ws.id, i % 2 ? 'mon_a' : 'mon_b', 1_700_000_000_000 + i * 3_600_000, JSON.stringify({ kind: 'batch', rows: 100 + i, driftShare: i / 25, outcomes: [] }), i % 3 ? JSON.stringify([{ name: 'age', score: i / 100 }]) : null);
  }
  return { ws, editor, viewer, revoked, note, thread, blobs, hook };
}

/** A doc's history snapshots, read back through the store's own calls: times and bytes. */
async function historyOf(store: Store, docName: string) {
  return Promise.all((await store.listSnapshots(docName)).map(async (s) => ({ createdAt: s.createdAt, sha: sha((await store.getSnapshot(docName, s.id))!) })));
}

/** Everything a workspace is, read back through the store's own calls. */
async function snapshotOf(store: Store, id: string, noteId: string, thread: string) {
  const members = (await store.listMembers(id)).map(({ memberId, name, role, activeTokens, revokedTokens, createdAt }) => ({ memberId, name, role, activeTokens, revokedTokens, createdAt }));
  return {
    workspace: await store.getWorkspace(id),
    members,
    doc: Buffer.from(await store.loadDoc(id)).toString('base64'),
    note: Buffer.from(await store.loadDoc(`${id}:note:${noteId}`)).toString('base64'),
    conversation: Buffer.from(await store.loadDoc(thread)).toString('base64'),
    snapshots: await historyOf(store, id),
    noteSnapshots: await historyOf(store, `${id}:note:${noteId}`),
    conversationSnapshots: await historyOf(store, thread),
    monitored: (await store.monitoredWorkspaces()).includes(id),
    history: await Promise.all(['mon_a', 'mon_b'].map((m) => store.listMonitorBatches(id, m, { limit: 1000 }))),
  };
}

/** Rewrites an archive entry by entry (to tamper with one as an attacker would). */
async function rewrite(from: string, to: string, change: (name: string, data: Buffer) => Buffer | null, extra?: { name: string; data: Buffer }) {
  const extract = tar.extract();
  const pack = tar.pack();
  const out = pipeline(pack, createGzip(), createWriteStream(to));
  const feed = pipeline(createReadStream(from), createGunzip(), extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry as AsyncIterable<Buffer>) chunks.push(c);
    const data = change(entry.header.name, Buffer.concat(chunks));
    if (data) await new Promise<void>((r, j) => pack.entry({ name: entry.header.name, size: data.byteLength }, data, (e) => (e ? j(e) : r())));
  }
  if (extra) await new Promise<void>((r, j) => pack.entry({ name: extra.name, size: extra.data.byteLength }, extra.data, (e) => (e ? j(e) : r())));
  await feed;
  pack.finalize();
  await out;
}

async function rowCounts(store: ServerStore) {
  const tables = ['workspaces', 'members', 'tokens', 'doc_updates', 'doc_history', 'blobs', 'webhooks', 'webhook_deliveries'];
  return Object.fromEntries(tables.map((t) => [t, (store.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
}

describe('workspace archives', () => {
  it('SQLite → archive → PostgreSQL → archive → SQLite keeps every doc, blob, member, token and snapshot byte for byte', async () => {
    const origin = new ServerStore(join(dir, 'origin'));
    const seeded = seed(origin);
    const before = await snapshotOf(origin, seeded.ws.id, seeded.note.id, seeded.thread);
    origin.close();

    const first = join(dir, 'first.tar.gz');
    const passFile = join(dir, 'pass.txt');
    writeFileSync(passFile, 'correct horse battery staple\n');
    const exported = await cli(['workspace', 'export', seeded.ws.id, '--data', join(dir, 'origin'), '--out', first, '--include-secrets', '--passphrase-file', passFile]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ workspaceId: seeded.ws.id, docs: 3, snapshots: 5, blobs: 3, members: 4, webhooks: 1, monitorHistoryRows: 25 });
    expect(before.history.map((p) => p.batches.length)).toEqual([12, 13]);
    expect([before.snapshots.length, before.noteSnapshots.length, before.conversationSnapshots.length]).toEqual([2, 1, 2]);
    // The secret URL is sealed: nowhere in the archive's bytes in the clear.
    const { rows } = await verifyArchive(first);
    expect(JSON.stringify(rows)).not.toContain('XXXXSECRET');
    // Every doc's snapshots, oldest first, each naming its doc.
    expect(rows.snapshots.map((s) => [s.doc, s.createdAt - 1_700_000_000_000])).toEqual([['', 10], [`thread:incident:${seeded.thread.split(':').pop()}`, 15], ['', 20], [`note:${seeded.note.id}`, 20], [`thread:incident:${seeded.thread.split(':').pop()}`, 25]]);
    expect(rows.deliveries[0]!.origin).toBe('https://hooks.example.com');

    const imported = await cli(['workspace', 'import', first, '--postgres', pg.url, '--passphrase-file', passFile]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const pgStore = await PostgresStore.open(pg.url);
    try {
      expect(await snapshotOf(pgStore, seeded.ws.id, seeded.note.id, seeded.thread)).toEqual(before);
      for (const b of seeded.blobs) expect(Buffer.from((await pgStore.getBlob(seeded.ws.id, sha(b)))!).equals(b)).toBe(true);
      // The same tokens open it; the revoked one stays revoked; the webhook signs with the same secret.
      expect(await pgStore.authenticate(seeded.editor.token)).toMatchObject({ workspaceId: seeded.ws.id, role: 'editor', name: 'Bob' });
      expect(await pgStore.authenticate(seeded.revoked.token)).toBeUndefined();
      expect(await pgStore.webhookTargets(seeded.ws.id, 'incidents')).toEqual([{ ...seeded.hook }]);
      // Rows came with their ids; the next batch still gets a fresh one.
      const next = await pgStore.addMonitorBatch(seeded.ws.id, { monitorId: 'mon_a', at: 1_800_000_000_000, columns: [] } as unknown as Parameters<typeof pgStore.addMonitorBatch>[1]);
      expect(next).toBeGreaterThan(Math.max(...before.history.flatMap((p) => p.batches.map((b) => b.id))));
    } finally {
      await pgStore.close();
    }

    const second = join(dir, 'second.tar.gz');
    expect((await cli(['workspace', 'export', seeded.ws.id, '--postgres', pg.url, '--out', second])).code).toBe(0);
    const back = join(dir, 'back');
    const again = await cli(['workspace', 'import', second, '--data', back]);
    expect(again.code).toBe(0);
    // Exported without --include-secrets: the webhook is named so it can be added again.
    expect(again.stderr).toContain(`webhook ${seeded.hook.id} (incidents, https://hooks.example.com) was not imported`);
    const final = new ServerStore(back);
    try {
      const after = await snapshotOf(final, seeded.ws.id, seeded.note.id, seeded.thread);
      // The batch added on PostgreSQL came along too.
      expect(after.history[0]!.batches.at(-1)!.at).toBe(1_800_000_000_000);
      expect({ ...after, history: [{ ...after.history[0]!, batches: after.history[0]!.batches.slice(0, -1) }, after.history[1]] }).toEqual(before);
      for (const b of seeded.blobs) expect(Buffer.from(final.getBlob(seeded.ws.id, sha(b))!).equals(b)).toBe(true);
      expect(final.authenticate(seeded.viewer.token)).toMatchObject({ role: 'viewer' });
      expect(final.listWebhooks(seeded.ws.id)).toEqual([]);
    } finally {
      final.close();
    }
  }, 120_000);

  it('refuses tampered, truncated, newer-format, poisoned and conflicting archives, naming the entry, with nothing written', async () => {
    const store = new ServerStore(join(dir, 'tamper-origin'));
    const seeded = seed(store);
    const archive = join(dir, 'good.tar.gz');
    const { exportWorkspace } = await import('../../server/archive/export-workspace.ts');
    const source = await store.openArchiveSource(seeded.ws.id);
    await exportWorkspace(source, archive);
    await source.close();
    store.close();

    const target = new ServerStore(join(dir, 'tamper-target'));
    const empty = await rowCounts(target);
    const refused = async (file: string, code: ArchiveError['code'], message: RegExp) => {
      const err = await importWorkspace(file, () => target.openArchiveSink()).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ArchiveError);
      expect((err as ArchiveError).code).toBe(code);
      expect((err as Error).message).toMatch(message);
      expect(await rowCounts(target)).toEqual(empty);
    };
    const blobEntry = `blobs/${sha(seeded.blobs[1]!)}`;
    const variant = async (name: string, change: Parameters<typeof rewrite>[2], extra?: Parameters<typeof rewrite>[3]) => {
      const file = join(dir, `${name}.tar.gz`);
      await rewrite(archive, file, change, extra);
      return file;
    };

    // A blob's bytes changed (its name no longer its hash).
    await refused(await variant('blob', (n, d) => (n === blobEntry ? Buffer.from('{"metric":"f1"}') : d)), 'tampered', new RegExp(`^${blobEntry}: its bytes do not hash to its name`));
    // A doc changed: the manifest's hash says so.
    await refused(await variant('doc', (n, d) => (n === 'docs/workspace.update' ? Buffer.concat([d, Buffer.from([0])]) : d)), 'tampered', /^docs\/workspace\.update: does not match the manifest/);
    // An entry dropped, and one added.
    await refused(await variant('missing', (n, d) => (n === 'history/1.update' ? null : d)), 'truncated', /^history\/1\.update: is in the manifest but not in the archive/);
    await refused(await variant('extra', (n, d) => d, { name: 'docs/note/evil.update', data: Buffer.from([0]) }), 'tampered', /^docs\/note\/evil\.update: is not listed in the manifest/);
    await refused(await variant('escape', (n, d) => d, { name: '../../etc/passwd', data: Buffer.from('x') }), 'bad_entry', /^\.\.\/\.\.\/etc\/passwd: is not an entry a workspace archive has/);
    // A newer format: refused before anything else about it is believed.
    await refused(await variant('newer', (n, d) => (n === 'manifest.json' ? Buffer.from(JSON.stringify({ ...JSON.parse(d.toString()), version: 2 })) : d)), 'newer_format', /format 2 is newer than this Driftdesk reads \(1\)/);
    // Cut short.
    const cut = join(dir, 'cut.tar.gz');
    writeFileSync(cut, readFileSync(archive));
    truncateSync(cut, Math.floor(statSync(cut).size * 0.6));
    await refused(cut, 'truncated', /cut short or corrupt/);
    // Not an archive at all.
    const junk = join(dir, 'junk.tar.gz');
    writeFileSync(junk, randomBytes(5000));
    await refused(junk, 'not_an_archive', /is not a Driftdesk workspace archive/);
    // A poisoned doc with a manifest rewritten to match: the structural check still refuses it.
    const poison = Buffer.from([1, 1, 200, 1, 0, 8, 1, 99, 0, 0]);
    const rehashed = await variant('poison', (n, d) => {
      if (n === 'docs/workspace.update') return poison;
      if (n !== 'manifest.json') return d;
      const m = JSON.parse(d.toString()) as { entries: { path: string; sha256: string; bytes: number }[] };
      for (const e of m.entries) if (e.path === 'docs/workspace.update') Object.assign(e, { sha256: sha(poison), bytes: poison.byteLength });
      return Buffer.from(JSON.stringify(m));
    });
    await refused(rehashed, 'bad_entry', /^docs\/workspace\.update: is not a sound Yjs document/);
    // A history line that is not a row, with the manifest rewritten to match: named by its line.
    const badLine = Buffer.from('{"id":1,"monitorId":"mon_a","at":1,"data":"{}","columns":null}\n{"id":"two"}\n');
    const badHistory = await variant('history', (n, d) => {
      if (n === 'monitors/history.jsonl') return badLine;
      if (n !== 'manifest.json') return d;
      const m = JSON.parse(d.toString()) as { entries: { path: string; sha256: string; bytes: number }[] };
      for (const e of m.entries) if (e.path === 'monitors/history.jsonl') Object.assign(e, { sha256: sha(badLine), bytes: badLine.byteLength });
      return Buffer.from(JSON.stringify(m));
    });
    await refused(badHistory, 'bad_entry', /^monitors\/history\.jsonl: line 2: id: /);
    // workspace.json rewritten (and the manifest to match), as an attacker or an older Driftdesk would.
    const withRows = (name: string, change: (rows: { snapshots: { doc?: string }[] }) => void) => {
      let rewritten = Buffer.alloc(0);
      return variant(name, (n, d) => {
        if (n === 'workspace.json') {
          const rows = JSON.parse(d.toString()) as { snapshots: { doc?: string }[] };
          change(rows);
          rewritten = Buffer.from(JSON.stringify(rows));
          return rewritten;
        }
        if (n !== 'manifest.json') return d;
        const m = JSON.parse(d.toString()) as { entries: { path: string; sha256: string; bytes: number }[] };
        for (const e of m.entries) if (e.path === 'workspace.json') Object.assign(e, { sha256: sha(rewritten), bytes: rewritten.byteLength });
        return Buffer.from(JSON.stringify(m));
      });
    };
    // A snapshot said to be of a doc that is none of the workspace's kinds.
    await refused(await withRows('snapshot-doc', (rows) => void (rows.snapshots[1]!.doc = 'members:evil')), 'bad_entry', /^workspace\.json: lists history snapshot history\/2\.update of doc "members:evil"/);
    // An archive made before per-doc history names no doc: its snapshots are the workspace doc's.
    const older = await withRows('older', (rows) => {
      for (const snap of rows.snapshots) delete snap.doc;
    });
    const olderTarget = new ServerStore(join(dir, 'older-target'));
    expect(await importWorkspace(older, () => olderTarget.openArchiveSink())).toMatchObject({ snapshots: 5 });
    expect(olderTarget.listSnapshots(seeded.ws.id).map((snap) => snap.createdAt - 1_700_000_000_000)).toEqual([25, 20, 20, 15, 10]);
    expect(olderTarget.listSnapshots(seeded.thread)).toEqual([]);
    olderTarget.close();

    // The good archive imports once; a second time it conflicts and changes nothing.
    await importWorkspace(archive, () => target.openArchiveSink());
    const once = await rowCounts(target);
    const err = await importWorkspace(archive, () => target.openArchiveSink()).catch((e: unknown) => e);
    expect((err as ArchiveError).code).toBe('conflict');
    expect((err as Error).message).toContain(`this store already has workspace ${seeded.ws.id}`);
    expect(await rowCounts(target)).toEqual(once);
    target.close();

    // The CLI says where and exits 2.
    const cliRefusal = await cli(['workspace', 'import', cut, '--data', join(dir, 'cli-target')]);
    expect(cliRefusal.code).toBe(2);
    expect(cliRefusal.stderr).toMatch(/cut short or corrupt.*nothing was imported/);
  }, 120_000);

  it('an export whose reader made the file and died before saying so leaves no .partial behind', async () => {
    const store = new ServerStore(join(dir, 'dies-origin'));
    const seeded = seed(store);
    const { exportWorkspace } = await import('../../server/archive/export-workspace.ts');
    const source = await store.openArchiveSource(seeded.ws.id);
    const archive = join(dir, 'dies.tar.gz');
    // The real reader opens the file; its answer is then lost, as when the reader dies right after.
    const dying = {
      ...source,
      workspace: source.workspace.bind(source),
      openFile: async (file: string, mtime: number) => {
        const writer = await source.openFile(file, mtime);
        await writer.abort(new Error('reader gone'));
        expect(existsSync(file)).toBe(true);
        throw new Error('the archive reader exited (code 1) before answering');
      },
    };
    await expect(exportWorkspace(dying as typeof source, archive)).rejects.toThrow('the archive reader exited');
    expect(existsSync(`${archive}.partial`)).toBe(false);
    expect(existsSync(archive)).toBe(false);
    // The same source still exports (nothing of the failed run is in the way).
    await exportWorkspace(source, archive);
    expect(existsSync(archive)).toBe(true);
    await source.close();
    store.close();
  }, 60_000);

  it('sealed webhook secrets need the passphrase: a wrong one refuses the archive before anything is written', async () => {
    const store = new ServerStore(join(dir, 'sealed-origin'));
    const seeded = seed(store);
    store.close();
    const archive = join(dir, 'sealed.tar.gz');
    const env = { DRIFTDESK_ARCHIVE_PASSPHRASE: 'a long enough passphrase' };
    expect((await cli(['workspace', 'export', seeded.ws.id, '--data', join(dir, 'sealed-origin'), '--out', archive, '--include-secrets'], env)).code).toBe(0);
    const noPass = await cli(['workspace', 'import', archive, '--data', join(dir, 'sealed-a')], { DRIFTDESK_ARCHIVE_PASSPHRASE: '' });
    expect(noPass.code).toBe(2);
    expect(noPass.stderr).toContain('sealed with a passphrase');
    const wrong = await cli(['workspace', 'import', archive, '--data', join(dir, 'sealed-a')], { DRIFTDESK_ARCHIVE_PASSPHRASE: 'not the passphrase at all' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('the passphrase does not open the webhook secrets');
    const check = new ServerStore(join(dir, 'sealed-a'));
    expect(check.getWorkspace(seeded.ws.id)).toBeUndefined();
    check.close();
    const skipped = await cli(['workspace', 'import', archive, '--data', join(dir, 'sealed-a'), '--skip-secrets', '--as', 'ws_copy'], { DRIFTDESK_ARCHIVE_PASSPHRASE: '' });
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ workspaceId: 'ws_copy', webhooks: 0 });
    // The copy's doc names the copy.
    const copy = new ServerStore(join(dir, 'sealed-a'));
    const copied = new Y.Doc();
    Y.applyUpdate(copied, copy.loadDoc('ws_copy'));
    copy.close();
    expect(copied.getMap('meta').get('id')).toBe('ws_copy');
    // --include-secrets without a passphrase is a usage error, not an archive without them.
    expect((await cli(['workspace', 'export', seeded.ws.id, '--data', join(dir, 'sealed-origin'), '--out', join(dir, 'x.tar.gz'), '--include-secrets'], { DRIFTDESK_ARCHIVE_PASSPHRASE: '' })).code).toBe(2);
  }, 120_000);
});
