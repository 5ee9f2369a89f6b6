/**
 * The host/CLI ↔ sync server HTTP contract: every operation of `/api/v1` once, with its method,
 * path, request body, answer and the roles that may call it. The server's router
 * (server/http/router.ts) routes, authorizes and checks bodies from this map; the OpenAPI
 * document (server/http/openapi.ts) is generated from it; clients take their types from it. It
 * is also the one home of the wire types that the server store, the host contract and the
 * clients share (member identity, webhooks, deliveries).
 *
 * `/healthz` and `/metrics` are outside the API (no member token) and not listed here.
 */
import { z } from 'zod';
import { columnMappingSchema } from '../core/drift/column-mapping.ts';
import { alertRuleSchema } from '../core/monitor/rules.ts';
import { ROLES, type Role, chunkingSchema, memberNameInputSchema, roleSchema } from '../core/workspace/schema.ts';
import { runIngestSchema } from '../core/workspace/run-ingest.ts';

// ── wire types ────────────────────────────────────────────────────────────────────────────────

export const memberIdentitySchema = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  memberId: z.string(),
  name: z.string(),
  role: roleSchema,
});
/** Who a member token belongs to (`GET /api/v1/me`). */
export type MemberIdentity = z.infer<typeof memberIdentitySchema>;

export const webhookPurposeSchema = z.enum(['incidents', 'retrain']);
export type WebhookPurpose = z.infer<typeof webhookPurposeSchema>;

export const webhookInfoSchema = z.object({ id: z.string(), url: z.string(), purpose: webhookPurposeSchema, createdAt: z.number() });
/** An outgoing webhook as listed (never with its secret). */
export type WebhookInfo = z.infer<typeof webhookInfoSchema>;

export const deliveryInfoSchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  url: z.string(),
  event: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  /** HTTP status of the last attempt, or null when it got no answer. */
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
/** One webhook delivery (the delivery log, a retrain request's answer). */
export type DeliveryInfo = z.infer<typeof deliveryInfoSchema>;

export const snapshotInfoSchema = z.object({ id: z.number().int(), createdAt: z.number(), bytes: z.number().int() });
export type SnapshotInfo = z.infer<typeof snapshotInfoSchema>;

/** Every answer that is not a success: `error` says what and where; `code` is for code to branch on. */
export const apiErrorSchema = z.object({ error: z.string(), code: z.string().optional() });
export type ApiError = z.infer<typeof apiErrorSchema>;

const outcomeSchema = z.object({ ruleId: z.string(), band: z.enum(['ok', 'warning', 'critical']), summary: z.string(), value: z.number() });
const incidentRefSchema = z.object({ id: z.string(), title: z.string() });
export const findingsSchema = z.object({ outcomes: z.array(outcomeSchema), opened: z.array(incidentRefSchema), updated: z.array(incidentRefSchema) });

const thresholdsSchema = z.object({ lower: z.number().nullable(), upper: z.number().nullable() });

const estimateSchema = z.object({
  value: z.number(), lower: z.number().nullable(), upper: z.number().nullable(),
  /** NannyML's thresholds from the reference's chunks, and whether the estimate is outside them. */
  thresholds: z.object({ lower: z.number().nullable(), upper: z.number().nullable() }).optional(),
  alert: z.boolean().optional(),
});
/**
 * One entry of a monitor's history, kept by the server outside the workspace doc (one row per
 * batch or metrics post): what came, when, what drifted, the model's numbers and how each rule
 * judged it. `at` is the batch's own time (the latest value of its timestamp column) when the
 * mapping names one and the batch has it, else when it arrived (`timeFrom` says which).
 */
