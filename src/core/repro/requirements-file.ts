/**
 * pip requirements files and `pip freeze` output, read the way pip reads them
 * (pip/_internal/req/req_file.py): lines ending in `\` join the next, `#` starts a comment at
 * the start of a line or after whitespace (so `…#egg=name` is not one), a line's leading
 * words are the requirement and the words from the first `-…` on are options.
 *
 * `-r` / `-c` and global options (`--index-url`, `--pre`, …) are recorded, never followed:
 * core reads no files, and what an index URL resolves to is not part of the file.
 *
 * A line pip would refuse is an EnvParseError naming the file and line rather than a warning:
 * an environment diff that quietly skipped a line could call two different environments the
 * same, and pip itself refuses the whole file over such a line.
 */
import { normalizePackageName, PROJECT_NAME } from './package-name.ts';
import { isDirectReference, parseRequirementSpec, readDirectReference } from './pep508.ts';
import { EnvParseError, type Requirement, type RequirementsEntry, type RequirementsFile } from './types.ts';

type OptionKind = 'global' | 'flag' | 'per-requirement' | 'editable' | 'requirements' | 'constraints';

// pip's SUPPORTED_OPTIONS and SUPPORTED_OPTIONS_REQ (req_file.py), long names.
const OPTIONS: Readonly<Record<string, OptionKind>> = {
  '--index-url': 'global', '--extra-index-url': 'global', '--find-links': 'global', '--no-binary': 'global',
  '--only-binary': 'global', '--trusted-host': 'global', '--use-feature': 'global',
  '--no-index': 'flag', '--prefer-binary': 'flag', '--require-hashes': 'flag', '--pre': 'flag',
  '--hash': 'per-requirement', '--config-settings': 'per-requirement', '--global-option': 'per-requirement',
  '--editable': 'editable', '--requirement': 'requirements', '--constraint': 'constraints',
};
const SHORT: Readonly<Record<string, string>> = { '-i': '--index-url', '-f': '--find-links', '-e': '--editable', '-r': '--requirement', '-c': '--constraint' };

/** A line after joining continuations and dropping comments; `line` is where it starts. */
export interface LogicalLine {
  line: number;
  text: string;
}

/** Splits a requirements file into logical lines as pip's `join_lines` + `ignore_comments` do. */
export function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const emit = (line: number, raw: string) => {
    const t = raw.replace(/(^|\s+)#.*$/, '').trim();
    if (t) out.push({ line, text: t });
  };
  let pending: string[] = [];
  let first = 0;
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    const isComment = /^\s*#/.test(raw);
    if (!raw.endsWith('\\') || isComment) {
      // A comment inside a continuation ends it, as in pip; the leading space keeps it a comment.
      const part = isComment ? ` ${raw}` : raw;
      if (pending.length) {
        emit(first, pending.join('') + part);
        pending = [];
      } else emit(i + 1, part);
    } else {
      if (!pending.length) first = i + 1;
      pending.push(raw.replace(/^\\+|\\+$/g, ''));
    }
  });
  if (pending.length) emit(first, pending.join(''));
  return out;
}

/**
 * Parses a requirements.txt or `pip freeze` output. `fileName` is only used in error
 * messages. Throws EnvParseError ("requirements.txt, line 4: …") on a line pip would refuse.
 */
export function parseRequirements(text: string, fileName: string): RequirementsFile {
  const file: RequirementsFile = { file: fileName, requirements: [], options: [], references: [] };
  for (const { line, text: t } of logicalLines(text)) addEntries(file, readRequirementLine(t, fileName, line));
  return file;
}

/** Files each entry of a line under requirements, options or references. */
export function addEntries(into: RequirementsFile, entries: readonly RequirementsEntry[]): void {
  for (const e of entries) {
    if (e.kind === 'requirement') into.requirements.push(e.requirement);
    else if (e.kind === 'option') into.options.push(e.option);
    else into.references.push(e.reference);
  }
}

/**
 * Reads one logical line (no comment, no continuation) — also what a conda environment's
 * `pip:` list holds. Returns its requirement and/or options; throws EnvParseError at `file`:`line`.
 */
