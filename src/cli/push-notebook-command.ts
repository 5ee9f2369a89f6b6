/**
 * `driftdesk push notebook FILE.ipynb --server URL --workspace ID --token T [--run RUN] [--title T]`:
 * uploads a Jupyter notebook as a blob (content-addressed) and records it as the next version of
 * the notebook at its path. The file is read here first, so a broken notebook is named (what and
 * where) before anything is sent; the server reads it again and decides.
 *
 * The path is the notebook's identity: FILE relative to the current folder (as typed, with `/`),
 * so `notebooks/churn.ipynb` pushed from the repository root is one notebook however often it
 * is pushed. Exit codes: 0 stored (or already the latest version), 2 bad file or refused.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { NotebookParseError, parseNotebook } from '../core/notebook/index.ts';
import { DEFAULT_MAX_BLOB_BYTES } from '../shared/server-api.ts';
import { ServerCallError, createServerClient } from '../node/server-api-client.ts';
import { UsageError } from './usage-error.ts';

export async function pushNotebookCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { server: { type: 'string' }, workspace: { type: 'string' }, token: { type: 'string' }, run: { type: 'string' }, title: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError(`push notebook needs one FILE.ipynb, got ${positionals.length}`);
  const file = positionals[0]!;
  const need = (name: 'server' | 'workspace' | 'token') => {
    const v = values[name] ?? (name === 'token' ? process.env.DRIFTDESK_TOKEN : undefined);
    if (!v) throw new UsageError(`--${name} is required${name === 'token' ? ' (or DRIFTDESK_TOKEN)' : ''}`);
    return v;
  };
  const [server, workspace, token] = [need('server'), need('workspace'), need('token')];
  if (values.title !== undefined && (values.title.trim() === '' || values.title.trim().length > 300)) throw new UsageError('--title: 1 to 300 characters');
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new UsageError(`${file}: no such file`);
  if (info.size > DEFAULT_MAX_BLOB_BYTES) {
    console.error(`driftdesk: ${file}: ${info.size} bytes is more than a notebook may be (${DEFAULT_MAX_BLOB_BYTES}); clear large outputs first`);
    return 2;
  }
  const bytes = new Uint8Array(await readFile(file));
  let cells: number;
  try {
    const nb = parseNotebook(bytes, file);
    cells = nb.cells.length;
    for (const note of nb.notes) console.error(`driftdesk: ${file}: note: ${note}`);
  } catch (err) {
    if (!(err instanceof NotebookParseError)) throw err;
    console.error(`driftdesk: ${err.message}`);
    return 2;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const client = createServerClient({ serverUrl: server, token, workspaceId: workspace });
  try {
    await client.call('blobs.put', { params: { sha256 }, body: bytes, timeoutMs: 120_000 });
    const body = await client.call('notebooks.push', {
      body: { sha256, path: notebookPath(file), ...(values.title ? { title: values.title.trim() } : {}), ...(values.run ? { run: values.run } : {}) },
    });
    console.log(JSON.stringify({ ...body, sha256, localCells: cells }, null, 2));
    return 0;
  } catch (err) {
    if (!(err instanceof ServerCallError)) throw err;
    console.error(`driftdesk: ${file}: ${err.kind === 'unreachable' ? err.message : `the server refused it (${err.status}): ${err.reason ?? err.message}`}`);
    return 2;
  }
}

/** FILE relative to the current folder, with `/` (or its absolute path when it is outside). */
export function notebookPath(file: string, cwd = process.cwd()): string {
  const abs = resolve(cwd, file);
  const rel = relative(cwd, abs);
  const path = rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
  return path.split(sep).join('/');
}
