/**
 * The one environment a run's detail describes, from the environment files stored in it (text as
 * the tool wrote it), and whether that environment is pinned. Used by the reproducibility
 * checklist and the Dockerfile generator, so both judge a run the same way.
 *
 * Which files make the environment, first match wins:
 * 1. an MLmodel (the first by path): an MLflow model folder, read with the python_env.yaml,
 *    requirements.txt and the conda file it names that sit beside it (environmentFromModel);
 * 2. a conda file (conda.yaml / environment.yml): conda and its pip section;
 * 3. a pip file (requirements.txt / `pip freeze`);
 * 4. a python_env.yaml alone.
 * When 2 or 3 wins, a python_env.yaml or conda file elsewhere still supplies the Python version
 * if the winner lacks one. Files not used are named in `notes`; a file that does not parse is a
 * `problem` (file and line), and the next candidate is tried.
 */
import type { EnvironmentFile } from '../workspace/run-detail.ts';
import { parseCondaEnvironment } from './conda-environment.ts';
import { type Environment, type EnvPackage, environmentFromConda, environmentFromModel, environmentFromPythonEnv, environmentFromRequirements } from './environment.ts';
import { parseMlmodel } from './mlmodel.ts';
import { parsePythonEnv } from './python-env.ts';
import { parseRequirements } from './requirements-file.ts';

export interface RunEnvironment {
  /** Null when no file was stored or none could be read. */
  environment: Environment | null;
  /** Files that could not be read, as "path, line N: what". */
  problems: string[];
}

/** Builds the run's environment from its stored files (see the file header for the order). */
export function runEnvironment(files: readonly EnvironmentFile[]): RunEnvironment {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const problems: string[] = [];
  const attempt = (build: () => Environment): Environment | null => {
    try {
      return build();
    } catch (err) {
      problems.push((err as Error).message);
      return null;
    }
  };
  let env: Environment | null = null;
  for (const f of sorted.filter((x) => x.kind === 'mlmodel')) {
    env = attempt(() => modelEnvironment(f, sorted));
    if (env) break;
  }
  for (const kind of ['conda', 'pip', 'python_env'] as const) {
    if (env) break;
    for (const f of sorted.filter((x) => x.kind === kind)) {
      env = attempt(() => single(f));
      if (env) break;
    }
  }
  if (!env) return { environment: null, problems };
  if (!env.python) {
    for (const f of sorted.filter((x) => (x.kind === 'python_env' || x.kind === 'conda') && !env!.files.includes(x.path))) {
      const other = attempt(() => single(f));
      if (other?.python) {
        env.python = other.python;
        break;
      }
    }
  }
  const unused = sorted.filter((f) => !env.files.includes(f.path)).map((f) => f.path);
  if (unused.length > 0) env.notes.push(`not used for the environment: ${unused.join(', ')}`);
  return { environment: env, problems };
}

function single(f: EnvironmentFile): Environment {
  if (f.kind === 'conda') return environmentFromConda(parseCondaEnvironment(f.text, f.path));
  if (f.kind === 'python_env') return environmentFromPythonEnv(parsePythonEnv(f.text, f.path));
  if (f.kind === 'pip') return environmentFromRequirements(parseRequirements(f.text, f.path));
  return modelEnvironment(f, [f]);
}

const dirOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '');
const baseOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

function modelEnvironment(mlmodelFile: EnvironmentFile, all: readonly EnvironmentFile[]): Environment {
  const mlmodel = parseMlmodel(mlmodelFile.text, mlmodelFile.path);
  const dir = dirOf(mlmodelFile.path);
  const beside = (name: string | undefined, kind: EnvironmentFile['kind']) =>
    name ? all.find((f) => f.kind === kind && dirOf(f.path) === dir && baseOf(f.path) === name) : undefined;
  const venv = beside(mlmodel.envFiles.virtualenv ?? 'python_env.yaml', 'python_env');
  const requirements = beside('requirements.txt', 'pip');
  const conda = beside(mlmodel.envFiles.conda ?? 'conda.yaml', 'conda');
  return environmentFromModel({
    mlmodel,
    ...(venv ? { pythonEnv: parsePythonEnv(venv.text, venv.path) } : {}),
    ...(requirements ? { requirements: parseRequirements(requirements.text, requirements.path) } : {}),
    ...(conda ? { conda: parseCondaEnvironment(conda.text, conda.path) } : {}),
  });
}

/** Why a package is not pinned, in a few words; undefined when it is. */
export function unpinnedReason(p: EnvPackage): string | undefined {
  const o = p.origin;
  if (o.kind === 'path') return undefined; // installed from the code checkout, which the commit pins
  if (o.kind === 'vcs') return o.ref && /^[0-9a-f]{40}$/i.test(o.ref) ? undefined : `${o.url} is not pinned to a commit`;
  if (o.kind === 'conda') {
    if (p.version !== undefined && !p.versionIsPrefix) return undefined;
    if (p.build) return undefined;
    if (p.version !== undefined) return `conda ${p.name}=${p.version} matches any ${p.version}.* release`;
    return p.spec ? `conda ${p.name}${p.spec} is a range, not a pin` : `conda ${p.name} has no version`;
  }
  if (p.version !== undefined) return undefined;
  return p.spec ? `${p.name}${p.spec} is a range, not a pin` : `${p.name} has no version`;
}
