/**
 * The difference between two environments (run vs run, run vs production): packages added,
 * removed and changed, each change classified, and the Python version.
 */
import { describeOrigin, type EnvPackage, type Environment, sameVersion } from './environment.ts';
import { mlPackageRank } from './ml-packages.ts';
import { type ChangeDirection, type ChangeLevel, classifyVersionChange } from './pep440.ts';

/** A package on one side of a diff: everything but its name. */
export type PackageState = Omit<EnvPackage, 'name' | 'key'>;

/**
 * What changed about a package present on both sides, checked in this order (the first that
 * applies is reported):
 * - `version`    both sides give a version (or a ref of the same VCS repository) and they differ;
 * - `source`     pip installs it from elsewhere: index ↔ git/URL/path, another repository or URL
 *                (conda vs pip alone is not a change: `pip freeze` in a conda env lists conda's
 *                packages too, so a freeze compared with environment.yml would differ everywhere);
 * - `constraint` the declared specifiers differ and there are not two versions to compare
 *                (`>=2.0` vs `==2.1.0`, or `mlflow` vs `mlflow==2.7.1`);
 * - `build`      same conda version, another build string;
 * - `extras`     same version, other extras (`mlflow` vs `mlflow[gateway]`).
 */
export type ChangeAspect = 'version' | 'constraint' | 'source' | 'build' | 'extras';

export type PackageChange =
  | { kind: 'added'; name: string; key: string; ml: boolean; to: PackageState }
  | { kind: 'removed'; name: string; key: string; ml: boolean; from: PackageState }
  | {
      kind: 'changed'; name: string; key: string; ml: boolean;
      what: ChangeAspect; level: ChangeLevel; direction: ChangeDirection;
      from: PackageState; to: PackageState;
    };

export interface EnvironmentDiff {
  /** No package change and no Python change (a Python version only one side records is not a change). */
  same: boolean;
  /** `level`/`direction` only when both sides record a Python version and they differ. */
  python: { from?: string; to?: string; level?: ChangeLevel; direction?: ChangeDirection };
  /** The packages that matter first (see ml-packages.ts), then by name. */
  changes: PackageChange[];
  counts: { added: number; removed: number; changed: number } & Record<ChangeLevel, number>;
}

/**
 * Compares environment `a` (before) with `b` (after). Packages match by PEP 503 name (conda
 * names mapped to PyPI's, e.g. pytorch → torch). Version changes are classified by
 * classifyVersionChange (pep440.ts); a conda prefix pin (`=1.26`) matches any version it
 * starts (1.26.4), so a declared environment and the installed one it allowed do not differ.
 */
export function diffEnvironments(a: Environment, b: Environment): EnvironmentDiff {
  const before = new Map(a.packages.map((p) => [p.key, p]));
  const after = new Map(b.packages.map((p) => [p.key, p]));
  const changes: PackageChange[] = [];
  const ml = (key: string) => mlPackageRank(key) !== undefined;
  for (const p of a.packages) {
    const q = after.get(p.key);
    if (!q) changes.push({ kind: 'removed', name: p.name, key: p.key, ml: ml(p.key), from: state(p) });
    else {
      const change = comparePackages(p, q);
      if (change) changes.push({ kind: 'changed', name: q.name, key: p.key, ml: ml(p.key), ...change, from: state(p), to: state(q) });
    }
  }
  for (const q of b.packages) if (!before.has(q.key)) changes.push({ kind: 'added', name: q.name, key: q.key, ml: ml(q.key), to: state(q) });
  const rank = (c: PackageChange) => mlPackageRank(c.key) ?? Infinity;
  changes.sort((x, y) => rank(x) - rank(y) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));

  const python: EnvironmentDiff['python'] = { ...(a.python ? { from: a.python.version } : {}), ...(b.python ? { to: b.python.version } : {}) };
  if (a.python && b.python && !matches(a.python.version, !!a.python.isPrefix, b.python.version, !!b.python.isPrefix)) {
    Object.assign(python, classifyVersionChange(a.python.version, b.python.version) ?? {});
  }
  const counts = { added: 0, removed: 0, changed: 0, major: 0, minor: 0, patch: 0, other: 0 };
  for (const c of changes) {
    counts[c.kind]++;
    if (c.kind === 'changed') counts[c.level]++;
  }
  return { same: changes.length === 0 && python.level === undefined, python, changes, counts };
}

const state = ({ name: _name, key: _key, ...rest }: EnvPackage): PackageState => rest;

const matches = (a: string, aPrefix: boolean, b: string, bPrefix: boolean) =>
  aPrefix || bPrefix ? (aPrefix && sameVersion(b, a, true)) || (bPrefix && sameVersion(a, b, true)) : sameVersion(a, b, false);

const unknown = (what: ChangeAspect) => ({ what, level: 'other' as const, direction: 'unknown' as const });

function comparePackages(a: EnvPackage, b: EnvPackage): { what: ChangeAspect; level: ChangeLevel; direction: ChangeDirection } | null {
  if (a.version !== undefined && b.version !== undefined) {
    if (!matches(a.version, !!a.versionIsPrefix, b.version, !!b.versionIsPrefix)) {
      const c = classifyVersionChange(a.version, b.version);
      if (c) return { what: 'version', ...c };
    }
  } else if (a.origin.kind === 'vcs' && b.origin.kind === 'vcs' && repo(a.origin) === repo(b.origin)) {
    if (a.origin.ref !== b.origin.ref) return unknown('version');
  }
  if (!sameOrigin(a, b)) return unknown('source');
  if ((a.version === undefined || b.version === undefined) && a.spec !== b.spec) return unknown('constraint');
  if (a.source === 'conda' && b.source === 'conda' && (a.build ?? '') !== (b.build ?? '')) return unknown('build');
  if ([...a.extras].sort().join(',') !== [...b.extras].sort().join(',')) return unknown('extras');
  return null;
}

// The repository without its ref: `git+https://host/repo.git@v1` → `git+https://host/repo.git`.
const repo = (o: { url: string; ref?: string }) => (o.ref === undefined ? o.url : o.url.slice(0, -(o.ref.length + 1)));

// An MLmodel flavor's record and a conda channel say nothing about pip's origin: only pip
// origins (index, VCS, URL, path) are compared with each other.
function sameOrigin(a: EnvPackage, b: EnvPackage): boolean {
  const [x, y] = [a.origin, b.origin];
  if (x.kind === 'conda' || x.kind === 'flavor' || y.kind === 'conda' || y.kind === 'flavor') return true;
  if (x.kind !== y.kind) return false;
  if (x.kind === 'vcs' && y.kind === 'vcs') return repo(x) === repo(y);
  return x.kind === 'index' || describeOrigin(a) === describeOrigin(b);
}
