/**
 * GTO's git-tag grammar (iterative/gto, gto/constants.py `tag_re`), so a registry kept in git tags
 * can be read without GTO. A tag is an artifact name, then one action, then an optional counter:
 *
 *   churn@v1.2.0          register version v1.2.0           churn@v1.2.0!        deregister it
 *   churn#prod#3          assign stage prod (3rd such tag)   churn#prod!#4        unassign it
 *   churn#prod            assign, "simple" mode (no counter)
 *   churn@deprecated#5    deprecate the artifact             churn@created        create it
 *
 * Names are `[a-zA-Z0-9]([a-zA-Z0-9-/_]*[a-zA-Z0-9])?`; an artifact may carry a folder,
 * written `folder=name` in the tag (`folder:name` in GTO's CLI). Versions are `v` + SemVer 2.0.
 * GTO itself ignores tags it cannot parse; an importer should not: a tag that uses `@` or `#`
 * but breaks the grammar is almost always a typo that would silently drop a promotion.
 */

const NAME = '[a-zA-Z0-9](?:[a-zA-Z0-9\\-/_]*[a-zA-Z0-9])?';
const DIRNAME = '[a-zA-Z0-9\\-_./]+';
const SEMVER = '(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)'
  + '(?:-(?:(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?'
  + '(?:\\+[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*)?';
const TAG_RE = new RegExp(
  `^(?<artifact>(?:${DIRNAME}=)?${NAME})`
  + `(?:(?:#(?<stage>${NAME})|@(?<version>v${SEMVER}))(?<cancel>!?)|@(?:(?<deprecated>deprecated)|(?<created>created)))`
  + '(?:#(?<counter>[0-9]+))?$',
);
const NAME_RE = new RegExp(`^${NAME}$`);
const ARTIFACT_RE = new RegExp(`^(?:${DIRNAME}=)?${NAME}$`);
const SEMVER_RE = new RegExp(`^v${SEMVER}$`);

export type GtoTag =
  | { kind: 'register' | 'deregister'; artifact: string; version: string; counter?: number }
  | { kind: 'assign' | 'unassign'; artifact: string; stage: string; counter?: number }
  | { kind: 'deprecate' | 'create'; artifact: string; counter?: number };

/** A tag that looks like GTO's (it has `@` or `#`) but does not follow its grammar. */
export class GtoTagError extends Error {
  override readonly name = 'GtoTagError';
  constructor(readonly tag: string, readonly reason: string) {
    super(`tag ${JSON.stringify(tag)}: ${reason}`);
  }
}

/** Whether GTO would look at this tag at all: tags without `@` or `#` (`v1.0`, `release-3`) are not its. */
export function looksLikeGtoTag(tag: string): boolean {
  return tag.includes('@') || tag.includes('#');
}

/**
 * Parses a GTO tag name. The artifact keeps GTO's CLI spelling (`folder:name`). Throws a
 * GtoTagError saying which part is wrong (the artifact name, the version, the stage, the counter).
 */
export function parseGtoTag(tag: string): GtoTag {
  const m = TAG_RE.exec(tag);
  if (!m?.groups) throw new GtoTagError(tag, diagnose(tag));
  const g = m.groups;
  const artifact = g.artifact!.replace('=', ':');
  const counter = g.counter !== undefined ? { counter: Number(g.counter) } : {};
  if (g.version) return { kind: g.cancel ? 'deregister' : 'register', artifact, version: g.version, ...counter };
  if (g.stage) return { kind: g.cancel ? 'unassign' : 'assign', artifact, stage: g.stage, ...counter };
  return { kind: g.deprecated ? 'deprecate' : 'create', artifact, ...counter };
}

/** Says which part of a tag breaks the grammar, for the error. */
function diagnose(tag: string): string {
  const at = [tag.indexOf('@'), tag.indexOf('#')].filter((i) => i >= 0);
  if (at.length === 0) return 'not a GTO tag (no "@" or "#")';
  const cut = Math.min(...at);
  const artifact = tag.slice(0, cut);
  if (!ARTIFACT_RE.test(artifact)) {
    return `artifact name ${JSON.stringify(artifact)} is not valid: use letters, digits, "-", "_" or "/", starting and ending with a letter or digit`;
  }
  let rest = tag.slice(cut);
  const counter = /#([^#]*)$/.exec(rest);
  if (rest.startsWith('@')) {
    if (counter) {
      if (!/^[0-9]+$/.test(counter[1]!)) return `counter ${JSON.stringify(counter[1])} is not a number`;
      rest = rest.slice(0, counter.index);
    }
    const value = rest.slice(1).replace(/!$/, '');
    if (value === 'deprecated' || value === 'created') return `"@${value}" takes no "!"`;
    return SEMVER_RE.test(value) ? 'unexpected text after the version' : `version ${JSON.stringify(value)} is not "v" followed by a semantic version (v1.2.0)`;
  }
  const parts = rest.slice(1).split('#');
  const stage = parts[0]!.replace(/!$/, '');
  if (!NAME_RE.test(stage)) return `stage ${JSON.stringify(stage)} is not valid: use letters, digits, "-", "_" or "/", starting and ending with a letter or digit`;
  if (parts.length > 2) return 'too many "#": expected name#stage#N';
  if (parts.length === 2 && !/^[0-9]+$/.test(parts[1]!)) return `counter ${JSON.stringify(parts[1])} is not a number`;
  return 'does not follow name@vX.Y.Z, name#stage#N, name@deprecated or name@created';
}

/** Orders SemVer versions (`v1.10.0` after `v1.9.0`; a pre-release before its release), as GTO's "greatest". */
export function compareSemver(a: string, b: string): number {
  const split = (v: string) => {
    const [core, pre] = v.replace(/^v/, '').split('+')[0]!.split(/-(.*)/s) as [string, string | undefined];
    return { nums: core.split('.').map(Number), pre };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
  if (x.pre === undefined || y.pre === undefined) return x.pre === y.pre ? 0 : x.pre === undefined ? 1 : -1;
  const xp = x.pre.split('.');
  const yp = y.pre.split('.');
  for (let i = 0; i < Math.max(xp.length, yp.length); i++) {
    const p = xp[i];
    const q = yp[i];
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}
