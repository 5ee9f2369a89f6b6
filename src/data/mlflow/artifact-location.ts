/**
 * Where a run of an SQLite tracking store (`mlflow.db`) keeps its artifacts, from the run's
 * `artifact_uri`, resolved as MLflow's own artifact repositories do
 * (mlflow/store/artifact/artifact_repository_registry.py picks by scheme;
 * local_artifact_repo.py reads `file:` URIs and plain paths, a relative path against the
 * directory the tracking server ran in; `mlflow-artifacts:` is the proxied store under the
 * server's `--artifacts-destination`, `./mlartifacts` by default):
 *
 *   file:///abs/path, /abs/path      that folder
 *   ./mlruns/0/<run>/artifacts       against the database's folder (where `mlflow server` or
 *                                    `mlflow ui` is started beside its `mlflow.db`)
 *   mlflow-artifacts:/0/<run>/…      <database's folder>/mlartifacts/0/<run>/…
 *   s3://, gs://, wasbs://, dbfs:/,  not on this machine: said so, never an error
 *   http(s)://, file://otherhost/…
 *
 * The database may come from someone else's machine, so every answer is confined to an
 * artifact root (the database's folder unless the person names another): a path that resolves
 * outside it, by `..` or by a symbolic link anywhere between the root and the folder, is refused
 * and never read. Links inside the folder are refused later, as the file store's are
 * (store-files.ts walkFiles).
 */
import { lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export type ArtifactPlace =
  | { kind: 'local'; dir: string }
  /** Kept somewhere this machine cannot read as files (a cloud store, another host). */
  | { kind: 'elsewhere'; why: string }
  /** Resolves outside the artifact root, or through a link: never read. */
  | { kind: 'refused'; why: string }
  /** A local path that is not here (the database was copied without its artifacts). */
  | { kind: 'missing'; why: string };

/** Schemes MLflow reads as local files. */
const LOCAL = new Set(['file']);

/**
 * Resolves `uri` (a run's `artifact_uri`) against `base` (the database's folder) and confines
 * it to `root`. Never throws; never follows a link out of `root`.
 */
export function resolveArtifactDir(uri: string, base: string, root: string): ArtifactPlace {
  const raw = uri.trim();
  if (raw === '') return { kind: 'missing', why: 'it has no artifact location' };
  if (/^[A-Za-z]:[\\/]/.test(raw) || raw.startsWith('\\\\')) return { kind: 'elsewhere', why: `its artifacts are at ${raw}, a Windows path, not on this machine` };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw)?.[1]?.toLowerCase();
  let path: string;
  if (scheme === undefined) path = raw;
  else if (LOCAL.has(scheme)) {
    const local = fileUriPath(raw);
    if (local === null) return { kind: 'elsewhere', why: `its artifacts are at ${raw}, on another machine` };
    path = local;
  } else if (scheme === 'mlflow-artifacts') {
    // `mlflow-artifacts:/0/<run>/artifacts` or `mlflow-artifacts://host:port/0/<run>/artifacts`.
    const rest = raw.slice('mlflow-artifacts:'.length).replace(/^\/\/[^/]*/, '');
    path = join(base, 'mlartifacts', ...decodeSegments(rest));
  } else {
    return { kind: 'elsewhere', why: `its artifacts are at ${raw.slice(0, 200)} (${scheme}), not on this machine` };
  }
  const abs = isAbsolute(path) ? resolve(path) : resolve(base, path);
  const rootAbs = resolve(root);
  if (!inside(rootAbs, abs)) return { kind: 'refused', why: `its artifacts at ${abs} are outside the artifact root ${rootAbs}; not read` };
  // Walk from the root down, refusing a link on the way: a link can point anywhere.
  let at = rootAbs;
  for (const part of relative(rootAbs, abs).split(sep).filter(Boolean)) {
    at = join(at, part);
    const info = lstatSync(at, { throwIfNoEntry: false });
    if (!info) return { kind: 'missing', why: `its artifacts folder ${abs} is not on this machine` };
    if (info.isSymbolicLink()) return { kind: 'refused', why: `${at} is a symbolic link; the importer does not follow links out of the artifact root` };
    if (!info.isDirectory()) return { kind: 'refused', why: `${at} is not a folder` };
  }
  if (!lstatSync(abs, { throwIfNoEntry: false })?.isDirectory()) return { kind: 'missing', why: `its artifacts folder ${abs} is not on this machine` };
  // The root itself may sit behind links (/tmp on macOS); what is below it may not leave it.
  try {
    if (!inside(realpathSync(rootAbs), realpathSync(abs))) return { kind: 'refused', why: `${abs} resolves outside the artifact root ${rootAbs}; not read` };
  } catch {
    return { kind: 'missing', why: `its artifacts folder ${abs} cannot be read` };
  }
  return { kind: 'local', dir: abs };
}

/** The local path of a `file:` URI; null for one naming another host. */
function fileUriPath(raw: string): string | null {
  if (!raw.toLowerCase().startsWith('file://')) return decodeSegments(raw.slice('file:'.length)).join('/') || '.';
  const afterSlashes = raw.slice('file://'.length);
  const slash = afterSlashes.indexOf('/');
  const host = slash === -1 ? afterSlashes : afterSlashes.slice(0, slash);
  if (host !== '' && host.toLowerCase() !== 'localhost') return null;
  const path = slash === -1 ? '/' : afterSlashes.slice(slash);
  return `/${decodeSegments(path).join('/')}`;
}

/** `/`-separated, percent-decoded segments (a bad escape stays as written). */
function decodeSegments(path: string): string[] {
  return path.split('/').filter((s) => s !== '').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
