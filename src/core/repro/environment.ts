/**
 * The environment a run or a model captured, merged from whatever files it left: one entry per
 * package (by PEP 503 name), the Python version, and notes where the files disagree.
 *
 * Merge rules, and why:
 * - A package listed twice in pip's files (`black` and `black[jupyter]`) is one package with
 *   both sets of extras, as pip installs it.
 * - A pip entry replaces a conda entry of the same package: conda env create runs pip last, so
 *   pip's copy is the one imported (dask's CI environment relies on this for `distributed`).
 * - In a model folder, requirements.txt is the package list (it is what MLflow restores; its
 *   conda.yaml repeats it in `pip:`); conda.yaml counts only when requirements.txt is missing
 *   (models logged before MLflow 1.26). Versions the flavors record (`pytorch_version`,
 *   `mlflow_version`) fill in packages the list lacks or lists without a version (an unpinned
 *   `mlflow` line); where both give a version and they differ, the list wins and a note says so.
 * - Python comes from MLmodel's `python_version` (the interpreter that saved the model), then
 *   python_env.yaml, then conda's `python` dependency.
 * - python_env.yaml's build_dependencies (pip, setuptools, wheel) are kept out of the package
 *   list, as `pip freeze` keeps them out: else every model-vs-freeze diff would list them.
 */
import type { CondaEnvironment } from './conda-environment.ts';
import type { Mlmodel } from './mlmodel.ts';
import { classifyVersionChange } from './pep440.ts';
import type { PythonEnv } from './python-env.ts';
import { type FileReference, formatSpecs, pinnedVersion, type PipOption, type RequirementSource, type RequirementsFile } from './types.ts';

/** Where a package comes from: pip's sources, a conda channel, or only an MLmodel flavor's record. */
export type PackageOrigin = RequirementSource | { kind: 'conda'; channel?: string } | { kind: 'flavor'; flavor: string };

export interface EnvPackage {
  name: string;
  key: string;
  source: 'pip' | 'conda' | 'mlmodel';
  /** The exact version when the files say it: `==2.1.0`, a freeze line, conda `=1.26` (a prefix, see below). */
  version?: string;
  /** conda `=1.26` means 1.26.*: the version is a prefix of the release. */
  versionIsPrefix?: boolean;
  /** The constraint as written: `==2.1.0`, `>=2.0.0`, `=1.19.2=py38h_0`, or ''. */
  spec: string;
  /** conda build string. */
  build?: string;
  origin: PackageOrigin;
  extras: string[];
  marker?: string;
  editable?: boolean;
}

export interface Environment {
  /** What was read: `requirements`, `conda`, `python_env` or `mlmodel` (a model folder). */
  kind: 'requirements' | 'conda' | 'python_env' | 'mlmodel';
  files: string[];
  python?: { version: string; isPrefix: boolean; file: string };
  /** Sorted by key, one per key. */
  packages: EnvPackage[];
  channels: string[];
  options: PipOption[];
  references: FileReference[];
  model?: Pick<Mlmodel, 'flavors' | 'pythonVersion' | 'mlflowVersion' | 'modelUuid' | 'utcTimeCreated' | 'runId' | 'signature'>;
  /** Where the files disagree or something was not followed, in words. */
  notes: string[];
}

const empty = (kind: Environment['kind'], files: string[]): Environment => ({ kind, files, packages: [], channels: [], options: [], references: [], notes: [] });

/** The environment a requirements file or `pip freeze` output describes. */
export function environmentFromRequirements(req: RequirementsFile): Environment {
  const env = empty('requirements', [req.file]);
  addPip(env, new Map(), req);
  return env;
}

/** The environment a conda environment file describes (conda dependencies, then its pip list). */
export function environmentFromConda(conda: CondaEnvironment): Environment {
  const env = empty('conda', [conda.file]);
  const byKey = new Map<string, EnvPackage>();
  env.channels = [...conda.channels];
  for (const d of conda.dependencies) {
    const version = d.match.kind === 'exact' || d.match.kind === 'prefix' ? d.match.version : undefined;
    if (d.key === 'python') {
      if (version) env.python = { version, isPrefix: d.match.kind === 'prefix', file: conda.file };
      continue;
    }
    const pkg: EnvPackage = {
      name: d.name, key: d.key, source: 'conda', spec: d.spec, origin: { kind: 'conda', ...(d.channel ? { channel: d.channel } : {}) }, extras: [],
      ...(version ? { version } : {}), ...(d.match.kind === 'prefix' ? { versionIsPrefix: true } : {}), ...(d.build ? { build: d.build } : {}),
    };
    byKey.set(d.key, pkg);
  }
  addPip(env, byKey, conda.pip);
  return env;
}

/** The environment a python_env.yaml describes on its own (its `-r requirements.txt` is listed, not read). */
export function environmentFromPythonEnv(pe: PythonEnv): Environment {
  const env = empty('python_env', [pe.file]);
  if (pe.python) env.python = { version: pe.python, isPrefix: false, file: pe.file };
  addPip(env, new Map(), pe.dependencies);
  return env;
}

/** What a model folder holds, read by the caller: MLmodel and the environment files beside it. */
export interface ModelFiles {
  mlmodel: Mlmodel;
  pythonEnv?: PythonEnv;
  requirements?: RequirementsFile;
  conda?: CondaEnvironment;
}

