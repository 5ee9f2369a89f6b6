/** `driftdesk workspace export` and `driftdesk workspace import`: one workspace as one archive file. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ArchiveError } from '../../server/archive/archive-format.ts';
import { exportWorkspace } from '../../server/archive/export-workspace.ts';
import { importWorkspace } from '../../server/archive/import-workspace.ts';
import { openStore } from './open-store.ts';
import { UsageError } from './usage-error.ts';

/**
 * The passphrase for webhook secrets: from a file or the environment, never an argument (the
 * process list would show it).
 */
function passphrase(file: string | undefined): string | undefined {
  const text = file !== undefined ? readFileSync(resolve(file), 'utf8').replace(/\r?\n$/, '') : process.env.DRIFTDESK_ARCHIVE_PASSPHRASE;
  if (text === undefined || text === '') return undefined;
  if (text.length < 12) throw new UsageError('the archive passphrase must be at least 12 characters');
  return text;
}

export async function workspaceExport(args: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { data: { type: 'string' }, postgres: { type: 'string' }, out: { type: 'string' }, 'include-secrets': { type: 'boolean' }, 'passphrase-file': { type: 'string' } },
  });
  const [id, extra] = positionals;
  if (!id || extra !== undefined) throw new UsageError('workspace export takes one workspace id');
  if (!v.out) throw new UsageError('--out FILE is required');
  const secret = v['include-secrets'] ? passphrase(v['passphrase-file']) : undefined;
  if (v['include-secrets'] && !secret) throw new UsageError('--include-secrets seals the webhook secrets with a passphrase: set DRIFTDESK_ARCHIVE_PASSPHRASE or give --passphrase-file FILE');
  const { store } = await openStore(v);
  try {
    if (!(await store.getWorkspace(id))) throw new UsageError(`no workspace ${id} in this store`);
    const source = await store.openArchiveSource(id);
    try {
      const summary = await exportWorkspace(source, resolve(v.out), { passphrase: secret });
      console.log(JSON.stringify(summary));
      if (!secret && summary.webhooks > 0) console.error(`driftdesk: ${summary.webhooks} webhook(s) exported without their URL and secret (--include-secrets to keep them)`);
      return 0;
    } finally {
      await source.close();
    }
  } finally {
    await store.close();
  }
}

export async function workspaceImport(args: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { data: { type: 'string' }, postgres: { type: 'string' }, as: { type: 'string' }, 'skip-secrets': { type: 'boolean' }, 'passphrase-file': { type: 'string' } },
  });
  const [file, extra] = positionals;
  if (!file || extra !== undefined) throw new UsageError('workspace import takes one archive file');
  if (!v.postgres && !v.data) throw new UsageError('--data DIR (or --postgres URL) is required');
  // The store is opened once the archive is verified: a refused archive leaves no new data folder behind.
  let store: Awaited<ReturnType<typeof openStore>>['store'] | undefined;
  try {
    const summary = await importWorkspace(resolve(file), async () => {
      store = (await openStore(v)).store;
      return store.openArchiveSink();
    }, { as: v.as, passphrase: passphrase(v['passphrase-file']), skipSecrets: v['skip-secrets'] ?? false });
    console.log(JSON.stringify(summary));
    for (const h of summary.webhooksToReAdd) console.error(`driftdesk: webhook ${h.id} (${h.purpose}, ${h.origin}) was not imported: add it again`);
    return 0;
  } catch (err) {
    if (err instanceof ArchiveError) {
      console.error(`driftdesk: ${resolve(file)}: ${err.message}; nothing was imported`);
      return 2;
    }
    throw err;
  } finally {
    await store?.close();
  }
}
