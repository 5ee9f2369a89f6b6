/**
 * Reads a DVC repository's records from disk: every `.dvc` file, every `dvc.lock`, and
 * `.dvc/config`. Parsing is src/core/repro/dvc.ts's; this file finds and reads the files, confined
 * to the repository root: symlinks are neither followed nor read (a link could point anywhere),
 * a path given relative to the root may not climb out of it, and files past a size cap are
 * refused. Folders DVC and git keep to themselves (`.git`, `.dvc/cache`, …) are not walked.
 */
import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { type DvcConfig, type DvcFile, type DvcLock, dvcDataVersions, parseDvcConfig, parseDvcFile, parseDvcLock } from '../../core/repro/index.ts';
import type { DataVersionRef } from '../../core/workspace/index.ts';

/** A path that is missing, leaves the repository, is a symlink, or is too big; the message names it. */
export class DvcReadError extends Error {
  override readonly name = 'DvcReadError';
}

const MAX_BYTES = 2 * 1024 * 1024;
const MAX_FILES = 5000;
const SKIP_DIRS = new Set(['.git', '.dvc', 'node_modules', '.venv', 'venv', '__pycache__', '.mypy_cache', '.pytest_cache']);

export interface DvcRepo {
  root: string;
  files: DvcFile[];
  locks: DvcLock[];
  config?: DvcConfig;
}

/** Reads every DVC record under `root` (a folder holding `.dvc/` or `dvc.lock`). */
export async function readDvcRepo(root: string): Promise<DvcRepo> {
  const info = await lstat(root).catch(() => null);
  if (!info?.isDirectory()) throw new DvcReadError(`${root}: not a folder`);
  const realRoot = await realpath(root);
  const found: string[] = [];
  await walk(realRoot, '', found);
  const dvcFiles = found.filter((p) => p.endsWith('.dvc')).sort();
  const lockFiles = found.filter((p) => p === 'dvc.lock' || p.endsWith('/dvc.lock')).sort();
  if (dvcFiles.length === 0 && lockFiles.length === 0) throw new DvcReadError(`${root}: no .dvc files and no dvc.lock: is this a DVC repository?`);
  const repo: DvcRepo = { root, files: [], locks: [] };
  for (const f of dvcFiles) repo.files.push(parseDvcFile(await readInside(realRoot, f), f));
  for (const f of lockFiles) repo.locks.push(parseDvcLock(await readInside(realRoot, f), f));
  const config = await readInside(realRoot, '.dvc/config').catch((err: unknown) => (err instanceof DvcReadError && /no such file/.test(err.message) ? undefined : Promise.reject(err)));
  if (config !== undefined) repo.config = parseDvcConfig(config, '.dvc/config');
  return repo;
}

/** The repository's data versions as run-detail refs (kind 'dvc'): see dvcDataVersions. */
export function dvcRepoDataVersions(repo: DvcRepo): DataVersionRef[] {
  const lockOuts = repo.locks.flatMap((l) => l.stages);
  return dvcDataVersions({ files: repo.files, lock: { file: 'dvc.lock', stages: lockOuts }, ...(repo.config ? { config: repo.config } : {}) });
}

/**
 * Reads `relPath` (`/`-separated, relative to the root) as text. Refuses an absolute path, `..`
 * that leaves the root, any symlink on the way, and files over the size cap.
 */
export async function readInside(realRoot: string, relPath: string): Promise<string> {
  if (isAbsolute(relPath) || relPath.split(/[/\\]/).includes('..')) throw new DvcReadError(`${relPath}: must be a path inside the repository (no .., not absolute)`);
  let at = realRoot;
  for (const part of relPath.split('/').filter(Boolean)) {
    at = join(at, part);
    const info = await lstat(at).catch(() => null);
    if (!info) throw new DvcReadError(`${relPath}: no such file in the repository`);
    if (info.isSymbolicLink()) throw new DvcReadError(`${relPath}: is or passes through a symlink; not followed`);
  }
  const rel = relative(realRoot, at);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new DvcReadError(`${relPath}: leaves the repository`);
  const info = await lstat(at);
  if (!info.isFile()) throw new DvcReadError(`${relPath}: not a file`);
  if (info.size > MAX_BYTES) throw new DvcReadError(`${relPath}: ${info.size} bytes is too big for a DVC record (limit ${MAX_BYTES})`);
  const bytes = await readFile(at);
  if (bytes.includes(0)) throw new DvcReadError(`${relPath}: not a text file`);
  return bytes.toString('utf8');
}

async function walk(realRoot: string, rel: string, found: string[]): Promise<void> {
  const entries = await readdir(join(realRoot, rel), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    // Dirent types come from lstat: a symlink is neither a file nor a folder here, so it is skipped.
    if (e.isDirectory() && !SKIP_DIRS.has(e.name)) await walk(realRoot, path, found);
    else if (e.isFile() && (e.name.endsWith('.dvc') || e.name === 'dvc.lock')) {
      if (found.length >= MAX_FILES) throw new DvcReadError(`${realRoot}: more than ${MAX_FILES} DVC files; point at the project folder`);
      found.push(path.split(sep).join('/'));
    }
  }
}
