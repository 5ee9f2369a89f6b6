// Types for test/preflight.mjs (plain JavaScript so that `npm test` can run it before any build).

/** What the preflight may ask of a machine; tests pass their own. */
export interface Probe {
  env: Record<string, string | undefined>;
  isRoot(): boolean;
  /** The path exists. */
  file(path: string): boolean;
  /** The command is on the PATH. */
  command(name: string): boolean;
  /** /usr/bin/python3 can import this module. */
  pythonModule(name: string): boolean;
  /** Debian's PostgreSQL server binaries (initdb, pg_ctl) are installed. */
  postgres(): boolean;
}

/** Runs a command; true when it exited 0. */
export type Runner = (cmd: string, args: string[]) => boolean;

export interface Requirement {
  /** What it is and which tests use it, for the sentence a person reads. */
  what: string;
  /** The Debian/Ubuntu package that provides it. */
  pkg: string;
  /** The system service the package starts on install, stopped again afterwards. */
  service?: string;
  present(probe: Probe): boolean;
}

export interface PreflightOptions {
  probe?: Probe;
  run?: Runner;
  log?: (line: string) => void;
  requirements?: Requirement[];
  /** false: only report what is missing, even as root (default true). */
  install?: boolean;
}

export const REQUIREMENTS: Requirement[];
export const systemProbe: Probe;
export const systemRunner: Runner;
export function missingRequirements(probe: Probe, requirements?: Requirement[]): Requirement[];
export function installLine(missing: Requirement[]): string;
export function preflight(options?: PreflightOptions): number;