/** The environment of an MLflow model, merged as the file header says. */
export function environmentFromModel(files: ModelFiles): Environment {
  const { mlmodel, pythonEnv, requirements, conda } = files;
  const condaEnv = conda ? environmentFromConda(conda) : undefined;
  const base = requirements ? environmentFromRequirements(requirements) : (condaEnv ?? empty('mlmodel', []));
  const listFile = requirements?.file ?? conda?.file;
  const read = [mlmodel.file, pythonEnv?.file, requirements?.file, conda?.file].filter((f): f is string => !!f);
  const env: Environment = { ...base, kind: 'mlmodel', files: read, channels: condaEnv?.channels ?? [] };
  const { flavors, pythonVersion, mlflowVersion, modelUuid, utcTimeCreated, runId, signature } = mlmodel;
  env.model = { flavors, pythonVersion, mlflowVersion, modelUuid, utcTimeCreated, runId, signature };
  const pythons = [
    mlmodel.pythonVersion ? { version: mlmodel.pythonVersion, isPrefix: false, file: mlmodel.file } : undefined,
    pythonEnv?.python ? { version: pythonEnv.python, isPrefix: false, file: pythonEnv.file } : undefined,
    condaEnv?.python,
  ].filter((p) => p !== undefined);
  env.python = pythons[0];
  for (const other of pythons.slice(1)) {
    if (!sameVersion(pythons[0]!.version, other.version, other.isPrefix)) {
      env.notes.push(`Python: ${pythons[0]!.file} says ${pythons[0]!.version}, ${other.file} says ${other.version}; using ${pythons[0]!.version}`);
    }
  }
  const byKey = new Map(env.packages.map((p) => [p.key, p]));
  for (const p of mlmodel.packages) {
    const listed = byKey.get(p.key);
    if (!listed) byKey.set(p.key, { name: p.name, key: p.key, source: 'mlmodel', version: p.version, spec: `==${p.version}`, origin: { kind: 'flavor', flavor: p.flavor }, extras: [] });
    else if (listed.version === undefined && listed.origin.kind === 'index') listed.version = p.version;
    else if (listed.version && !sameVersion(p.version, listed.version, !!listed.versionIsPrefix, true)) {
      env.notes.push(`${p.name}: ${mlmodel.file}'s ${p.flavor} flavor records ${p.version}, ${listFile} has ${listed.version}; using ${listed.version}`);
    }
  }
  env.packages = sortByKey([...byKey.values()]);
  return env;
}

/**
 * Whether `a` and `b` name the same version; with `bIsPrefix`, whether `a` starts with `b`'s
 * release numbers (conda's `=1.26` matches 1.26.4). `ignoreLocal` drops `+cu117`-style labels,
 * which MLflow strips when it writes requirements.txt.
 */
export function sameVersion(a: string, b: string, bIsPrefix: boolean, ignoreLocal = false): boolean {
  const strip = (v: string) => (ignoreLocal ? v.replace(/\+.*$/, '') : v);
  if (bIsPrefix) {
    const [x, y] = [strip(a).split('.'), strip(b).split('.')];
    return y.every((part, i) => x[i] === part);
  }
  return classifyVersionChange(strip(a), strip(b)) === null;
}

function addPip(env: Environment, byKey: Map<string, EnvPackage>, req: RequirementsFile): void {
  env.options.push(...req.options);
  env.references.push(...req.references);
  for (const r of req.references) env.notes.push(`${req.file}, line ${r.line}: ${r.kind === 'requirements' ? '-r' : '-c'} ${r.path} is not read (only the files given are)`);
  for (const r of req.requirements) {
    const version = pinnedVersion(r);
    const pkg: EnvPackage = {
      name: r.name, key: r.key, source: 'pip', spec: formatSpecs(r.specs), origin: r.source, extras: [...r.extras],
      ...(version ? { version } : {}), ...(r.marker ? { marker: r.marker } : {}), ...(r.editable ? { editable: true } : {}),
    };
    const before = byKey.get(r.key);
    if (before?.source === 'pip') {
      // Listed twice in pip's files: one install, extras and constraints combined.
      before.extras = [...new Set([...before.extras, ...pkg.extras])];
      if (pkg.spec && pkg.spec !== before.spec) before.spec = before.spec ? `${before.spec},${pkg.spec}` : pkg.spec;
      if (pkg.version && before.version && pkg.version !== before.version) env.notes.push(`${r.name}: listed as ${before.version} and ${pkg.version}; using ${before.version}`);
      if (before.version === undefined && pkg.version !== undefined) before.version = pkg.version;
      if (before.origin.kind === 'index') before.origin = pkg.origin;
      continue;
    }
    if (before?.source === 'conda' && (before.version !== pkg.version || pkg.origin.kind !== 'index')) {
      env.notes.push(`${r.name}: the pip entry (${describeOrigin(pkg)}) replaces conda's ${before.name}${before.spec}, as pip installs last`);
    }
    byKey.set(r.key, pkg);
  }
  env.packages = sortByKey([...byKey.values()]);
}

const sortByKey = (ps: EnvPackage[]) => ps.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** A short text for where a package comes from: `2.1.0`, `>=2.0`, `git+https://…@ref`, `./pkg`. */
export function describeOrigin(p: EnvPackage): string {
  const o = p.origin;
  if (o.kind === 'vcs' || o.kind === 'url') return o.url;
  if (o.kind === 'path') return `${p.editable ? '-e ' : ''}${o.path}`;
  return p.spec || '(any version)';
}
