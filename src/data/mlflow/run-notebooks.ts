/**
 * The Jupyter notebooks an imported MLflow run carries: every `*.ipynb` among its artifacts (the
 * file store's `<run>/artifacts/`, or the folder an SQLite store's `artifact_uri` names when it is
 * on this machine; already listed by file-store.ts / sqlite-store.ts, so inside the artifact root
 * and free of symbolic links), the one its `mlflow.source.name` tag names first when that file is
 * one of them. A source path anywhere else (the trainer's own machine, most often) is never read:
 * a note says so.
 *
 * Notebooks are read one at a time when they are sent, not with the store, so a large store does
 * not hold every notebook in memory at once; each is checked again as it is read (a link that
 * appeared since the listing is refused) and parsed, and a file that is not a notebook is skipped
 * with its name and the reason, never stopping the import.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { NotebookParseError, parseNotebook, summarizeNotebook } from '../../core/notebook/index.ts';
import { NOTEBOOK_EXCERPT_MAX } from '../../core/workspace/index.ts';
import { DEFAULT_MAX_BLOB_BYTES } from '../../shared/server-api.ts';
import { type ImportedRun, MlflowImportError } from './imported-run.ts';
import { lstatChecked } from './store-files.ts';

/** Folders below the artifact root a notebook may sit in; deeper ones are left out (noted). */
export const NOTEBOOK_MAX_DEPTH = 8;
/** Notebooks imported per run (by path order, the source notebook first); the rest are noted. */
export const NOTEBOOKS_PER_RUN = 20;
/** Runs whose unread artifacts are named one by one in the notes; the rest are counted. */
const UNREAD_NOTES = 5;
/** The workspace's limit for a notebook path (notebookPushSchema). */
const PATH_MAX = 1000;

export interface NotebookCandidate {
  run: ImportedRun;
  /** Path under the run's artifact root, `/`-separated. */
  artifactPath: string;
  /** The file on disk (for reading and for messages). */
  file: string;
  /** The notebook's identity in the workspace: `mlflow/<experiment>/<run id>/<artifact path>`. */
  path: string;
  title: string;
}

export interface SkippedNotebook {
  file: string;
  reason: string;
}

/** Which notebooks of `runs` to import, in a stable order, and notes on those left out. */
export function findRunNotebooks(runs: readonly ImportedRun[]): { candidates: NotebookCandidate[]; notes: string[]; skipped: SkippedNotebook[] } {
  const candidates: NotebookCandidate[] = [];
  const notes: string[] = [];
  const skipped: SkippedNotebook[] = [];
  let unread = 0;
  for (const run of runs) {
    const source = sourceNotebook(run);
    if (source.note) notes.push(source.note);
    if (run.artifactNote && !source.note && ++unread <= UNREAD_NOTES) notes.push(`run ${run.name} (${run.runId}): no notebooks read from its artifacts: ${run.artifactNote}`);
    if (!run.artifactDir || !run.artifacts) continue;
    const found = run.artifacts.map((a) => a.path).filter((p) => /\.ipynb$/i.test(p) && !p.split('/').some((part) => part.startsWith('.')));
    const shallow = found.filter((p) => p.split('/').length - 1 <= NOTEBOOK_MAX_DEPTH);
    if (shallow.length < found.length) notes.push(`run ${run.name} (${run.runId}): ${found.length - shallow.length} notebook(s) deeper than ${NOTEBOOK_MAX_DEPTH} folders in its artifacts left out`);
    // The source notebook first, so the cap never drops the one the run was trained from.
    const ordered = source.artifactPath && shallow.includes(source.artifactPath) ? [source.artifactPath, ...shallow.filter((p) => p !== source.artifactPath)] : shallow;
    if (ordered.length > NOTEBOOKS_PER_RUN) notes.push(`run ${run.name} (${run.runId}): ${ordered.length} notebooks in its artifacts; the first ${NOTEBOOKS_PER_RUN} are imported`);
    for (const artifactPath of ordered.slice(0, NOTEBOOKS_PER_RUN)) {
      const file = join(run.artifactDir, ...artifactPath.split('/'));
      const path = `mlflow/${experimentSegment(run)}/${run.runId}/${artifactPath}`;
      if (path.length > PATH_MAX) {
        skipped.push({ file, reason: `its workspace path would be ${path.length} characters (at most ${PATH_MAX})` });
        continue;
      }
      const base = artifactPath.slice(artifactPath.lastIndexOf('/') + 1).replace(/\.ipynb$/i, '') || artifactPath;
      candidates.push({ run, artifactPath, file, path, title: `${base} (${run.name})`.slice(0, 300) });
    }
  }
  if (unread > UNREAD_NOTES) notes.push(`…and ${unread - UNREAD_NOTES} more runs whose artifacts are not on this machine or not under the artifact root`);
  return { candidates, notes, skipped };
}

