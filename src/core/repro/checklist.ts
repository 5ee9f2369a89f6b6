/**
 * The reproducibility checklist of a run: could someone rebuild this result from what was
 * recorded? Five items, each pass / partial / fail with a sentence saying what is missing and
 * how to fix it, and a score from 0 to 100.
 *
 * Weights (sum 100), and the credit each status earns:
 *   code version  25  pass: a git commit and a clean tree · partial (½): dirty tree, or a
 *                     "commit" that is not a git hash · fail: no commit
 *   params        15  pass: at least one param · fail: none
 *   data versions 20  pass: every ref has a content hash and resolves (a DVC path, a URL, or a
 *                     dataset version of this workspace) · partial (½): some hash or resolution
 *                     missing · fail: no data versions recorded
 *   environment   30  captured 10 + every package pinned 15 (pro rata to the pinned share) +
 *                     Python version known 5 · pass only with all three · fail: nothing captured
 *   seed          10  pass: recorded (the detail's `seed` or a `seed`-like param) · fail: not
 * The environment weighs most because it is what most often breaks a rebuild (a floating
 * `torch` pulls a new major); code is next because without it nothing else matters.
 *
 * A model version's checklist is the checklist of the run it came from: pass that run's detail.
 */
import { type RunDetailRecord, runSeed } from '../workspace/run-detail.ts';
import { runEnvironment, unpinnedReason } from './run-environment.ts';

export type ChecklistStatus = 'pass' | 'partial' | 'fail';
export type ChecklistItemId = 'code' | 'params' | 'data' | 'environment' | 'seed';

export interface ChecklistItem {
  id: ChecklistItemId;
  label: string;
  status: ChecklistStatus;
  /** What was found, what is missing and how to fix it, in words. */
  detail: string;
  /** Points this item can earn, and earned (0..weight, may be fractional). */
  weight: number;
  earned: number;
}

export interface ReproChecklist {
  /** 0–100, rounded: the sum of `earned`. */
  score: number;
  items: ChecklistItem[];
}

export const CHECKLIST_WEIGHTS: Readonly<Record<ChecklistItemId, number>> = { code: 25, params: 15, data: 20, environment: 30, seed: 10 };

export interface ChecklistOptions {
  /**
   * The workspace's dataset versions. When given, a `driftdesk` data ref must match one (by id or
   * md5) to count as resolved; when absent, such refs are taken as resolved.
   */
  datasetVersions?: readonly { id: string; md5: string }[];
}

/** Builds the checklist of one run detail (see the file header for the weights). Pure. */
export function reproChecklist(detail: RunDetailRecord, options: ChecklistOptions = {}): ReproChecklist {
  const items = [codeItem(detail), paramsItem(detail), dataItem(detail, options), environmentItem(detail), seedItem(detail)];
  return { score: Math.round(items.reduce((sum, i) => sum + i.earned, 0)), items };
}

const item = (id: ChecklistItemId, label: string, status: ChecklistStatus, detail: string, credit: number): ChecklistItem => ({
  id, label, status, detail, weight: CHECKLIST_WEIGHTS[id], earned: CHECKLIST_WEIGHTS[id] * credit,
});

function codeItem(d: RunDetailRecord): ChecklistItem {
  const label = 'Code version pinned';
  const commit = d.code?.commit?.trim();
  if (!commit) {
    return item('code', label, 'fail', 'No git commit recorded. Run from a git checkout (MLflow records mlflow.source.git.commit) or send code.commit to the ingest API.', 0);
  }
  const where = `${d.code?.repo ? `${d.code.repo} @ ` : 'commit '}${commit}${d.code?.branch ? ` (${d.code.branch})` : ''}`;
  if (!/^[0-9a-f]{7,40}$/i.test(commit)) {
    return item('code', label, 'partial', `"${commit}" is not a git commit hash; record the full commit id (git rev-parse HEAD).`, 0.5);
  }
  if (d.code?.dirty) {
    return item('code', label, 'partial', `${where}, but the working tree had uncommitted changes: the commit alone does not rebuild it. Commit before training.`, 0.5);
  }
  const clean = d.code?.dirty === false ? 'clean working tree' : 'working-tree state not recorded';
  return item('code', label, 'pass', `${where}, ${clean}.`, 1);
}

