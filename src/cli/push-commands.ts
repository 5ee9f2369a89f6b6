/**
 * `driftdesk push batch FILE` and `driftdesk push metrics FILE`: what a CI job or a scoring
 * pipeline runs to send production data to a monitor. Prints the server's verdict as JSON.
 * Exit codes: 0 nothing fired, 1 a rule fired (an incident was opened or extended), 2 the
 * request was refused or could not be sent.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.ts';

const TYPE_OF_EXTENSION: Record<string, string> = {
  '.csv': 'text/csv', '.tsv': 'text/tab-separated-values', '.tab': 'text/tab-separated-values',
  '.jsonl': 'application/x-ndjson', '.ndjson': 'application/x-ndjson', '.json': 'application/json',
  '.parquet': 'application/vnd.apache.parquet', '.pq': 'application/vnd.apache.parquet',
};

export async function pushCommand(kind: string | undefined, args: string[]): Promise<number> {
  if (kind === 'run') return (await import('./push-run-command.ts')).pushRunCommand(args);
  if (kind !== 'batch' && kind !== 'metrics') throw new UsageError(`push takes "batch", "metrics" or "run", got ${kind ?? 'nothing'}`);
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { server: { type: 'string' }, workspace: { type: 'string' }, monitor: { type: 'string' }, token: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError(`push ${kind} needs one FILE, got ${positionals.length}`);
  const file = positionals[0]!;
  const need = (name: 'server' | 'workspace' | 'monitor' | 'token') => {
    const v = values[name] ?? (name === 'token' ? process.env.DRIFTDESK_TOKEN : undefined);
    if (!v) throw new UsageError(`--${name} is required${name === 'token' ? ' (or DRIFTDESK_TOKEN)' : ''}`);
    return v;
  };
  const [server, workspace, monitor, token] = [need('server'), need('workspace'), need('monitor'), need('token')];
  const type = kind === 'metrics' ? 'application/json' : TYPE_OF_EXTENSION[extname(file).toLowerCase()];
  if (!type) throw new UsageError(`${file}: cannot tell the format from the extension; use ${Object.keys(TYPE_OF_EXTENSION).join(', ')}`);
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new UsageError(`${file}: no such file`);
  const url = `${server.replace(/\/+$/, '')}/api/v1/workspaces/${encodeURIComponent(workspace)}/monitors/${encodeURIComponent(monitor)}/${kind === 'batch' ? 'batches' : 'metrics'}`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: new Uint8Array(await readFile(file)) });
  } catch (err) {
    console.error(`driftdesk: could not reach ${server}: ${(err as Error).message}`);
    return 2;
  }
  const body = (await res.json().catch(() => ({ error: `the server answered ${res.status} without JSON` }))) as { error?: string; opened?: unknown[]; updated?: unknown[] };
  if (!res.ok) {
    console.error(`driftdesk: ${file}: the server refused it (${res.status}): ${body.error ?? res.statusText}`);
    return 2;
  }
  console.log(JSON.stringify(body, null, 2));
  return (body.opened?.length ?? 0) + (body.updated?.length ?? 0) > 0 ? 1 : 0;
}
