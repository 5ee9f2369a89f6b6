/**
 * Reads a GTO registry from where it lives: a git repository's tags (`git for-each-ref`, the
 * tagger date as the time), or a `gto history --json` / `gto show --json` file. Only reads.
 *
 * The repository path is confined: git runs with `-C` on the resolved folder and with
 * GIT_CEILING_DIRECTORIES at its parent, so a folder that is not itself a repository is refused
 * instead of git walking up into whatever repository encloses it. No shell is involved, and tag
 * names never reach a command line.
 */
import { execFile } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { promisify } from 'node:util';
import { GtoImportError, type GtoPlan, type GtoTagEvent, planFromHistory, planFromShow, planFromTags } from '../../core/gto/index.ts';

const run = promisify(execFile);
const MAX_JSON_BYTES = 64 * 1024 * 1024;

export interface GtoSource {
  kind: 'git' | 'history' | 'show';
  /** Names the registry in sources (`gto:<repo>:<tag>`): the folder's or file's name unless given. */
  repo: string;
  plan: GtoPlan;
}

/** Tags of the repository at `dir`, with the time and commit GTO would use. */
export async function readGitTags(dir: string): Promise<GtoTagEvent[]> {
  const real = realpathSync(dir);
  const format = ['%(refname:strip=2)', '%(objecttype)', '%(taggerdate:unix)', '%(creatordate:unix)', '%(*objectname)', '%(objectname)'].join('%09');
  let stdout: string;
  try {
    ({ stdout } = await run('git', ['-C', real, '-c', 'core.fsmonitor=false', 'for-each-ref', `--format=${format}`, 'refs/tags'], {
      env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(real), GIT_TERMINAL_PROMPT: '0' },
      maxBuffer: 256 * 1024 * 1024,
    }));
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? (err as Error).message).trim();
    throw new GtoImportError([`${dir}: ${/not a git repository/i.test(stderr) ? 'not a git repository (give the repository folder, or a gto show/history JSON file)' : `git could not list its tags: ${stderr}`}`]);
  }
  return stdout.split('\n').filter(Boolean).map((line) => {
    const [tag, type, taggerDate, creatorDate, peeled, object] = line.split('\t') as [string, string, string, string, string, string];
    // An annotated tag (what `gto` writes) has a tagger date and points at its commit through the
    // tag object; a lightweight one has neither, so it takes its commit's date.
    const annotated = type === 'tag';
    const seconds = Number(annotated && taggerDate ? taggerDate : creatorDate);
    return { tag, at: seconds * 1000, commit: annotated ? peeled : object };
  });
}

/** Reads `path` (a repository folder, or a gto JSON file) and plans the import; nothing is written anywhere. */
export async function readGtoSource(path: string, repoName?: string): Promise<GtoSource> {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) throw new GtoImportError([`${path}: no such file or folder`]);
  if (info.isDirectory()) {
    const events = await readGitTags(path);
    return { kind: 'git', repo: repoName ?? basename(realpathSync(path)), plan: planFromTags(events) };
  }
  if (!info.isFile()) throw new GtoImportError([`${path}: not a file or folder`]);
  if (info.size > MAX_JSON_BYTES) throw new GtoImportError([`${path}: ${info.size} bytes is more than a gto JSON file should be (${MAX_JSON_BYTES})`]);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new GtoImportError([`${path}: not JSON (${(err as Error).message}); expected the output of gto show --json or gto history --json`]);
  }
  const repo = repoName ?? basename(path, extname(path));
  try {
    return Array.isArray(json) ? { kind: 'history', repo, plan: planFromHistory(json) } : { kind: 'show', repo, plan: planFromShow(json) };
  } catch (err) {
    if (err instanceof GtoImportError) throw new GtoImportError(err.problems.map((p) => `${path}: ${p}`));
    throw err;
  }
}
