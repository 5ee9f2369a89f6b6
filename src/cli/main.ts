/**
 * `driftdesk` command-line entry. Exit codes: 0 ok, 1 the command ran and reports failure,
 * 2 bad input (unknown command, missing or invalid option).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { startSyncServer } from '../../server/index.ts';
import { RedisFanout } from '../../server/redis-fanout.ts';
import { openStore } from './open-store.ts';
import { tokenCommand } from './token-commands.ts';
import { UsageError } from './usage-error.ts';


const USAGE = `usage: driftdesk <command> [options]

  server --host 127.0.0.1 --port 4455 (--data DIR | --postgres URL [--redis URL])
         [--max-message-bytes 8388608] [--snapshot-every 10]
                                                     run the sync server; several processes
                                                     share one PostgreSQL and fan out via Redis
  workspace create (--data DIR | --postgres URL) --name NAME [--owner WHO]
                                                     create a workspace; prints {"id","token"}
  token create --data DIR --workspace ID --role owner|editor|commenter|viewer --name WHO
                                                     create a member token; prints {"token","member"}
  token list --data DIR --workspace ID               members, roles and their live/revoked tokens
  token revoke --data DIR (--token T | --workspace ID --member M)
                                                     revoke; live connections close within a second
  token role --data DIR --workspace ID --member M --role ROLE
                                                     change a member's role (applies live)
  drift REF CUR [--json] [--stattest TEST] [--stattest COLUMN=TEST] [--categorical A,B]
        [--numerical C] [--drift-share 0.5] [--fail-on-drift]
                                                     test every column for drift (exit 1 on
                                                     dataset drift with --fail-on-drift)
  profile FILE [--json]                              column profiles and content hash
  dataset diff A B [--json]                          schema, row count, stat deltas, drift
  start                                              open the app (Electron, or browser mode)
  web [--port 5155]                                  open the app in browser mode`;

export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    switch (command) {
      case 'server':
        return await serverCommand(argv.slice(1));
      case 'workspace':
        if (sub === 'create') return await workspaceCreate(rest);
        throw new UsageError(`unknown workspace command: ${sub ?? '(none)'}`);
      case 'token':
        return await tokenCommand(sub, rest);
      case 'drift':
      case 'profile':
      case 'dataset': {
        const datasets = await import('./dataset-commands.ts');
        if (command === 'drift') return await datasets.driftCommand(argv.slice(1));
        if (command === 'profile') return await datasets.profileCommand(argv.slice(1));
        if (sub === 'diff') return await datasets.datasetDiffCommand(rest);
        throw new UsageError(`unknown dataset command: ${sub ?? '(none)'}`);
      }
      case 'start':
      case 'web': {
        const { launchApp } = await import('./launch-app.ts');
        return await launchApp(command, argv.slice(1));
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (err) {
    if ((err as Error)?.name === 'DatasetError') {
      console.error(`driftdesk: ${(err as Error).message}`);
      return 2;
    }
    if (err instanceof UsageError || isParseArgsError(err)) {
      console.error(`driftdesk: ${(err as Error).message} (run "driftdesk help" for usage)`);
      return 2;
    }
    console.error(`driftdesk: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function serverCommand(args: string[]): Promise<number> {
  const v = parse(args, {
    host: { type: 'string' },
    port: { type: 'string' },
    data: { type: 'string' },
    postgres: { type: 'string' },
    redis: { type: 'string' },
    'max-message-bytes': { type: 'string' },
    'snapshot-every': { type: 'string' },
  });
  const snapshotMinutes = v['snapshot-every'] === undefined ? 10 : Number(v['snapshot-every']);
  if (!(snapshotMinutes >= 0)) throw new UsageError(`--snapshot-every takes minutes (≥ 0), got ${v['snapshot-every']}`);
  const port = Number(v.port ?? '4455');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${v.port}`);
  const maxMessage = v['max-message-bytes'] === undefined ? undefined : Number(v['max-message-bytes']);
  if (maxMessage !== undefined && !(Number.isInteger(maxMessage) && maxMessage > 0)) {
    throw new UsageError(`--max-message-bytes must be a positive integer, got ${v['max-message-bytes']}`);
  }
  const log = (event: Record<string, unknown>) => console.error(JSON.stringify({ time: new Date().toISOString(), ...event }));
  const { store } = await openStore(v);
  const fanout = v.redis ? await RedisFanout.connect(v.redis, (err) => log({ event: 'redis_error', error: String(err) })) : undefined;
  const server = await startSyncServer({ host: v.host ?? '127.0.0.1', port, store, fanout, maxMessageBytes: maxMessage, snapshotEveryMs: snapshotMinutes * 60_000, log });
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

async function workspaceCreate(args: string[]): Promise<number> {
  const v = parse(args, { data: { type: 'string' }, postgres: { type: 'string' }, name: { type: 'string' }, owner: { type: 'string' } });
  const name = required(v, 'name').trim();
  const { store } = await openStore(v);
  try {
    const { id, token } = await store.createWorkspace(name, v.owner?.trim() || 'Owner');
    console.log(JSON.stringify({ id, token }));
    return 0;
  } finally {
    await store.close();
  }
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
