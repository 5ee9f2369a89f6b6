/**
 * PEP 440 version numbers: parse, order, and say how big a change between two is.
 *
 * The pattern is the PEP's own (Appendix B, "Parsing version strings with regular
 * expressions") and the order is packaging's `Version._key` (pypa/packaging, version.py), the
 * reference implementation pip uses: epoch, release with trailing zeros ignored, then
 * pre-release, post-release, dev-release and local segments, where a bare dev release
 * (`1.0.dev0`) sorts before every pre-release of that release and a local version sorts after
 * its public one.
 *
 * Why not a library: @renovatebot/pep440 (a port of packaging) is maintained and correct, but
 * its releases since 5.0 need Node 22 (we run on Node 20), we need neither its specifier
 * matching nor its increment helpers, and what we do need — parse, compare, classify — is the
 * ~100 lines below, checked against the PEP's examples and against packaging itself in
 * pep440.test.ts. Should we need `satisfies()` (does production meet the pinned spec?),
 * switching to that library is the better move.
 */

export interface Pep440Version {
  epoch: number;
  /** Release segment as written, e.g. [1, 13, 1]; never empty. */
  release: number[];
  pre?: { label: 'a' | 'b' | 'rc'; number: number };
  post?: number;
  dev?: number;
  /** Local segments, lowercased; all-digit segments as numbers (`+cu117` → ['cu117']). */
  local?: (string | number)[];
}

// PEP 440, Appendix B. Case-insensitive; surrounding whitespace allowed by the PEP's
// "Leading and Trailing Whitespace" rule.
const VERSION = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?' +
    '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i',
);

const PRE_LABEL: Record<string, 'a' | 'b' | 'rc'> = { a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', pre: 'rc', preview: 'rc', rc: 'rc' };

/**
 * Parses a PEP 440 version (any spelling the PEP accepts: `1.0-ALPHA.1`, `v2`, `1!2.0`,
 * `1.0+ubuntu-1`). Returns null for anything else — wildcards (`2.*`), VCS refs, conda build
 * strings — so callers can fall back to comparing text.
 */
export function parseVersion(text: string): Pep440Version | null {
  const g = VERSION.exec(text)?.groups;
  if (!g) return null;
  const version: Pep440Version = { epoch: g.epoch ? Number(g.epoch) : 0, release: g.release!.split('.').map(Number) };
  if (g.pre_l) version.pre = { label: PRE_LABEL[g.pre_l.toLowerCase()]!, number: g.pre_n ? Number(g.pre_n) : 0 };
  if (g.post) version.post = Number(g.post_n1 ?? g.post_n2 ?? 0);
  if (g.dev) version.dev = g.dev_n ? Number(g.dev_n) : 0;
  if (g.local) version.local = g.local.toLowerCase().split(/[-_.]/).map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s));
  return version;
}

/** The PEP 440 normal form: `1.0-ALPHA.1` → `1.0a1`, `1.0-r4` → `1.0.post4`, `1.0+ubuntu-1` → `1.0+ubuntu.1`. */
export function formatVersion(v: Pep440Version): string {
  let out = (v.epoch ? `${v.epoch}!` : '') + v.release.join('.');
  if (v.pre) out += `${v.pre.label}${v.pre.number}`;
  if (v.post !== undefined) out += `.post${v.post}`;
  if (v.dev !== undefined) out += `.dev${v.dev}`;
  if (v.local) out += `+${v.local.join('.')}`;
  return out;
}

const cmp = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

function compareRelease(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const c = cmp(a[i] ?? 0, b[i] ?? 0);
    if (c) return c;
  }
  return 0;
}

// packaging's key for the pre segment: a dev release with no pre or post sorts before every
// pre-release (−∞), a final release after them (+∞).
function preKey(v: Pep440Version): [number, number] {
  if (!v.pre) return v.post === undefined && v.dev !== undefined ? [-Infinity, 0] : [Infinity, 0];
  return [['a', 'b', 'rc'].indexOf(v.pre.label), v.pre.number];
}

// Local segments: a number sorts after any string, strings compare as lowercase text, and a
// longer list wins when one is a prefix of the other.
function compareLocal(a: (string | number)[] | undefined, b: (string | number)[] | undefined): number {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i]!, b[i]!];
    if (typeof x !== typeof y) return typeof x === 'number' ? 1 : -1;
    const c = typeof x === 'number' ? cmp(x, y as number) : x < y ? -1 : x > y ? 1 : 0;
    if (c) return c;
  }
  return cmp(a.length, b.length);
}

/** Orders two versions as pip does: negative when `a` < `b`, 0 when equal (`1.0` = `1.0.0`), positive otherwise. */
export function compareVersions(a: Pep440Version, b: Pep440Version): number {
  const [pa, pb] = [preKey(a), preKey(b)];
  return (
    cmp(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    cmp(pa[0], pb[0]) ||
    cmp(pa[1], pb[1]) ||
    cmp(a.post ?? -Infinity, b.post ?? -Infinity) ||
    cmp(a.dev ?? Infinity, b.dev ?? Infinity) ||
    compareLocal(a.local, b.local)
  );
}

/**
 * How big a change is, read from the release segment: the first of the first three numbers
 * that differs names it (a 4th number or beyond counts as patch); a changed epoch is major; the
 * same release with another pre/post/dev/local part is `other`. This is positional, as the
 * numbers say, not a promise about compatibility: 0.3 → 0.4 is minor even where a project
 * treats 0.x minors as breaking, and a CalVer year change (2022.12 → 2023.1) is major.
 */
export type ChangeLevel = 'major' | 'minor' | 'patch' | 'other';
export type ChangeDirection = 'upgrade' | 'downgrade' | 'unknown';

/**
 * Classifies the change from version text `from` to `to`. Returns null when they are the
 * same version (`1.0` and `1.0.0` are). Text that is not PEP 440 (a git commit, a conda
 * wildcard) compares as text: different text is `other` with an unknown direction.
 */
export function classifyVersionChange(from: string, to: string): { level: ChangeLevel; direction: ChangeDirection } | null {
  const [a, b] = [parseVersion(from), parseVersion(to)];
  if (!a || !b) return from.trim() === to.trim() ? null : { level: 'other', direction: 'unknown' };
  const order = compareVersions(a, b);
  if (order === 0) return null;
  const direction = order < 0 ? 'upgrade' : 'downgrade';
  if (a.epoch !== b.epoch) return { level: 'major', direction };
  for (let i = 0; i < Math.max(a.release.length, b.release.length); i++) {
    if ((a.release[i] ?? 0) !== (b.release[i] ?? 0)) return { level: i === 0 ? 'major' : i === 1 ? 'minor' : 'patch', direction };
  }
  return { level: 'other', direction };
}
