/**
 * conda `environment.yml` files (`conda env create -f`): name, channels, conda dependencies as
 * conda match specs, and the `pip:` list, whose entries are requirements-file lines.
 *
 * Match specs are read as conda's MatchSpec reads its string form (conda/models/match_spec.py),
 * limited to what environment files hold: `channel::name`, `name=1.2` (conda means 1.2.*),
 * `name==1.2` and `name=1.2=build` (exact), `name 1.2 build`, ranges (`>=23`, `<5`,
 * `>=1,<2`), and `name[version='>=1',build=…]`.
 */
import { isMap, isScalar } from 'yaml';
import { condaPackageKey } from './package-name.ts';
import { addEntries, readRequirementLine } from './requirements-file.ts';
import { EnvParseError, type RequirementsFile } from './types.ts';
import { child, items, loadYamlFile, stringItem, text, type YamlFile } from './yaml-source.ts';

/** How a conda dependency's version constrains it. */
export type CondaVersionMatch =
  /** No version: any. */
  | { kind: 'any' }
  /** `==1.2`, `=1.2=build`, `name 1.2`: exactly this version. */
  | { kind: 'exact'; version: string }
  /** `=1.2`, `=2.*`, `1.2*`: every version starting with these release numbers. */
  | { kind: 'prefix'; version: string }
  /** `>=1,<2`, `!=1.3`, `1.2|1.4`: a range, kept as written. */
  | { kind: 'range'; spec: string };

export interface CondaDependency {
  /** As written, e.g. `pytorch`. */
  name: string;
  /** The PyPI project's normalized name where it differs (`pytorch` → `torch`), else the normalized name. */
  key: string;
  channel?: string;
  /** What follows the name, as written: `=1.7.0`, `>=23`, `=1.19.2=py38h_0`, ''. */
  spec: string;
  match: CondaVersionMatch;
  build?: string;
  line: number;
}

export interface CondaEnvironment {
  file: string;
  name?: string;
  channels: string[];
  dependencies: CondaDependency[];
  /** The `pip:` list, read as a requirements file whose lines are the YAML lines of its entries. */
  pip: RequirementsFile;
}

/**
 * Parses a conda environment file. `fileName` is used in error messages; throws EnvParseError
 * naming the line of a YAML error or an entry it cannot read.
 */
export function parseCondaEnvironment(text: string, fileName: string): CondaEnvironment {
  const y: YamlFile = loadYamlFile(text, fileName);
  const env: CondaEnvironment = {
    file: fileName,
    channels: items(y, child(y.root, 'channels'), 'channels').map((c) => stringItem(y, c, 'a channel')),
    dependencies: [],
    pip: { file: fileName, requirements: [], options: [], references: [] },
  };
  const name = textOf(child(y.root, 'name'));
  if (name !== undefined) env.name = name;
  const deps = child(y.root, 'dependencies');
  if (deps === undefined) y.fail(y.root, 'no "dependencies:" list: is this a conda environment file?');
  for (const item of items(y, deps, 'dependencies')) {
    if (isMap(item)) {
      readPipSection(y, item, env.pip);
      continue;
    }
    const spec = stringItem(y, item, 'a dependency');
    const line = y.lineOf(item)!;
    try {
      env.dependencies.push({ ...parseMatchSpec(spec), line });
    } catch (err) {
      throw new EnvParseError(fileName, line, `cannot read conda dependency "${spec}": ${(err as Error).message}`);
    }
  }
  return env;
}

const textOf = (node: unknown) => (isScalar(node) ? text(node) : undefined);

function readPipSection(y: YamlFile, map: unknown, into: RequirementsFile): void {
  if (!isMap(map)) return;
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? text(pair.key) : undefined;
    if (key !== 'pip') y.fail(pair.key ?? map, `unexpected "${key ?? '?'}:" in dependencies: only a "pip:" list may appear there`);
    for (const entry of items(y, pair.value, 'pip:')) {
      addEntries(into, readRequirementLine(stringItem(y, entry, 'a pip requirement'), y.file, y.lineOf(entry)!));
    }
  }
}

const CONDA_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*/;

/** Reads one conda match spec string; throws Error saying what is wrong (no location). */
export function parseMatchSpec(spec: string): Omit<CondaDependency, 'line'> {
  let rest = spec.trim();
  let channel: string | undefined;
  const colons = rest.indexOf('::');
  if (colons !== -1) {
    channel = rest.slice(0, colons);
    rest = rest.slice(colons + 2);
  }
  const name = CONDA_NAME.exec(rest)?.[0];
  if (!name) throw new Error('expected a package name');
  rest = rest.slice(name.length).trim();
  let build: string | undefined;
  let versionText = rest;
  const bracket = /^\[(.*)\]$/.exec(rest);
  if (bracket) {
    const kv = Object.fromEntries([...bracket[1]!.matchAll(/(\w+)\s*=\s*(?:'([^']*)'|"([^"]*)"|([^,\]]*))/g)].map((m) => [m[1]!, (m[2] ?? m[3] ?? m[4] ?? '').trim()]));
    versionText = kv.version ?? '';
    build = kv.build || undefined;
  } else if (/^[^=<>!~\s]/.test(rest)) {
    // Space form: "name 1.2 build".
    const [v = '', b] = rest.split(/\s+/);
    versionText = v.includes('*') || /[<>!~|,]/.test(v) ? v : `==${v}`;
    build = b;
  } else if (/^=[^=]/.test(rest)) {
    const [v = '', b] = rest.slice(1).split('=');
    versionText = b === undefined ? `=${v}` : `==${v}`;
    build = b || undefined;
  }
  const base = { name, key: condaPackageKey(name), spec: rest, match: readMatch(versionText), ...(build ? { build } : {}) };
  return channel ? { ...base, channel } : base;
}

function readMatch(v: string): CondaVersionMatch {
  const s = v.replace(/\s+/g, '');
  if (s === '' || s === '*') return { kind: 'any' };
  if (/[<>!~|,]/.test(s) || /^=[<>]/.test(s)) return { kind: 'range', spec: s };
  const exact = /^==([^=*]+)$/.exec(s);
  if (exact) return { kind: 'exact', version: exact[1]! };
  const prefix = /^=?([^=*]+?)(?:\.?\*)?$/.exec(s);
  if (prefix && !/[=]/.test(prefix[1]!)) return { kind: 'prefix', version: prefix[1]! };
  throw new Error(`"${v}" is not a version conda reads`);
}