export const monitorBatchSchema = z.object({
  id: z.number().int(),
  monitorId: z.string(),
  kind: z.enum(['batch', 'metrics']),
  at: z.number(),
  arrivedAt: z.number(),
  timeFrom: z.enum(['timestamp', 'arrival', 'metrics']),
  rows: z.number().int(),
  /** Share of tested columns that drifted (null for a metrics post). */
  driftShare: z.number().nullable(),
  driftedColumns: z.number().int(),
  testedColumns: z.number().int(),
  columns: z.array(z.object({ name: z.string(), test: z.string(), score: z.number(), threshold: z.number(), drifted: z.boolean() })),
  /** Metrics posted for this time (monitors.metrics). */
  metrics: z.record(z.string(), z.number()),
  /** Performance estimated without labels (CBPE), per metric, with its sampling-error band. */
  estimated: z.record(z.string(), estimateSchema),
  /** Performance from labels: the batch's own target, or labels pushed later. */
  realized: z.record(z.string(), z.number()),
  /** Rows whose label is known (of `rows`). */
  labelled: z.number().int(),
  outcomes: z.array(outcomeSchema),
  /** The incident each fired rule's finding went to. */
  incidents: z.record(z.string(), z.string()),
  reportBlob: z.string().nullable(),
  /** The batch's id, prediction and probability columns (JSON blob), which labels are joined to. */
  predictionsBlob: z.string().nullable(),
  /**
   * The drift share's thresholds from the reference's chunks (each chunk against the whole
   * reference: mean ± 3 std, clipped to [0, 1]), when a rule asks for them; absent in older rows.
   */
  driftShareThresholds: thresholdsSchema.nullable().optional(),
  /**
   * Multivariate drift (NannyML's data reconstruction) of the batch as one chunk, when a rule asks
   * for it: the mean reconstruction error, its sampling error and band (± 3 sampling errors), the
   * thresholds from the reference's chunks, and whether it is outside them.
   */
  multivariate: z.object({
    value: z.number(), samplingError: z.number().nullable(), lower: z.number().nullable(), upper: z.number().nullable(),
    thresholds: thresholdsSchema, alert: z.boolean(), components: z.number().int(), columns: z.number().int(),
  }).nullable().optional(),
});
export type MonitorBatch = z.infer<typeof monitorBatchSchema>;

// ── request bodies that are only this API's ───────────────────────────────────────────────────

export const inviteInputSchema = z.object({ name: memberNameInputSchema, role: roleSchema });

export const webhookInputSchema = z.object({
  url: z.string().url().refine((u) => /^https?:\/\//.test(u), 'only http(s) URLs'),
  purpose: webhookPurposeSchema,
});

export const monitorInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  model: z.string().trim().max(300).default(''),
  reference: z.object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected the sha256 of a blob uploaded with PUT …/blobs/:sha256'),
    fileName: z.string().trim().min(1).max(500),
    format: z.enum(['csv', 'tsv', 'parquet', 'json', 'jsonl']),
    /** A dataset version of the workspace with this very content (same md5): linked, not copied. */
    versionId: z.string().min(1).max(128).optional(),
  }),
  rules: z.array(alertRuleSchema).min(1).max(100),
  expectBatchEveryMs: z.number().int().positive().optional(),
  /** What each column is; checked against the reference's columns. */
  mapping: columnMappingSchema.optional(),
  /** CBPE calibrates the probabilities on the reference: 'auto' as NannyML decides, or forced. */
  calibration: z.enum(['auto', 'on', 'off']).optional(),
  /** How the reference is cut into chunks for every threshold derived from it (absent: NannyML's default chunker). */
  chunking: chunkingSchema.optional(),
}).superRefine((input, ctx) => {
  if (input.chunking?.kind === 'period' && input.mapping?.timestamp === undefined) {
    ctx.addIssue({ code: 'custom', path: ['chunking', 'period'], message: 'period chunking needs the column mapping\'s timestamp column (mapping.timestamp)' });
  }
});

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest');
export const uploadStartSchema = z.object({ sha256: sha256Hex, size: z.number().int().positive('an upload has at least one byte') });

/**
 * Where a resumable upload stands: `received` bytes of `size` are on the server (always a
 * prefix: pieces are taken only in order); `complete` once the blob is stored under its hash.
 * `maxBytes` is the server's limit for one upload, `chunkBytes` for one piece.
 */
export const uploadStateSchema = z.object({
  sha256: z.string(), size: z.number().int(), received: z.number().int(), complete: z.boolean(),
  maxBytes: z.number().int(), chunkBytes: z.number().int(),
});
export type UploadState = z.infer<typeof uploadStateSchema>;

/** An edit of a monitor: only the fields given change. */
export const monitorUpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  model: z.string().trim().max(300).optional(),
  rules: z.array(alertRuleSchema).min(1).max(100).optional(),
  /** null removes the mapping. */
  mapping: columnMappingSchema.nullable().optional(),
  paused: z.boolean().optional(),
  calibration: z.enum(['auto', 'on', 'off']).optional(),
  /** null: back to NannyML's default chunker. */
  chunking: chunkingSchema.nullable().optional(),
  expectBatchEveryMs: z.number().int().positive().nullable().optional(),
  /** A new reference, uploaded as a blob first (as for create). */
  reference: monitorInputSchema.shape.reference.optional(),
});

