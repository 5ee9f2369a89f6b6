/**
 * `driftdesk repro dockerfile RUN --server URL --workspace ID --token T [--out DIR] [--force]`
 * `driftdesk repro check RUN --server URL --workspace ID --token T [--min N] [--json]`
 * both with `[--dvc-repo PATH]`.
 *
 * RUN is a run id, a source (`api:<clientRunId>`, `mlflow:<uuid>`) or a unique name. The run's
 * summary comes from the workspace doc and its detail blob from the server
 * (src/node/repro/fetch-run.ts); nothing is written to the workspace.
 *
 * dockerfile: without --out, prints the Dockerfile (what could not be pinned goes to stderr);
 * with --out, writes Dockerfile, requirements.txt and fetch-data.sh into DIR (created if needed),
 * refusing to replace an existing file unless --force, and never writing through a symlink.
 * check: prints the checklist; exit 1 when the score is below --min.
 * --dvc-repo: when the run recorded no data versions, take them from that DVC repository's
 * .dvc files and dvc.lock (read-only; the stored run is not changed).
 *
 * Exit codes: 0 done, 1 score below --min, 2 bad input, unknown run or the server refused.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EnvParseError, type ReproChecklist, reproChecklist, reproFiles } from '../core/repro/index.ts';
import type { RunDetailRecord } from '../core/workspace/index.ts';
import { type FetchedRun, fetchRun, RunLookupError } from '../node/repro/fetch-run.ts';
import { DvcReadError, dvcRepoDataVersions, readDvcRepo } from '../data/repro/read-dvc.ts';
import { UsageError } from './usage-error.ts';

/** Thrown for output that must not be replaced; exit 2. */
class OutputError extends Error {}

export async function reproCommand(sub: string | undefined, args: string[]): Promise<number> {
  if (sub !== 'dockerfile' && sub !== 'check') throw new UsageError(`repro takes "dockerfile" or "check", got ${sub ?? 'nothing'}`);
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: {
      server: { type: 'string' }, workspace: { type: 'string' }, token: { type: 'string' }, 'dvc-repo': { type: 'string' },
      out: { type: 'string' }, force: { type: 'boolean' }, min: { type: 'string' }, json: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`repro ${sub} needs one RUN (an id, source or name), got ${positionals.length}`);
  if (sub === 'check' && (values.out || values.force)) throw new UsageError('--out and --force are for repro dockerfile');
  if (sub === 'dockerfile' && (values.min || values.json)) throw new UsageError('--min and --json are for repro check');
  const min = values.min === undefined ? undefined : Number(values.min);
  if (min !== undefined && !(Number.isFinite(min) && min >= 0 && min <= 100)) throw new UsageError(`--min must be a number from 0 to 100, got ${values.min}`);
  const need = (name: 'server' | 'workspace' | 'token') => {
    const v = values[name] ?? (name === 'token' ? process.env.DRIFTDESK_TOKEN : undefined);
    if (!v) throw new UsageError(`--${name} is required${name === 'token' ? ' (or DRIFTDESK_TOKEN)' : ''}`);
    return v;
  };
  const target = { server: need('server'), workspaceId: need('workspace'), token: need('token') };
  try {
    const run = await fetchRun(target, positionals[0]!);
    const detail = values['dvc-repo'] ? await withDvcData(run.detail, values['dvc-repo']) : run.detail;
    if (sub === 'check') return check(run, detail, min, !!values.json);
    const files = reproFiles(detail);
    for (const w of files.warnings) console.error(`driftdesk: not pinned: ${w}`);
    if (!values.out) {
      process.stdout.write(files.dockerfile);
      return 0;
    }
    const written = await writeOutput(values.out, { Dockerfile: files.dockerfile, 'requirements.txt': files.requirements, 'fetch-data.sh': files.fetchData }, !!values.force);
    console.log(`wrote ${written.join(', ')} for run ${run.summary.name} (${run.summary.id})`);
    return 0;
  } catch (err) {
    if (err instanceof RunLookupError || err instanceof OutputError || err instanceof DvcReadError || err instanceof EnvParseError) {
      console.error(`driftdesk: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

async function withDvcData(detail: RunDetailRecord, repoPath: string): Promise<RunDetailRecord> {
  if (detail.dataVersions.length > 0) {
    console.error(`driftdesk: the run recorded ${detail.dataVersions.length} data version(s); --dvc-repo ${repoPath} is not used`);
    return detail;
  }
  const refs = dvcRepoDataVersions(await readDvcRepo(repoPath));
  console.error(`driftdesk: ${refs.length} data version(s) from the DVC records in ${repoPath}`);
  return { ...detail, dataVersions: refs };
}

function check(run: FetchedRun, detail: RunDetailRecord, min: number | undefined, json: boolean): number {
  const list: ReproChecklist = reproChecklist(detail, { datasetVersions: run.datasetVersions });
  if (json) console.log(JSON.stringify({ run: { id: run.summary.id, name: run.summary.name, source: run.summary.source }, ...list }, null, 2));
  else {
    const label = Math.max(...list.items.map((i) => i.label.length));
    console.log(`Run ${run.summary.name} (${run.summary.id}): reproducibility ${list.score}/100`);
    for (const i of list.items) {
      const points = `${fmt(i.earned)}/${i.weight}`.padStart(7);
      console.log(`  ${i.status.toUpperCase().padEnd(7)} ${i.label.padEnd(label)} ${points}  ${i.detail}`);
    }
  }
  if (min !== undefined && list.score < min) {
    console.error(`driftdesk: score ${list.score} is below --min ${min}`);
    return 1;
  }
  return 0;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/**
 * Writes each file into `dir` (created). Checks every target before writing any, so a refusal
 * writes nothing; `wx` makes a file appearing meanwhile fail rather than be replaced, and
 * O_NOFOLLOW keeps --force from writing through a symlink.
 */
async function writeOutput(dir: string, files: Record<string, string>, force: boolean): Promise<string[]> {
  const root = resolve(dir);
  const info = await lstat(root).catch(() => null);
  if (info?.isSymbolicLink()) throw new OutputError(`${dir}: is a symlink; give a real folder`);
  if (info && !info.isDirectory()) throw new OutputError(`${dir}: exists and is not a folder`);
  await mkdir(root, { recursive: true });
  for (const name of Object.keys(files)) {
    const existing = await lstat(join(root, name)).catch(() => null);
    if (existing?.isSymbolicLink()) throw new OutputError(`${join(dir, name)}: is a symlink; not written through`);
    if (existing && !existing.isFile()) throw new OutputError(`${join(dir, name)}: exists and is not a file`);
    if (existing && !force) throw new OutputError(`${join(dir, name)} exists; pass --force to replace it (nothing was written)`);
  }
  const written: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | (force ? constants.O_TRUNC : constants.O_EXCL);
    const handle = await open(join(root, name), flags, name.endsWith('.sh') ? 0o755 : 0o644);
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
    written.push(join(dir, name));
  }
  return written;
}
