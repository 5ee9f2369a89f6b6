/**
 * server/openapi.ts against the real server: every documented operation is served (public ones
 * answer 200, the others ask for a token rather than saying "no route"), and an undocumented
 * path is not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OPENAPI } from '../../server/openapi.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';

let dir: string;
let server: SyncServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-openapi-'));
  server = await startSyncServer({ port: 0, dataDir: dir });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const SAMPLE: Record<string, string> = { workspaceId: 'ws_x', sha256: 'a'.repeat(64), snapshotId: '1', docName: 'ws_x', monitorId: 'mon_1', webhookId: 'wh_1', incidentId: 'inc_1' };

it('serves every documented operation', async () => {
  const operations = Object.entries(OPENAPI.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'put', 'post', 'delete'].includes(method))
      .map(([method, op]) => ({ path, method: method.toUpperCase(), isPublic: (op as { security?: unknown[] }).security?.length === 0 })),
  );
  expect(operations.length).toBeGreaterThanOrEqual(14);
  for (const { path, method, isPublic } of operations) {
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE[name] ?? 'x');
    const res = await fetch(`${server.url}${url}`, { method, ...(method === 'GET' ? {} : { body: '' }) });
    expect(`${method} ${path} → ${res.status}`).toBe(`${method} ${path} → ${isPublic ? 200 : 401}`);
  }
});

it('does not serve what it does not document', async () => {
  const res = await fetch(`${server.url}/api/v1/workspaces/ws_x/secrets`, { headers: { authorization: 'Bearer ddt_x' } });
  expect(res.status).toBe(404);
});
