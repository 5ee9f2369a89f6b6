/**
 * Resumable uploads against a real server on port 0 with a real SQLite store: a file in pieces,
 * resumed after asking how far the server got, and every hostile request refused with its code
 * (wrong hash, over the server's limit, pieces out of order or past the declared size, a viewer
 * uploading) — while members of every role may download the result.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SyncServer, startSyncServer } from '../../server/index.ts';

let dataDir: string;
let server: SyncServer;
const LIMIT = 64 * 1024;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-uploads-'));
  server = await startSyncServer({ port: 0, dataDir, maxUploadBytes: LIMIT });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const api = (ws: string) => `${server.url}/api/v1/workspaces/${ws}`;
const start = (ws: string, token: string, body: unknown) =>
  fetch(`${api(ws)}/uploads`, { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
const piece = (ws: string, token: string, hash: string, offset: number, bytes: Uint8Array) =>
  fetch(`${api(ws)}/uploads/${hash}/${offset}`, { method: 'PUT', body: new Blob([new Uint8Array(bytes)]), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' } });
const status = (ws: string, token: string, hash: string) => fetch(`${api(ws)}/uploads/${hash}`, { headers: { authorization: `Bearer ${token}` } });
const download = (ws: string, token: string, hash: string) => fetch(`${api(ws)}/blobs/${hash}`, { headers: { authorization: `Bearer ${token}` } });

describe('resumable uploads', () => {
  it('takes a file in pieces, resumes where the server stopped, verifies the hash, and every role downloads it', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const file = new Uint8Array(randomBytes(40_000));
    const hash = sha(file);
    const first = await start(ws.id, ws.token, { sha256: hash, size: file.byteLength });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ received: 0, complete: false, maxBytes: LIMIT });
    expect((await piece(ws.id, ws.token, hash, 0, file.subarray(0, 15_000))).status).toBe(200);
    // The connection "drops": the client asks where to go on, and starting again resumes.
    expect(await (await status(ws.id, ws.token, hash)).json()).toMatchObject({ size: 40_000, received: 15_000, complete: false });
    const again = await start(ws.id, ws.token, { sha256: hash, size: file.byteLength });
    expect(again.status).toBe(200);
    expect((await again.json()).received).toBe(15_000);
    expect((await piece(ws.id, ws.token, hash, 15_000, file.subarray(15_000, 30_000))).status).toBe(200);
    const last = await piece(ws.id, ws.token, hash, 30_000, file.subarray(30_000));
    expect(last.status).toBe(201);
    expect(await last.json()).toMatchObject({ received: 40_000, complete: true });

    for (const role of ['viewer', 'commenter', 'editor'] as const) {
      const member = server.store.createMemberToken(ws.id, role, `M-${role}`);
      const res = await download(ws.id, member.token, hash);
      expect(res.status, role).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(file)), role).toBe(true);
    }
    // The same file again is done at once.
    expect(await (await start(ws.id, ws.token, { sha256: hash, size: file.byteLength })).json()).toMatchObject({ complete: true });
  });

  it('refuses a file whose bytes do not hash to the declared sha256, and stores nothing', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const claimed = sha('the real file');
    const sent = new TextEncoder().encode('something else!');
    expect((await start(ws.id, ws.token, { sha256: claimed, size: sent.byteLength })).status).toBe(201);
    const res = await piece(ws.id, ws.token, claimed, 0, sent);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.code).toBe('hash_mismatch');
    expect(body.error).toContain(sha(sent));
    expect((await download(ws.id, ws.token, claimed)).status).toBe(404);
    expect((await status(ws.id, ws.token, claimed)).status).toBe(404);
  });

  it("refuses a file over the server's limit before any byte is sent (413 with the limit)", async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const res = await start(ws.id, ws.token, { sha256: sha('big'), size: LIMIT + 1 });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'upload_too_large', maxBytes: LIMIT });
    // A piece larger than one request may carry is refused by the router while it streams.
    const small = new Uint8Array(100);
    expect((await start(ws.id, ws.token, { sha256: sha(small), size: 100 })).status).toBe(201);
    const huge = await piece(ws.id, ws.token, sha(small), 0, new Uint8Array(8 * 1024 * 1024 + 1));
    expect(huge.status).toBe(413);
    expect((await huge.json()).code).toBe('body_too_large');
  });

  it('refuses pieces out of order, past the declared size, empty, or for no upload, saying where to go on', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const file = new Uint8Array(randomBytes(1000));
    const hash = sha(file);
    await start(ws.id, ws.token, { sha256: hash, size: 1000 });
    const ahead = await piece(ws.id, ws.token, hash, 500, file.subarray(500));
    expect(ahead.status).toBe(409);
    expect(await ahead.json()).toMatchObject({ code: 'offset_mismatch', received: 0 });
    expect((await piece(ws.id, ws.token, hash, 0, file.subarray(0, 400))).status).toBe(200);
    const replay = await piece(ws.id, ws.token, hash, 0, file.subarray(0, 400));
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ code: 'offset_mismatch', received: 400 });
    const past = await piece(ws.id, ws.token, hash, 400, new Uint8Array(601));
    expect(past.status).toBe(400);
    expect((await past.json()).code).toBe('beyond_declared_size');
    expect((await (await piece(ws.id, ws.token, hash, 400, new Uint8Array(0))).json()).code).toBe('empty_piece');
    expect((await (await piece(ws.id, ws.token, sha('nothing'), 0, new Uint8Array(1))).json()).code).toBe('no_upload');
    // Nothing refused was kept: the upload still finishes from byte 400.
    expect((await piece(ws.id, ws.token, hash, 400, file.subarray(400))).status).toBe(201);
    // A second declaration of the same hash with another size is refused.
    const other = new Uint8Array(randomBytes(50));
    await start(ws.id, ws.token, { sha256: sha(other), size: 50 });
    const twice = await start(ws.id, ws.token, { sha256: sha(other), size: 49 });
    expect(twice.status).toBe(409);
    expect((await twice.json()).code).toBe('size_mismatch');
  });

  it('refuses viewers and commenters uploading, tokens of another workspace, and malformed declarations', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const other = server.store.createWorkspace('Other', 'Eve');
    const file = new Uint8Array(randomBytes(10));
    const hash = sha(file);
    for (const role of ['viewer', 'commenter'] as const) {
      const member = server.store.createMemberToken(ws.id, role, `M-${role}`);
      const started = await start(ws.id, member.token, { sha256: hash, size: 10 });
      expect(started.status, role).toBe(403);
      expect((await started.json()).code, role).toBe('role_refused');
    }
    expect((await start(ws.id, ws.token, { sha256: hash, size: 10 })).status).toBe(201);
    const viewer = server.store.createMemberToken(ws.id, 'viewer', 'Vic');
    expect((await piece(ws.id, viewer.token, hash, 0, file)).status).toBe(403);
    expect((await status(ws.id, viewer.token, hash)).status).toBe(403);
    expect((await piece(ws.id, other.token, hash, 0, file)).status).toBe(403);
    const bad = await start(ws.id, ws.token, { sha256: 'not-a-hash', size: -1 });
    expect(bad.status).toBe(400);
    expect((await bad.json()).code).toBe('invalid_body');
    expect((await fetch(`${api(ws.id)}/uploads/${hash}/-5`, { method: 'PUT', body: 'x', headers: { authorization: `Bearer ${ws.token}` } })).status).toBe(404);
    // The viewer's attempts changed nothing: the owner's upload finishes.
    expect((await piece(ws.id, ws.token, hash, 0, file)).status).toBe(201);
  });

  it('holds at most 8 uploads under way per workspace, resumes one of them, and drops abandoned ones (SQLite store)', async () => {
    const ws = server.store.createWorkspace('W', 'Ada');
    const hashes = Array.from({ length: 8 }, (_, i) => sha(`file ${i}`));
    for (const h of hashes) expect((await start(ws.id, ws.token, { sha256: h, size: 10 })).status).toBe(201);
    const ninth = await start(ws.id, ws.token, { sha256: sha('file 8'), size: 10 });
    expect(ninth.status).toBe(429);
    expect((await ninth.json()).code).toBe('too_many_uploads');
    // One already under way resumes; another workspace is not held up.
    expect((await start(ws.id, ws.token, { sha256: hashes[0], size: 10 })).status).toBe(201);
    const other = server.store.createWorkspace('Other', 'Eve');
    expect((await start(other.id, other.token, { sha256: sha('file 8'), size: 10 })).status).toBe(201);
    // A day later nothing arrived: the abandoned ones go when the next upload starts.
    expect(server.store.pruneUploads(ws.id, Date.now() + 1)).toBe(0);
    expect((await start(ws.id, ws.token, { sha256: sha('file 8'), size: 10 })).status).toBe(201);
  });

  it('refuses a server limit above what one stored value can hold', async () => {
    await expect(startSyncServer({ port: 0, dataDir: join(dataDir, 'x'), maxUploadBytes: 2 ** 31 })).rejects.toThrow(/maxUploadBytes/);
  });
});
