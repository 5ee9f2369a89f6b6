/**
 * `driftdesk push run FILE.json --server URL --workspace ID --token T`: sends a run recorded by
 * any training script to `POST /api/v1/workspaces/:id/runs` (the body format is
 * src/core/workspace/run-ingest.ts). Checked locally first, so a typo is named before anything is
 * sent. Prints the server's answer (run id, outcome, reproducibility score) as JSON.
 * Exit codes: 0 stored, 2 bad file or refused by the server (nothing was written).
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type RunIngestInput, ingestIssues, runIngestSchema } from '../core/workspace/index.ts';
import { ServerCallError, createServerClient } from '../node/server-api-client.ts';
import { UsageError } from './usage-error.ts';

const MAX_BYTES = 16 * 1024 * 1024;

export async function pushRunCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { server: { type: 'string' }, workspace: { type: 'string' }, token: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError(`push run needs one FILE.json, got ${positionals.length}`);
  const file = positionals[0]!;
  const need = (name: 'server' | 'workspace' | 'token') => {
    const v = values[name] ?? (name === 'token' ? process.env.DRIFTDESK_TOKEN : undefined);
    if (!v) throw new UsageError(`--${name} is required${name === 'token' ? ' (or DRIFTDESK_TOKEN)' : ''}`);
    return v;
  };
  const [server, workspace, token] = [need('server'), need('workspace'), need('token')];
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new UsageError(`${file}: no such file`);
  if (info.size > MAX_BYTES) {
    console.error(`driftdesk: ${file}: ${info.size} bytes is more than a run may be (${MAX_BYTES})`);
    return 2;
  }
  const text = await readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    console.error(`driftdesk: ${file}: not JSON: ${(err as Error).message}`);
    return 2;
  }
  const parsed = runIngestSchema.safeParse(json);
  if (!parsed.success) {
    console.error(`driftdesk: ${file}: ${ingestIssues(parsed.error)}`);
    return 2;
  }
  let body;
  try {
    // The file as written (checked above), not the parsed value: the server applies the schema itself.
    body = await createServerClient({ serverUrl: server, token, workspaceId: workspace }).call('runs.ingest', { body: json as RunIngestInput });
  } catch (err) {
    if (!(err instanceof ServerCallError)) throw err;
    console.error(`driftdesk: ${file}: ${err.message}`);
    return 2;
  }
  console.log(JSON.stringify(body, null, 2));
  return 0;
}
