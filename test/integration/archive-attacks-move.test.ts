/**
 * An attacker's review of workspace archives (issue 21): archives sent to the move route by an owner (an owner token is not trust), on SQLite and PostgreSQL, with another workspace syncing throughout.
 * Every byte of an archive is the attacker's; each hostile one must be refused with an error that
 * names the entry or field, with nothing written. Real SQLite files, a real PostgreSQL, a real
 * sync server, the real CLI; no mocks. Shared set-up: test/helpers/archive-attack-fixture.ts.
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { exportWorkspace } from '../../server/archive/export-workspace.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { ServerStore } from '../../server/store.ts';
import { addComment, createIncident, listIncidents } from '../../src/core/workspace/index.ts';
import { type RawEntry, entriesOf, forged, gzOf, manyEmptyEntries, replaced, tarOf } from '../helpers/archive-forge.ts';
import { serviceOwner, startPostgres } from '../helpers/services.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';
import { ctx, dir, pgState, seeded, sqliteState, useArchiveFixture, withSize } from '../helpers/archive-attack-fixture.ts';

useArchiveFixture();

/** What the app sends: the seeded workspace exported without blobs (they go through the blob API first). */
async function exportForMove(name: string): Promise<string> {
  const origin = new ServerStore(join(dir, 'origin'));
  try {
    const source = await origin.openArchiveSource(seeded.ws.id);
    const file = join(dir, name);
    await exportWorkspace(source, file, { blobs: false });
    await source.close();
    return file;
  } finally {
    origin.close();
  }
}

describe('a hostile archive sent to the move route by an owner', () => {
  let team: SyncServer<ServerStore>;
  let moveEntries: RawEntry[];
  const disposers: (() => void)[] = [];
  beforeAll(async () => {
    team = await startSyncServer({ port: 0, dataDir: join(dir, 'team'), snapshotEveryMs: 0 });
    moveEntries = await entriesOf(await exportForMove('move.tar.gz'));
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
      // One huge id would number every later history row of the server past what clients read exactly.
      ['history-id', await gzOf(forged(replaced(moveEntries, 'monitors/history.jsonl', Buffer.from(`{"id":1,"monitorId":"m","at":1,"data":"{}","columns":null}\n{"id":${2 ** 53 - 1},"monitorId":"m","at":2,"data":"{}","columns":null}\n`)), { rows: (r) => void ((r.monitorHistory as { rows: number }).rows = 2) })), 400, 'archive_bad_entry', /^monitors\/history\.jsonl: row 9007199254740991: a move brings history ids up to 1099511627776/],
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

  it('refuses, by name and with nothing written, history rows whose ids the target workspace itself already has', async () => {
    const target = team.store.createWorkspace('Churn (team, with history)', 'Ada');
    const owner = connectClient(team.url, target.id, target.token);
    await synced(owner.provider);
    await team.flushed();
    owner.dispose();
    const lines = moveEntries.find((e) => e.name === 'monitors/history.jsonl')!.data.toString().trim().split('\n');
    const clash = (JSON.parse(lines[1]!) as { id: number }).id;
    // A row the workspace kept (its monitor was deleted, so the workspace looks empty), under an id the archive has too.
    team.store.db.prepare('INSERT INTO monitor_batches (id, workspace_id, monitor_id, at, data, columns) VALUES (?, ?, ?, ?, ?, ?)').run(clash, target.id, 'mon_gone', 1, '{"kind":"batch","rows":1}', null);
    // Another desktop's workspace (its own member ids: this server has the first test's).
    const archive = await gzOf(forged(moveEntries, {
      rows: (r) => {
        for (const m of r.members as { id: string }[]) m.id = `${m.id}_3`;
        for (const t of r.tokens as { memberId: string }[]) t.memberId = `${t.memberId}_3`;
      },
    }));
    const before = sqliteState(team.store.dataDir);
    const res = await adopt(target.id, target.token, `${seeded.ws.memberId}_3`, archive);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(new RegExp(`^this server already has monitor history row ${clash} in workspace ${target.id}`));
    expect(sqliteState(team.store.dataDir)).toEqual(before);
  });

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
      const entries = await entriesOf(await exportForMove('move-pg.tar.gz'));
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
      // The real archive sent three times at once (a double click, a retrying proxy): one move, no
      // 500; the others were asked as the member the move retired, so they are told it is taken.
      const body = new Uint8Array(await gzOf(entries));
      const answers = await Promise.all([0, 1, 2].map(() => fetch(`${pgTeam.url}/api/v1/workspaces/${empty.id}/adopt/${seeded.ws.memberId}`, {
        method: 'POST', body, headers: { authorization: `Bearer ${empty.token}`, 'content-type': 'application/gzip' },
      })));
      const results = await Promise.all(answers.map(async (r) => ({ status: r.status, body: (await r.json()) as { invites?: unknown[]; error?: string } })));
      expect(results.map((r) => r.status).sort(), JSON.stringify(results)).toEqual([200, 409, 409]);
      expect(results.filter((r) => r.status === 200).map((r) => r.body.invites?.length)).toEqual([1]);
      expect((await pgTeam.store.listMembers(empty.id)).map((m) => m.name).sort()).toEqual(['Ada', 'Bob']);

      // Two server processes on one database, each sent the move at once: one moves it, the other
      // is told the workspace is taken (PostgreSQL refusing its rows is a 409 too, never a 500).
      const second = await startSyncServer({ port: 0, store: await PostgresStore.open(pgdb.url), snapshotEveryMs: 0 });
      try {
        const fresh = await pgTeam.store.createWorkspace('Churn (team, again)', 'Ada');
        // Another desktop's workspace: its own member ids, and monitor history under the same row
        // ids as the first move's (every server numbers from 1; an id is unique per workspace).
        const otherBody = new Uint8Array(await gzOf(forged(entries, {
          rows: (r) => {
            for (const m of r.members as { id: string }[]) m.id = `${m.id}_2`;
            for (const t of r.tokens as { memberId: string }[]) t.memberId = `${t.memberId}_2`;
          },
        })));
        const both = await Promise.all([pgTeam, second].map((srv) => fetch(`${srv.url}/api/v1/workspaces/${fresh.id}/adopt/${seeded.ws.memberId}_2`, {
          method: 'POST', body: otherBody, headers: { authorization: `Bearer ${fresh.token}`, 'content-type': 'application/gzip' },
        })));
        const raced = await Promise.all(both.map(async (r) => ({ status: r.status, body: await r.text() })));
        expect(raced.map((r) => r.status).sort(), JSON.stringify(raced)).toEqual([200, 409]);
        expect((await pgTeam.store.listMembers(fresh.id)).map((m) => m.name).sort()).toEqual(['Ada', 'Bob']);
        // Both workspaces hold the archive's history rows under the archive's ids.
        const historyIds = entries.find((e) => e.name === 'monitors/history.jsonl')!.data.toString().trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id);
        for (const ws of [empty.id, fresh.id]) expect((await pgTeam.store.listMonitorBatches(ws, 'mon_a', { limit: 100 })).batches.map((b) => b.id)).toEqual(historyIds);
      } finally {
        await second.close();
      }
    } finally {
      await pgTeam.close();
    }
  }, 120_000);
});
