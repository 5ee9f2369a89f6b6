/**
 * The words and numbers of bench:open's synthetic workspace (open-workspace.ts): a seedable PRNG
 * and the names, sentences and markdown a team of ML engineers writes, so every run writes the
 * same workspace.
 */


export const COLUMNS = ['income', 'age', 'tenure_months', 'merchant_category', 'region', 'device_type', 'txn_amount', 'days_since_signup', 'credit_limit', 'num_logins_7d', 'basket_size', 'session_length'];
export const MODELS = ['churn-xgb', 'fraud-lgbm', 'ltv-catboost', 'reco-two-tower', 'credit-risk-glm', 'eta-regressor', 'search-ranker', 'demand-prophet'];
export const EXPERIMENTS = MODELS.flatMap((m) => [`${m}/weekly-retrain`, `${m}/hparam-sweep`, `${m}/feature-ablation`, `${m}/backfill-2026q3`, `${m}/shadow-eval`]);
export const PARAMS: [string, (r: () => number) => string][] = [
  ['learning_rate', (r) => String(+(10 ** (-4 + 3 * r())).toPrecision(3))],
  ['max_depth', (r) => String(3 + Math.floor(r() * 10))],
  ['n_estimators', (r) => String(100 * (1 + Math.floor(r() * 20)))],
  ['subsample', (r) => (0.5 + r() * 0.5).toFixed(2)],
  ['colsample_bytree', (r) => (0.4 + r() * 0.6).toFixed(2)],
  ['batch_size', (r) => String(2 ** (5 + Math.floor(r() * 6)))],
  ['optimizer', (r) => pick(r, ['adam', 'adamw', 'sgd', 'rmsprop'])],
  ['epochs', (r) => String(5 + Math.floor(r() * 60))],
  ['dropout', (r) => (r() * 0.5).toFixed(2)],
  ['seed', (r) => String(Math.floor(r() * 100_000))],
  ['train_data', (r) => `dv-${hex(r, 12)}`],
  ['feature_set', (r) => `fs-v${1 + Math.floor(r() * 14)}`],
];
export const METRICS = ['auc', 'f1', 'precision', 'recall', 'log_loss', 'rmse', 'val_loss', 'accuracy', 'psi_max', 'latency_p95_ms'];
export const MEMBER_NAMES = ['Ada Okafor', 'Bruno Silva', 'Chen Wei', 'Dana Kowalski', 'Emeka Obi', 'Farah Haddad', 'Greta Lind', 'Hiro Tanaka', 'Ines Duarte', 'Jonas Berg', 'Kavya Rao', 'Liam Byrne'];
export const SENTENCES = [
  'PSI for {col} crossed 0.2 on the last three daily batches.',
  'The reference window is the training set from {month}; current is the last 7 days of production traffic.',
  'Wasserstein distance on {col} doubled after the upstream schema change.',
  'Looks like the {col} pipeline started emitting nulls where it used to emit zeros.',
  'I checked the feature store: the backfill for {col} ran twice, so the share of duplicates went up.',
  'Retraining on the last 30 days brings AUC back to {num}, but calibration is off in the top decile.',
  'The alert fired for {model} at {time}; on-call acknowledged and opened this incident.',
  'Not a real drift: the marketing campaign in {region} changed the mix of new users for a week.',
  'Can we pin the data version used for the shadow evaluation? Otherwise the comparison is meaningless.',
  'Jensen–Shannon on {col} is {num}, above the 0.1 threshold, mostly from two new categories.',
  'Rolled back the model to the previous version while we investigate; latency is back to normal.',
  'The monitor compares against a stale reference; I updated it to the dataset version from the last handoff.',
  'Adding the profile diff here: the missing-value share of {col} went from 0.4 % to 6.1 %.',
  'Handing off to the ML engineering side: the fix needs a new feature transform, not a retrain.',
  'Confirmed with the data owner that {col} changed units (cents instead of euros) on {month} 14.',
  'Closing as resolved: two clean weeks after the retrain and the monitor is green.',
];
export const MARKDOWN_BLOCKS = [
  '## Context\n\nThe {model} model scores every transaction in under 50 ms. Drift on {col} shows up first in the weekly report.\n',
  '### Checklist\n\n- [x] reference dataset pinned\n- [ ] thresholds reviewed with ops\n- [ ] alert routing to #ml-oncall\n- [x] runbook linked\n',
  '```python\nfrom evidently.metrics import ColumnDriftMetric\nreport = Report(metrics=[ColumnDriftMetric(column_name="{col}")])\nreport.run(reference_data=ref, current_data=cur)\n```\n',
  '| metric | before | after |\n|---|---|---|\n| auc | 0.912 | {num} |\n| psi {col} | 0.04 | 0.27 |\n',
  'We agreed to retrain when PSI stays above 0.2 for three batches in a row, and to page only for critical severities. {sentence}\n',
  '> {sentence}\n\nFollow-up: compare the candidate against the champion on the same data version before the handoff.\n',
];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November'];
const REGIONS = ['EMEA', 'LATAM', 'APAC', 'North America', 'the Nordics'];

export function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

export function shuffled<T>(r: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function hex(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

/** A UUID-shaped id, as `crypto.randomUUID()` makes them in the app. */
export function uuid(r: () => number): string {
  const h = hex(r, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function fill(r: () => number, template: string): string {
  return template
    .replaceAll('{col}', () => pick(r, COLUMNS))
    .replaceAll('{model}', () => pick(r, MODELS))
    .replaceAll('{month}', () => pick(r, MONTHS))
    .replaceAll('{region}', () => pick(r, REGIONS))
    .replaceAll('{num}', () => (0.7 + r() * 0.29).toFixed(3))
    .replaceAll('{time}', () => `${String(Math.floor(r() * 24)).padStart(2, '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')} UTC`)
    .replaceAll('{sentence}', () => fill(r, pick(r, SENTENCES)));
}

const SHORT_REPLIES = ['Agreed.', 'On it.', 'Thanks, looking now.', '+1, same on our side.', 'Fixed by the last retrain.', 'Can you attach the profile diff?', 'Paging the data owner.', 'Ack, I own this one.'];

/** Prose of about `chars` characters (whole sentences; a short reply under 50). */
export function prose(r: () => number, chars: number): string {
  if (chars < 50) return pick(r, SHORT_REPLIES);
  let text = fill(r, pick(r, SENTENCES));
  for (;;) {
    const next = `${text} ${fill(r, pick(r, SENTENCES))}`;
    if (next.length > chars + 30) return text;
    text = next;
  }
}

/** A length between lo and hi, skewed towards the short end (most comments are short). */
export function skewed(r: () => number, lo: number, hi: number): number {
  return Math.round(lo + (hi - lo) * r() ** 2.2);
}
