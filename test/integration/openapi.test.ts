/**
 * The OpenAPI document, generated from src/shared/server-api.ts, against the map and a real
 * server: every operation of the map is documented (method, path, body, roles), every
 * documented operation is served (public ones answer 200, the others ask for a token rather
 * than saying "no route"), and an undocumented path is not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildOpenApi } from '../../server/http/openapi.ts';
import { type SyncServer, startSyncServer } from '../../server/index.ts';
import { type OperationSpec, serverApi } from '../../src/shared/server-api.ts';

type Doc = { openapi: string; paths: Record<string, Record<string, { operationId?: string; security?: unknown[]; requestBody?: { content: Record<string, unknown> }; responses: Record<string, unknown> }>> };

let dir: string;
let server: SyncServer;
let served: Doc;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-openapi-'));
  server = await startSyncServer({ port: 0, dataDir: dir });
  served = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as Doc;
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const SAMPLE: Record<string, string> = { workspaceId: 'ws_x', sha256: 'a'.repeat(64), snapshotId: '1', docName: 'ws_x', monitorId: 'mon_1', webhookId: 'wh_1', incidentId: 'inc_1', offset: '0' };

it('serves the document generated from the map', () => {
  expect(served).toEqual(JSON.parse(JSON.stringify(buildOpenApi())));
  expect(served.openapi).toBe('3.1.0');
});

it('documents every operation of the map: its method, path, body and answers', () => {
  for (const [name, op] of Object.entries(serverApi) as [string, OperationSpec][]) {
    const documented = served.paths[op.path.replace(/:(\w+)/g, '{$1}')]?.[op.method.toLowerCase()];
    expect(documented?.operationId, `${op.method} ${op.path}`).toBe(name);
    const types = Object.keys(documented!.requestBody?.content ?? {});
    if (op.body.kind === 'none') expect(types, name).toEqual([]);
    if (op.body.kind === 'json') expect(types, name).toEqual(['application/json']);
    if (op.body.kind === 'bytes' && op.body.contentTypes.length) expect(types, name).toEqual([...op.body.contentTypes]);
    for (const status of [...op.statuses, 401, 403]) expect(Object.keys(documented!.responses), name).toContain(String(status));
  }
  const documented = Object.values(served.paths).flatMap((item) => Object.values(item)).filter((op) => op.operationId);
  expect(documented.length).toBe(Object.keys(serverApi).length);
});

it('serves every documented operation', async () => {
  const operations = Object.entries(served.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'put', 'post', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ path, method: method.toUpperCase(), isPublic: op.security?.length === 0 })),
  );
  expect(operations.length).toBeGreaterThanOrEqual(Object.keys(serverApi).length + 3);
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
