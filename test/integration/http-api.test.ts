/**
 * The HTTP API answers what it serves and nothing else (issue 15's list): an unknown path or a
 * wrong method is 404 or 405 with `Allow`, never the caller's identity; bodies over their limit
 * are 413 and bodies of the wrong type 415; a viewer cannot read webhook URLs through the
 * delivery log; webhook targets that reach this machine in other spellings are refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SyncServer, startSyncServer } from '../../server/index.ts';

let dataDir: string;
let server: SyncServer;
let ws: { id: string; token: string };
let viewer: { token: string };
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-http-'));
  server = await startSyncServer({ port: 0, dataDir });
  ws = server.store.createWorkspace('W', 'Ada');
  viewer = server.store.createMemberToken(ws.id, 'viewer', 'Vic');
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${init.token ?? ws.token}`, ...(init.headers as Record<string, string>) } });

describe('routes', () => {
  it('answers an unknown path 404 and a known path with the wrong method 405 with Allow — never the caller\'s identity', async () => {
    const unknown = await call(`/api/v1/workspaces/${ws.id}/nothing-here`);
    expect(unknown.status).toBe(404);
    for (const [path, method, allow] of [
      [`/api/v1/workspaces/${ws.id}/invites`, 'GET', 'POST'],
      [`/api/v1/workspaces/${ws.id}/history`, 'POST', 'GET'],
      [`/api/v1/workspaces/${ws.id}/history/1/restore`, 'GET', 'POST'],
      ['/api/v1/me', 'DELETE', 'GET'],
      [`/api/v1/workspaces/${ws.id}/webhooks/deliveries`, 'POST', 'GET'],
      [`/api/v1/workspaces/${ws.id}/docs/${ws.id}/updates`, 'GET', 'POST'],
    ] as const) {
      const res = await call(path, { method });
      expect([path, method, res.status, res.headers.get('allow')]).toEqual([path, method, 405, allow]);
      expect(JSON.stringify(await res.json())).not.toContain('"memberId"');
    }
    expect((await call('/api/v1/me')).status).toBe(200);
  });

  it('refuses an oversized invite with 413 and a wrong content type with 415', async () => {
    const big = await call(`/api/v1/workspaces/${ws.id}/invites`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(8 << 20), role: 'viewer' }) });
    expect(big.status).toBe(413);
    const text = await call(`/api/v1/workspaces/${ws.id}/invites`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ name: 'Bo', role: 'viewer' }) });
    expect(text.status).toBe(415);
    const ok = await call(`/api/v1/workspaces/${ws.id}/invites`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Bo', role: 'viewer' }) });
    expect(ok.status).toBe(201);
    const bad = await call(`/api/v1/workspaces/${ws.id}/invites`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    expect(bad.status).toBe(400);
  });

  it('does not show a viewer the webhook delivery log (its entries carry the webhook URL)', async () => {
    const res = await call(`/api/v1/workspaces/${ws.id}/webhooks/deliveries`, { token: viewer.token });
    expect(res.status).toBe(403);
    expect((await call(`/api/v1/workspaces/${ws.id}/webhooks/deliveries`)).status).toBe(200);
  });

  it.each(['http://localhost./hook', 'http://api.localhost/hook', 'http://[::127.0.0.1]/hook', 'http://[::ffff:127.0.0.1]/hook', 'http://[64:ff9b::7f00:1]/hook', 'http://[2002:7f00:1::]/hook'])(
    'refuses a webhook to %s on a team server',
    async (url) => {
      const res = await call(`/api/v1/workspaces/${ws.id}/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url, purpose: 'incidents' }) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/private or local address/);
    },
  );
});

describe('the router over server-api.ts', () => {
  const json = { 'content-type': 'application/json' };
  const answer = async (res: Response) => [res.status, (await res.json()) as { error: string; code?: string }] as const;

  it('refuses a role with the reason and a code, before reading the body', async () => {
    const [status, body] = await answer(await call(`/api/v1/workspaces/${ws.id}/webhooks`, { method: 'POST', token: viewer.token, headers: json, body: '{not json' }));
    expect([status, body]).toEqual([403, { error: 'a viewer cannot add webhooks', code: 'role_refused' }]);
  });

  it('says which fields of a JSON body are wrong, with their paths', async () => {
    const [status, body] = await answer(await call(`/api/v1/workspaces/${ws.id}/webhooks`, { method: 'POST', headers: json, body: JSON.stringify({ url: 'ftp://x', purpose: 'pager' }) }));
    expect(status).toBe(400);
    expect(body.code).toBe('invalid_body');
    expect(body.error).toMatch(/url: only http\(s\) URLs/);
    expect(body.error).toMatch(/purpose: /);
  });

  it('refuses a token of another workspace with 403, and a missing token with 401', async () => {
    const other = server.store.createWorkspace('Other', 'Ola');
    expect((await call(`/api/v1/workspaces/${ws.id}/history`, { token: other.token })).status).toBe(403);
    expect((await fetch(`${server.url}/api/v1/workspaces/${ws.id}/history`)).status).toBe(401);
  });
});
