/**
 * Alert rules as a person types them in the new-monitor form (numbers as text, hours for
 * missing batches), turned into the core's rules with a message per field for what is wrong.
 * The core schema decides what a rule is; the checks here add what it cannot know — a warning
 * bound that comes after the critical one would never warn, and a column the reference lacks
 * would never be judged (the server skips such a rule silently).
 */
import { type AlertRule, alertRuleSchema } from '../../../core/monitor';

export type RuleKind = AlertRule['kind'];
export type DraftField = 'column' | 'metric' | 'warning' | 'critical';
export type DraftErrors = Partial<Record<DraftField, string>>;

export interface RuleDraft {
  /** Stable while the form is open (React key, field ids). */
  key: string;
  kind: RuleKind;
  column: string;
  metric: string;
  /** 'both' only with bounds from the reference (NannyML alerts on either side). */
  direction: 'below' | 'above' | 'both';
  /** A metric rule's bounds: typed constants, or NannyML's thresholds from the reference's chunks. */
  bounds: 'constant' | 'reference';
  /** Bounds as typed; for `batchMissing`, hours. Empty: no bound. */
  warning: string;
  critical: string;
  /** The rule's id when it is an existing rule being edited: kept, so its history stays one series. */
  id?: string;
}

export const RULE_KINDS: readonly { kind: RuleKind; label: string }[] = [
  { kind: 'driftShare', label: 'Dataset drift share' },
  { kind: 'columnDrift', label: 'Column drift' },
  { kind: 'metric', label: 'Model metric' },
  { kind: 'multivariate', label: 'Multivariate drift' },
  { kind: 'batchMissing', label: 'Missing batch' },
];

const HOUR_MS = 3_600_000;

/** A new rule of that kind with the usual defaults (Evidently's 0.5 share; a day without a batch). */
export function newDraft(kind: RuleKind, key: string): RuleDraft {
  const critical = kind === 'driftShare' ? '0.5' : kind === 'batchMissing' ? '24' : '';
  return { key, kind, column: '', metric: '', direction: 'below', bounds: 'constant', warning: '', critical };
}

/** An existing rule as the form edits it (hours for missing batches), keeping its id. */
export function draftFromRule(rule: AlertRule, key: string): RuleDraft {
  const text = (v: number | undefined) => (v === undefined ? '' : String(v));
  const base = { ...newDraft(rule.kind, key), id: rule.id };
  switch (rule.kind) {
    case 'driftShare':
      return rule.bounds === 'reference' ? { ...base, bounds: 'reference' } : { ...base, warning: text(rule.warning), critical: text(rule.critical) };
    case 'multivariate':
      return base;
    case 'columnDrift':
      return { ...base, column: rule.column, warning: text(rule.warning), critical: text(rule.critical) };
    case 'metric':
      return rule.bounds === 'reference'
        ? { ...base, metric: rule.metric, bounds: 'reference', direction: rule.direction ?? 'both' }
        : { ...base, metric: rule.metric, direction: rule.direction ?? 'below', warning: text(rule.warning), critical: text(rule.critical) };
    case 'batchMissing':
      return { ...base, warning: rule.warningAfterMs === undefined ? '' : String(rule.warningAfterMs / HOUR_MS), critical: String(rule.criticalAfterMs / HOUR_MS) };
  }
}

function number(text: string): number | undefined | 'bad' {
  if (text.trim() === '') return undefined;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : 'bad';
}

/**
 * The rule a draft describes, or what is wrong with it, field by field. `columns`: the
 * reference's columns when known, to catch a misspelt column.
 */
