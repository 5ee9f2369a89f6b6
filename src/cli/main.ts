/**
 * `driftdesk` command-line entry. Exit codes: 0 ok, 1 the command ran and reports failure,
 * 2 bad input (unknown command, missing or invalid option).
 */
// Commands are imported when they run: `driftdesk drift` must not pay for loading the
// server, PostgreSQL and Redis clients at start-up.
import { UsageError } from './usage-error.ts';

const USAGE = `usage: driftdesk <command> [options]

  server --host 127.0.0.1 --port 4455 (--data DIR | --postgres URL [--redis URL])
         [--max-message-bytes 8388608] [--max-upload-bytes 536870912]
         [--snapshot-every 10] [--metrics-token T]
         [--allow-private-webhooks] [--monitor-temp DIR] [--monitor-job-expire 180]
         [--no-split-conversations]
         [--backup-dir DIR [--backup-every 1h] [--keep 48]]
                                                     run the sync server; several processes
                                                     share one PostgreSQL and fan out via Redis
  workspace create (--data DIR | --postgres URL) --name NAME [--owner WHO]
                                                     create a workspace; prints {"id","token"}
  workspace export ID (--data DIR | --postgres URL) --out FILE [--include-secrets]
                                                     one archive (.tar.gz) of the workspace: docs,
                                                     history, blobs, members, token hashes
  workspace import FILE (--data DIR | --postgres URL) [--as NEW_ID] [--skip-secrets]
                                                     verify every entry, then import all or nothing
  workspace split-conversations ID (--data DIR | --postgres URL)
                                                     move its comments, reactions, resolutions and
                                                     incident timelines into conversation docs
                                                     (with no server serving it; prints a report)
  token create --data DIR --workspace ID --role owner|editor|commenter|viewer --name WHO
                                                     create a member token; prints {"token","member"}
  token list --data DIR --workspace ID               members, roles and their live/revoked tokens
  token revoke --data DIR (--token T | --workspace ID --member M)
                                                     revoke; live connections close within a second
  token role --data DIR --workspace ID --member M --role ROLE
                                                     change a member's role (applies live)
  drift REF CUR [--json] [--stattest TEST] [--stattest COLUMN=TEST] [--categorical A,B]
        [--numerical C] [--drift-share 0.5] [--fail-on-drift]
        [--timestamp COL] [--id COL] [--target COL] [--prediction COL]
        [--proba COL | --proba CLASS=COL …] [--ignore A,B] [--mapping FILE.json]
                                                     column mapping: timestamp, id and ignored
                                                     columns are not tested
                                                     test every column for drift (exit 1 on
                                                     dataset drift with --fail-on-drift)
  profile FILE [--json]                              column profiles and content hash
  dataset diff A B [--json]                          schema, row count, stat deltas, drift
  estimate REF ANALYSIS --target Y --proba P --prediction YHAT [--json] [--timestamp T]
        (multiclass: --proba CLASS=COLUMN once per class)
        [--chunk-size N | --chunk-number K | --chunk-period day|week|month]
        [--metrics roc_auc,f1,precision,recall,specificity,accuracy] [--calibration auto|on|off]
                                                     estimate a classifier's performance per
                                                     chunk without labels (NannyML's CBPE)
  multivariate REF ANALYSIS [--json] [--columns A,B] [--timestamp T] [same chunk options]
                                                     PCA reconstruction error per chunk
  env diff A B [--json]                              environment diff: requirements.txt or pip
                                                     freeze, conda environment.yml, MLmodel or
                                                     its folder; exit 0 same, 1 different
  push batch FILE --server URL --workspace ID --monitor M --token T
                                                     send a production batch (CSV, TSV, JSONL,
                                                     JSON, Parquet) to a monitor; exit 1 if a
                                                     rule fired (incident opened or extended)
  push metrics FILE --server URL --workspace ID --monitor M --token T
                                                     send [{"name","value","timestamp"}] metrics
  push labels FILE --server URL --workspace ID --monitor M --token T
                                                     labels that came later (CSV/JSONL with the
                                                     mapping's id and target), joined by id
  push run FILE.json --server URL --workspace ID --token T
                                                     record a run from any training script
                                                     (name, experiment, status, startTime,
                                                     params, metrics, code, dataVersions,
                                                     environment, seed, clientRunId)
  push notebook FILE.ipynb --server URL --workspace ID --token T [--run RUN] [--title T]
                                                     add a Jupyter notebook (nbformat 4, or 3
                                                     read with a note); the same path pushed
                                                     again is its next version; --run links a
                                                     run (id, source or unique name)
  import mlflow PATH --server URL --workspace ID --token T [--dry-run] [--artifact-root DIR]
                                                     import MLflow runs and model registry
                                                     (mlruns/ folder or mlflow.db); re-runs
                                                     update, never duplicate; --dry-run lists
                                                     the changes (vs the workspace if given);
                                                     an mlflow.db's artifacts are read only
                                                     under --artifact-root (default: its folder)
  import gto PATH --server URL --workspace ID --token T [--repo NAME] [--dry-run]
                                                     import a GTO registry (a git repository's
                                                     tags, or gto show/history --json output)
  repro check RUN --server URL --workspace ID --token T [--min 80] [--json] [--dvc-repo PATH]
                                                     reproducibility checklist and score of a
                                                     run (id, source or name); exit 1 below --min
  repro dockerfile RUN --server URL --workspace ID --token T [--out DIR [--force]] [--dvc-repo PATH]
                                                     Dockerfile (stdout), or Dockerfile,
                                                     requirements.txt and fetch-data.sh in DIR
  start                                              open the app (Electron, or browser mode)
  web [--port 5155]                                  open the app in browser mode`;

