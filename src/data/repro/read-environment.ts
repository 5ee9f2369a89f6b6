/**
 * Reads an environment from disk for the CLI and the app: a requirements file or `pip freeze`
 * output, a conda environment file, an MLflow python_env.yaml, an MLmodel file or a model
 * folder. Parsing is src/core/repro's; this file only finds and reads the files.
 *
 * How the kind is told, first match wins:
 * 1. a folder is an MLflow model folder and must hold `MLmodel`;
 * 2. a file named `MLmodel` is read with the folder it sits in;
 * 3. a `.yml` / `.yaml` file is sniffed by its top-level keys: `flavors:` → MLmodel,
 *    `build_dependencies:` or `python:` → python_env.yaml, `dependencies:` → conda;
 * 4. anything else (`.txt`, `.in`, no extension) is a requirements file, unless a top-level
 *    `flavors:` line shows it is an MLmodel under another name.
 * Names come before content because a requirements file can hold nothing YAML-like, and
 * content settles only what the name leaves open.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  type Environment,
  environmentFromConda,
  environmentFromModel,
  environmentFromPythonEnv,
  environmentFromRequirements,
  parseCondaEnvironment,
  parseMlmodel,
  parsePythonEnv,
  parseRequirements,
} from '../../core/repro/index.ts';

/** A path that is missing, unreadable, or not an environment file; the message names it. */
export class EnvReadError extends Error {
  override readonly name = 'EnvReadError';
}

// Environment files are a few KB; a bigger file is almost surely passed by mistake (a dataset,
// a pickle) and reading it whole would only delay the error.
const MAX_BYTES = 5 * 1024 * 1024;

export type EnvFileKind = Environment['kind'];

/** Reads the environment at `path` (as the user typed it: errors quote it). */
export async function readEnvironment(path: string): Promise<Environment> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new EnvReadError(err.code === 'ENOENT' ? `${path}: no such file or folder` : `${path}: ${err.message}`);
  });
  if (info.isDirectory()) {
    if (!(await isFile(join(path, 'MLmodel')))) throw new EnvReadError(`${path}: a folder must be an MLflow model folder (with an MLmodel file)`);
    return readModelFolder(path);
  }
  const text = await readText(path);
  const kind = detectKind(basename(path), text);
  if (kind === 'mlmodel') return readModelFolder(dirname(path), basename(path), text);
  if (kind === 'conda') return environmentFromConda(parseCondaEnvironment(text, path));
  if (kind === 'python_env') return environmentFromPythonEnv(parsePythonEnv(text, path));
  return environmentFromRequirements(parseRequirements(text, path));
}

/** Which parser reads a file, from its name and then its content (see the file header). */
export function detectKind(fileName: string, text: string): EnvFileKind {
  const topKey = (key: string) => new RegExp(`^${key}\\s*:`, 'm').test(text);
  if (fileName === 'MLmodel' || topKey('flavors')) return 'mlmodel';
  if (!/\.ya?ml$/i.test(fileName)) return 'requirements';
  if (topKey('build_dependencies') || topKey('python')) return 'python_env';
  if (topKey('dependencies')) return 'conda';
  throw new EnvReadError(
    `${fileName}: a YAML file that is none of a conda environment (dependencies:), an MLflow python_env.yaml (python:, build_dependencies:) or an MLmodel (flavors:)`,
  );
}

async function readModelFolder(dir: string, mlmodelName = 'MLmodel', mlmodelText?: string): Promise<Environment> {
  const at = (name: string) => join(dir, name);
  const mlmodel = parseMlmodel(mlmodelText ?? (await readText(at(mlmodelName))), at(mlmodelName));
  // MLmodel names its environment files; only plain names beside it are read, never a path
  // that leaves the folder.
  const sibling = (name: string | undefined, fallback: string) => (name && !/[\\/]/.test(name) && name !== '..' ? name : fallback);
  const condaName = sibling(mlmodel.envFiles.conda, 'conda.yaml');
  const venvName = sibling(mlmodel.envFiles.virtualenv, 'python_env.yaml');
  const optional = async (name: string) => ((await isFile(at(name))) ? readText(at(name)) : undefined);
  const [venv, requirements, conda] = await Promise.all([optional(venvName), optional('requirements.txt'), optional(condaName)]);
  return environmentFromModel({
    mlmodel,
    ...(venv === undefined ? {} : { pythonEnv: parsePythonEnv(venv, at(venvName)) }),
    ...(requirements === undefined ? {} : { requirements: parseRequirements(requirements, at('requirements.txt')) }),
    ...(conda === undefined ? {} : { conda: parseCondaEnvironment(conda, at(condaName)) }),
  });
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

async function readText(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (info && info.size > MAX_BYTES) throw new EnvReadError(`${path}: ${info.size} bytes is too big for an environment file (limit ${MAX_BYTES})`);
  const bytes = await readFile(path).catch((err: Error) => {
    throw new EnvReadError(`${path}: ${err.message}`);
  });
  if (bytes.includes(0)) throw new EnvReadError(`${path}: not a text file`);
  return bytes.toString('utf8');
}