/** An experiment name as one path segment's worth: Databricks names are paths (`/Users/ada/x`). */
function experimentSegment(run: ImportedRun): string {
  return run.experiment.replace(/^\/+|\/+$/g, '').trim() || run.experimentId;
}

/**
 * The artifact `mlflow.source.name` names, when it names a notebook under the run's artifacts
 * (a path relative to the artifact root, or an absolute one inside it); otherwise a note when it
 * names a notebook, which is not read.
 */
function sourceNotebook(run: ImportedRun): { artifactPath?: string; note?: string } {
  const src = run.tags['mlflow.source.name']?.trim();
  if (!src || !/\.ipynb$/i.test(src)) return {};
  const who = `run ${run.name} (${run.runId})`;
  if (!run.artifactDir || !run.artifacts) return { note: `${who}: its source notebook ${src} is not read (${run.artifactNote ?? 'this store does not keep artifacts beside the runs'})` };
  const rel = isAbsolute(src) ? relative(resolve(run.artifactDir), src).split(sep).join('/') : posix.normalize(src.replace(/\\/g, '/'));
  if (rel === '..' || rel.startsWith('../') || posix.isAbsolute(rel) || isAbsolute(rel)) {
    return { note: `${who}: its source notebook ${src} is outside the store; not read (log it as an artifact to import it)` };
  }
  if (!run.artifacts.some((a) => a.path === rel)) return { note: `${who}: its source notebook ${src} is not among its artifacts; not read` };
  return { artifactPath: rel };
}

export type ReadNotebook =
  | { ok: true; bytes: Uint8Array; sha256: string; summary: ReturnType<typeof summarizeNotebook> }
  | ({ ok: false } & SkippedNotebook);

/** Reads and parses one candidate; anything wrong is a skip with its reason, never a throw. */
export function readRunNotebook(c: NotebookCandidate): ReadNotebook {
  let bytes: Uint8Array;
  try {
    const info = lstatChecked(c.file);
    if (!info.isFile()) return { ok: false, file: c.file, reason: 'not a regular file' };
    if (info.size > DEFAULT_MAX_BLOB_BYTES) return { ok: false, file: c.file, reason: `${info.size} bytes is more than a notebook may be (${DEFAULT_MAX_BLOB_BYTES}); clear large outputs first` };
    bytes = new Uint8Array(readFileSync(c.file));
  } catch (err) {
    if (err instanceof MlflowImportError) return { ok: false, file: c.file, reason: err.message.replace(`${c.file}: `, '') };
    return { ok: false, file: c.file, reason: `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  try {
    const summary = summarizeNotebook(parseNotebook(bytes, c.file), NOTEBOOK_EXCERPT_MAX);
    return { ok: true, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), summary };
  } catch (err) {
    if (!(err instanceof NotebookParseError)) throw err;
    return { ok: false, file: c.file, reason: `${err.where ? `${err.where}: ` : ''}${err.what}` };
  }
}
