/**
 * The one typed client of the sync server's HTTP API (src/shared/server-api.ts), for the host
 * and the CLI: `call(op, request)` fills the path, sends the body as the map says, checks the
 * answer against the operation's schema, and is the one place that turns "unreachable",
 * "refused" and "answered N" into a sentence for a person.
 */
import { type InputOf, type OperationName, type ResponseOf, fillPath, serverApi } from '../shared/server-api.ts';

/** Where calls go: a server's base URL (`http(s)://host:port`), a member token, and usually its workspace. */
export interface ServerTarget {
  serverUrl: string;
  token: string;
  workspaceId?: string;
}

/** A workspace on a server, as the CLI's commands name it (`--server`, `--workspace`, `--token`). */
export interface WorkspaceTarget {
  server: string;
  workspaceId: string;
  token: string;
  /** How long to wait for the server (to sync, to acknowledge a write). */
  timeoutMs?: number;
}

/** The client for a CLI target. */
export const clientFor = (target: WorkspaceTarget): ServerClient => createServerClient({ serverUrl: target.server, token: target.token, workspaceId: target.workspaceId });

export type ServerCallFailure =
  /** No answer: the server is down, the URL is wrong, or it took too long. */
  | 'unreachable'
  /** 401: the token is unknown or revoked. */
  | 'refused'
  /** 403: the token's workspace or role may not do this. */
  | 'forbidden'
  /** Any other status that is not a success, or an answer that is not the operation's. */
  | 'answered';

/** A failed call; `message` is for a person, `kind`, `status` and `code` for code to branch on. */
export class ServerCallError extends Error {
  override readonly name = 'ServerCallError';
  constructor(
    message: string,
    readonly kind: ServerCallFailure,
    readonly status: number | null,
    /** The server's machine code (`{"code"}`), when it gave one. */
    readonly code: string | null,
    /** The server's own reason (`{"error"}`), when it gave one. */
    readonly reason: string | null,
  ) {
    super(message);
  }
}

export interface CallRequest<Op extends OperationName> {
  /** Path parameters; `workspaceId` defaults to the target's. */
  params?: Record<string, string>;
  body?: InputOf<Op>;
  /** Query string fields (undefined ones are left out). */
  query?: Record<string, string | number | undefined>;
  /** For a bytes body with several allowed types (monitor batches); default: the first allowed. */
  contentType?: string;
  timeoutMs?: number;
  /** For an answer of bytes: hears the bytes received so far and the total (Content-Length, when sent). */
  onProgress?: (received: number, total: number | null) => void;
}

export interface ServerClient {
  readonly target: ServerTarget;
  call<Op extends OperationName>(op: Op, ...request: InputOf<Op> extends undefined ? [CallRequest<Op>?] : [CallRequest<Op> & { body: InputOf<Op> }]): Promise<ResponseOf<Op>>;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** A client for `target`; nothing is sent until `call`. */
export function createServerClient(target: ServerTarget): ServerClient {
  const base = target.serverUrl.replace(/\/+$/, '');
  return {
    target,
    async call<Op extends OperationName>(name: Op, request: CallRequest<Op> = {}): Promise<ResponseOf<Op>> {
      const op = serverApi[name];
      let path = fillPath(op.path, { ...(target.workspaceId ? { workspaceId: target.workspaceId } : {}), ...request.params });
      const query = Object.entries(request.query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined);
      if (query.length) path += `?${new URLSearchParams(query.map(([k, v]) => [k, String(v)])).toString()}`;
      const headers: Record<string, string> = { authorization: `Bearer ${target.token}` };
      let body: BodyInit | undefined;
      if (op.body.kind === 'json') {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(request.body);
      } else if (op.body.kind === 'bytes') {
        headers['content-type'] = request.contentType ?? op.body.contentTypes[0] ?? 'application/octet-stream';
        body = new Blob([new Uint8Array(request.body as Uint8Array)]);
      }
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, { method: op.method, headers, body, signal: AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
      } catch (err) {
        // undici puts the reason in `cause` (ECONNREFUSED, ENOTFOUND, "bad port"); a timeout is the error itself.
        const { cause } = err as { cause?: { code?: string; message?: string } };
        const why = cause?.code ?? cause?.message ?? (err as Error).name;
        throw new ServerCallError(`Could not reach the server at ${base} (${why}). Check the URL, or work offline until it is back.`, 'unreachable', null, null, null);
      }
      if (!op.statuses.includes(res.status as never)) throw await failure(base, op.summary, res);
      if (op.response === 'bytes') return (request.onProgress ? await readWithProgress(res, request.onProgress) : new Uint8Array(await res.arrayBuffer())) as ResponseOf<Op>;
      const parsed = op.response.safeParse(await res.json().catch(() => undefined));
      if (!parsed.success) throw new ServerCallError(`The server at ${base} did not answer like a Driftdesk server (${op.method} ${op.path}).`, 'answered', res.status, null, null);
      return parsed.data as ResponseOf<Op>;
    },
  } as ServerClient;
}

async function readWithProgress(res: Response, onProgress: (received: number, total: number | null) => void): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length'));
  const total = Number.isSafeInteger(declared) && declared >= 0 ? declared : null;
  const chunks: Uint8Array[] = [];
  let received = 0;
  onProgress(0, total);
  const reader = res.body?.getReader();
  for (let next = await reader?.read(); next && !next.done; next = await reader!.read()) {
    chunks.push(next.value);
    received += next.value.byteLength;
    onProgress(received, total);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** The sentence for a status that is not the operation's success, with the server's reason. */
async function failure(base: string, summary: string, res: Response): Promise<ServerCallError> {
  const body = (await res.json().catch(() => null)) as { error?: unknown; code?: unknown } | null;
  const reason = typeof body?.error === 'string' ? body.error : null;
  const code = typeof body?.code === 'string' ? body.code : null;
  if (res.status === 401) {
    return new ServerCallError(`The server at ${base} refused this token: it is unknown or was revoked. Ask the workspace owner for a new one.`, 'refused', 401, code, reason);
  }
  if (res.status === 403) return new ServerCallError(`The server at ${base} refused: ${reason ?? 'this token may not do this'}.`, 'forbidden', 403, code, reason);
  const what = summary.charAt(0).toLowerCase() + summary.slice(1);
  return new ServerCallError(`The server at ${base} answered ${res.status} to “${what}”${reason ? `: ${reason}` : ''}.`, 'answered', res.status, code, reason);
}