/** `GET …/monitors/:monitorId/history` query: a time range (ms) and a page. */
export const monitorHistoryQuerySchema = z.strictObject({
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** The `next` cursor of the previous page. */
  after: z.string().regex(/^\d{1,15}:\d{1,15}$/, 'expected the `next` value of the previous page').optional(),
  /**
   * `summary` leaves out each batch's per-column results (`columns: []`): a tenth of the bytes,
   * what a monitor's rule and performance charts need; `full` has them (the column charts).
   */
  view: z.enum(['full', 'summary']).default('full'),
});
export type MonitorHistoryQuery = z.output<typeof monitorHistoryQuerySchema>;

/** Longest doc name a history query may give (a conversation doc's name is at most ~280). */
export const MAX_DOC_NAME_CHARS = 300;

/** `GET …/history` (and one snapshot, a restore) query: which doc's history (default: the workspace doc's). */
export const historyQuerySchema = z.strictObject({
  doc: z.string().min(1, 'name a doc, or leave `doc` out for the workspace doc').max(MAX_DOC_NAME_CHARS, `a doc name is at most ${MAX_DOC_NAME_CHARS} characters`).optional(),
});
export type HistoryQuery = z.output<typeof historyQuerySchema>;

/** Largest labels file (`driftdesk push labels`). */
export const MAX_LABELS_BYTES = 64 * 1024 * 1024;
/** Content types a labels file may come as. */
export const LABELS_CONTENT_TYPES = ['text/csv', 'application/x-ndjson', 'application/jsonl'] as const;


export const notebookPushSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected the sha256 of a blob uploaded with PUT …/blobs/:sha256'),
  /** The notebook's identity: the same path pushed again is its next version. */
  path: z.string().trim().min(1).max(1000),
  title: z.string().trim().min(1).max(300).optional(),
  /** A run id, source (`api:<clientRunId>`) or unique name. */
  run: z.string().trim().min(1).max(300).optional(),
});

export const metricsInputSchema = z
  .array(z.object({ name: z.string().min(1).max(200), value: z.number().finite(), timestamp: z.union([z.number(), z.string().datetime({ offset: true })]) }))
  .min(1, 'send at least one metric')
  .max(10_000);

// ── the map ──────────────────────────────────────────────────────────────────────────────────

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export type BodySpec =
  | { kind: 'none' }
  /** JSON of at most `maxBytes`, checked against `schema`; `hint` opens a 400's message. */
  | { kind: 'json'; schema: z.ZodType; maxBytes: number; hint?: string; what?: string }
  /** Raw bytes of one of `contentTypes` (any, when empty), at most `maxBytes` (a server option may change it). */
  | { kind: 'bytes'; contentTypes: readonly string[]; maxBytes: number; what?: string };
// `what` names the body in a refusal ("send the update as …"); default "the body".

export interface OperationSpec {
  method: HttpMethod;
  /** `:name` segments are path parameters, each matched by `PARAMS[name]`. */
  path: string;
  summary: string;
  body: BodySpec;
  /** The query string's fields, checked by the router (a 400 names the field). */
  query?: z.ZodType;
  /** The success answer's JSON, or raw bytes (application/octet-stream). */
  response: z.ZodType | 'bytes';
  /** Success statuses, first the usual one. */
  statuses: readonly number[];
  /** Roles whose token may call it (a token is for one workspace: it must be the path's). */
  roles: readonly Role[];
  /** What a refused role is told it cannot do: "a viewer cannot <denied>". */
  denied?: string;
  /** Error statuses the operation may answer besides 401/403/404/405 (for the OpenAPI document). */
  errors?: readonly number[];
}

/** Path parameters: what each may look like (anything else is a 404). */
export const PARAMS: Record<string, RegExp> = {
  workspaceId: /^[A-Za-z0-9_-]{1,128}$/,
  sha256: /^[0-9a-f]{64}$/,
  snapshotId: /^\d{1,15}$/,
  docName: /^[A-Za-z0-9_:-]{1,300}$/,
  monitorId: /^[A-Za-z0-9_-]{1,128}$/,
  webhookId: /^[A-Za-z0-9_-]{1,128}$/,
  incidentId: /^[A-Za-z0-9_-]{1,128}$/,
  offset: /^\d{1,15}$/,
};