function paramsItem(d: RunDetailRecord): ChecklistItem {
  const n = Object.keys(d.params).length;
  return n > 0
    ? item('params', 'Parameters recorded', 'pass', `${n} parameter${n === 1 ? '' : 's'} recorded.`, 1)
    : item('params', 'Parameters recorded', 'fail', 'No parameters recorded. Log the hyperparameters (mlflow.log_params, or params in the ingest API).', 0);
}

// sha256, md5 (DVC, with `.dir` for directories), or an S3-style etag.
const CONTENT_HASH = /^([0-9a-f]{64}|[0-9a-f]{32}(\.dir)?|[0-9a-f]{32}-\d+)$/i;

function dataItem(d: RunDetailRecord, options: ChecklistOptions): ChecklistItem {
  const label = 'Data versions by hash';
  const refs = d.dataVersions;
  if (refs.length === 0) {
    return item('data', label, 'fail', 'No dataset versions recorded. Record the hash of every dataset the run read (dataVersions in the ingest API, or a DVC-tracked path).', 0);
  }
  const problems: string[] = [];
  for (const r of refs) {
    if (!CONTENT_HASH.test(r.hash)) problems.push(`${r.name}: "${r.hash}" is not a content hash (sha256 or md5)`);
    else if (r.kind === 'url' && !r.url) problems.push(`${r.name}: a url ref without a URL cannot be fetched`);
    else if (r.kind === 'dvc' && !r.path) problems.push(`${r.name}: a DVC ref without a path cannot be pulled`);
    else if (r.kind === 'driftdesk' && options.datasetVersions && !options.datasetVersions.some((v) => v.id === r.datasetVersionId || v.md5 === r.hash)) {
      problems.push(`${r.name}: no dataset version of this workspace has hash ${r.hash}`);
    }
  }
  const kinds = [...new Set(refs.map((r) => r.kind))].join(', ');
  if (problems.length === 0) return item('data', label, 'pass', `${refs.length} dataset version${refs.length === 1 ? '' : 's'} by hash (${kinds}), each resolvable.`, 1);
  return item('data', label, 'partial', `${problems.length} of ${refs.length} cannot be fetched by hash: ${problems.join('; ')}.`, 0.5);
}

function environmentItem(d: RunDetailRecord): ChecklistItem {
  const label = 'Environment captured and pinned';
  const { environment: env, problems } = runEnvironment(d.environment);
  if (!env) {
    const why = problems.length > 0 ? `The stored files could not be read: ${problems.join('; ')}.` : 'No environment files recorded.';
    return item('environment', label, 'fail', `${why} Log requirements.txt (pip freeze) or a conda environment.yml with the run.`, 0);
  }
  const unpinned = env.packages.map(unpinnedReason).filter((r): r is string => r !== undefined);
  const pinnedShare = env.packages.length === 0 ? 0 : (env.packages.length - unpinned.length) / env.packages.length;
  const parts = [`${env.packages.length} package${env.packages.length === 1 ? '' : 's'} from ${env.files.join(', ')}`];
  if (env.packages.length === 0) parts.push('no packages listed: record pip freeze');
  else if (unpinned.length > 0) {
    parts.push(`${unpinned.length} not pinned (${unpinned.slice(0, 5).join('; ')}${unpinned.length > 5 ? `; and ${unpinned.length - 5} more` : ''}): pin with == (pip freeze does)`);
  }
  if (env.python) parts.push(`Python ${env.python.version}${env.python.isPrefix ? '.*' : ''}`);
  else parts.push('Python version not recorded: add python_env.yaml or python= to the conda file');
  if (problems.length > 0) parts.push(`also unreadable: ${problems.join('; ')}`);
  const credit = (10 + 15 * pinnedShare + (env.python ? 5 : 0)) / 30;
  const status = credit === 1 ? 'pass' : 'partial';
  return item('environment', label, status, `${parts.join('; ')}.`, credit);
}

function seedItem(d: RunDetailRecord): ChecklistItem {
  const seed = runSeed(d);
  return seed !== undefined
    ? item('seed', 'Random seed recorded', 'pass', `Seed ${seed}.`, 1)
    : item('seed', 'Random seed recorded', 'fail', 'No seed recorded. Set and log one (a "seed" param, or seed in the ingest API).', 0);
}
