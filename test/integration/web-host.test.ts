import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { decodeWire, encodeWire } from '../../src/shared/wire-json.ts';
import { startWebHost } from '../../src/web-host/web-host.ts';

let dir: string;
let host: Awaited<ReturnType<typeof startWebHost>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-webhost-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'index-Bq3_x-Z9.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
  host = await startWebHost({
    dataDir: join(dir, 'data'),
    rendererDir,
    demoFile: resolve('resources/demo-workspace.json'),
    version: 'test',
    port: 0,
  });
});
afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw GET, so the path reaches the server exactly as written (fetch would normalize `..`). */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { port } = new URL(host.url);
  return new Promise((res, rej) => {
    request({ host: '127.0.0.1', port, path, headers }, (r) => {
      let body = '';
      r.on('data', (d) => (body += d));
      r.on('end', () => res({ status: r.statusCode!, headers: r.headers, body }));
    }).on('error', rej).end();
  });
}

function hostSocket(origin: string, query = ''): Promise<WebSocket> {
  return new Promise((res, rej) => {
    const ws = new WebSocket(`${host.url.replace('http', 'ws')}/host${query}`, { origin });
    ws.on('open', () => res(ws));
    ws.on('unexpected-response', (_q, r) => rej(new Error(`status ${r.statusCode}`)));
  });
}

async function call(ws: WebSocket, channel: string, req: unknown): Promise<{ kind: string; value?: unknown; message?: string }> {
  const id = Math.random();
  ws.send(encodeWire({ id, channel, req }));
  for (;;) {
    const msg = await new Promise<{ id: number; reply: { kind: string } }>((r) => ws.once('message', (d) => r(decodeWire(d.toString()) as never)));
    if (msg.id === id) return msg.reply;
  }
}