export function readRequirementLine(text: string, file: string, line: number): RequirementsEntry[] {
  const fail = (detail: string): never => {
    throw new EnvParseError(file, line, detail);
  };
  const words = text.trim().split(/\s+/);
  const firstOption = words.findIndex((w) => w.startsWith('-'));
  const args = (firstOption === -1 ? words : words.slice(0, firstOption)).join(' ');
  const options = readOptions(firstOption === -1 ? [] : words.slice(firstOption), fail);
  const entries: RequirementsEntry[] = [];
  const hashes: string[] = [];
  let editable: string | undefined;
  for (const { name, value } of options) {
    const kind = OPTIONS[name]!;
    if (kind === 'requirements' || kind === 'constraints') entries.push({ kind: 'reference', reference: { kind, path: value!, line } });
    else if (kind === 'editable') editable = value!;
    else if (name === '--hash') hashes.push(value!);
    else entries.push({ kind: 'option', option: { name, ...(value === undefined ? {} : { value }), line } });
  }
  if (editable !== undefined && args) fail(`"${args}" and -e ${editable} on one line: put each requirement on its own line`);
  const target = editable ?? args;
  if (!target) {
    if (hashes.length) fail('--hash needs a requirement on the same line');
    return entries;
  }
  const requirement = editable !== undefined ? readEditable(target, fail) : readRequirement(target, fail);
  entries.unshift({ kind: 'requirement', requirement: { ...requirement, hashes, line } });
  return entries;
}

type Fail = (detail: string) => never;
type Parsed = Omit<Requirement, 'hashes' | 'line'>;

function readOptions(words: string[], fail: Fail): { name: string; value?: string }[] {
  const out: { name: string; value?: string }[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    let name: string;
    let value: string | undefined;
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      [name, value] = eq === -1 ? [word, undefined] : [word.slice(0, eq), word.slice(eq + 1)];
    } else {
      name = SHORT[word.slice(0, 2)] ?? fail(`unknown pip option ${word}`);
      value = word.length > 2 ? word.slice(2) : undefined;
    }
    const kind = OPTIONS[name] ?? fail(`unknown pip option ${name}`);
    if (kind === 'flag') {
      if (value !== undefined) fail(`${name} takes no value`);
    } else if (value === undefined) {
      value = words[++i] ?? fail(`${name} needs a value`);
    }
    out.push({ name, ...(value === undefined ? {} : { value: unquote(value) }) });
  }
  return out;
}

const unquote = (s: string) => s.replace(/^(["'])(.*)\1$/, '$2');

function readRequirement(text: string, fail: Fail): Parsed {
  if (isDirectReference(text)) {
    // pip splits a URL from its marker at "; " (a URL may itself contain ";").
    const m = /^(\S+?)\s*;\s+(.+)$/.exec(text) ?? /^(\S+)\s+;\s*(.+)$/.exec(text);
    const marker = m ? checkMarker(m[2]!, fail) : undefined;
    return fromReference(m ? m[1]! : text, false, marker, fail);
  }
  try {
    const spec = parseRequirementSpec(text);
    const base = { name: spec.name, key: normalizePackageName(spec.name), nameFrom: 'declared' as const, extras: spec.extras, specs: spec.specs, editable: false };
    const marker = spec.marker === undefined ? {} : { marker: spec.marker };
    if (spec.url === undefined) return { ...base, ...marker, source: { kind: 'index' } };
    return { ...base, ...marker, source: readDirectReference(spec.url).source };
  } catch (err) {
    if (err instanceof EnvParseError) throw err;
    return fail(`cannot read "${text}": ${(err as Error).message}`);
  }
}

function checkMarker(marker: string, fail: Fail): string {
  try {
    return parseRequirementSpec(`x;${marker}`).marker!;
  } catch (err) {
    return fail((err as Error).message);
  }
}

function readEditable(target: string, fail: Fail): Parsed {
  if (!isDirectReference(target)) fail(`-e ${target}: an editable requirement is a local folder or a VCS URL (git+https://…)`);
  return fromReference(target, true, undefined, fail);
}

function fromReference(target: string, editable: boolean, marker: string | undefined, fail: Fail): Parsed {
  // A path may carry extras: `-e .[dev]`, `./pkg[gpu]`.
  const withExtras = /^(.*?)\[([^\]]*)\]$/.exec(target);
  const ref = readDirectReference(withExtras && !target.includes('://') ? withExtras[1]! : target);
  const extras = withExtras && !target.includes('://') ? withExtras[2]!.split(',').map((e) => e.trim()).filter(Boolean) : [];
  if (ref.source.kind === 'url' && editable && !ref.source.url.startsWith('file:')) fail(`-e ${target}: pip cannot install an archive URL as editable`);
  const egg = ref.egg && PROJECT_NAME.test(ref.egg) ? ref.egg : undefined;
  const common = { extras, specs: [], source: ref.source, editable, ...(marker === undefined ? {} : { marker }) };
  if (egg) return { ...common, name: egg, key: normalizePackageName(egg), nameFrom: 'egg' };
  if (ref.urlName && PROJECT_NAME.test(ref.urlName)) {
    return { ...common, name: ref.urlName, key: normalizePackageName(ref.urlName), nameFrom: 'url' };
  }
  const where = ref.source.kind === 'path' ? ref.source.path : ref.source.url;
  if (!where) fail(`"${target}" names no package, folder or URL`);
  return { ...common, name: where, key: where, nameFrom: ref.source.kind === 'path' ? 'path' : 'url' };
}
