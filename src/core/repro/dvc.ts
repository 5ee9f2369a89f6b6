/**
 * DVC's own records of data versions, read from their text: `.dvc` files (one per `dvc add`ed
 * path), `dvc.lock` (what each pipeline stage read and wrote, with hashes) and `.dvc/config`
 * (remotes). Formats as DVC writes them: dvc/dvcfile.py, dvc/schema.py (lock schema '2.0'; the
 * schema-less 1.x lock, a map of stage names, is read too), dvc/output.py (`md5`, with a `.dir`
 * suffix for a directory's manifest; `etag`/`checksum` for cloud and HTTP deps; DVC 3 adds
 * `hash: md5`), and configobj's INI dialect for the config.
 *
 * Paths in a `.dvc` file are relative to its folder, in `dvc.lock` to the lock's folder; they come
 * out relative to the repository root, `/`-separated. A path that leaves the root (`..` past it,
 * or absolute) is an error naming the file and line: these paths end up in shell commands.
 */
import type { DataVersionRef } from '../workspace/run-detail.ts';
import { EnvParseError } from './types.ts';
import { child, items, loadYamlFile, text, type YamlFile } from './yaml-source.ts';
import { isMap, isScalar } from 'yaml';

export class DvcParseError extends EnvParseError {
  override name = 'DvcParseError';
}

/** One output or dependency DVC recorded with its hash. */
export interface DvcEntry {
  /** Relative to the repository root, `/`-separated. */
  path: string;
  /** `md5` (with `.dir` for a directory), or an `etag` / `checksum` for external deps. */
  hash: string;
  hashKind: 'md5' | 'etag' | 'checksum';
  isDir: boolean;
  size?: number;
  nfiles?: number;
  /** The remote this output is pushed to, when the file names one (`remote:`). */
  remote?: string;
  /** The file (repo-relative) and line that record it. */
  file: string;
  line: number;
}

export interface DvcFile {
  file: string;
  outs: DvcEntry[];
  /** `dvc import`: the repository the data came from and the revision locked. */
  importedFrom?: { url: string; rev?: string };
}

export interface DvcStage {
  name: string;
  cmd?: string;
  deps: DvcEntry[];
  outs: DvcEntry[];
}

export interface DvcLock {
  file: string;
  stages: DvcStage[];
}

export interface DvcConfig {
  defaultRemote?: string;
  remotes: Record<string, { url?: string }>;
}

/** Parses a `.dvc` file; `fileName` is its path from the repository root. */
export function parseDvcFile(source: string, fileName: string): DvcFile {
  const y = load(source, fileName);
  const base = dirOf(fileName);
  const outsNode = child(y.root, 'outs');
  if (outsNode === undefined) y.fail(y.root, 'no "outs:" list: is this a .dvc file?');
  const file: DvcFile = { file: fileName, outs: items(y, outsNode, 'outs').map((n) => entry(y, n, base)) };
  const repo = items(y, child(y.root, 'deps'), 'deps').map((d) => child(d, 'repo')).find((r) => r !== undefined);
  const url = text(child(repo, 'url'));
  if (url) {
    const rev = text(child(repo, 'rev_lock')) ?? text(child(repo, 'rev'));
    file.importedFrom = { url, ...(rev ? { rev } : {}) };
  }
  return file;
}

/** Parses a `dvc.lock`; `fileName` is its path from the repository root. */
export function parseDvcLock(source: string, fileName = 'dvc.lock'): DvcLock {
  const y = load(source, fileName);
  const base = dirOf(fileName);
  const schema = text(child(y.root, 'schema'));
  if (schema !== undefined && !schema.startsWith('2.')) y.fail(child(y.root, 'schema'), `schema '${schema}' is not one this reader knows (2.x)`);
  const stagesNode = schema === undefined ? y.root : child(y.root, 'stages');
  if (!isMap(stagesNode)) return y.fail(stagesNode ?? y.root, 'expected "stages:" with one entry per stage');
  const stages = stagesNode.items.map((pair): DvcStage => {
    const name = isScalar(pair.key) ? text(pair.key) : undefined;
    if (!name) return y.fail(pair.key ?? stagesNode, 'a stage needs a name');
    if (!isMap(pair.value)) y.fail(pair.value ?? pair.key, `stage ${name}: expected a mapping with cmd, deps and outs`);
    const cmd = text(child(pair.value, 'cmd'));
    return {
      name,
      ...(cmd ? { cmd } : {}),
      deps: items(y, child(pair.value, 'deps'), `stage ${name} deps`).map((n) => entry(y, n, base)),
      outs: items(y, child(pair.value, 'outs'), `stage ${name} outs`).map((n) => entry(y, n, base)),
    };
  });
  return { file: fileName, stages };
}

