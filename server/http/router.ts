/**
 * The one router of the HTTP API, driven by src/shared/server-api.ts. For each request, in
 * this order, so that a refused request has cost nothing and written nothing:
 *   path (404) → method (405 with `Allow`) → bearer token (401) → the token's workspace and role
 *   (403 with the reason) → Content-Type (415) → size, while the body streams (413) → JSON and
 *   its zod schema (400 with field paths) → the operation's handler.
 * A handler answers with a value; known domain errors it throws are mapped to their status
 * (answer-errors.ts), and anything else is the caller's 500 — nothing unknown is ever a 200.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ingestIssues } from '../../src/core/workspace/index.ts';
import { type BodySpec, type HttpMethod, type OperationName, type OperationSpec, PARAMS, serverApi } from '../../src/shared/server-api.ts';
import type { Store } from '../store-contract.ts';
import { type AnyAnswer, type ServerHandlers, sendAnswer, sendError } from './answer.ts';
import { knownError } from './answer-errors.ts';

interface Route {
  /** Segments: a literal, or `:name`. */
  segments: string[];
  /** How many `:name` segments: with two templates matching, the one with more literals wins. */
  params: number;
  operations: Map<HttpMethod, OperationName>;
}

const ROUTES: Route[] = (() => {
  const byPath = new Map<string, Route>();
  for (const [name, op] of Object.entries(serverApi) as [OperationName, OperationSpec][]) {
    let route = byPath.get(op.path);
    if (!route) {
      const segments = op.path.split('/').slice(1);
      route = { segments, params: segments.filter((s) => s.startsWith(':')).length, operations: new Map() };
      byPath.set(op.path, route);
    }
    if (route.operations.has(op.method)) throw new Error(`server-api: ${op.method} ${op.path} is listed twice`);
    route.operations.set(op.method, name);
  }
  return [...byPath.values()].sort((a, b) => a.params - b.params);
})();

/** The route a path names, with its parameters, or null (404). */
export function matchRoute(pathname: string): { route: Route; params: Record<string, string> } | null {
  const parts = pathname.split('/').slice(1);
  for (const route of ROUTES) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = route.segments.every((segment, i) => {
      const part = decodeSegment(parts[i]!);
      if (part === null) return false;
      if (!segment.startsWith(':')) return segment === part;
      const name = segment.slice(1);
      if (!(PARAMS[name] ?? /^[^/]{1,300}$/).test(part)) return false;
      params[name] = part;
      return true;
    });
    if (matches) return { route, params };
  }
  return null;
}

/** A path segment as sent (clients may percent-encode `:` in a doc name), or null if malformed. */
function decodeSegment(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export interface RouterOptions {
  store: Store;
  handlers: ServerHandlers;
  /** Body limits that a server option changes (e.g. `maxBlobBytes`), per operation. */
  maxBytes?: Partial<Record<OperationName, number>>;
}

/**
 * Returns the request handler. It answers every path of the map; any other path is left to
 * `outside` (health, metrics, the OpenAPI document, and the 404 for everything else).
 */
export function createRouter(options: RouterOptions) {
  return async function route(req: IncomingMessage, res: ServerResponse, outside: () => void): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const found = matchRoute(url.pathname);
    if (!found) return outside();
    const method = (req.method ?? 'GET').toUpperCase() as HttpMethod;
    const name = found.route.operations.get(method);
    if (!name) {
      const allow = [...found.route.operations.keys()].join(', ');
      return sendError(res, 405, `use ${allow.replace(/, ([A-Z]+)$/, ' or $1')}`, undefined, { allow });
    }
    const handler = options.handlers[name] as (call: never) => Promise<AnyAnswer>;
    const op: OperationSpec = serverApi[name];

    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : '';
    if (!token) return sendError(res, 401, 'missing bearer token');
    const identity = await options.store.authenticate(token);
    if (!identity) return sendError(res, 401, 'token refused: unknown or revoked');
    const workspaceId = found.params.workspaceId;
    if (workspaceId !== undefined && identity.workspaceId !== workspaceId) return sendError(res, 403, 'token is not for this workspace');
    if (!op.roles.includes(identity.role)) return sendError(res, 403, `a ${identity.role} cannot ${op.denied ?? 'do this'}`, 'role_refused');

    let query: unknown;
    if (op.query) {
      const parsed = op.query.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) {
        req.resume();
        const why = parsed.error.issues.slice(0, 3).map((i) => `query.${i.path.join('.') || '(query)'}: ${i.message}`).join('; ');
        return sendError(res, 400, why, 'bad_query');
      }
      query = parsed.data;
    }

    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const body = await readRequestBody(req, op.body, contentType, options.maxBytes?.[name]);
    if (body.kind === 'refused') return sendError(res, body.status, body.error, body.code);

    let answer: AnyAnswer;
    try {
      answer = await handler({ identity, params: found.params, body: body.value, query, contentType, req } as never);
    } catch (err) {
      const known = knownError(err);
      if (!known) throw err;
      return sendError(res, known.status, known.error, known.code);
    }
    sendAnswer(res, answer);
  };
}

type BodyRead = { kind: 'ok'; value: unknown } | { kind: 'refused'; status: 400 | 413 | 415; error: string; code?: string };

/** The one body reader: Content-Type, then size while it streams, then JSON and its schema. */
async function readRequestBody(req: IncomingMessage, spec: BodySpec, contentType: string, maxOverride: number | undefined): Promise<BodyRead> {
  if (spec.kind === 'none') {
    req.resume(); // whatever came is not read, and must not hold the socket
    return { kind: 'ok', value: undefined };
  }
  const allowed = spec.kind === 'json' ? ['application/json'] : spec.contentTypes;
  if (allowed.length > 0 && !allowed.includes(contentType)) {
    return { kind: 'refused', status: 415, error: `send ${spec.what ?? 'the body'} as ${allowed.join(' or ')}; Content-Type ${contentType || '(none)'} is not accepted`, code: 'unsupported_content_type' };
  }
  const maxBytes = maxOverride ?? spec.maxBytes;
  const tooLarge: BodyRead = { kind: 'refused', status: 413, error: `body larger than ${maxBytes} bytes`, code: 'body_too_large' };
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) {
    req.resume();
    return tooLarge;
  }
  const bytes = await readBytes(req, maxBytes);
  if (!bytes) return tooLarge;
  if (spec.kind === 'bytes') return { kind: 'ok', value: bytes };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    return { kind: 'refused', status: 400, error: `the body is not JSON: ${(err as Error).message}`, code: 'bad_json' };
  }
  const parsed = spec.schema.safeParse(json);
  if (!parsed.success) return { kind: 'refused', status: 400, error: `${spec.hint ? `${spec.hint}: ` : ''}${ingestIssues(parsed.error)}`, code: 'invalid_body' };
  return { kind: 'ok', value: parsed.data };
}

/** The body, or null once it passes `maxBytes` (the rest is drained unread). */
async function readBytes(req: IncomingMessage, maxBytes: number): Promise<Uint8Array | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      return null;
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
