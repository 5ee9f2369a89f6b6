/**
 * What a handler of the HTTP API answers, and how an answer is written. A handler gets its
 * request already checked by the router (identity, role, body) and returns a value: its
 * operation's JSON, bytes, or an error with its status — so no handler writes headers by hand.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MemberIdentity, OperationName, QueryOf, RequestOf, ResponseOf } from '../../src/shared/server-api.ts';

/** What the router hands a handler. */
export interface Call<Op extends OperationName> {
  identity: MemberIdentity;
  /** The path's `:name` parameters, each already matched against its pattern (server-api PARAMS). */
  params: Record<string, string>;
  body: RequestOf<Op>;
  /** The query string's fields, checked against the operation's `query` schema. */
  query: QueryOf<Op>;
  /** The request's media type, lower case, without parameters. */
  contentType: string;
  req: IncomingMessage;
}

/** `details`: more fields of the error body (e.g. which columns are missing); `headers`: e.g. Retry-After. */
export type ErrorAnswer = { status: number; error: string; code?: string; details?: Record<string, unknown>; headers?: Record<string, string> };
/**
 * `jsonText`: the answer's JSON already written (a large answer whose parts are stored as JSON,
 * spliced instead of parsed and written again); it must be what `json` would have been.
 */
export type Answer<Op extends OperationName> =
  | (ResponseOf<Op> extends Uint8Array ? { status?: number; bytes: Uint8Array; headers?: Record<string, string> } : { status?: number; json: ResponseOf<Op> } | { status?: number; jsonText: string })
  | ErrorAnswer;

/** Any answer, whatever its operation. */
export type AnyAnswer = { status?: number; bytes: Uint8Array; headers?: Record<string, string> } | { status?: number; json: unknown } | { status?: number; jsonText: string } | ErrorAnswer;

export type Handler<Op extends OperationName> = (call: Call<Op>) => Promise<Answer<Op>>;
/** One handler per operation of the map: route modules export objects that satisfy (a part of) it. */
export type ServerHandlers = { [Op in OperationName]: Handler<Op> };

/** An error answer. */
export const fail = (status: number, error: string, code?: string): ErrorAnswer => ({ status, error, code });

export function sendAnswer(res: ServerResponse, answer: AnyAnswer): void {
  if ('error' in answer) return sendJson(res, answer.status, { error: answer.error, ...(answer.code ? { code: answer.code } : {}), ...answer.details }, answer.headers);
  if ('bytes' in answer) {
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/octet-stream', 'content-length': answer.bytes.byteLength, 'cache-control': 'no-store', ...answer.headers });
    res.end(answer.bytes);
    return;
  }
  if ('jsonText' in answer) {
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(answer.jsonText);
    return;
  }
  sendJson(res, answer.status ?? 200, answer.json);
}

export function sendError(res: ServerResponse, status: number, error: string, code?: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, code ? { error, code } : { error }, headers);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}
