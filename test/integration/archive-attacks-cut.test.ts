/**
 * An attacker's review of workspace archives (issue 21): archives cut short, padded, inflated (gzip bombs) or swapped between the two passes, the import command, and an import into PostgreSQL rolled back.
 * Every byte of an archive is the attacker's; each hostile one must be refused with an error that
 * names the entry or field, with nothing written. Real SQLite files, a real PostgreSQL, a real
 * sync server, the real CLI; no mocks. Shared set-up: test/helpers/archive-attack-fixture.ts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ArchiveError } from '../../server/archive/archive-format.ts';
import { exportWorkspace } from '../../server/archive/export-workspace.ts';
import { importWorkspace } from '../../server/archive/import-workspace.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import { ServerStore } from '../../server/store.ts';
import { type RawEntry, forged, gzOf, gzipMemberEnds, manyEmptyEntries, replaced, sha256, tarBoundaries, tarOf } from '../helpers/archive-forge.ts';
import { type RunningPostgres, serviceOwner, startPostgres } from '../helpers/services.ts';
import { cli, dir, good, goodEntries, pgState, refusedBy, seeded, sqliteState, targetStore, useArchiveFixture, withSize, written } from '../helpers/archive-attack-fixture.ts';

useArchiveFixture();

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
        await store.saveDelivery(other.id, { id: 'd-collide', webhookId: 'wh_other', url: 'https://other.example.com', event: 'incident.opened', status: 'delivered', attempts: 1, lastStatus: 200, lastError: null, createdAt: 1, updatedAt: 1 });
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
        // A row another workspace has: PostgreSQL aborts the transaction; it is rolled back and named.
        await refused(await written(forged(goodEntries, { rows: (r) => void (r.deliveries as unknown[]).push({ id: 'd-collide', webhookId: (r.webhooks as { id: string }[])[0]!.id, origin: 'https://hooks.example.com', event: 'incident.opened', status: 'pending', attempts: 0, lastStatus: null, lastError: null, createdAt: 1, updatedAt: 1 }) }), 'pg-delivery'), /^workspace\.json: this store already has webhook delivery d-collide/);
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