const KiB = 1024;
const MiB = 1024 * KiB;
/** Default largest blob (a server's `maxBlobBytes` changes it). */
export const DEFAULT_MAX_BLOB_BYTES = 64 * MiB;
/**
 * Default largest file a resumable upload may declare (a server's `maxUploadBytes` changes it).
 * Both stores keep a finished upload as one blob: SQLite's and PostgreSQL's largest value is
 * just under 1 GB, so a server cannot be set above MAX_UPLOAD_BYTES_CEILING.
 */
export const DEFAULT_MAX_UPLOAD_BYTES = 512 * MiB;
export const MAX_UPLOAD_BYTES_CEILING = 900 * MiB;
/** Largest piece of a resumable upload per request: a dropped connection loses at most this. */
export const UPLOAD_CHUNK_BYTES = 8 * MiB;
/** Largest run body: a run with long metric series and a few environment files fits well under it. */
export const MAX_RUN_BODY_BYTES = 16 * MiB;
/** Default largest pushed Yjs update (the server's `maxMessageBytes` changes it). */
export const DEFAULT_MAX_UPDATE_BYTES = 8 * MiB;

const ANY: readonly Role[] = ROLES;
const WRITERS: readonly Role[] = ['owner', 'editor'];
const OWNERS: readonly Role[] = ['owner'];
const NONE: BodySpec = { kind: 'none' };
const WS = '/api/v1/workspaces/:workspaceId';

/** Content types a monitor batch may come as (server/http/handlers/monitors.ts reads each). */
export const BATCH_CONTENT_TYPES = [
  'text/csv',
  'text/tab-separated-values',
  'application/x-ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/json',
  'application/vnd.apache.parquet',
  'application/x-parquet',
] as const;

