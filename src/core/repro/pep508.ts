/**
 * One PEP 508 dependency specification — `name[extras] specifier ; marker` or
 * `name[extras] @ url ; marker` — and the direct references pip also accepts (VCS URLs,
 * archive URLs, paths).
 *
 * Written by hand rather than with pip-requirements-js (the npm parser for requirements
 * files): that library follows PEP 508 strictly and so refuses lines pip accepts and real
 * files contain — bare `git+https://…` lines (tloen/alpaca-lora), `-e git+…#egg=` (every
 * `pip freeze` of an editable install), `--hash` and `--index-url` options and `\`
 * continuations. The grammar below is PEP 508's, read with a cursor; the marker is checked
 * against the PEP's marker grammar but kept as text, because evaluating it needs the
 * target platform.
 */
import { PROJECT_NAME } from './package-name.ts';
import type { RequirementSource, VcsKind, VersionOperator, VersionSpec } from './types.ts';

export interface RequirementSpec {
  name: string;
  extras: string[];
  specs: VersionSpec[];
  /** PEP 508 direct reference (`name @ url`). */
  url?: string;
  marker?: string;
}

const NAME_AT_START = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const SPEC_CLAUSE = /^(===|~=|==|!=|<=|>=|<|>)\s*(\S+)$/;
const VERSION_TEXT = /^[A-Za-z0-9_.+!-]+(?:\.\*)?$/;

/** Parses a PEP 508 specification; throws an Error whose message says what is wrong (no location). */
export function parseRequirementSpec(text: string): RequirementSpec {
  let rest = text.trim();
  const name = NAME_AT_START.exec(rest)?.[0];
  if (!name) throw new Error(`expected a package name at "${clip(rest)}"`);
  rest = rest.slice(name.length).trimStart();
  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) throw new Error(`unclosed "[" in the extras of ${name}`);
    extras = rest.slice(1, close).split(',').map((e) => e.trim()).filter(Boolean);
    const bad = extras.find((e) => !PROJECT_NAME.test(e));
    if (bad !== undefined) throw new Error(`"${bad}" is not a valid extra name`);
    rest = rest.slice(close + 1).trimStart();
  }
  if (rest.startsWith('@')) {
    const [url = '', ...after] = rest.slice(1).trim().split(/\s+/);
    if (!url) throw new Error(`expected a URL after "${name} @"`);
    const tail = after.join(' ');
    if (tail && !tail.startsWith(';')) throw new Error(`unexpected "${clip(tail)}" after the URL`);
    return { name, extras, specs: [], url, marker: tail ? readMarker(tail.slice(1)) : undefined };
  }
  const semi = rest.indexOf(';');
  let specText = (semi === -1 ? rest : rest.slice(0, semi)).trim();
  if (specText.startsWith('(')) {
    if (!specText.endsWith(')')) throw new Error(`unclosed "(" in the version of ${name}`);
    specText = specText.slice(1, -1);
  }
  const specs = specText.trim() === '' ? [] : specText.split(',').map((c) => readClause(c.trim()));
  return { name, extras, specs, marker: semi === -1 ? undefined : readMarker(rest.slice(semi + 1)) };
}

function readClause(clause: string): VersionSpec {
  const m = SPEC_CLAUSE.exec(clause);
  if (!m) throw new Error(`expected a version specifier such as ==1.0 or >=2, found "${clip(clause)}"`);
  const op = m[1] as VersionOperator;
  const version = m[2]!;
  if (op !== '===' && !VERSION_TEXT.test(version)) throw new Error(`"${version}" is not a version`);
  if (version.endsWith('.*') && op !== '==' && op !== '!=') throw new Error(`a wildcard version only goes with == or != (found ${op}${version})`);
  return { op, version };
}

