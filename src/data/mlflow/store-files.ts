/**
 * Reading files of an MLflow store that may come from someone else's machine: symbolic links are
 * refused rather than followed, a missing or unreadable file stops the import with its name, and
 * YAML integers stay exact (bigint) so long ids are not rounded. Shared by the tracking file store
 * and the registry's `models/` folder readers.
 */
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MlflowImportError } from './imported-run.ts';

/** A meta.yaml as a mapping; bad YAML or anything but a mapping is an error naming the file. */
export function readMeta(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    // Integers as bigint: a 32-digit run id must not turn into a rounded float.
    parsed = parseYaml(readChecked(file), { intAsBigInt: true });
  } catch (err) {
    if (err instanceof MlflowImportError) throw err;
    throw new MlflowImportError(`${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new MlflowImportError(`${file}: expected a YAML mapping of MLflow fields`);
  return parsed as Record<string, unknown>;
}

/** An id field (string, or a YAML integer kept exact); missing is an error naming the file. */
export function idField(meta: Record<string, unknown>, key: string, file: string, fallback?: string): string {
  const raw = meta[key] ?? (fallback ? meta[fallback] : undefined);
  if (typeof raw === 'string' || typeof raw === 'bigint') return String(raw);
  throw new MlflowImportError(`${file}: ${key} is missing`);
}

/** A YAML number (bigint or number) as a number; anything else undefined. */
export function toNumber(raw: unknown): number | undefined {
  if (typeof raw === 'bigint') return Number(raw);
  return typeof raw === 'number' ? raw : undefined;
}

/** A time in milliseconds since the epoch; absent or null is undefined, anything else non-negative-integer is an error. */
export function timeField(meta: Record<string, unknown>, key: string, file: string): number | undefined {
  const raw = meta[key];
  if (raw === null || raw === undefined) return undefined;
  const n = toNumber(raw);
  if (n === undefined || !Number.isSafeInteger(n) || n < 0) throw new MlflowImportError(`${file}: ${key} ${JSON.stringify(String(raw))} is not a time in milliseconds`);
  return n;
}

/** `params/` or `tags/`: one file per key, the file's whole text is the value. */
export function readKeyFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of walkFiles(dir)) out[key] = readChecked(join(dir, key));
  return out;
}

/** Files under `dir` (recursively, `/`-separated, sorted); links refused, missing dir = none. */
export function walkFiles(dir: string, prefix = ''): string[] {
  if (!exists(dir)) return [];
  const out: string[] = [];
  for (const name of listDir(dir, dir)) {
    const full = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    const info = lstatChecked(full);
    if (info.isDirectory()) out.push(...walkFiles(full, rel));
    else if (info.isFile()) out.push(rel);
    else throw new MlflowImportError(`${full}: not a regular file or folder; the importer reads only those`);
  }
  return out;
}

/** lstat that refuses a symbolic link and a missing path, naming it. */
export function lstatChecked(path: string) {
  const info = lstatSync(path, { throwIfNoEntry: false });
  if (!info) throw new MlflowImportError(`${path}: missing`);
  if (info.isSymbolicLink()) {
    throw new MlflowImportError(`${path}: is a symbolic link; the importer does not follow links out of the store (copy the file in instead)`);
  }
  return info;
}

/** Whether `path` exists; a symbolic link there is an error, not an answer. */
export function exists(path: string): boolean {
  if (!lstatSync(path, { throwIfNoEntry: false })) return false;
  lstatChecked(path);
  return true;
}

/** Sorted entry names of `dir`; `named` is what the error calls it. */
export function listDir(dir: string, named: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (err) {
    throw new MlflowImportError(`${named}: cannot list (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** A regular file's text (UTF-8), refusing links, with the file named in any error. */
export function readChecked(file: string): string {
  lstatChecked(file);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new MlflowImportError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
