/**
 * `driftdesk env diff A B [--json]`: what differs between two environments (run vs run, run vs
 * production). A and B are each a requirements.txt / `pip freeze` output, a conda
 * environment.yml, an MLflow python_env.yaml, an MLmodel file or an MLflow model folder (how
 * the kind is told: src/data/repro/read-environment.ts).
 *
 * Exit codes, as diff(1): 0 the same, 1 different, 2 bad input (the message names the file and
 * line). A Python version only one side records is shown but does not make them differ.
 *
 * `--json` prints one object:
 *   { a: Side, b: Side, same: boolean,
 *     python: { from?, to?, level?, direction? },          // level/direction when both differ
 *     counts: { added, removed, changed, major, minor, patch, other },
 *     changes: PackageChange[] }                            // src/core/repro/env-diff.ts
 *   Side = { path, kind: 'requirements'|'conda'|'python_env'|'mlmodel', files: string[],
 *            python: string | null, packages: number, notes: string[] }
 * `changes` lists the packages that matter (ML frameworks and runtimes) first.
 */
import { parseArgs } from 'node:util';
import { type ChangeLevel, type Environment, EnvParseError, type EnvironmentDiff, type PackageChange, type PackageState, diffEnvironments } from '../core/repro/index.ts';
import { EnvReadError, readEnvironment } from '../data/repro/read-environment.ts';
import { UsageError } from './usage-error.ts';

export async function envCommand(sub: string | undefined, args: string[]): Promise<number> {
  if (sub !== 'diff') throw new UsageError(`unknown env command: ${sub ?? '(none)'}`);
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 2) throw new UsageError(`env diff needs two environments, A and B, got ${positionals.length} argument(s)`);
  const [pathA, pathB] = positionals as [string, string];
  let a: Environment;
  let b: Environment;
  try {
    [a, b] = await Promise.all([readEnvironment(pathA), readEnvironment(pathB)]);
  } catch (err) {
    if (err instanceof EnvParseError || err instanceof EnvReadError) {
      console.error(`driftdesk: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const diff = diffEnvironments(a, b);
  if (values.json) console.log(JSON.stringify({ a: side(pathA, a), b: side(pathB, b), same: diff.same, python: diff.python, counts: diff.counts, changes: diff.changes }, null, 2));
  else console.log(diffTable(pathA, a, pathB, b, diff));
  return diff.same ? 0 : 1;
}

const side = (path: string, env: Environment) => ({ path, kind: env.kind, files: env.files, python: env.python?.version ?? null, packages: env.packages.length, notes: env.notes });

const GROUPS: (ChangeLevel | 'added' | 'removed')[] = ['major', 'minor', 'patch', 'other', 'added', 'removed'];

/** The human table: a header per side, Python, then one block per class, ML packages first and marked `*`. */
function diffTable(pathA: string, a: Environment, pathB: string, b: Environment, diff: EnvironmentDiff): string {
  const lines = [describeSide('A', pathA, a), describeSide('B', pathB, b)];
  const { from = '(not recorded)', to = '(not recorded)', level, direction } = diff.python;
  lines.push(`Python  ${from === to ? from : `${from} → ${to}`}${level ? `  ${level} ${direction}` : ''}`);
  const group = (c: PackageChange) => (c.kind === 'changed' ? c.level : c.kind);
  const nameWidth = Math.min(32, Math.max(8, ...diff.changes.map((c) => c.name.length + 2)));
  const changed = diff.changes.filter((c) => c.kind === 'changed');
  const fromWidth = Math.min(28, Math.max(8, ...changed.map((c) => show(c.from).length)));
  const toWidth = Math.min(28, Math.max(8, ...changed.map((c) => show(c.to).length)));
  for (const g of GROUPS) {
    const rows = diff.changes.filter((c) => group(c) === g);
    if (!rows.length) continue;
    lines.push('', `${g.toUpperCase()} (${rows.length})`);
    for (const c of rows) {
      const name = `${c.name}${c.ml ? ' *' : ''}`.padEnd(nameWidth);
      if (c.kind === 'added') lines.push(`  + ${name} ${show(c.to)}`);
      else if (c.kind === 'removed') lines.push(`  - ${name} ${show(c.from)}`);
      else lines.push(`  ~ ${name} ${show(c.from).padEnd(fromWidth)} → ${show(c.to).padEnd(toWidth)}  ${c.what === 'version' ? c.direction : c.what}`);
    }
  }
  const notes = [...a.notes.map((n) => `A: ${n}`), ...b.notes.map((n) => `B: ${n}`)];
  if (notes.length) lines.push('', 'Notes', ...notes.map((n) => `  ${n}`));
  const k = diff.counts;
  lines.push(
    '',
    diff.same
      ? 'Same environment.'
      : `${k.changed} changed (${k.major} major, ${k.minor} minor, ${k.patch} patch, ${k.other} other), ${k.added} added, ${k.removed} removed` +
          (diff.changes.some((c) => c.ml) ? '; * = ML framework or runtime, listed first' : ''),
  );
  return lines.join('\n');
}

function describeSide(label: string, path: string, env: Environment): string {
  const what = { requirements: 'requirements', conda: 'conda environment', python_env: 'python_env.yaml', mlmodel: 'MLflow model' }[env.kind];
  return `${label}: ${path} (${what}, ${env.packages.length} package${env.packages.length === 1 ? '' : 's'})`;
}

/** A package's side in a few characters: `2.1.0`, `1.26.*`, `>=2.0`, `git+https://…@ref`, `-e .`, with `[extras]`. */
function show(s: PackageState): string {
  const o = s.origin;
  const where =
    o.kind === 'vcs' || o.kind === 'url'
      ? o.url
      : o.kind === 'path'
        ? `${s.editable ? '-e ' : ''}${o.path}`
        : s.version !== undefined
          ? `${s.version}${s.versionIsPrefix ? '.*' : ''}${s.build ? ` (${s.build})` : ''}`
          : s.spec || 'any version';
  return s.extras.length ? `${where} [${s.extras.join(',')}]` : where;
}