const MARKER_VARIABLES = new Set([
  'python_version', 'python_full_version', 'os_name', 'sys_platform', 'platform_release', 'platform_system',
  'platform_version', 'platform_machine', 'platform_python_implementation', 'implementation_name',
  'implementation_version', 'extra',
  // Legacy spellings setuptools still writes and packaging still reads.
  'os.name', 'sys.platform', 'platform.version', 'platform.machine', 'platform.python_implementation', 'python_implementation',
]);
const MARKER_TOKEN = /\s*(?:(\()|(\))|('[^']*'|"[^"]*")|(===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b)|(and|or)\b|([A-Za-z_][A-Za-z0-9_.]*))/y;

/** Checks a marker against PEP 508's grammar (`marker_or`) and returns it trimmed. */
function readMarker(text: string): string {
  const marker = text.trim();
  if (!marker) throw new Error('expected an environment marker after ";"');
  type Tok = { t: '(' | ')' | 'value' | 'op' | 'bool'; s: string };
  const toks: Tok[] = [];
  MARKER_TOKEN.lastIndex = 0;
  while (MARKER_TOKEN.lastIndex < marker.length) {
    const at = MARKER_TOKEN.lastIndex;
    const m = MARKER_TOKEN.exec(marker);
    if (!m) throw new Error(`cannot read the marker at "${clip(marker.slice(at).trim())}"`);
    if (m[1]) toks.push({ t: '(', s: m[1] });
    else if (m[2]) toks.push({ t: ')', s: m[2] });
    else if (m[3]) toks.push({ t: 'value', s: m[3] });
    else if (m[4]) toks.push({ t: 'op', s: m[4] });
    else if (m[5]) toks.push({ t: 'bool', s: m[5] });
    else if (m[6]) {
      if (!MARKER_VARIABLES.has(m[6])) throw new Error(`unknown marker variable "${m[6]}"`);
      toks.push({ t: 'value', s: m[6] });
    }
  }
  let i = 0;
  const expect = (t: Tok['t']) => {
    if (toks[i]?.t !== t) throw new Error(`malformed marker "${clip(marker)}"`);
    i++;
  };
  const expr = (): void => {
    atom();
    while (toks[i]?.t === 'bool') {
      i++;
      atom();
    }
  };
  const atom = (): void => {
    if (toks[i]?.t === '(') {
      i++;
      expr();
      expect(')');
      return;
    }
    expect('value');
    expect('op');
    expect('value');
  };
  expr();
  if (i !== toks.length) throw new Error(`malformed marker "${clip(marker)}"`);
  return marker;
}

const VCS = /^(git|hg|svn|bzr)\+/i;

export interface DirectReference {
  source: Exclude<RequirementSource, { kind: 'index' }>;
  /** From `#egg=name`. */
  egg?: string;
  /** A name the URL or file name suggests: the repository (`…/peft.git` → peft) or a wheel's project. */
  urlName?: string;
}

/**
 * Reads a URL or path pip accepts in place of a name: `git+https://…/repo.git@ref#egg=name`,
 * `https://…/pkg-1.0-py3-none-any.whl`, `file:///…`, `./libs/pkg`, `.`.
 */
export function readDirectReference(target: string): DirectReference {
  const hash = target.indexOf('#');
  const fragment = hash === -1 ? '' : target.slice(hash + 1);
  const bare = hash === -1 ? target : target.slice(0, hash);
  const egg = /(?:^|&)egg=([^&]+)/.exec(fragment)?.[1];
  const vcs = VCS.exec(bare)?.[1]?.toLowerCase() as VcsKind | undefined;
  if (vcs) {
    // The ref follows the last "@" of the path; an "@" in the host part is a user (git@host).
    const pathStart = bare.indexOf('/', bare.indexOf('://') + 3);
    const at = bare.lastIndexOf('@');
    const ref = pathStart !== -1 && at > pathStart ? bare.slice(at + 1) : undefined;
    const repoUrl = ref === undefined ? bare : bare.slice(0, at);
    const urlName = lastSegment(repoUrl).replace(/\.git$/i, '');
    return { source: { kind: 'vcs', vcs, url: bare, ...(ref ? { ref } : {}) }, egg, urlName: urlName || undefined };
  }
  const file = lastSegment(bare);
  const archive = /^(.+?)-(\d[^-]*?)(?:-[^-]+-[^-]+-[^-]+(?:-[^-]+)?\.whl|\.tar\.gz|\.tar\.bz2|\.tgz|\.zip)$/i.exec(file);
  const named = archive ? { urlName: archive[1]!, version: decodeURIComponent(archive[2]!) } : undefined;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(bare) && !/^[A-Za-z]:[\\/]/.test(bare)) {
    return { source: { kind: 'url', url: bare, ...(named ? { version: named.version } : {}) }, egg, urlName: named?.urlName };
  }
  return { source: { kind: 'path', path: bare }, egg, urlName: named?.urlName };
}

/** Whether a requirement line's text is a URL or path rather than a PEP 508 name. */
export function isDirectReference(text: string): boolean {
  if (VCS.test(text) || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text) || /^file:/i.test(text)) return true;
  if (/^[.~/\\]/.test(text) || /^[A-Za-z]:[\\/]/.test(text)) return true;
  // "pkg @ url" and "pkg[x]>=1" start with a name; a path has a separator before any of them,
  // and an archive in the current folder ends like one (pip reads `pkg-1.0-py3-none-any.whl` as a file).
  const head = text.split(/[\s;@[(<>=!~]/, 1)[0]!;
  return head.includes('/') || head.includes('\\') || /\.(?:whl|zip|tar\.gz|tgz|tar\.bz2)$/i.test(head);
}

const lastSegment = (url: string) => url.replace(/[/\\]+$/, '').split(/[/\\]/).pop() ?? '';
const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);