export function ruleFromDraft(draft: RuleDraft, id: string, columns?: readonly string[]): { rule: AlertRule } | { errors: DraftErrors } {
  const errors: DraftErrors = {};
  const warning = number(draft.warning);
  const critical = number(draft.critical);
  if (warning === 'bad') errors.warning = 'enter a number, or leave it empty';
  if (critical === 'bad') errors.critical = 'enter a number';
  const w = warning === 'bad' ? undefined : warning;
  const c = critical === 'bad' ? undefined : critical;
  const before = (ok: boolean, message: string) => {
    if (w !== undefined && c !== undefined && !ok && !errors.warning) errors.warning = message;
  };

  let candidate: unknown;
  switch (draft.kind) {
    case 'driftShare':
      if (draft.bounds === 'reference') {
        delete errors.warning;
        delete errors.critical;
        candidate = { kind: 'driftShare', id, bounds: 'reference' };
        break;
      }
      if (c === undefined && !errors.critical) errors.critical = 'a critical share is required';
      for (const [field, v] of [['warning', w], ['critical', c]] as const) if (v !== undefined && (v < 0 || v > 1)) errors[field] = 'a share between 0 and 1';
      before(w! < c!, 'the warning share must be below the critical one');
      candidate = { kind: 'driftShare', id, warning: w, critical: c };
      break;
    case 'columnDrift':
      if (!draft.column.trim()) errors.column = 'name the column';
      else if (columns && columns.length > 0 && !columns.includes(draft.column.trim())) errors.column = `the reference has no column "${draft.column.trim()}"`;
      candidate = { kind: 'columnDrift', id, column: draft.column.trim(), warning: w, critical: c };
      break;
    case 'metric':
      if (!draft.metric.trim()) errors.metric = 'name the metric, as your pipeline sends it';
      if (draft.bounds === 'reference') {
        // The typed bounds are not shown for reference bounds, so they are not judged either.
        delete errors.warning;
        delete errors.critical;
        candidate = { kind: 'metric', id, metric: draft.metric.trim(), bounds: 'reference', ...(draft.direction === 'both' ? {} : { direction: draft.direction }) };
        break;
      }
      if (draft.direction === 'both') errors.critical = 'constant bounds fire on one side: choose below or above';
      if (c === undefined && !errors.critical) errors.critical = 'a critical bound is required';
      before(draft.direction === 'below' ? w! > c! : w! < c!, `the warning bound must be ${draft.direction === 'below' ? 'above' : 'below'} the critical one`);
      candidate = { kind: 'metric', id, metric: draft.metric.trim(), direction: draft.direction, warning: w, critical: c };
      break;
    case 'multivariate':
      delete errors.warning;
      delete errors.critical;
      candidate = { kind: 'multivariate', id };
      break;
    case 'batchMissing':
      if (c === undefined && !errors.critical) errors.critical = 'hours without a batch before it is critical';
      for (const [field, v] of [['warning', w], ['critical', c]] as const) if (v !== undefined && v <= 0) errors[field] = 'more than 0 hours';
      before(w! < c!, 'the warning must come sooner than the critical bound');
      candidate = { kind: 'batchMissing', id, warningAfterMs: w === undefined ? undefined : Math.round(w * HOUR_MS), criticalAfterMs: c === undefined ? undefined : Math.round(c * HOUR_MS) };
      break;
  }
  if (Object.keys(errors).length > 0) return { errors };
  const parsed = alertRuleSchema.safeParse(candidate);
  if (parsed.success) return { rule: parsed.data };
  // The schema's own word for anything the checks above did not foresee, on the field it names.
  const field = (path: PropertyKey | undefined): DraftField =>
    path === 'column' || path === 'metric' || path === 'warning' ? path : path === 'warningAfterMs' ? 'warning' : 'critical';
  for (const issue of parsed.error.issues) errors[field(issue.path[0])] ??= issue.message;
  return { errors };
}

/** Readable, unique rule ids (`temp_max-drift`, `accuracy-below`), as incidents refer to them. */
export function ruleIds(drafts: readonly RuleDraft[]): string[] {
  const seen = new Map<string, number>();
  // Kept ids first: a new rule never takes the id of one being edited.
  for (const d of drafts) if (d.id) seen.set(d.id, 1);
  return drafts.map((d) => {
    if (d.id) return d.id;
    const base = (d.kind === 'columnDrift' ? `${d.column.trim()}-drift` : d.kind === 'metric' ? `${d.metric.trim()}-${d.direction}` : d.kind === 'driftShare' ? 'drift-share' : d.kind === 'multivariate' ? 'multivariate' : 'batch-missing')
      .replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 100) || 'rule';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}
