/**
 * `driftdesk import mlflow PATH --server URL --workspace ID --token T [--dry-run] [--artifact-root DIR]`: brings MLflow
 * runs and its model registry (an `mlruns/` file store or an `mlflow.db`) into a workspace
 * (readers in src/data/mlflow, the import in src/node/mlflow). Safe to run again: what was
 * imported is updated, not added twice.
 * Notebooks (`*.ipynb`) among a run's artifacts become versions of workspace notebooks linked to
 * the run (src/node/mlflow/import-notebooks.ts); one that is not a notebook is named and skipped.
 * For an mlflow.db, `--artifact-root` is the folder its runs' artifacts may be read from
 * (default: the database's folder; src/data/mlflow/artifact-location.ts).
 * `--dry-run` reads and checks the store and lists every run, model, version, alias move and
 * notebook it would create or change — against the workspace when given a server, else against an empty one —
 * and writes nothing.
 *
 * Exit codes: 0 imported; 2 bad input (the message names the file) or the server refused or
 * could not be reached — in every such case nothing was written to the workspace, except when the
 * server goes away while notebooks are sent: the runs are in, and the message says to run again.
 */
import { parseArgs } from 'node:util';
import { MlflowImportError, MlflowImportRefused } from '../data/mlflow/imported-run.ts';
import { type ImportReport, importMlflow, planOffline } from '../node/mlflow/import-mlflow.ts';
import { UsageError } from './usage-error.ts';

export async function importCommand(kind: string | undefined, args: string[]): Promise<number> {
  if (kind === 'gto') return (await import('./import-gto-command.ts')).importGtoCommand(args);
  if (kind !== 'mlflow') throw new UsageError(`import takes "mlflow" or "gto", got ${kind ?? 'nothing'}`);
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { server: { type: 'string' }, workspace: { type: 'string' }, token: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'artifact-root': { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError(`import mlflow needs one PATH (an mlruns/ folder or an mlflow.db), got ${positionals.length}`);
  const path = positionals[0]!;
  try {
    const server = values.server;
    const need = (name: 'server' | 'workspace' | 'token') => {
      const v = values[name] ?? (name === 'token' ? process.env.DRIFTDESK_TOKEN : undefined);
      if (!v) throw new UsageError(`--${name} is required${name === 'token' ? ' (or DRIFTDESK_TOKEN)' : ''}`);
      return v;
    };
    // A dry run with a server compares with the workspace (what would be created or changed);
    // without one it plans against an empty workspace. Either way it sends nothing.
    const artifactRoot = values['artifact-root'] === undefined ? {} : { artifactRoot: values['artifact-root'] };
    const report = values['dry-run'] && server === undefined
      ? planOffline(path, artifactRoot)
      : await importMlflow(path, { server: need('server'), workspaceId: need('workspace'), token: need('token') }, { dryRun: values['dry-run'] === true, ...artifactRoot });
    for (const line of reportLines(path, report)) console.log(line);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const message = err instanceof MlflowImportError ? err.message : `${path}: ${(err as Error).message}`;
    console.error(`driftdesk: ${message}`);
    // README: 1 when the command fails (refused by the server's rules), 2 on bad input.
    return err instanceof MlflowImportRefused ? 1 : 2;
  }
}

const VERB = { create: 'create', update: 'update', move: 'move', remove: 'remove' } as const;

/** The report as lines: run counts first (the line scripts read), then the registry, each change, notes. */
export function reportLines(path: string, r: ImportReport): string[] {
  const lines = r.dryRun
    ? [`${path}: ${r.store}, dry run (nothing written): would import ${r.runs.created}, update ${r.runs.updated}, leave ${r.runs.unchanged} unchanged, skipping ${r.skippedDeleted} deleted`]
    : [`${path}: imported ${r.runs.created}, updated ${r.runs.updated}, unchanged ${r.runs.unchanged}, skipped deleted ${r.skippedDeleted}`];
  const would = r.dryRun ? 'would be ' : '';
  lines.push(`  models: ${r.models.created} ${would}created, ${r.models.updated} ${would}updated, ${r.models.unchanged} unchanged`);
  lines.push(`  versions: ${r.versions.created} ${would}created, ${r.versions.updated} ${would}updated, ${r.versions.unchanged} unchanged`);
  lines.push(`  aliases: ${r.aliases.moved} ${r.dryRun ? 'would move' : 'moved'} (marked as imported from MLflow), ${r.aliases.unchanged} as MLflow has them already${r.aliases.needOwner ? `, ${r.aliases.needOwner} left for an owner's import` : ''}`);
  for (const c of r.changes) lines.push(`  ${r.dryRun ? 'would ' : ''}${VERB[c.action]} ${c.kind} ${c.text}`);
  const nb = r.notebooks;
  lines.push(`  notebooks: ${nb.added.length} ${r.dryRun ? 'would be added' : 'added'}, ${nb.unchanged} unchanged, ${nb.skipped.length} skipped`);
  for (const a of nb.added) lines.push(`  ${r.dryRun ? 'would add' : 'add'} notebook ${a.path} (run ${a.run}${a.version ? `, version ${a.version}` : ''})`);
  // Named with the reason, so a person can fix the file; the rest of the import went ahead.
  for (const s of nb.skipped) lines.push(`  skip notebook ${s.file}: ${s.reason}`);
  for (const n of [...r.notes, ...nb.notes]) lines.push(`  note: ${n}`);
  return lines;
}