export const serverApi = {
  me: { method: 'GET', path: '/api/v1/me', summary: 'Who a token belongs to', body: NONE, response: memberIdentitySchema, statuses: [200], roles: ANY },
  'invites.create': {
    method: 'POST', path: `${WS}/invites`, summary: 'Create a member token (owners)',
    body: { kind: 'json', schema: inviteInputSchema, maxBytes: 4 * KiB, hint: 'expected {"name", "role"}', what: 'the invite' },
    response: z.object({ token: z.string(), memberId: z.string(), role: roleSchema, name: z.string() }), statuses: [201], roles: OWNERS, denied: 'invite members', errors: [400, 413, 415],
  },
  // A workspace moved here from someone's desktop (server/archive/adopt-workspace.ts): an empty
  // workspace's owner sends its archive (without blobs, which go through blobs.put first).
  'workspaces.adopt': {
    method: 'POST', path: `${WS}/adopt/:memberId`,
    summary: 'Fill this empty workspace from a workspace archive (owners); :memberId is the archive member the caller becomes; answers invites for the others',
    body: { kind: 'bytes', contentTypes: ['application/gzip'], maxBytes: 256 * MiB, what: 'the workspace archive' },
    response: z.object({
      members: z.number().int(),
      docs: z.number().int(),
      invites: z.array(z.object({ memberId: z.string(), name: z.string(), role: roleSchema, token: z.string() })),
    }),
    statuses: [200], roles: OWNERS, denied: 'move a workspace here', errors: [400, 409, 413, 415],
  },
  // Every member reads blobs (a teammate's dataset file included): viewers and commenters read, so they may download.
  'blobs.get': { method: 'GET', path: `${WS}/blobs/:sha256`, summary: 'Read a blob', body: NONE, response: 'bytes', statuses: [200], roles: ANY },
  'blobs.put': {
    method: 'PUT', path: `${WS}/blobs/:sha256`, summary: 'Store a blob (owners, editors); the body must hash to :sha256',
    body: { kind: 'bytes', contentTypes: [], maxBytes: DEFAULT_MAX_BLOB_BYTES },
    response: z.object({ sha256: z.string(), size: z.number().int() }), statuses: [201], roles: WRITERS, denied: 'upload blobs', errors: [400, 413],
  },
  // Resumable uploads (server/http/handlers/uploads.ts): start, ask how far, send the next piece.
  'uploads.start': {
    method: 'POST', path: `${WS}/uploads`, summary: 'Start (or resume) uploading a file as a blob (owners, editors): declares its sha256 and size; answers how many bytes the server has',
    body: { kind: 'json', schema: uploadStartSchema, maxBytes: 4 * KiB, hint: 'expected {"sha256","size"}', what: 'the upload' },
    response: uploadStateSchema, statuses: [201, 200], roles: WRITERS, denied: 'upload files', errors: [400, 409, 413, 415, 429],
  },
  'uploads.status': {
    method: 'GET', path: `${WS}/uploads/:sha256`, summary: 'How many bytes of an upload the server has (owners, editors)', body: NONE,
    response: uploadStateSchema, statuses: [200], roles: WRITERS, denied: 'upload files',
  },
  'uploads.put': {
    method: 'PUT', path: `${WS}/uploads/:sha256/:offset`,
    summary: 'The piece of an upload that starts at :offset, which must be the bytes the server has; the last piece stores the blob once the whole file hashes to :sha256',
    body: { kind: 'bytes', contentTypes: ['application/octet-stream'], maxBytes: UPLOAD_CHUNK_BYTES, what: 'an upload piece' },
    response: uploadStateSchema, statuses: [200, 201], roles: WRITERS, denied: 'upload files', errors: [400, 409, 413, 415, 503],
  },
  // History per doc: `?doc=` names a note or conversation doc of the workspace (its full doc
  // name, see parseDocName); without it, the workspace doc. Every member reads history.
  'history.list': {
    method: 'GET', path: `${WS}/history`, summary: 'History snapshots of the workspace doc, or of the doc named by ?doc= (a note or conversation doc of this workspace), newest first', body: NONE,
    query: historyQuerySchema, response: z.object({ snapshots: z.array(snapshotInfoSchema) }), statuses: [200], roles: ANY, errors: [400],
  },
  'history.get': {
    method: 'GET', path: `${WS}/history/:snapshotId`, summary: 'One snapshot as a Yjs update (of the doc named by ?doc=, default the workspace doc)', body: NONE,
    query: historyQuerySchema, response: 'bytes', statuses: [200], roles: ANY, errors: [400],
  },
  'history.restore': {
    method: 'POST', path: `${WS}/history/:snapshotId/restore`, summary: 'Restore the workspace to a snapshot of the workspace doc, as a new change the server makes (owners, editors)', body: NONE,
    query: historyQuerySchema, response: z.object({ added: z.number().int(), removed: z.number().int(), changed: z.number().int() }), statuses: [200], roles: WRITERS, denied: 'restore the workspace', errors: [400],
  },
  'docs.stateVector': {
    method: 'GET', path: `${WS}/docs/:docName/state-vector`, summary: 'The server’s Yjs state vector of a doc (persisted)', body: NONE, response: 'bytes', statuses: [200], roles: ANY,
  },
  'docs.state': {
    method: 'GET', path: `${WS}/docs/:docName/state`, summary: 'A doc’s whole state as one Yjs update (persisted): how the app fetches conversation docs nobody has open', body: NONE, response: 'bytes', statuses: [200], roles: ANY,
  },
  'docs.pushUpdate': {
    method: 'POST', path: `${WS}/docs/:docName/updates`, summary: 'Push a Yjs update made offline; answered once persisted, with the new state vector',
    body: { kind: 'bytes', contentTypes: ['application/octet-stream'], maxBytes: DEFAULT_MAX_UPDATE_BYTES, what: 'the update' },
    // Each role's own limits (a commenter on a note, a viewer) are judged by the room, per update.
    response: 'bytes', statuses: [200], roles: ANY, errors: [400, 413, 415, 503],
  },
  'webhooks.list': {
    method: 'GET', path: `${WS}/webhooks`, summary: 'Outgoing webhooks (owners, editors; secrets never listed)', body: NONE,
    response: z.object({ webhooks: z.array(webhookInfoSchema) }), statuses: [200], roles: WRITERS, denied: 'see webhooks',
  },
  'webhooks.create': {
    method: 'POST', path: `${WS}/webhooks`, summary: 'Add a webhook (owners); the signing secret is returned once',
    body: { kind: 'json', schema: webhookInputSchema, maxBytes: 16 * KiB, hint: 'expected {"url","purpose":"incidents"|"retrain"}' },
    response: webhookInfoSchema.extend({ secret: z.string() }), statuses: [201], roles: OWNERS, denied: 'add webhooks', errors: [400, 413, 415],
  },
  'webhooks.delete': {
    method: 'DELETE', path: `${WS}/webhooks/:webhookId`, summary: 'Remove a webhook (owners)', body: NONE,
    response: z.object({ deleted: z.string() }), statuses: [200], roles: OWNERS, denied: 'remove webhooks',
  },
  'webhooks.deliveries': {
    method: 'GET', path: `${WS}/webhooks/deliveries`, summary: 'Delivery log, newest first (last 100)', body: NONE,
    // Entries carry the webhook URL, often a credential (Slack-style): as for the list.
    response: z.object({ deliveries: z.array(deliveryInfoSchema) }), statuses: [200], roles: WRITERS, denied: 'see webhook deliveries',
  },
  'incidents.retrain': {
    method: 'POST', path: `${WS}/incidents/:incidentId/retrain`,
    summary: 'Request a retrain: calls the retrain webhooks with monitor, model and data versions; the outcome goes on the incident timeline', body: NONE,
    response: z.object({ outcome: z.enum(['ok', 'failed']), deliveries: z.array(deliveryInfoSchema) }), statuses: [200, 502], roles: WRITERS, denied: 'request a retrain', errors: [409],
  },
  'runs.ingest': {
    method: 'POST', path: `${WS}/runs`,
    summary: 'Record a run from any training script (owners, editors): the detail is stored as a blob, the summary upserted in the workspace; the same clientRunId updates its run (source `api:<clientRunId>`)',
    body: { kind: 'json', schema: runIngestSchema, maxBytes: MAX_RUN_BODY_BYTES, what: 'the run' },
    response: z.object({
      id: z.string(), source: z.string(), outcome: z.enum(['inserted', 'updated', 'unchanged']), detailBlob: z.string(),
      reproScore: z.number().int().min(0).max(100), warnings: z.array(z.string()),
    }),
    statuses: [201, 200], roles: WRITERS, denied: 'add runs', errors: [400, 413, 415, 503],
  },
  'notebooks.push': {
    method: 'POST', path: `${WS}/notebooks`,
    summary: 'Add a notebook (an .ipynb uploaded as a blob) as the next version of the notebook at `path` (owners, editors); the server reads it first and refuses a file that is not a notebook',
    body: { kind: 'json', schema: notebookPushSchema, maxBytes: 8 * KiB, hint: 'expected {"sha256","path"[,"title","run"]}', what: 'the notebook' },
    response: z.object({ notebookId: z.string(), versionId: z.string(), version: z.number().int(), outcome: z.enum(['created', 'versioned', 'unchanged']), cells: z.number().int(), notes: z.array(z.string()) }),
    statuses: [201, 200], roles: WRITERS, denied: 'add notebooks', errors: [400, 413, 415, 503],
  },
  'monitors.create': {
    method: 'POST', path: `${WS}/monitors`, summary: 'Create a monitor from a reference file already uploaded as a blob (owners, editors)',
    body: { kind: 'json', schema: monitorInputSchema, maxBytes: DEFAULT_MAX_BLOB_BYTES, hint: 'expected {"name","reference":{"sha256","fileName","format"},"rules":[…]}', what: 'the monitor' },
    response: z.object({ monitorId: z.string(), referenceVersionId: z.string() }), statuses: [201], roles: WRITERS, denied: 'create monitors', errors: [400, 409, 413, 503],
  },
  'monitors.batch': {
    method: 'POST', path: `${WS}/monitors/:monitorId/batches`,
    summary: 'A production batch (rows, or a `driftdesk profile --json` profile as application/json): drift against the reference, rules judged, incidents opened or extended',
    // Batches are files: several formats, and the blob limit rather than a JSON body's.
    body: { kind: 'bytes', contentTypes: BATCH_CONTENT_TYPES, maxBytes: DEFAULT_MAX_BLOB_BYTES, what: 'a batch' },
    response: findingsSchema.extend({
      rows: z.number().int(), datasetDrift: z.boolean(), driftedColumns: z.number().int(), testedColumns: z.number().int(), reportBlob: z.string(),
      batchId: z.number().int(), at: z.number(), estimated: monitorBatchSchema.shape.estimated, realized: monitorBatchSchema.shape.realized,
      multivariate: monitorBatchSchema.shape.multivariate,
      /** What could not be derived from the reference (its rules were not judged), e.g. too few rows for the chunking. */
      notes: z.array(z.string()).optional(),
    }),
    statuses: [200], roles: WRITERS, denied: 'send monitoring data', errors: [400, 409, 413, 415, 503],
  },
  'monitors.update': {
    method: 'PATCH', path: `${WS}/monitors/:monitorId`, summary: 'Edit a monitor: name, model, rules, mapping, reference, schedule, paused (owners, editors)',
    body: { kind: 'json', schema: monitorUpdateSchema, maxBytes: 1 * MiB, hint: 'expected {"rules"?, "mapping"?, "paused"?, "reference"?, …}', what: 'the change' },
    response: z.object({ monitorId: z.string(), referenceVersionId: z.string(), paused: z.boolean() }), statuses: [200], roles: WRITERS, denied: 'edit monitors', errors: [400, 409, 413, 415, 503],
  },
  'monitors.delete': {
    method: 'DELETE', path: `${WS}/monitors/:monitorId`, summary: 'Delete a monitor (owners, editors); its incidents and history are kept', body: NONE,
    response: z.object({ deleted: z.string() }), statuses: [200], roles: WRITERS, denied: 'delete monitors',
  },
  'monitors.history': {
    method: 'GET', path: `${WS}/monitors/:monitorId/history`, summary: 'A monitor’s batches and metrics over time, oldest first (?from, ?to in ms; ?limit; ?after=next)',
    body: NONE, query: monitorHistoryQuerySchema,
    response: z.object({ batches: z.array(monitorBatchSchema), next: z.string().nullable() }), statuses: [200], roles: ANY, errors: [400],
  },
  'monitors.labels': {
    method: 'POST', path: `${WS}/monitors/:monitorId/labels`,
    summary: 'Labels that arrived later (CSV or JSON Lines with the mapping’s id and target columns): joined to stored batches by id, realized performance recorded and judged',
    body: { kind: 'bytes', contentTypes: LABELS_CONTENT_TYPES, maxBytes: MAX_LABELS_BYTES, what: 'the labels' },
    response: findingsSchema.extend({ labels: z.number().int(), matched: z.number().int(), unmatched: z.number().int(), batches: z.array(z.object({ id: z.number().int(), labelled: z.number().int(), realized: monitorBatchSchema.shape.realized })) }),
    statuses: [200], roles: WRITERS, denied: 'send monitoring data', errors: [400, 409, 413, 415, 503],
  },
  'monitors.metrics': {
    method: 'POST', path: `${WS}/monitors/:monitorId/metrics`, summary: 'Model metrics: [{"name","value","timestamp"}]',
    body: { kind: 'json', schema: metricsInputSchema, maxBytes: DEFAULT_MAX_BLOB_BYTES, hint: 'expected [{"name","value","timestamp"}]', what: 'the metrics' },
    response: findingsSchema.extend({ metrics: z.number().int(), batchId: z.number().int() }), statuses: [200], roles: WRITERS, denied: 'send monitoring data', errors: [400, 413, 415],
  },
} as const satisfies Record<string, OperationSpec>;