/** Parses `.dvc/config` (and `config.local`): the default remote and each remote's URL. */
export function parseDvcConfig(source: string, fileName = '.dvc/config'): DvcConfig {
  const config: DvcConfig = { remotes: {} };
  let section = '';
  source.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[\s*(?:'([^']*)'|"([^"]*)"|([^\]]*))\s*\]$/.exec(line);
    if (header) {
      section = (header[1] ?? header[2] ?? header[3] ?? '').trim();
      return;
    }
    const kv = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) throw new DvcParseError(fileName, i + 1, `expected "key = value" or a [section], found "${line.slice(0, 80)}"`);
    const value = kv[2]!.replace(/^(['"])(.*)\1$/, '$2');
    const remote = /^remote\s+"([^"]+)"$/.exec(section);
    if (section === 'core' && kv[1] === 'remote') config.defaultRemote = value;
    else if (remote && kv[1] === 'url') config.remotes[remote[1]!] = { url: value };
    else if (remote) config.remotes[remote[1]!] ??= {};
  });
  return config;
}

/**
 * What a DVC repository holds as data versions: every output of its `.dvc` files and of its
 * `dvc.lock` stages (all pushed to the remote, so `dvc pull PATH` fetches that exact hash), one
 * per path, sorted by path. Stage deps that nothing in DVC produces are files git tracks (code,
 * configs): the commit pins those, so they are not data versions.
 */
export function dvcDataVersions(project: { files?: readonly DvcFile[]; lock?: DvcLock; config?: DvcConfig }): DataVersionRef[] {
  const byPath = new Map<string, DataVersionRef>();
  const add = (e: DvcEntry, url?: string) => {
    if (byPath.has(e.path)) return;
    const remote = e.remote ?? project.config?.defaultRemote;
    byPath.set(e.path, { name: e.path, hash: e.hash, kind: 'dvc', path: e.path, ...(remote ? { remote } : {}), ...(url ? { url } : {}) });
  };
  for (const f of project.files ?? []) for (const o of f.outs) add(o, f.importedFrom?.url);
  for (const s of project.lock?.stages ?? []) for (const o of s.outs) add(o);
  return [...byPath.values()].sort((a, b) => (a.path! < b.path! ? -1 : a.path! > b.path! ? 1 : 0));
}

function load(source: string, fileName: string): YamlFile {
  try {
    const y = loadYamlFile(source, fileName);
    const fail = (node: unknown, detail: string): never => {
      throw new DvcParseError(fileName, y.lineOf(node), detail);
    };
    return { ...y, fail };
  } catch (err) {
    if (err instanceof EnvParseError) throw new DvcParseError(err.file, err.line, err.detail);
    throw err;
  }
}

function entry(y: YamlFile, node: unknown, base: string): DvcEntry {
  const line = y.lineOf(node) ?? 0;
  const fail = (detail: string): never => {
    throw new DvcParseError(y.file, line, detail);
  };
  if (!isMap(node)) fail('expected an entry with path and md5');
  const raw = text(child(node, 'path'));
  if (!raw) fail('an entry without "path:"');
  const path = joinInside(base, raw!, fail);
  const kinds = ['md5', 'etag', 'checksum'] as const;
  const hashKind = kinds.find((k) => text(child(node, k)) !== undefined);
  if (!hashKind) fail(`${raw}: no md5, etag or checksum recorded (run dvc commit)`);
  const hash = text(child(node, hashKind!))!;
  if (hashKind === 'md5' && !/^[0-9a-f]{32}(\.dir)?$/.test(hash)) fail(`${raw}: md5 "${hash}" is not 32 hex digits`);
  const num = (key: string) => {
    const v = text(child(node, key));
    return v !== undefined && /^\d+$/.test(v) ? { [key]: Number(v) } : {};
  };
  const remote = text(child(node, 'remote'));
  return {
    path, hash, hashKind: hashKind!, isDir: hash.endsWith('.dir'), ...num('size'), ...num('nfiles'), ...(remote ? { remote } : {}), file: y.file, line,
  };
}

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/** `base/path` normalized, or `fail` when it is absolute or climbs out of the repository. */
function joinInside(base: string, path: string, fail: (detail: string) => never): string {
  if (/^([/\\]|[A-Za-z]:)/.test(path) || path.includes('\0')) fail(`${path}: an absolute path; DVC outputs must be inside the repository`);
  const parts: string[] = [];
  for (const part of `${base}/${path}`.split(/[/\\]/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) fail(`${path}: leaves the repository (..)`);
      parts.pop();
    } else parts.push(part);
  }
  if (parts.length === 0) fail(`${path}: names the repository root, not a file or folder in it`);
  return parts.join('/');
}