describe('web host', () => {
  it('serves the renderer with a strict CSP and never a file outside it', async () => {
    const index = await rawGet('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toContain("default-src 'none'");
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await rawGet('/%E0%A4%A')).status).toBe(400);
    expect((await rawGet('/')).status).toBe(200);
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/renderer/../../secret.txt']) {
      const res = await rawGet(path);
      expect(res.body, path).not.toContain('outside the renderer');
    }
  });

  it('lets the browser keep hashed assets and revalidate the rest (304 on a matching ETag)', async () => {
    const asset = await rawGet('/assets/index-Bq3_x-Z9.js');
    expect(asset.status).toBe(200);
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const index = await rawGet('/');
    expect(index.headers['cache-control']).toBe('no-cache');
    const etag = String(index.headers.etag);
    expect(etag).toMatch(/^W\/"/);
    const again = await rawGet('/', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await rawGet('/', { 'if-none-match': 'W/"other"' })).status).toBe(200);
    // A file that changes gets a new validator, so the browser fetches it again.
    writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>changed</title>');
    const changed = await rawGet('/', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.body).toContain('changed');
  });

  it('refuses host-API sockets from another origin', async () => {
    await expect(hostSocket('http://evil.example')).rejects.toThrow('status 403');
    const ws = await hostSocket(host.url);
    ws.close();
  });

  it('answers the contract, with the demo workspace on first start, and validates requests', async () => {
    const ws = await hostSocket(host.url);
    const list = await call(ws, 'workspaces.list', {});
    expect(list.kind).toBe('ok');
    expect((list.value as { name: string }[]).map((w) => w.name)).toEqual(['Demo · churn-model']);
    expect(await call(ws, 'no.such.call', {})).toEqual({ kind: 'error', message: 'unknown host call no.such.call' });
    const bad = await call(ws, 'cache.append', { docId: 'x', updates: ['not bytes'] });
    expect(bad).toMatchObject({ kind: 'error', message: expect.stringContaining('updates.0') });
    const badId = await call(ws, 'cache.load', { docId: '../../etc/passwd' });
    expect(badId).toMatchObject({ kind: 'error', message: expect.stringContaining('docId') });
    const saved = await call(ws, 'cache.append', { docId: 'ws_x', updates: [new Uint8Array([0, 0])] });
    expect(saved).toEqual({ kind: 'ok', value: { saved: 1, version: 1, previewsKept: false } });
    // The doc's version moves with every append (a kept list preview is served only at its version).
    expect(await call(ws, 'cache.append', { docId: 'ws_x', updates: [new Uint8Array([0, 0])] })).toEqual({ kind: 'ok', value: { saved: 1, version: 2, previewsKept: false } });
    // Previews sent with a batch (a page closing): checked like the rest, and kept only at the
    // version the sender expected; a refused request saves nothing.
    const empty = [new Uint8Array([0, 0])];
    for (const previews of [
      { expectVersion: 2, lists: [{ list: 'runs', json: '{}' }] },
      { expectVersion: -1, lists: [{ list: 'incidents', json: '{}' }] },
      { expectVersion: 2, lists: [] },
      { expectVersion: 2, lists: [{ list: 'incidents', json: 'x'.repeat(2_000_001) }] },
      { expectVersion: 2, lists: Array.from({ length: 3 }, () => ({ list: 'splash', json: '[]' })) },
    ]) {
      expect(await call(ws, 'cache.append', { docId: 'ws_x', updates: empty, previews })).toMatchObject({ kind: 'error', message: expect.stringContaining('previews') });
    }
    expect(await call(ws, 'cache.append', { docId: 'ws_x', updates: empty, previews: { expectVersion: 1, lists: [{ list: 'incidents', json: '{"stale":1}' }] } })).toEqual({ kind: 'ok', value: { saved: 1, version: 3, previewsKept: false } });
    expect(await call(ws, 'cache.append', { docId: 'ws_x', updates: empty, previews: { expectVersion: 3, lists: [{ list: 'incidents', json: '{"kept":1}' }] } })).toEqual({ kind: 'ok', value: { saved: 1, version: 4, previewsKept: true } });
    expect(await call(ws, 'cache.preview', { docId: 'ws_x', list: 'incidents' })).toEqual({ kind: 'ok', value: { json: '{"kept":1}' } });
    ws.close();
  });

  it('hands a large cached doc over in pages, each only to the window that began the load', async () => {
    const ws = await hostSocket(host.url);
    const other = await hostSocket(host.url);
    const binCall = async (socket: WebSocket, channel: string, req: unknown) => {
      const id = Math.random();
      socket.send(encodeWire({ id, channel, req }));
      for (;;) {
        const msg = await new Promise<{ id: number; reply: { kind: string; value?: unknown; message?: string } }>((r) =>
          socket.once('message', (d, binary) => r(decodeWire(binary ? new Uint8Array(d as Buffer) : d.toString()) as never)),
        );
        if (msg.id === id) return msg.reply;
      }
    };
    // Five updates of ~1.5 MB each: the cached state is over two pages (PAGE_BYTES: 2 MiB).
    const source = new Y.Doc();
    const saved: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => saved.push(u));
    for (let i = 0; i < 5; i++) source.getMap('runs').set(`run-${i}`, 'x'.repeat(1_500_000) + i);
    expect(await binCall(ws, 'cache.append', { docId: 'ws_paged', updates: saved })).toMatchObject({ kind: 'ok' });
    const first = await binCall(ws, 'cache.load', { docId: 'ws_paged' });
    expect(first.kind).toBe('ok');
    const load = first.value as { updates: Uint8Array[]; totalBytes: number; more?: { loadId: string; pages: number } };
    expect(load.more?.pages).toBeGreaterThanOrEqual(3);
    expect(load.totalBytes).toBeGreaterThan(7_500_000);
    const { loadId, pages } = load.more!;
    // Another window cannot read it; a page out of range and a made-up id say what is wrong.
    expect(await binCall(other, 'cache.loadPage', { loadId, page: 1 })).toMatchObject({ kind: 'error', message: expect.stringContaining('no load') });
    expect(await binCall(ws, 'cache.loadPage', { loadId, page: pages })).toMatchObject({ kind: 'error', message: expect.stringContaining(`pages 1..${pages - 1}`) });
    expect(await binCall(ws, 'cache.loadPage', { loadId: '../x', page: 1 })).toMatchObject({ kind: 'error', message: expect.stringContaining('loadId') });
    const all = [...load.updates];
    for (let page = 1; page < pages; page++) {
      const got = await binCall(ws, 'cache.loadPage', { loadId, page });
      expect(got.kind).toBe('ok');
      all.push(...(got.value as { updates: Uint8Array[] }).updates);
    }
    expect(all.reduce((n, u) => n + u.length, 0)).toBe(load.totalBytes);
    const copy = new Y.Doc();
    for (const u of all) Y.applyUpdate(copy, u);
    expect(copy.getMap('runs').toJSON()).toEqual(source.getMap('runs').toJSON());
    // The load is finished: its pages are gone.
    expect(await binCall(ws, 'cache.loadPage', { loadId, page: 1 })).toMatchObject({ kind: 'error', message: expect.stringContaining('no load') });
    ws.close();
    other.close();
  });

  it('answers the first calls of a page opening a workspace unasked on a ?boot= socket (boot.ts)', async () => {
    const ws = await hostSocket(host.url);
    const [demo] = (await call(ws, 'workspaces.list', {})).value as { workspaceId: string }[];
    ws.close();
    const replies = async (query: string) => {
      const boot = new WebSocket(`${host.url.replace('http', 'ws')}/host${query}`, { origin: host.url });
      const got: { id: string; reply: { kind: string; value?: unknown; message?: string } }[] = [];
      await new Promise<void>((resolve, reject) => {
        boot.on('message', (d) => got.push(decodeWire(d.toString()) as never) === 2 && resolve());
        boot.on('error', reject);
      });
      boot.close();
      return Object.fromEntries(got.map((m) => [m.id, m.reply]));
    };
    const answered = await replies(`?boot=${encodeURIComponent(demo!.workspaceId)}`);
    expect(answered['boot-1']).toMatchObject({ kind: 'ok', value: { workspaceId: demo!.workspaceId } });
    expect(answered['boot-2']).toEqual({ kind: 'ok', value: { json: null } });
    // The id goes through the same checks as a call's: an error reply, nothing read.
    const bad = await replies(`?boot=${encodeURIComponent('../../etc/passwd')}`);
    expect(bad['boot-1']).toMatchObject({ kind: 'error', message: expect.stringContaining('workspaceId') });
    expect(bad['boot-2']).toMatchObject({ kind: 'error', message: expect.stringContaining('docId') });
    await expect(hostSocket('http://evil.example', `?boot=${demo!.workspaceId}`)).rejects.toThrow('status 403');
  });

  it('explains a wrong server URL and a refused token when joining', async () => {
    const ws = await hostSocket(host.url);
    const unreachable = await call(ws, 'workspaces.join', { serverUrl: 'http://127.0.0.1:9', token: 't' });
    expect(unreachable.message).toMatch(/^Could not reach the server at http:\/\/127\.0\.0\.1:9/);
    const notUrl = await call(ws, 'workspaces.join', { serverUrl: 'ftp://127.0.0.1:21', token: 't' });
    expect(notUrl.message).toContain('server URL must start with http://');
    const refused = await call(ws, 'workspaces.join', { serverUrl: `${host.serverUrl.replace('http', 'ws')}/sync/`, token: 'ddt_forged' });
    expect(refused.message).toContain('refused this token');
    const empty = await call(ws, 'workspaces.join', { serverUrl: '  ', token: '' });
    expect(empty.message).toContain('server URL (or invite link) is required');
    ws.close();
  });
});
