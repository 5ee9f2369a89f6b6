import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SyncServer, startSyncServer } from '../../server/index.ts';

let dataDir: string;
let server: SyncServer;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-blobs-'));
  server = await startSyncServer({ port: 0, dataDir, maxBlobBytes: 1024 });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const put = (ws: string, hash: string, token: string, body: BodyInit) =>
  fetch(`${server.url}/api/v1/workspaces/${ws}/blobs/${hash}`, { method: 'PUT', body, headers: { authorization: `Bearer ${token}` } });
const get = (ws: string, hash: string, token: string) =>
  fetch(`${server.url}/api/v1/workspaces/${ws}/blobs/${hash}`, { headers: { authorization: `Bearer ${token}` } });

describe('blob API', () => {
  it('stores a blob under its sha256 and serves it back to members', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const viewer = server.store.createMemberToken(ws.id, 'viewer', 'Vic');
    const body = JSON.stringify({ profile: [1, 2, 3] });
    const created = await put(ws.id, sha(body), ws.token, body);
    expect(created.status).toBe(201);
    const back = await get(ws.id, sha(body), viewer.token);
    expect(back.status).toBe(200);
    expect(await back.text()).toBe(body);
  });

  it('refuses a wrong hash, an oversized body, a viewer upload, another workspace and no token', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const other = server.store.createWorkspace('Other', 'Eve');
    const viewer = server.store.createMemberToken(ws.id, 'viewer', 'Vic');
    const res = await put(ws.id, sha('something else'), ws.token, 'body');
    expect(res.status).toBe(400);
    expect((await res.json()).error).toContain(`body hashes to ${sha('body')}`);
    const big = 'x'.repeat(2048);
    expect((await put(ws.id, sha(big), ws.token, big)).status).toBe(413);
    expect((await put(ws.id, sha('v'), viewer.token, 'v')).status).toBe(403);
    expect((await put(ws.id, sha('o'), other.token, 'o')).status).toBe(403);
    expect((await fetch(`${server.url}/api/v1/workspaces/${ws.id}/blobs/${sha('n')}`)).status).toBe(401);
    expect((await get(ws.id, sha('never stored'), ws.token)).status).toBe(404);
    expect((await get(ws.id, sha('body'), ws.token)).status).toBe(404);
  });
});
