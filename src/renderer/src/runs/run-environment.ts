/**
 * The environment a run was captured with, read from the files its detail blob keeps as written
 * (src/core/workspace/run-detail.ts), with src/core/repro's parsers.
 *
 * Which files, first match wins: an MLmodel with the files beside it in its folder (what MLflow
 * restores the model with); else a pip file (`pip freeze` is what was installed); else a conda
 * environment; else a python_env.yaml. The run page and compare read it the same way, so a diff
 * compares like with like.
 */
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
} from '../../../core/repro';
import type { EnvironmentFile } from '../../../core/workspace';

export type RunEnvironment =
  | { kind: 'none' }
  | { kind: 'ok'; env: Environment }
  /** A file did not parse: the message names it (and the line, when the parser knows it). */
  | { kind: 'error'; message: string };

const folder = (path: string) => path.replace(/[^/]*$/, '');
const base = (path: string) => path.slice(folder(path).length);

export function runEnvironment(files: readonly EnvironmentFile[]): RunEnvironment {
  if (files.length === 0) return { kind: 'none' };
  try {
    return { kind: 'ok', env: readFiles(files) };
  } catch (err) {
    return { kind: 'error', message: (err as Error).message };
  }
}

function readFiles(files: readonly EnvironmentFile[]): Environment {
  const model = files.find((f) => f.kind === 'mlmodel');
  if (model) {
    const mlmodel = parseMlmodel(model.text, model.path);
    const beside = files.filter((f) => f !== model && folder(f.path) === folder(model.path));
    const named = (kind: EnvironmentFile['kind'], name: string | undefined) =>
      beside.find((f) => f.kind === kind && (name === undefined || base(f.path) === name)) ?? beside.find((f) => f.kind === kind);
    const venv = named('python_env', mlmodel.envFiles.virtualenv);
    const requirements = named('pip', 'requirements.txt');
    const conda = named('conda', mlmodel.envFiles.conda);
    return environmentFromModel({
      mlmodel,
      ...(venv ? { pythonEnv: parsePythonEnv(venv.text, venv.path) } : {}),
      ...(requirements ? { requirements: parseRequirements(requirements.text, requirements.path) } : {}),
      ...(conda ? { conda: parseCondaEnvironment(conda.text, conda.path) } : {}),
    });
  }
  const pip = files.find((f) => f.kind === 'pip');
  if (pip) return environmentFromRequirements(parseRequirements(pip.text, pip.path));
  const conda = files.find((f) => f.kind === 'conda');
  if (conda) return environmentFromConda(parseCondaEnvironment(conda.text, conda.path));
  const venv = files.find((f) => f.kind === 'python_env')!;
  return environmentFromPythonEnv(parsePythonEnv(venv.text, venv.path));
}
