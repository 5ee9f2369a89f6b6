/**
 * The OpenAPI 3.1 description of the server's HTTP API, served at `/api/v1/openapi.json`.
 * test/integration/openapi.test.ts calls every operation listed here against a real server
 * (and checks the answers' shapes), so this file cannot quietly drift from the routes.
 */
const error = { $ref: '#/components/schemas/Error' };
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'error', content: { 'application/json': { schema: error } } }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'malformed request; `error` says what and where',
  405: 'method not allowed',
  401: 'missing, unknown or revoked token',
  403: 'the token is for another workspace, or its role may not do this',
  404: 'no such workspace object',
  409: 'the request conflicts with what the server holds',
  413: 'body too large',
  415: 'unsupported Content-Type',
  503: 'busy: too much of this workspace\'s work is waiting; retry after `Retry-After` seconds',
};
const ws = { name: 'workspaceId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' } };
const octets = { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } };
const json = (schema: unknown) => ({ 'application/json': { schema } });

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Driftdesk sync server API',
    version: '1',
    description: 'Bearer member tokens (`Authorization: Bearer ddt_…`). The y-websocket endpoint is `ws(s)://HOST/sync/<docName>`, the token offered in `Sec-WebSocket-Protocol` as `driftdesk.token.<token>` beside `driftdesk.v1` (the one the server answers; the token is never echoed). `?token=` is still accepted from older clients.',
  },
  components: {
    securitySchemes: { member: { type: 'http', scheme: 'bearer' }, metrics: { type: 'http', scheme: 'bearer', description: 'the server’s --metrics-token; without one set, /metrics answers loopback requests only' } },
    schemas: {
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, code: { type: 'string', description: 'a short machine code, where the route gives one (e.g. columns_mismatch, too_many_columns, header_too_long, engine_busy)' } } },
      Identity: {
        type: 'object',
        required: ['workspaceId', 'workspaceName', 'memberId', 'name', 'role'],
        properties: { workspaceId: { type: 'string' }, workspaceName: { type: 'string' }, memberId: { type: 'string' }, name: { type: 'string' }, role: { enum: ['owner', 'editor', 'commenter', 'viewer'] } },
      },
      Outcome: {
        type: 'object',
        required: ['ruleId', 'band', 'summary', 'value'],
        properties: { ruleId: { type: 'string' }, band: { enum: ['ok', 'warning', 'critical'] }, summary: { type: 'string' }, value: { type: 'number' } },
      },
      IngestedRun: {
        type: 'object',
        required: ['id', 'source', 'outcome', 'detailBlob', 'reproScore', 'warnings'],
        properties: {
          id: { type: 'string' }, source: { type: 'string' }, outcome: { enum: ['inserted', 'updated', 'unchanged'] }, detailBlob: { type: 'string' },
          reproScore: { type: 'integer', minimum: 0, maximum: 100 }, warnings: { type: 'array', items: { type: 'string' } },
        },
      },
      IncidentRef: { type: 'object', required: ['id', 'title'], properties: { id: { type: 'string' }, title: { type: 'string' } } },
      Findings: {
        type: 'object',
        required: ['outcomes', 'opened', 'updated'],
        properties: {
          outcomes: { type: 'array', items: { $ref: '#/components/schemas/Outcome' } },
          opened: { type: 'array', items: { $ref: '#/components/schemas/IncidentRef' } },
          updated: { type: 'array', items: { $ref: '#/components/schemas/IncidentRef' } },
        },
      },
    },
  },
  security: [{ member: [] }],
  paths: {
    '/healthz': { get: { security: [], summary: 'Liveness', responses: { 200: { description: 'ok', content: json({ type: 'object', properties: { status: { const: 'ok' } } }) } } } },
    // Listed as public: it is, to this machine; elsewhere it takes the metrics token (401/403 without).
    '/metrics': { get: { security: [], summary: 'Prometheus metrics (with the metrics token, or from the server’s own machine when none is set)', responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } }, ...errors(401, 403) } } },
    '/api/v1/openapi.json': { get: { security: [], summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } } } },
    '/api/v1/me': { get: { summary: 'Who a token belongs to', responses: { 200: { description: 'identity', content: json({ $ref: '#/components/schemas/Identity' }) }, ...errors(401) } } },
    '/api/v1/workspaces/{workspaceId}/invites': {
      post: {
        summary: 'Create a member token (owners)', parameters: [ws],
        requestBody: { required: true, content: json({ type: 'object', required: ['name', 'role'], properties: { name: { type: 'string' }, role: { enum: ['owner', 'editor', 'commenter', 'viewer'] } } }) },
        responses: { 201: { description: 'the new token', content: json({ type: 'object', required: ['token', 'memberId'], properties: { token: { type: 'string' }, memberId: { type: 'string' } } }) }, ...errors(400, 401, 403, 405, 413, 415) },
      },
    },
    '/api/v1/workspaces/{workspaceId}/blobs/{sha256}': {
      parameters: [ws, { name: 'sha256', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } }],
      get: { summary: 'Read a blob', responses: { 200: { description: 'the bytes', content: octets }, ...errors(401, 403, 404) } },
      put: { summary: 'Store a blob (owners, editors); the body must hash to :sha256', requestBody: { required: true, content: octets }, responses: { 201: { description: 'stored' }, 200: { description: 'already stored' }, ...errors(400, 401, 403, 413) } },
    },
    '/api/v1/workspaces/{workspaceId}/history': { get: { summary: 'History snapshots, newest first', parameters: [ws], responses: { 200: { description: 'snapshots', content: json({ type: 'object', required: ['snapshots'], properties: { snapshots: { type: 'array' } } }) }, ...errors(401, 403) } } },
    '/api/v1/workspaces/{workspaceId}/history/{snapshotId}': {
      get: { summary: 'One snapshot as a Yjs update', parameters: [ws, { name: 'snapshotId', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 200: { description: 'Yjs update', content: octets }, ...errors(401, 403, 404) } },
    },
    '/api/v1/workspaces/{workspaceId}/history/{snapshotId}/restore': {
      post: {
        summary: 'Restore the workspace to a snapshot, as a new change the server makes (owners, editors)', parameters: [ws, { name: 'snapshotId', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { 200: { description: 'what changed', content: json({ type: 'object', required: ['added', 'removed', 'changed'], properties: { added: { type: 'integer' }, removed: { type: 'integer' }, changed: { type: 'integer' } } }) }, ...errors(401, 403, 404, 405) },
      },
    },
    '/api/v1/workspaces/{workspaceId}/docs/{docName}/state-vector': {
      get: { summary: 'The server’s Yjs state vector of a doc (persisted)', parameters: [ws, { name: 'docName', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'state vector', content: octets }, ...errors(401, 403, 404) } },
    },
    '/api/v1/workspaces/{workspaceId}/docs/{docName}/updates': {
      post: {
        summary: 'Push a Yjs update made offline; answered once persisted, with the new state vector', parameters: [ws, { name: 'docName', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: octets }, responses: { 200: { description: 'state vector', content: octets }, ...errors(400, 401, 403, 404, 413, 415) },
      },
    },
    '/api/v1/workspaces/{workspaceId}/webhooks': {
      parameters: [ws],
      get: { summary: 'Outgoing webhooks (owners, editors; secrets never listed)', responses: { 200: { description: 'webhooks', content: json({ type: 'object', required: ['webhooks'], properties: { webhooks: { type: 'array' } } }) }, ...errors(401, 403) } },
      post: {
        summary: 'Add a webhook (owners); the signing secret is returned once',
        requestBody: { required: true, content: json({ type: 'object', required: ['url', 'purpose'], properties: { url: { type: 'string', format: 'uri' }, purpose: { enum: ['incidents', 'retrain'] } } }) },
        responses: { 201: { description: 'created', content: json({ type: 'object', required: ['id', 'url', 'purpose', 'secret'], properties: { id: { type: 'string' }, url: { type: 'string' }, purpose: { type: 'string' }, secret: { type: 'string' } } }) }, ...errors(400, 401, 403) },
      },
    },
    '/api/v1/workspaces/{workspaceId}/webhooks/{webhookId}': {
      delete: { summary: 'Remove a webhook (owners)', parameters: [ws, { name: 'webhookId', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'removed' }, ...errors(401, 403, 404) } },
    },
    '/api/v1/workspaces/{workspaceId}/webhooks/deliveries': {
      get: { summary: 'Delivery log, newest first (last 100)', parameters: [ws], responses: { 200: { description: 'deliveries', content: json({ type: 'object', required: ['deliveries'], properties: { deliveries: { type: 'array' } } }) }, ...errors(401, 403) } },
    },
    '/api/v1/workspaces/{workspaceId}/incidents/{incidentId}/retrain': {
      post: {
        summary: 'Request a retrain: calls the retrain webhooks with monitor, model and data versions; the outcome goes on the incident timeline',
        parameters: [ws, { name: 'incidentId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'delivered', content: json({ type: 'object', required: ['outcome', 'deliveries'], properties: { outcome: { const: 'ok' }, deliveries: { type: 'array' } } }) }, 502: { description: 'no retrain webhook accepted it (retries continue)', content: json({ type: 'object' }) }, ...errors(401, 403, 404, 409) },
      },
    },
    '/api/v1/workspaces/{workspaceId}/runs': {
      post: {
        summary: 'Record a run from any training script (owners, editors): the detail is stored as a blob, the summary upserted in the workspace; the same clientRunId updates its run (source `api:<clientRunId>`)',
        parameters: [ws],
        requestBody: {
          required: true,
          content: json({
            type: 'object', additionalProperties: false, required: ['name', 'experiment', 'status', 'startTime'],
            properties: {
              name: { type: 'string', maxLength: 300 }, experiment: { type: 'string', maxLength: 300 },
              status: { enum: ['running', 'scheduled', 'finished', 'failed', 'killed'] },
              startTime: { oneOf: [{ type: 'integer', description: 'ms since the epoch' }, { type: 'string', format: 'date-time' }] },
              endTime: { oneOf: [{ type: 'integer' }, { type: 'string', format: 'date-time' }] },
              params: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
              metrics: {
                type: 'object',
                additionalProperties: {
                  oneOf: [
                    { type: 'number', description: 'the latest value' },
                    { type: 'array', items: { type: 'object', required: ['step', 'timestamp', 'value'], properties: { step: { type: 'integer' }, timestamp: { type: 'number' }, value: { oneOf: [{ type: 'number' }, { enum: ['NaN', 'Infinity', '-Infinity'] }] } } } },
                  ],
                },
              },
              tags: { type: 'object', additionalProperties: { type: 'string' } },
              code: { type: 'object', properties: { repo: { type: 'string' }, commit: { type: 'string' }, branch: { type: 'string' }, dirty: { type: 'boolean' }, entryPoint: { type: 'string' } } },
              dataVersions: { type: 'array', maxItems: 1000, items: { type: 'object', required: ['name', 'hash', 'kind'], properties: { name: { type: 'string' }, hash: { type: 'string' }, kind: { enum: ['driftdesk', 'dvc', 'url'] }, path: { type: 'string' }, datasetVersionId: { type: 'string' }, url: { type: 'string' }, remote: { type: 'string' } } } },
              environment: { type: 'array', maxItems: 20, items: { type: 'object', required: ['kind', 'path', 'text'], properties: { kind: { enum: ['pip', 'conda', 'python_env', 'mlmodel'] }, path: { type: 'string' }, text: { type: 'string', maxLength: 2000000 } } } },
              seed: { type: ['integer', 'string'] },
              clientRunId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,200}$' },
            },
          }),
        },
        responses: {
          201: { description: 'a new run', content: json({ $ref: '#/components/schemas/IngestedRun' }) },
          200: { description: 'the run with this clientRunId, updated or unchanged', content: json({ $ref: '#/components/schemas/IngestedRun' }) },
          ...errors(400, 401, 403, 413, 415),
        },
      },
    },
    '/api/v1/workspaces/{workspaceId}/monitors': {
      post: {
        summary: 'Create a monitor from a reference file already uploaded as a blob (owners, editors)', parameters: [ws],
        requestBody: {
          required: true,
          content: json({
            type: 'object', required: ['name', 'reference', 'rules'],
            properties: {
              name: { type: 'string' }, model: { type: 'string' }, expectBatchEveryMs: { type: 'integer' },
              reference: { type: 'object', required: ['sha256', 'fileName', 'format'], properties: { sha256: { type: 'string' }, fileName: { type: 'string' }, format: { enum: ['csv', 'tsv', 'parquet', 'json', 'jsonl'] } } },
              rules: { type: 'array', items: { type: 'object', required: ['kind', 'id'], properties: { kind: { enum: ['driftShare', 'columnDrift', 'metric', 'batchMissing'] } } } },
            },
          }),
        },
        responses: { 201: { description: 'created', content: json({ type: 'object', required: ['monitorId', 'referenceVersionId'], properties: { monitorId: { type: 'string' }, referenceVersionId: { type: 'string' } } }) }, ...errors(400, 401, 403, 413, 503) },
      },
    },
    '/api/v1/workspaces/{workspaceId}/monitors/{monitorId}/batches': {
      post: {
        summary: 'A production batch (rows, or a `driftdesk profile --json` profile as application/json): drift against the reference, rules judged, incidents opened or extended', parameters: [ws, { name: 'monitorId', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'text/csv': {}, 'text/tab-separated-values': {}, 'application/x-ndjson': {}, 'application/json': {}, 'application/vnd.apache.parquet': {} } },
        responses: {
          200: { description: 'judged', content: json({ allOf: [{ $ref: '#/components/schemas/Findings' }, { type: 'object', required: ['datasetDrift', 'driftedColumns', 'testedColumns', 'reportBlob'], properties: { datasetDrift: { type: 'boolean' }, driftedColumns: { type: 'integer' }, testedColumns: { type: 'integer' }, reportBlob: { type: 'string' } } }] }) },
          // 400/413 before anything is loaded when the batch's columns are not the reference's.
          ...errors(400, 401, 403, 404, 409, 413, 415, 503),
        },
      },
    },
    '/api/v1/workspaces/{workspaceId}/monitors/{monitorId}/metrics': {
      post: {
        summary: 'Model metrics: [{"name","value","timestamp"}]', parameters: [ws, { name: 'monitorId', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: json({ type: 'array', items: { type: 'object', required: ['name', 'value', 'timestamp'], properties: { name: { type: 'string' }, value: { type: 'number' }, timestamp: { oneOf: [{ type: 'number' }, { type: 'string', format: 'date-time' }] } } } }) },
        responses: { 200: { description: 'judged', content: json({ $ref: '#/components/schemas/Findings' }) }, ...errors(400, 401, 403, 404, 413) },
      },
    },
  },
} as const;
