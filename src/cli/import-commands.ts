/**
 * `driftdesk import mlflow PATH --server URL --workspace ID --token T [--dry-run]`: brings MLflow
 * runs (an `mlruns/` file store or an `mlflow.db`) into a workspace (src/node/mlflow). Safe to run
 * again: runs already imported are updated, not added twice. `--dry-run` reads and checks the
 * store and prints what it would import, without contacting a server.
 *
 * Exit codes: 0 imported; 2 bad input (the message names the file) or the server refused or
 * could not be reached — in every such case nothing was written to the workspace.
 */
import { parseArgs } from 'node:util';
import { MlflowImportError } from '../node/mlflow/imported-run.ts';
import { importMlflow, prepareImport } from '../node/mlflow/import-mlflow.ts';
import { UsageError } from './usage-error.ts';

export async function importCommand(kind: string | undefined, args: string[]): Promise<number> {
  if (kind === 'gto') return (await import('./import-gto-command.ts')).importGtoCommand(args);
  if (kind !== 'mlflow') throw new UsageError(`import takes "mlflow" or "gto", got ${kind ?? 'nothing'}`);
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { server: { type: 'string' }, workspace: { type: 'string' }, token: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError(`import mlflow needs one PATH (an mlruns/ folder or an mlflow.db), got ${positionals.length}`);
  const path = positionals[0]!;
  try {
    if (values['dry-run']) {
      const { store, details } = prepareImport(path);
      console.log(`${path}: ${store.kind}, would import ${details.length} run(s), skipping ${store.skippedDeleted} deleted`);
      for (const d of details) console.log(`  ${d.summary.source}  ${d.summary.experiment} / ${d.summary.name}  ${d.summary.status}`);
      return 0;
    }
    const need = (name: 'server' | 'workspace' | 'token') => {
      const v = values[name] ?? (name === 'token' ? process.env.DRIFTDESK_TOKEN : undefined);
      if (!v) throw new UsageError(`--${name} is required${name === 'token' ? ' (or DRIFTDESK_TOKEN)' : ''}`);
      return v;
    };
    const report = await importMlflow(path, { server: need('server'), workspaceId: need('workspace'), token: need('token') });
    console.log(`${path}: imported ${report.imported}, updated ${report.updated}, unchanged ${report.unchanged}, skipped deleted ${report.skippedDeleted}`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const message = err instanceof MlflowImportError ? err.message : `${path}: ${(err as Error).message}`;
    console.error(`driftdesk: ${message}`);
    return 2;
  }
}
