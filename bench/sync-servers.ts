/**
 * The two servers `npm run bench:sync` compares, each a child process, and what the bench
 * reads about them from /proc: CPU time (utime + stime of every thread, in seconds) and RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..');
/** Clock ticks per second for /proc/PID/stat; 100 on every Linux this runs on. */
const CLK_TCK = 100;

export interface ServerChild {
  label: string;
  url: string;
  pid: number;
  /** Runs a full GC in the server (it runs with --expose-gc) and returns its process.memoryUsage(). */
  gc(): Promise<NodeJS.MemoryUsage>;
  stop(): Promise<void>;
}

export function startOurs(dataDir: string): Promise<ServerChild> {
  // As shipped: with the NODE_OPTIONS the server's Dockerfile sets (OURS_NODE_OPTIONS overrides, e.g. '' for none).
  const nodeOptions = process.env.OURS_NODE_OPTIONS ?? shippedNodeOptions();
  return startChild('ours', [process.execPath, '--expose-gc', '--import', 'tsx', 'bench/sync-server.mjs', dataDir], { NODE_OPTIONS: nodeOptions });
}

/** The `ENV NODE_OPTIONS="…"` of server/Dockerfile. */
export function shippedNodeOptions(): string {
  const dockerfile = readFileSync(join(ROOT, 'server/Dockerfile'), 'utf8');
  const match = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile);
  if (!match) throw new Error('server/Dockerfile has no ENV NODE_OPTIONS="…" line');
  return match[1]!;
}

export function startStock(): Promise<ServerChild> {
  return startChild('stock', [process.execPath, '--expose-gc', 'bench/sync-stock-server.mjs'], { HOST: '127.0.0.1' });
}

async function startChild(label: string, [cmd, ...args]: string[], env: Record<string, string> = {}): Promise<ServerChild> {
  const child: ChildProcess = spawn(cmd!, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const lines: Interface = createInterface({ input: child.stdout! });
  const waiters: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiters.shift()?.(line));
  const nextLine = () => new Promise<string>((resolve) => waiters.push(resolve));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const first = await Promise.race([nextLine(), exited.then(() => '')]);
  const url = /listening on (http:\/\/\S+)/.exec(first)?.[1];
  if (!url) throw new Error(`${label} server did not start (first line: ${JSON.stringify(first)})`);
  return {
    label,
    url,
    pid: child.pid!,
    async gc() {
      const done = nextLine();
      child.stdin!.write('gc\n');
      return JSON.parse((await done).replace(/^gc done /, '')) as NodeJS.MemoryUsage;
    },
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU seconds the process has used so far, all threads, user + system. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Resident set size in KiB (VmRSS). */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}
