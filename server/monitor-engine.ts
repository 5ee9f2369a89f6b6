/**
 * The DuckDB side of monitoring: one in-memory database per server process, its temp files,
 * and the order in which jobs get it.
 *
 * - Jobs run one at a time (DuckDB already uses every core for one job, and two large batches
 *   at once would double the memory), taken round-robin across workspaces, so a workspace that
 *   sends a burst waits for itself and not another workspace behind it; a workspace may have at
 *   most MAX_QUEUED_PER_KEY jobs waiting (then EngineBusy, a 503 with Retry-After).
 * - After every job every table and view is dropped: no job needs another's, and a batch's
 *   tables otherwise stay in memory for the life of the process.
 * - Files go in a directory of this process's own (`<root>/<pid>-<random>`, mode 0700, files
 *   0600 and created exclusively), removed when their request ends. At start-up the root is
 *   swept of what a crashed process left: the directories of processes that are gone, and any
 *   loose file.
 * - `describe` reads a file's column names (Parquet metadata, JSON keys) on a second connection
 *   that does not wait behind a long job, so a bad batch is refused before it queues.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gauge, type Registry } from 'prom-client';
import { DatasetError, DatasetReader, explainDuckDbError, quoteIdent } from '../src/data/datasets/dataset-reader.ts';

/** Jobs one workspace may have waiting for the engine before it is told to come back later. */
export const MAX_QUEUED_PER_KEY = 8;

export class EngineBusy extends Error {
  override readonly name = 'EngineBusy';
}

interface Job {
  start: () => void;
}

export class MonitorEngine {
  /** This process's private directory for batch and reference files. */
  readonly dir: string;
  private readonly queues = new Map<string, Job[]>();
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};
  private reader: Promise<DatasetReader> | null = null;
  private side: Promise<DatasetReader> | null = null;
  private sideQueue: Promise<unknown> = Promise.resolve();
  private readonly columnsOf = new Map<string, string[]>();

  /** `root` is where this server keeps temp files; it is created (0700) and swept here. */
  constructor(root: string, registry?: Registry) {
    prepareRoot(root);
    this.dir = join(root, `${process.pid}-${randomUUID().slice(0, 8)}`);
    mkdirSync(this.dir, { mode: 0o700 });
    if (registry) this.registerMetrics(registry);
  }

  /**
   * Runs `work` when the engine is free (FIFO per key, round-robin over keys), then drops every
   * table and view it made. Throws EngineBusy when `key` already has too many jobs waiting.
   */
  run<T>(key: string, work: (reader: DatasetReader) => Promise<T>): Promise<T> {
    const queue = this.queues.get(key) ?? [];
    if (queue.length >= MAX_QUEUED_PER_KEY) throw new EngineBusy(`${queue.length} jobs of this workspace are already waiting for the drift engine`);
    return new Promise<T>((resolve, reject) => {
      queue.push({
        start: () => {
          void (async () => {
            const reader = await (this.reader ??= this.open());
            let outcome: { ok: true; value: T } | { ok: false; error: unknown };
            try {
              outcome = { ok: true, value: await work(reader) };
            } catch (error) {
              outcome = { ok: false, error };
            }
            // Dropped before the caller hears back, so "answered" means "nothing left behind".
            await dropAll(reader).catch(() => {});
            if (outcome.ok) resolve(outcome.value);
            else reject(outcome.error as Error);
          })().catch(reject).finally(() => this.next());
        },
      });
      this.queues.set(key, queue);
      if (!this.running) this.next();
    });
  }

  /** Column names of a Parquet or JSON file, from DuckDB, without waiting for the running job. */
  describe(path: string, format: 'parquet' | 'json' | 'jsonl'): Promise<string[]> {
    // The same table functions as DatasetReader.load, so the names are the ones it will load.
    const file = `'${path.replace(/'/g, "''")}'`;
    const from = format === 'parquet' ? `read_parquet(${file})` : `read_json(${file}, format='${format === 'json' ? 'auto' : 'newline_delimited'}')`;
    return this.onSide(async (side) => {
      try {
        const described = await side.db.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`);
        return (described.getRowObjectsJS() as { column_name: string }[]).map((r) => r.column_name);
      } catch (err) {
        throw new DatasetError(explainDuckDbError(path, (err as Error).message));
      }
    });
  }

  /** A scope for temp files: each written 0600 into this process's directory, all removed by `remove()`. */
  files(): TempFiles {
    return new TempFiles(this.dir);
  }

  /**
   * The column names of a workspace's reference blob, computed once: the key holds the
   * workspace, so a hash another workspace uploaded is never answered from here.
   */
  async referenceColumns(workspaceId: string, sha256: string, format: string, compute: () => Promise<string[]>): Promise<string[]> {
    const key = `${workspaceId}/${sha256}/${format}`;
    const known = this.columnsOf.get(key);
    if (known) return known;
    const names = await compute();
    this.columnsOf.set(key, names);
    if (this.columnsOf.size > 256) this.columnsOf.delete(this.columnsOf.keys().next().value!);
    return names;
  }

  /** Tables and views now in the engine's database (0 between jobs). */
  async tableCount(): Promise<number> {
    if (!this.reader) return 0;
    // On the second connection: the first may be in the middle of a job's query.
    return this.onSide(async (side) => (await catalog(side)).length);
  }

  /** Short reads on the second connection, one at a time. */
  private onSide<T>(read: (side: DatasetReader) => Promise<T>): Promise<T> {
    const next = this.sideQueue.then(async () => read(await (this.side ??= (this.reader ??= this.open()).then((r) => r.fork()))));
    this.sideQueue = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    while (this.running) await this.idle;
    await this.sideQueue;
    for (const handle of [this.side, this.reader]) if (handle) (await handle.catch(() => null))?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async open(): Promise<DatasetReader> {
    const reader = await DatasetReader.open();
    // Spilled pages of a large batch go in the private directory too, not in the working directory.
    await reader.db.run(`SET temp_directory = '${join(this.dir, 'duckdb').replace(/'/g, "''")}'`);
    return reader;
  }

  private next(): void {
    for (const [key, queue] of this.queues) {
      const job = queue.shift();
      if (!job) {
        this.queues.delete(key);
        continue;
      }
      // Round-robin: the key just served goes to the back of the line.
      this.queues.delete(key);
      if (queue.length > 0) this.queues.set(key, queue);
      if (!this.running) this.idle = new Promise((resolve) => (this.markIdle = resolve));
      this.running = true;
      job.start();
      return;
    }
    this.running = false;
    this.markIdle();
  }

  private registerMetrics(registry: Registry): void {
    // prom-client calls collect() with the gauge as `this`, so the engine's values come in as closures.
    const tables = () => this.tableCount();
    const files = () => countFiles(this.dir);
    const waiting = () => [...this.queues.values()].reduce((n, q) => n + q.length, 0);
    new Gauge({
      name: 'driftdesk_monitor_engine_tables', help: 'Tables and views in the drift engine (0 between batches)', registers: [registry],
      async collect() {
        this.set(await tables());
      },
    });
    new Gauge({
      name: 'driftdesk_monitor_temp_files', help: "Files in the drift engine's temp directory", registers: [registry],
      collect() {
        this.set(files());
      },
    });
    new Gauge({
      name: 'driftdesk_monitor_jobs_waiting', help: 'Batches and monitor creations waiting for the drift engine', registers: [registry],
      collect() {
        this.set(waiting());
      },
    });
  }
}