export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    switch (command) {
      case 'server':
        return await (await import('./server-commands.ts')).serverCommand(argv.slice(1));
      case 'workspace':
        if (sub === 'create') return await (await import('./server-commands.ts')).workspaceCreate(rest);
        if (sub === 'export') return await (await import('./workspace-archive-commands.ts')).workspaceExport(rest);
        if (sub === 'import') return await (await import('./workspace-archive-commands.ts')).workspaceImport(rest);
        if (sub === 'split-conversations') return await (await import('./server-commands.ts')).workspaceSplitConversations(rest);
        throw new UsageError(`unknown workspace command: ${sub ?? '(none)'}`);
      case 'token':
        return await (await import('./token-commands.ts')).tokenCommand(sub, rest);
      case 'drift':
      case 'profile':
      case 'dataset': {
        const datasets = await import('./dataset-commands.ts');
        if (command === 'drift') return await datasets.driftCommand(argv.slice(1));
        if (command === 'profile') return await datasets.profileCommand(argv.slice(1));
        if (sub === 'diff') return await datasets.datasetDiffCommand(rest);
        throw new UsageError(`unknown dataset command: ${sub ?? '(none)'}`);
      }
      case 'estimate':
      case 'multivariate': {
        const commands = await import('./estimate-commands.ts');
        const args = argv.slice(1);
        return command === 'estimate' ? await commands.estimateCommand(args) : await commands.multivariateCommand(args);
      }
      case 'push':
        return await (await import('./push-commands.ts')).pushCommand(sub, rest);
      case 'import':
        return await (await import('./import-commands.ts')).importCommand(sub, rest);
      case 'repro':
        return await (await import('./repro-commands.ts')).reproCommand(sub, rest);
      case 'env':
        return await (await import('./env-commands.ts')).envCommand(sub, rest);
      case 'start':
      case 'web': {
        const { launchApp } = await import('./launch-app.ts');
        return await launchApp(command, argv.slice(1));
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (err) {
    if ((err as Error)?.name === 'DatasetError') {
      console.error(`driftdesk: ${(err as Error).message}`);
      return 2;
    }
    if (err instanceof UsageError || isParseArgsError(err)) {
      console.error(`driftdesk: ${(err as Error).message} (run "driftdesk help" for usage)`);
      return 2;
    }
    console.error(`driftdesk: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
