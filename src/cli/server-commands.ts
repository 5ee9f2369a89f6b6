/** `driftdesk server` and `driftdesk workspace create`. */
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { startSyncServer } from '../../server/index.ts';
import { type BackupOptions, parseEvery } from '../../server/backups.ts';
import { RedisFanout } from '../../server/redis-fanout.ts';
import { MAX_UPLOAD_BYTES_CEILING } from '../shared/server-api.ts';
import { memberNameInputSchema, workspaceNameInputSchema } from '../core/workspace/index.ts';
import { nameOption } from './name-option.ts';
import { openStore } from './open-store.ts';
import { UsageError } from './usage-error.ts';

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
}

export async function serverCommand(args: string[]): Promise<number> {
  const v = parse(args, {
    host: { type: 'string' },
    port: { type: 'string' },
    data: { type: 'string' },
    postgres: { type: 'string' },
    redis: { type: 'string' },
    'max-message-bytes': { type: 'string' },
    'max-upload-bytes': { type: 'string' },
    'snapshot-every': { type: 'string' },
    'metrics-token': { type: 'string' },
    'allow-private-webhooks': { type: 'boolean' },
    // On by default; `--split-conversations` is still accepted (it was how to turn it on).
    'split-conversations': { type: 'boolean' },
    'no-split-conversations': { type: 'boolean' },
    'monitor-temp': { type: 'string' },
    'monitor-job-expire': { type: 'string' },
    'backup-dir': { type: 'string' },
    'backup-every': { type: 'string' },
    keep: { type: 'string' },
  });
  const backup = backupOption(v['backup-dir'], v['backup-every'], v.keep);
  const snapshotMinutes = v['snapshot-every'] === undefined ? 10 : Number(v['snapshot-every']);
  if (!(snapshotMinutes >= 0)) throw new UsageError(`--snapshot-every takes minutes (≥ 0), got ${v['snapshot-every']}`);
  const port = Number(v.port ?? '4455');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${v.port}`);
  const maxMessage = v['max-message-bytes'] === undefined ? undefined : Number(v['max-message-bytes']);
  if (maxMessage !== undefined && !(Number.isInteger(maxMessage) && maxMessage > 0)) {
    throw new UsageError(`--max-message-bytes must be a positive integer, got ${v['max-message-bytes']}`);
  }
  const maxUpload = v['max-upload-bytes'] === undefined ? undefined : Number(v['max-upload-bytes']);
  if (maxUpload !== undefined && !(Number.isInteger(maxUpload) && maxUpload > 0 && maxUpload <= MAX_UPLOAD_BYTES_CEILING)) {
    throw new UsageError(`--max-upload-bytes must be a whole number from 1 to ${MAX_UPLOAD_BYTES_CEILING}, got ${v['max-upload-bytes']}`);
  }
  const jobExpire = v['monitor-job-expire'] === undefined ? undefined : Number(v['monitor-job-expire']);
  if (jobExpire !== undefined && !(Number.isInteger(jobExpire) && jobExpire >= 1 && jobExpire <= 86_400)) {
    throw new UsageError(`--monitor-job-expire takes whole seconds from 1 to 86400, got ${v['monitor-job-expire']}`);
  }
  const log = (event: Record<string, unknown>) => console.error(JSON.stringify({ time: new Date().toISOString(), ...event }));
  const { store } = await openStore(v);
  const fanout = v.redis ? await RedisFanout.connect(v.redis, (err) => log({ event: 'redis_error', error: String(err) })) : undefined;
  // From the environment too, so the token need not show in the process list.
  const metricsToken = v['metrics-token'] ?? process.env.DRIFTDESK_METRICS_TOKEN ?? undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) throw new UsageError('--metrics-token must be at least 16 characters');
  const server = await startSyncServer({ host: v.host ?? '127.0.0.1', port, store, fanout, maxMessageBytes: maxMessage, maxUploadBytes: maxUpload, snapshotEveryMs: snapshotMinutes * 60_000, log, metricsToken, allowPrivateWebhooks: v['allow-private-webhooks'] ?? false,
    splitConversations: !v['no-split-conversations'],
    // Batches wait for DuckDB beside the data they belong to (a disk the operator chose), unless told otherwise.
    monitorTempDir: v['monitor-temp'] ?? (v.data ? join(v.data, 'monitor-tmp') : undefined), backup,
    ...(jobExpire === undefined ? {} : { monitorJobs: { expireInSeconds: jobExpire } }) });
  console.log(`driftdesk sync server listening on ${server.url} (websocket: ${server.url.replace(/^http/, 'ws')}/sync/<workspaceId>)`);
  await new Promise<void>((done) => {
    const stop = () => {
      log({ event: 'shutting_down' });
      void server.close().then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

/** `--backup-dir DIR [--backup-every 1h] [--keep 48]`; the other two mean nothing without a folder. */
function backupOption(dir: string | undefined, every: string | undefined, keep: string | undefined): BackupOptions | undefined {
  if (dir === undefined) {
    if (every !== undefined || keep !== undefined) throw new UsageError('--backup-every and --keep need --backup-dir DIR');
    return undefined;
  }
  const everyMs = every === undefined ? 3_600_000 : parseEvery(every);
  if (everyMs === undefined) throw new UsageError(`--backup-every takes a duration like 30m, 1h or 1d, at most 24d, got ${every}`);
  const kept = keep === undefined ? 48 : Number(keep);
  if (!Number.isInteger(kept) || kept < 1) throw new UsageError(`--keep takes a whole number of archives (≥ 1), got ${keep}`);
  return { dir: resolve(dir), everyMs, keep: kept };
}

export async function workspaceCreate(args: string[]): Promise<number> {
  const v = parse(args, { data: { type: 'string' }, postgres: { type: 'string' }, name: { type: 'string' }, owner: { type: 'string' } });
  const name = nameOption('name', v.name, workspaceNameInputSchema);
  const owner = v.owner === undefined || v.owner.trim() === '' ? 'Owner' : nameOption('owner', v.owner, memberNameInputSchema);
  const { store } = await openStore(v);
  try {
    const { id, token } = await store.createWorkspace(name, owner);
    console.log(JSON.stringify({ id, token }));
    return 0;
  } finally {
    await store.close();
  }
}


/**
 * `driftdesk workspace split-conversations ID`: moves the workspace's conversations into
 * conversation docs (server/split-conversations.ts), as a server with no clients — so run it
 * while no server serves the workspace (its live rooms would not see the move). Prints what
 * was moved as JSON.
 */
export async function workspaceSplitConversations(args: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({ args, options: { data: { type: 'string' }, postgres: { type: 'string' } }, allowPositionals: true, strict: true });
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError('usage: driftdesk workspace split-conversations ID (--data DIR | --postgres URL)');
  const { store } = await openStore(v);
  if (!(await store.getWorkspace(id))) {
    await store.close();
    console.error(`no workspace ${id} in this store`);
    return 1;
  }
  // Split here, explicitly (not also on load), so what is printed is this run's report.
  const server = await startSyncServer({ host: '127.0.0.1', port: 0, store, monitorJobs: false, splitConversations: false });
  try {
    console.log(JSON.stringify(await server.splitConversations(id)));
    return 0;
  } finally {
    await server.close();
  }
}