/** Files of one request, removed together (call `remove()` in a finally). */
export class TempFiles {
  private readonly paths: string[] = [];
  private readonly labels = new Map<string, string>();

  constructor(private readonly dir: string) {}

  /** `prefix` names the file, and stands for it in messages (hidePaths). */
  write(data: Uint8Array, extension: string, prefix: 'batch' | 'reference' = 'batch'): string {
    const path = join(this.dir, `${prefix}-${randomUUID()}.${extension}`);
    this.paths.push(path);
    this.labels.set(path, `the ${prefix}`);
    // 'wx': never follow or reuse a file someone else put there.
    writeFileSync(path, data, { mode: 0o600, flag: 'wx' });
    return path;
  }

  /** A message with this scope's paths replaced by what they are (a path is nobody's business). */
  hidePaths(message: string, referenceName?: string): string {
    let out = message;
    for (const [path, label] of this.labels) out = out.replaceAll(path, label === 'the reference' && referenceName ? referenceName : label);
    return out.replaceAll(this.dir, '(temp)');
  }

  remove(): void {
    for (const path of this.paths.splice(0)) rmSync(path, { force: true });
  }
}

/**
 * Makes `root` a directory of this user's only (0700) and removes what crashed processes
 * left in it. Refuses a root that is a symlink or belongs to another user: someone else
 * could read or replace what is written there.
 */
function prepareRoot(root: string): void {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const stat = lstatSync(root);
  if (!stat.isDirectory()) throw new Error(`${root}: the monitor temp directory is not a directory (a symlink?)`);
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
    throw new Error(`${root}: the monitor temp directory belongs to another user (uid ${stat.uid}); remove it or choose another`);
  }
  chmodSync(root, 0o700);
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const owner = entry.isDirectory() ? /^(\d+)-[0-9a-f]{8}$/.exec(entry.name) : null;
    // A live process's directory is its own business (several servers may share a root,
    // in one process or many); it removes it when it closes.
    if (owner && isAlive(Number(owner[1]))) continue;
    rmSync(join(root, entry.name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function catalog(reader: DatasetReader): Promise<{ kind: 'TABLE' | 'VIEW'; name: string }[]> {
  const rows = (await reader.db.runAndReadAll(
    `SELECT 'TABLE' AS kind, database_name AS d, schema_name AS s, table_name AS t FROM duckdb_tables() WHERE NOT internal
     UNION ALL SELECT 'VIEW', database_name, schema_name, view_name FROM duckdb_views() WHERE NOT internal`,
  )).getRowObjectsJS() as { kind: 'TABLE' | 'VIEW'; d: string; s: string; t: string }[];
  // Views first: they read tables.
  return rows.map((r) => ({ kind: r.kind, name: [r.d, r.s, r.t].map(quoteIdent).join('.') })).sort((a, b) => b.kind.localeCompare(a.kind));
}

async function dropAll(reader: DatasetReader): Promise<void> {
  for (const { kind, name } of await catalog(reader)) await reader.db.run(`DROP ${kind} IF EXISTS ${name}`);
}

function countFiles(dir: string): number {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
}

/**
 * Where a server keeps monitor temp files unless told: beside its SQLite data (a disk, and the
 * server's own folder), else a per-user folder under the system temp directory.
 */
export function defaultTempRoot(dataDir?: string): string {
  const user = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return dataDir ? join(dataDir, 'monitor-tmp') : join(tmpdir(), `driftdesk-monitor-${user}`);
}
