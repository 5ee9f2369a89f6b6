/**
 * An attacker's review of workspace archives (issue 21): entries, rows and docs of an archive given to `driftdesk workspace import`.
 * Every byte of an archive is the attacker's; each hostile one must be refused with an error that
 * names the entry or field, with nothing written. Real SQLite files, a real PostgreSQL, a real
 * sync server, the real CLI; no mocks. Shared set-up: test/helpers/archive-attack-fixture.ts.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { importWorkspace } from '../../server/archive/import-workspace.ts';
import { type RawEntry, forged, replaced, sha256 } from '../helpers/archive-forge.ts';
import { good, goodEntries, refusedBy, seeded, targetStore, useArchiveFixture, written } from '../helpers/archive-attack-fixture.ts';

useArchiveFixture();

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

  it('refuses a delivery id another workspace of the store already has as a conflict, rolling back; another workspace’s history ids are no conflict', async () => {
    const store = targetStore('target-collide');
    try {
      const other = (store.db.prepare('SELECT id FROM workspaces').get() as { id: string }).id;
      store.saveDelivery(other, { id: 'd-collide', webhookId: 'wh_other', url: 'https://other.example.com', event: 'incident.opened', status: 'delivered', attempts: 1, lastStatus: 200, lastError: null, createdAt: 1, updatedAt: 1 });
      type Rows = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const delivery = (r: Rows) => void r.deliveries.push({ id: 'd-collide', webhookId: r.webhooks[0].id, origin: 'https://hooks.example.com', event: 'incident.opened', status: 'pending', attempts: 0, lastStatus: null, lastError: null, createdAt: 1, updatedAt: 1 });
      await refusedBy(store, await written(forged(goodEntries, { rows: delivery }), 'collide-delivery'), 'conflict', /^workspace\.json: this store already has webhook delivery d-collide/, { skipSecrets: true });
      // A history row listed twice within the archive's own workspace is refused by its line.
      const lines = goodEntries.find((e) => e.name === 'monitors/history.jsonl')!.data.toString().trim().split('\n');
      const twice = Buffer.from(`${[...lines, lines[0]!].join('\n')}\n`);
      await refusedBy(store, await written(forged(replaced(goodEntries, 'monitors/history.jsonl', twice), { rows: (r) => void ((r.monitorHistory as { rows: number }).rows = lines.length + 1) }), 'history-twice'), 'bad_entry', new RegExp(`^monitors/history\\.jsonl: line ${lines.length + 1}: row ${JSON.parse(lines[0]!).id} appears twice`), { skipSecrets: true });
      // History ids are per workspace: another workspace's rows of the same ids stay as they are, and the archive's come in with theirs.
      const ids = lines.map((l) => (JSON.parse(l) as { id: number }).id);
      for (const id of ids) store.db.prepare('INSERT INTO monitor_batches (id, workspace_id, monitor_id, at, data, columns) VALUES (?, ?, ?, ?, ?, ?)').run(id, other, 'mon_a', id, '{"kind":"batch","rows":1}', null);
      const othersBefore = store.db.prepare('SELECT * FROM monitor_batches WHERE workspace_id = ? ORDER BY id').all(other);
      await importWorkspace(good, () => store.openArchiveSink(), { skipSecrets: true });
      expect((store.db.prepare('SELECT id, monitor_id AS monitorId, at, data, columns FROM monitor_batches WHERE workspace_id = ? ORDER BY id').all(seeded.ws.id) as object[]).map((r) => JSON.stringify(r))).toEqual(lines);
      expect(store.db.prepare('SELECT * FROM monitor_batches WHERE workspace_id = ? ORDER BY id').all(other)).toEqual(othersBefore);
      // A patch to one workspace's row leaves the other workspace's row of the same id alone.
      store.updateMonitorBatch(seeded.ws.id, 'mon_a', ids[0]!, { labelled: 7 });
      expect(store.getMonitorBatch(seeded.ws.id, 'mon_a', ids[0]!)!.labelled).toBe(7);
      expect(store.db.prepare('SELECT * FROM monitor_batches WHERE workspace_id = ? ORDER BY id').all(other)).toEqual(othersBefore);
      // New rows get ids above every one the store has.
      expect(store.addMonitorBatch(other, { ...store.getMonitorBatch(seeded.ws.id, 'mon_a', ids[0]!)!, monitorId: 'mon_b' })).toBe(Math.max(...ids) + 1);
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
