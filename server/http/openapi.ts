/**
 * The OpenAPI 3.1 description of the HTTP API, served at `/api/v1/openapi.json`, generated from
 * src/shared/server-api.ts (zod 4's `z.toJSONSchema` for bodies and answers), so it cannot drift
 * from what the router serves. test/integration/openapi.test.ts walks the map against it and
 * calls every documented operation on a real server.
 */
import { z } from 'zod';
import { type OperationSpec, PARAMS, apiErrorSchema, pathParams, serverApi } from '../../src/shared/server-api.ts';

const ERROR_TEXT: Record<number, string> = {
  400: 'malformed request; `error` says what and where (a body’s field paths)',
  401: 'missing, unknown or revoked token',
  403: 'the token is for another workspace, or its role may not do this',
  404: 'no such path, or no such workspace object',
  405: 'method not allowed; `Allow` lists the methods of this path',
  409: 'the request conflicts with what the server holds',
  413: 'body too large',
  415: 'unsupported Content-Type',
  502: 'no receiver accepted it (retries continue)',
  503: 'busy or storage unavailable; retry (after `Retry-After` seconds, where given)',
};
const ALWAYS = [401, 403, 404, 405];
const OCTETS = { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } };

/** JSON Schema of a zod schema; what JSON cannot say (a transform) is left open rather than refused. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function operation(name: string, op: OperationSpec) {
  const parameters: Record<string, unknown>[] = pathParams(op.path).map((p) => ({ name: p, in: 'path', required: true, schema: { type: 'string', pattern: (PARAMS[p] ?? /.*/).source } }));
  if (op.query) {
    const query = jsonSchema(op.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [p, schema] of Object.entries(query.properties ?? {})) parameters.push({ name: p, in: 'query', required: query.required?.includes(p) ?? false, schema });
  }
  const requestBody =
    op.body.kind === 'json' ? { required: true, content: { 'application/json': { schema: jsonSchema(op.body.schema, 'input') } } }
    : op.body.kind === 'bytes' ? { required: true, content: op.body.contentTypes.length ? Object.fromEntries(op.body.contentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) : OCTETS }
    : undefined;
  const success = op.response === 'bytes' ? OCTETS : { 'application/json': { schema: jsonSchema(op.response, 'output') } };
  const errors = [...new Set([...ALWAYS, ...(op.errors ?? [])])].filter((s) => !op.statuses.includes(s)).sort();
  return {
    operationId: name,
    summary: op.summary,
    description: `Roles: ${op.roles.join(', ')}. Body limit: ${op.body.kind === 'none' ? 'no body' : `${op.body.maxBytes} bytes (a server may set another)`}.`,
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      ...Object.fromEntries(op.statuses.map((s) => [String(s), { description: s === op.statuses[0] ? 'done' : 'done (see summary)', content: success }])),
      ...Object.fromEntries(errors.map((s) => [String(s), { description: ERROR_TEXT[s] ?? 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }])),
    },
  };
}

/** The whole document (built once per process: the map does not change). */
export const buildOpenApi = (() => {
  let built: Record<string, unknown> | null = null;
  return (): Record<string, unknown> => (built ??= build());
})();

function build(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {
    '/healthz': { get: { security: [], summary: 'Liveness', responses: { 200: { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ok' } } } } } } } } },
    // Listed as public: it is, to this machine; elsewhere it takes the metrics token (401/403 without).
    '/metrics': { get: { security: [], summary: 'Prometheus metrics (with the metrics token, or from the server’s own machine when none is set)', responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
    '/api/v1/openapi.json': { get: { security: [], summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } } },
  };
  for (const [name, op] of Object.entries(serverApi) as [string, OperationSpec][]) {
    const path = op.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[op.method.toLowerCase()] = operation(name, op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Driftdesk sync server API',
      version: '1',
      description:
        'Generated from src/shared/server-api.ts. Bearer member tokens (`Authorization: Bearer ddt_…`). The y-websocket endpoint is `ws(s)://HOST/sync/<docName>`, the token offered in `Sec-WebSocket-Protocol` as `driftdesk.token.<token>` beside `driftdesk.v1` (the one the server answers; the token is never echoed). `?token=` is still accepted from older clients.',
    },
    components: {
      securitySchemes: { member: { type: 'http', scheme: 'bearer' }, metrics: { type: 'http', scheme: 'bearer', description: 'the server’s --metrics-token; without one set, /metrics answers loopback requests only' } },
      schemas: { Error: jsonSchema(apiErrorSchema, 'output') },
    },
    security: [{ member: [] }],
    paths,
  };
}
