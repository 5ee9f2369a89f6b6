/**
 * createServerClient against a real server: typed calls for JSON and bytes, and every kind of
 * failure turned into one sentence for a person (unreachable, refused token, forbidden role,
 * answered N with the server's reason and code).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { ServerCallError, createServerClient } from '../../src/node/server-api-client.ts';

let dataDir: string;
let server: SyncServer;
let ws: { id: string; token: string };
let viewer: { token: string };
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-client-'));
  server = await startSyncServer({ port: 0, dataDir });
  ws = server.store.createWorkspace('W', 'Ada');
  viewer = server.store.createMemberToken(ws.id, 'viewer', 'Vic');
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const failureOf = (pending: Promise<unknown>) => pending.then(() => { throw new Error('expected the call to fail'); }, (err: unknown) => err as ServerCallError);

describe('createServerClient', () => {
  it('calls JSON and bytes operations, checked against the map', async () => {
    const owner = createServerClient({ serverUrl: server.url, token: ws.token, workspaceId: ws.id });
    expect(await owner.call('me')).toMatchObject({ workspaceId: ws.id, name: 'Ada', role: 'owner' });
    const invited = await owner.call('invites.create', { body: { name: 'Bo', role: 'editor' } });
    expect(invited.role).toBe('editor');
    const data = new TextEncoder().encode('a blob');
    const sha256 = createHash('sha256').update(data).digest('hex');
    expect(await owner.call('blobs.put', { params: { sha256 }, body: data })).toEqual({ sha256, size: data.byteLength });
    expect(new TextDecoder().decode(await owner.call('blobs.get', { params: { sha256 } }))).toBe('a blob');
  });

  it('says what went wrong, in a sentence, with the server\'s reason and code', async () => {
    const wrong = await failureOf(createServerClient({ serverUrl: server.url, token: 'ddt_nope' }).call('me'));
    expect([wrong.kind, wrong.status, wrong.message]).toEqual(['refused', 401, `The server at ${server.url} refused this token: it is unknown or was revoked. Ask the workspace owner for a new one.`]);

    const role = await failureOf(createServerClient({ serverUrl: server.url, token: viewer.token, workspaceId: ws.id }).call('invites.create', { body: { name: 'Cy', role: 'owner' } }));
    expect([role.kind, role.code, role.message]).toEqual(['forbidden', 'role_refused', `The server at ${server.url} refused: a viewer cannot invite members.`]);

    const missing = await failureOf(createServerClient({ serverUrl: server.url, token: ws.token, workspaceId: ws.id }).call('blobs.get', { params: { sha256: 'b'.repeat(64) } }));
    expect([missing.kind, missing.status, missing.code]).toEqual(['answered', 404, 'not_found']);
    expect(missing.message).toBe(`The server at ${server.url} answered 404 to “read a blob”: no blob ${'b'.repeat(64)}.`);
  });

  it('says a server that does not answer is unreachable', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const down = await failureOf(createServerClient({ serverUrl: `http://127.0.0.1:${port}`, token: ws.token }).call('me'));
    expect(down.kind).toBe('unreachable');
    expect(down.message).toMatch(new RegExp(`^Could not reach the server at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\. Check the URL`));
  });
});
