/**
 * Real PostgreSQL and Redis for tests, started by hand on free loopback ports and stopped
 * afterwards (Debian's postgresql and redis-server; `npm test`'s preflight installs them).
 * PostgreSQL refuses to run as root, so when the tests run as root it runs as the `postgres` user.
 *
 * Start them through a `serviceOwner()` so that whatever started is stopped on every path:
 * `Promise.all([startPostgres(), startRedis()])` alone loses the PostgreSQL handle when Redis
 * fails, and pg_ctl's server outlives the test run.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function postgresBin(name: string): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(base, v, 'bin', name))) return join(base, v, 'bin', name);
  throw new Error(`PostgreSQL's ${name} not found under ${base}; install it with apt-get install postgresql (.ci/run does)`);
}

export interface RunningPostgres {
  url: string;
  /** Stops the database server (fast shutdown: connections are dropped), keeping its data. */
  pause(): void;
  /** Starts it again on the same port with the same data. */
  resume(): void;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<RunningPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-pg-'));
  const asRoot = userInfo().uid === 0;
  const run = (bin: string, args: string[]) =>
    asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', postgresBin(bin), ...args], { stdio: 'pipe' }) : execFileSync(postgresBin(bin), args, { stdio: 'pipe' });
  if (asRoot) {
    chmodSync(dir, 0o700);
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  // A paused server (or one that never came up) has no postmaster.pid, and pg_ctl stop would fail.
  const stopIfRunning = () => {
    if (existsSync(join(data, 'postmaster.pid'))) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  };
  const port = await freePort();
  const start = () => run('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-w', '-l', join(dir, 'log'), 'start']);
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    start();
  } catch (err) {
    try {
      stopIfRunning();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    throw err;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pause: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    resume: start,
    async stop() {
      try {
        stopIfRunning();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface RunningRedis {
  url: string;
  /** Stops the server (its pub/sub connections drop). */
  stop(): Promise<void>;
  /** Starts a new server on the same port (after stop). */
  restart(): Promise<void>;
}

export interface RedisOptions {
  /** The redis-server binary (default: `redis-server` on the PATH); tests point it at a missing file. */
  bin?: string;
}

export async function startRedis(options: RedisOptions = {}): Promise<RunningRedis> {
  const bin = options.bin ?? 'redis-server';
  const port = await freePort();
  const launch = async (): Promise<ChildProcess> => {
    const child: ChildProcess = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve();
      };
      const probe = () => {
        if (settled) return;
        const s = createServer();
        s.once('error', () => settle()); // port taken: redis is listening
        s.listen(port, '127.0.0.1', () => s.close(() => (Date.now() - started > 10_000 ? settle(new Error(`${bin} did not start within 10 s`)) : setTimeout(probe, 50))));
      };
      child.once('error', (err) => settle(new Error(`${bin} could not start (${err.message}); apt-get install redis-server`)));
      child.once('exit', (code, signal) => settle(new Error(`${bin} exited (${code ?? signal}) before it listened on port ${port}`)));
      probe();
    });
    return child;
  };
  let child = await launch();
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    async restart() {
      await stop();
      child = await launch();
    },
  };
}

/** Anything a test starts that must be stopped again. */
export interface Stoppable {
  stop(): Promise<void>;
}

export interface ServiceOwner {
  /** Passes `starting` through, and makes sure `stop()` stops it once it is up, however the rest goes. */
  start<T extends Stoppable>(starting: Promise<T>): Promise<T>;
  /**
   * Waits for every start still under way (a failed sibling must not leave one running), then
   * stops all that came up. Throws the stop failures together, after trying every one.
   */
  stop(): Promise<void>;
}

/**
 * The owner of a test file's services: `beforeAll` starts through it, `afterAll` calls `stop()`.
 *
 * ```ts
 * const services = serviceOwner();
 * beforeAll(async () => { [pg, redis] = await Promise.all([services.start(startPostgres()), services.start(startRedis())]); });
 * afterAll(() => services.stop());
 * ```
 */
export function serviceOwner(): ServiceOwner {
  const pending = new Set<Promise<unknown>>();
  const running: Stoppable[] = [];
  return {
    start(starting) {
      const tracked = starting.then((service) => {
        running.push(service);
        return service;
      });
      // Tracked without its rejection: the caller sees the start failure; stop() only needs to know it ended.
      const settled = tracked.then(
        () => undefined,
        () => undefined,
      );
      pending.add(settled);
      void settled.then(() => pending.delete(settled));
      return tracked;
    },
    async stop() {
      while (pending.size > 0) await Promise.all(pending);
      const results = await Promise.allSettled(running.splice(0).reverse().map((s) => s.stop()));
      const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      if (errors.length > 0) throw new AggregateError(errors, `${errors.length} test service(s) did not stop cleanly`);
    },
  };
}