export type ServerApi = typeof serverApi;
export type OperationName = keyof ServerApi;

/** What a call of `op` sends, once checked (undefined without a body; bytes for a bytes body). */
export type RequestOf<Op extends OperationName> = ServerApi[Op]['body'] extends { kind: 'json'; schema: infer S extends z.ZodType }
  ? z.output<S>
  : ServerApi[Op]['body'] extends { kind: 'bytes' }
    ? Uint8Array
    : undefined;

/** What a client sends for `op` (a JSON body before its schema's defaults and transforms). */
export type InputOf<Op extends OperationName> = ServerApi[Op]['body'] extends { kind: 'json'; schema: infer S extends z.ZodType }
  ? z.input<S>
  : ServerApi[Op]['body'] extends { kind: 'bytes' }
    ? Uint8Array
    : undefined;

/** A call's query fields once checked (undefined for an operation without a query). */
export type QueryOf<Op extends OperationName> = ServerApi[Op] extends { query: infer Q extends z.ZodType } ? z.output<Q> : undefined;

/** What a call of `op` answers on success. */
export type ResponseOf<Op extends OperationName> = ServerApi[Op]['response'] extends z.ZodType ? z.output<ServerApi[Op]['response']> : Uint8Array;

/** `:name` segments of a path pattern. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}

/** A path with its `:name` segments filled in (each URI-encoded). */
export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${path}: no value for :${name}`);
    return encodeURIComponent(value);
  });
}
