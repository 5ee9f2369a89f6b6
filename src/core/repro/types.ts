/**
 * What the environment parsers return: requirements as pip reads them, and the error that
 * names the file and line a parser could not read.
 */

/** A file the parsers could not read; the message reads "requirements.txt, line 7: …". */
export class EnvParseError extends Error {
  override name = 'EnvParseError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly detail: string,
  ) {
    super(line === undefined ? `${file}: ${detail}` : `${file}, line ${line}: ${detail}`);
  }
}

export const VERSION_OPERATORS = ['===', '~=', '==', '!=', '<=', '>=', '<', '>'] as const;
export type VersionOperator = (typeof VERSION_OPERATORS)[number];

/** One clause of a PEP 440 specifier, e.g. `>=2.0.0`. `version` is as written (may end in `.*`). */
export interface VersionSpec {
  op: VersionOperator;
  version: string;
}

export type VcsKind = 'git' | 'hg' | 'svn' | 'bzr';

/** Where pip gets a requirement from. */
export type RequirementSource =
  | { kind: 'index' }
  /** `git+https://host/repo.git@ref`: `url` is as written without the `#egg=` fragment. */
  | { kind: 'vcs'; vcs: VcsKind; url: string; ref?: string }
  /** An archive or wheel by URL; `version` when the file name says it (`torch-2.1.0-…whl`). */
  | { kind: 'url'; url: string; version?: string }
  /** A local folder or archive (`-e .`, `./libs/pkg`). */
  | { kind: 'path'; path: string };

export interface Requirement {
  /** The project name as written, or as read from `#egg=`, the URL or the path. */
  name: string;
  /** PEP 503 normalized name; for a path with no name, the path itself. */
  key: string;
  /** Where `name` came from: the line itself, an `#egg=` fragment, the URL's last segment, or a path. */
  nameFrom: 'declared' | 'egg' | 'url' | 'path';
  extras: string[];
  specs: VersionSpec[];
  /** The PEP 508 environment marker as written, not evaluated (that needs the target platform). */
  marker?: string;
  source: RequirementSource;
  editable: boolean;
  /** `--hash=sha256:…` values on the line. */
  hashes: string[];
  /** 1-based line in the file (the first line of a `\`-continued line). */
  line: number;
}

/** A pip option line such as `--index-url URL` or `--pre`, recorded, not acted on. */
export interface PipOption {
  name: string;
  value?: string;
  line: number;
}

/** `-r other.txt` / `-c constraints.txt`: recorded, never followed (the parser reads no files). */
export interface FileReference {
  kind: 'requirements' | 'constraints';
  path: string;
  line: number;
}

/** One logical line of a requirements file, as the parser understood it. */
export type RequirementsEntry =
  | { kind: 'requirement'; requirement: Requirement }
  | { kind: 'option'; option: PipOption }
  | { kind: 'reference'; reference: FileReference };

export interface RequirementsFile {
  file: string;
  requirements: Requirement[];
  options: PipOption[];
  references: FileReference[];
}

/**
 * The exact version a requirement pins: `==1.2.3` / `===1.2.3` (no wildcard), or the version
 * in a wheel or sdist file name. Undefined for ranges, VCS refs and bare names.
 */
export function pinnedVersion(r: Requirement): string | undefined {
  if (r.specs.length === 1 && (r.specs[0]!.op === '==' || r.specs[0]!.op === '===') && !r.specs[0]!.version.endsWith('*')) {
    return r.specs[0]!.version;
  }
  return r.source.kind === 'url' ? r.source.version : undefined;
}

/** The specifier as one string, e.g. `>=2.0.0,<3` ('' when there is none). */
export const formatSpecs = (specs: readonly VersionSpec[]): string => specs.map((s) => `${s.op}${s.version}`).join(',');
