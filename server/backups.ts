/**
 * Online backups: every `everyMs`, one archive per workspace into `<dir>/<workspaceId>/`,
 * keeping the newest `keep` of each. An archive is one consistent read taken on a connection of
 * its own (see ArchiveSource), so the server keeps accepting writes while it is written; a run
 * that fails for one workspace goes on with the next, and the last success and failure are on
 * `/metrics` and in the log.
 */
import { mkdirSync } from 'node:fs';
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';
import { exportWorkspace } from './archive/export-workspace.ts';
import type { Store } from './store-contract.ts';

export interface BackupOptions {
  dir: string;
  everyMs: number;
  /** Archives kept per workspace (the newest). */
  keep: number;
}

export interface Backups {
  /** One run now (also what the timer calls); resolves when every workspace was tried. */
  runNow(): Promise<{ written: string[]; failed: { workspaceId: string; error: string }[] }>;
  stop(): Promise<void>;
}

const ARCHIVE = /^(.+)-(\d{8}T\d{9}Z)\.tar\.gz$/;
/** What export writes before it renames: left behind only when the process died mid-archive. */
const PARTIAL = /^(.+)-(\d{8}T\d{9}Z)\.tar\.gz\.partial$/;

/** A file name that sorts by time: `<ws>-20261207T053800123Z.tar.gz`. */
export function backupFileName(workspaceId: string, at: number): string {
  return `${workspaceId}-${new Date(at).toISOString().replace(/[-:.]/g, '')}.tar.gz`;
}

/**
 * The longest period a timer takes: past 2^31 - 1 ms (24.8 days) Node sets the delay to 1 ms,
 * which would make a monthly backup run back to back.
 */
export const MAX_BACKUP_EVERY_MS = 2 ** 31 - 1;

/** Parses `90s`, `30m`, `1h`, `2d` into milliseconds; undefined when it is not one of those, or longer than MAX_BACKUP_EVERY_MS. */
export function parseEvery(text: string): number | undefined {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return ms > 0 && ms <= MAX_BACKUP_EVERY_MS ? ms : undefined;
}

export function startBackups(store: Store, options: BackupOptions, registry: Registry, log: (event: Record<string, unknown>) => void, now: () => number = Date.now): Backups {
  if (!(options.everyMs >= 1000 && options.everyMs <= MAX_BACKUP_EVERY_MS)) throw new RangeError(`backups every ${options.everyMs} ms: between 1 s and ${MAX_BACKUP_EVERY_MS} ms (24.8 days)`);
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const lastSuccess = new Gauge({ name: 'driftdesk_backup_last_success_timestamp_seconds', help: 'When the last backup run that archived every workspace ended', registers: [registry] });
  const lastFailure = new Gauge({ name: 'driftdesk_backup_last_failure_timestamp_seconds', help: 'When a workspace last failed to back up', registers: [registry] });
  const failures = new Counter({ name: 'driftdesk_backup_failures_total', help: 'Workspace archives that failed', registers: [registry] });
  const written = new Counter({ name: 'driftdesk_backup_archives_total', help: 'Workspace archives written', registers: [registry] });
  let running: Promise<Awaited<ReturnType<Backups['runNow']>>> | null = null;
  let stopped = false;

  // Asynchronous, as everything a run does on the server's thread: removing an old archive of
  // hundreds of MB frees its blocks, which a synchronous unlink would make the event loop wait for.
  // Only what a run writes is counted and removed: a plain file named as one of this workspace's
  // archives, stamped no later than this run (so the archive just written is always among the
  // kept). A link, a folder or anything else in the folder is a person's, and stays.
  const prune = async (folder: string, workspaceId: string, runStarted: number, runStamp: string) => {
    const files = await readdir(folder);
    const plainFile = async (f: string) => (await lstat(join(folder, f)).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err))));
    const mine: string[] = [];
    for (const f of files) {
      const m = ARCHIVE.exec(f);
      if (m?.[1] === workspaceId && m[2]! <= runStamp && (await plainFile(f))?.isFile()) mine.push(f);
    }
    mine.sort();
    for (const old of mine.slice(0, Math.max(0, mine.length - options.keep))) await rm(join(folder, old), { force: true });
    // A `.partial` untouched since before this run began was cut short by a kill; one being
    // written now (another process sharing the folder) has a newer mtime and is left alone.
    for (const f of files) {
      if (PARTIAL.exec(f)?.[1] !== workspaceId) continue;
      const st = await plainFile(f);
      if (st?.isFile() && st.mtimeMs < runStarted) await rm(join(folder, f), { force: true });
    }
  };

  const run = async () => {
    const result = { written: [] as string[], failed: [] as { workspaceId: string; error: string }[] };
    const started = now();
    // File times are wall-clock times, whatever `now` is.
    const startedWall = Date.now();
    for (const workspaceId of await store.workspaceIds()) {
      if (stopped) break;
      const folder = join(options.dir, workspaceId);
      const fileName = backupFileName(workspaceId, started);
      try {
        await mkdir(folder, { recursive: true, mode: 0o700 });
        const source = await store.openArchiveSource(workspaceId);
        try {
          const summary = await exportWorkspace(source, join(folder, fileName), { now: started });
          result.written.push(summary.file);
          written.inc();
        } finally {
          await source.close();
        }
        await prune(folder, workspaceId, startedWall, ARCHIVE.exec(fileName)![2]!);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        result.failed.push({ workspaceId, error });
        failures.inc();
        lastFailure.set(now() / 1000);
        log({ event: 'backup_failed', workspace: workspaceId, error });
      }
    }
    if (result.failed.length === 0) lastSuccess.set(now() / 1000);
    log({ event: 'backup_done', archives: result.written.length, failed: result.failed.length, ms: now() - started });
    return result;
  };

  const runNow = () => {
    // One run at a time: a slow run is never overtaken by the next tick.
    running ??= run().finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => void runNow(), options.everyMs);
  timer.unref();
  return {
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
