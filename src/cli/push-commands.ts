/**
 * `driftdesk push batch FILE`, `driftdesk push metrics FILE` and `driftdesk push labels FILE`
 * (labels that came later, CSV or JSON Lines with the monitor's id and target columns, joined to
 * its stored batches by id): what a CI job or a scoring
 * pipeline runs to send production data to a monitor. Prints the server's verdict as JSON.
 * Exit codes: 0 nothing fired, 1 a rule fired (an incident was opened or extended), 2 the
 * request was refused or could not be sent.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import type { InputOf } from '../shared/server-api.ts';
import { ServerCallError, createServerClient } from '../node/server-api-client.ts';
import { UsageError } from './usage-error.ts';

const TYPE_OF_EXTENSION: Record<string, string> = {
  '.csv': 'text/csv', '.tsv': 'text/tab-separated-values', '.tab': 'text/tab-separated-values',
  '.jsonl': 'application/x-ndjson', '.ndjson': 'application/x-ndjson', '.json': 'application/json',
  '.parquet': 'application/vnd.apache.parquet', '.pq': 'application/vnd.apache.parquet',
};

export async function pushCommand(kind: string | undefined, args: string[]): Promise<number> {
  if (kind === 'run') return (await import('./push-run-command.ts')).pushRunCommand(args);
  if (kind === 'notebook') return (await import('./push-notebook-command.ts')).pushNotebookCommand(args);
  if (kind !== 'batch' && kind !== 'metrics' && kind !== 'labels') throw new UsageError(`push takes "batch", "metrics", "labels", "run" or "notebook", got ${kind ?? 'nothing'}`);
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
  if (kind === 'labels' && type !== 'text/csv' && type !== 'application/x-ndjson') throw new UsageError(`${file}: labels are CSV (.csv) or JSON Lines (.jsonl, .ndjson)`);
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new UsageError(`${file}: no such file`);
  const client = createServerClient({ serverUrl: server, token, workspaceId: workspace });
  const data = new Uint8Array(await readFile(file));
  let body: { opened: unknown[]; updated: unknown[] };
  try {
    if (kind === 'batch') {
      body = await client.call('monitors.batch', { params: { monitorId: monitor }, body: data, contentType: type });
    } else if (kind === 'labels') {
      // Labels of many batches may take the server a while to join.
      body = await client.call('monitors.labels', { params: { monitorId: monitor }, body: data, contentType: type, timeoutMs: 120_000 });
    } else {
      let metrics: unknown;
      try {
        metrics = JSON.parse(new TextDecoder().decode(data));
      } catch (err) {
        console.error(`driftdesk: ${file}: not JSON: ${(err as Error).message}`);
        return 2;
      }
      // Checked by the server against the metrics schema; sent as written.
      body = await client.call('monitors.metrics', { params: { monitorId: monitor }, body: metrics as InputOf<'monitors.metrics'> });
    }
  } catch (err) {
    if (!(err instanceof ServerCallError)) throw err;
    console.error(`driftdesk: ${file}: ${err.kind === 'unreachable' ? err.message : `the server refused it (${err.status}): ${err.reason ?? err.message}`}`);
    return 2;
  }
  console.log(JSON.stringify(body, null, 2));
  return body.opened.length + body.updated.length > 0 ? 1 : 0;
}
