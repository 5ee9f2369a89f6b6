/**
 * "Move to a team server…" (issue 21): a workspace on the app's embedded server goes to a team
 * server where Ada holds the owner token of an empty workspace. Real embedded server, real team
 * server, the real host handler and real y-websocket clients. Ada keeps her records (her member
 * id moves with her), Bob gets an invite and is the Bob of the records, notes and files arrive;
 * a move into a workspace that is not empty changes nothing, and a repeated adoption nothing twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { PostgresStore } from '../../server/postgres-store.ts';
import { addComment, createIncident, createNote, getIncident, listIncidents, listMembers, noteDocName, threadDocName, updateIncident } from '../../src/core/workspace/index.ts';
import { parseInviteLink } from '../../src/shared/host-contract.ts';
import { startEmbeddedServer } from '../../src/node/embedded-server.ts';
import { createHostHandlers } from '../../src/node/host-handlers.ts';
import { JobRunner } from '../../src/node/jobs.ts';
import { LocalCache } from '../../src/node/local-cache.ts';
import { serviceOwner, startPostgres } from '../helpers/services.ts';
import { connectClient, synced, waitFor } from '../helpers/sync-clients.ts';

let dir: string;
let embedded: Awaited<ReturnType<typeof startEmbeddedServer>>;
let team: SyncServer;
let cache: LocalCache;
let handlers: ReturnType<typeof createHostHandlers>;
const disposers: (() => void)[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-move-'));
  embedded = await startEmbeddedServer(join(dir, 'embedded'));
  team = await startSyncServer({ port: 0, dataDir: join(dir, 'team') });
  cache = new LocalCache({ file: join(dir, 'cache.sqlite') });
  handlers = createHostHandlers({ cache, jobs: new JobRunner({ node: process.execPath, cli: 'bin/driftdesk' }), localServer: embedded.local, info: { mode: 'web', version: 'test', dataDir: dir } });
});
afterAll(async () => {
  for (const d of disposers) d();
  cache.close();
  await embedded.server.close();
  await team.close();
  rmSync(dir, { recursive: true, force: true });
});

const ctx = (id: string, name: string) => ({ actor: { id, name }, now: Date.now, newId: () => crypto.randomUUID() });
const open = async (url: string, docName: string, token: string) => {
  const c = connectClient(url, docName, token);
  disposers.push(c.dispose);
  await synced(c.provider);
  return c;
};

describe('moving a workspace to a team server', () => {
  it('takes everything, keeps Ada the author of her records, and invites Bob as himself', async () => {
    const local = await handlers['workspaces.create']({ name: 'Churn', yourName: 'Ada' });
    const bobInvite = await handlers['workspaces.invite']({ workspaceId: local.workspaceId, name: 'Bob', role: 'editor' });
    const ada = await open(embedded.server.url, local.workspaceId, local.token);
    const bob = await open(embedded.server.url, local.workspaceId, bobInvite.token);
    const bobId = (await (await fetch(`${embedded.server.url}/api/v1/me`, { headers: { authorization: `Bearer ${bobInvite.token}` } })).json() as { memberId: string }).memberId;
    const incident = createIncident(ada.doc, { title: 'PSI on tenure above 0.2', severity: 'high' }, ctx(local.memberId, 'Ada'));
    await waitFor(() => listIncidents(bob.doc).length === 1, 'incident at Bob');
    addComment(bob.doc, { target: { kind: 'incident', id: incident.id }, body: 'Upstream changed the tenure buckets.' }, ctx(bobId, 'Bob'));
    // Written where an older app writes it; the embedded server moves it into the incident's
    // conversation doc within a second. Once moved, the workspace is still until the retry below
    // (which, exported after a later sweep, would be a different state: refused once moved).
    await waitFor(() => ada.doc.getMap('comments').size === 0, 'Bob’s comment moved into its conversation doc', 15_000);
    const note = createNote(ada.doc, { title: 'Why tenure drifts' }, ctx(local.memberId, 'Ada'));
    const noteClient = await open(embedded.server.url, noteDocName(local.workspaceId, note.id), local.token);
    noteClient.doc.getText('body').insert(0, 'The March release bucketed tenure by quarter.');
    const file = new TextEncoder().encode('{"profile":"tenure"}');
    const sha = Buffer.from(await crypto.subtle.digest('SHA-256', file)).toString('hex');
    embedded.server.store.putBlob(local.workspaceId, sha, file);
    await embedded.server.flushed();

    // A workspace that is not empty is refused, and nothing changes here.
    const busy = team.store.createWorkspace('Busy', 'Ada');
    const busyClient = await open(team.url, busy.id, busy.token);
    createIncident(busyClient.doc, { title: 'Someone else’s', severity: 'low' }, ctx(busy.memberId, 'Ada'));
    await team.flushed();
    await expect(handlers['workspaces.move']({ workspaceId: local.workspaceId, serverUrl: team.url, token: busy.token })).rejects.toThrow(/is not empty \(it has incidents\)/);
    expect(cache.listConnections().map((c) => c.workspaceId)).toContain(local.workspaceId);
    // Only an owner token will do.
    const empty = team.store.createWorkspace('Churn (team)', 'Ada');
    const viewer = team.store.createMemberToken(empty.id, 'viewer', 'Vic');
    await expect(handlers['workspaces.move']({ workspaceId: local.workspaceId, serverUrl: team.url, token: viewer.token })).rejects.toThrow(/moving needs the owner token/);
    team.store.revokeToken(viewer.token);

    const moved = await handlers['workspaces.move']({ workspaceId: local.workspaceId, serverUrl: team.url, token: empty.token });
    expect(moved.connection).toMatchObject({ workspaceId: empty.id, serverUrl: team.url, memberId: local.memberId, role: 'owner', local: false });
    expect(moved.invites.map((i) => [i.name, i.role])).toEqual([['Bob', 'editor']]);
    expect(cache.listConnections().map((c) => c.workspaceId)).toEqual([empty.id]);

    // On the team server, with the team token: everything, and Ada is still the Ada of her records.
    const there = await open(team.url, empty.id, empty.token);
    await waitFor(() => listIncidents(there.doc).length === 1, 'incident on the team server');
    expect(there.doc.getMap('meta').get('id')).toBe(empty.id);
    expect(listMembers(there.doc).map((m) => m.name).sort()).toEqual(['Ada', 'Bob']);
    updateIncident(there.doc, { incidentId: incident.id, status: 'investigating' }, ctx(local.memberId, 'Ada'));
    const bobThere = await open(team.url, empty.id, parseInviteLink(moved.invites[0]!.link)!.token);
    await waitFor(() => getIncident(bobThere.doc, incident.id)?.status === 'investigating', 'Ada’s edit of her own incident accepted and seen by Bob');
    // Bob's comment: in the workspace doc, or — once the team server has split the moved workspace
    // into conversation docs, which it does on its first load — in the incident's conversation doc.
    const conversationThere = await open(team.url, threadDocName(empty.id, { kind: 'incident', id: incident.id }), empty.token);
    const commentsThere = () => JSON.stringify([bobThere.doc.getMap('comments').toJSON(), conversationThere.doc.getMap('comments').toJSON()]);
    await waitFor(() => commentsThere().includes('Upstream changed the tenure buckets.'), 'Bob’s comment on the team server');
    const noteThere = await open(team.url, noteDocName(empty.id, note.id), empty.token);
    expect(noteThere.doc.getText('body').toString()).toBe('The March release bucketed tenure by quarter.');
    expect(Buffer.from((await team.store.getBlob(empty.id, sha))!).toString()).toBe('{"profile":"tenure"}');
    expect(team.store.authenticate(empty.token)).toMatchObject({ memberId: local.memberId, role: 'owner' });

    // Sent again (a retry after a failure half way): the same workspace, nothing twice.
    const { exportWorkspace } = await import('../../server/archive/export-workspace.ts');
    const source = await embedded.server.store.openArchiveSource(local.workspaceId);
    const again = join(dir, 'again.tar.gz');
    await exportWorkspace(source, again, { blobs: false });
    await source.close();
    const { readFileSync } = await import('node:fs');
    const retry = await fetch(`${team.url}/api/v1/workspaces/${empty.id}/adopt/${local.memberId}`, {
      method: 'POST', body: readFileSync(again), headers: { authorization: `Bearer ${empty.token}`, 'content-type': 'application/gzip' },
    });
    expect(retry.status).toBe(200);
    expect((await retry.json()) as object).toMatchObject({ invites: [] });
    expect(team.store.listMembers(empty.id).filter((m) => m.activeTokens > 0).map((m) => m.name).sort()).toEqual(['Ada', 'Bob']);
    expect(listIncidents(there.doc)).toHaveLength(1);
    // And nobody else can push an archive into it.
    const bobToken = parseInviteLink(moved.invites[0]!.link)!.token;
    const refused = await fetch(`${team.url}/api/v1/workspaces/${empty.id}/adopt/${bobId}`, { method: 'POST', body: readFileSync(again), headers: { authorization: `Bearer ${bobToken}`, 'content-type': 'application/gzip' } });
    expect(refused.status).toBe(403);
  }, 60_000);
});

describe('a move that fails half way', () => {
  it('answers every invite when retried, and the invites of the failed attempt were never live', async () => {
    const local = await handlers['workspaces.create']({ name: 'Retention', yourName: 'Ada' });
    const bobInvite = await handlers['workspaces.invite']({ workspaceId: local.workspaceId, name: 'Bob', role: 'editor' });
    const bobId = (await (await fetch(`${embedded.server.url}/api/v1/me`, { headers: { authorization: `Bearer ${bobInvite.token}` } })).json() as { memberId: string }).memberId;
    const ada = await open(embedded.server.url, local.workspaceId, local.token);
    const note = createNote(ada.doc, { title: 'Cohorts' }, ctx(local.memberId, 'Ada'));
    const noteClient = await open(embedded.server.url, noteDocName(local.workspaceId, note.id), local.token);
    noteClient.doc.getText('body').insert(0, 'Weekly cohorts from March.');
    await embedded.server.flushed();
    const empty = team.store.createWorkspace('Retention (team)', 'Ada');
    const before = new Set(team.store.listMembers(empty.id).map((m) => m.memberId));

    // The team server's storage refuses the note's doc (a real SQLite trigger on its file): the
    // members are in by then, the note is not, and the move fails.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(dir, 'team', 'driftdesk-server.sqlite'));
    db.exec(`CREATE TRIGGER refuse_note BEFORE INSERT ON doc_updates WHEN NEW.doc LIKE '%${note.id}%' BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`);
    try {
      await expect(handlers['workspaces.move']({ workspaceId: local.workspaceId, serverUrl: team.url, token: empty.token })).rejects.toThrow();
    } finally {
      db.exec('DROP TRIGGER refuse_note');
      db.close();
    }
    expect(cache.listConnections().map((c) => c.workspaceId)).toContain(local.workspaceId);
    const halfway = team.store.listMembers(empty.id);
    expect(halfway.map((m) => m.memberId).filter((id) => !before.has(id)).sort()).toEqual([bobId, local.memberId].sort());

    // Retried: every doc arrives, and Bob's invite is answered — a working token for Bob himself.
    const moved = await handlers['workspaces.move']({ workspaceId: local.workspaceId, serverUrl: team.url, token: empty.token });
    expect(moved.invites.map((i) => [i.name, i.role])).toEqual([['Bob', 'editor']]);
    const bobToken = parseInviteLink(moved.invites[0]!.link)!.token;
    expect(team.store.authenticate(bobToken)).toMatchObject({ memberId: bobId, role: 'editor' });
    // Bob has that one live token: whatever the failed attempt made for him was revoked.
    expect(team.store.listMembers(empty.id).find((m) => m.memberId === bobId)).toMatchObject({ activeTokens: 1 });
    const noteThere = await open(team.url, noteDocName(empty.id, note.id), empty.token);
    expect(noteThere.doc.getText('body').toString()).toBe('Weekly cohorts from March.');
  }, 60_000);
});

describe('moving into a team server on PostgreSQL', () => {
  const services = serviceOwner();
  afterAll(() => services.stop());

  it('maps the members and merges the docs in one go, as on SQLite', async () => {
    const pg = await services.start(startPostgres());
    const pgTeam = await startSyncServer({ port: 0, store: await PostgresStore.open(pg.url) });
    try {
      const local = await handlers['workspaces.create']({ name: 'Fraud', yourName: 'Ada' });
      const ada = await open(embedded.server.url, local.workspaceId, local.token);
      createIncident(ada.doc, { title: 'Merchant mix shifted', severity: 'low' }, ctx(local.memberId, 'Ada'));
      await embedded.server.flushed();
      const empty = await pgTeam.store.createWorkspace('Fraud (team)', 'Ada');
      const moved = await handlers['workspaces.move']({ workspaceId: local.workspaceId, serverUrl: pgTeam.url, token: empty.token });
      expect(moved.connection.memberId).toBe(local.memberId);
      expect(await pgTeam.store.authenticate(empty.token)).toMatchObject({ memberId: local.memberId, role: 'owner' });
      expect((await pgTeam.store.listMembers(empty.id)).map((m) => m.memberId)).toEqual([local.memberId]);
      const there = await open(pgTeam.url, empty.id, empty.token);
      await waitFor(() => listIncidents(there.doc).length === 1, 'incident on the PostgreSQL team server');
    } finally {
      await pgTeam.close();
    }
  }, 120_000);
});
