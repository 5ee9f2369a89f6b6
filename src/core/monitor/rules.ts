/**
 * Alert rules of a monitor and how a batch, a metric or the clock is judged against them.
 *
 * Every rule sorts what it sees into severity bands — ok, warning, critical — the way whylogs'
 * constraints and NannyML's thresholds do: a warning bound that says "look soon" and a critical
 * bound that says "act now". A rule with only a critical bound never warns.
 *
 * Kinds:
 * - `driftShare`  the share of tested columns that drifted is ≥ the bound (Evidently's dataset
 *                 drift uses 0.5);
 * - `columnDrift` one column's drift score is past a bound — below it for p-value tests, at or
 *                 above it for distance tests (Evidently's convention); without bounds, the
 *                 column's own test threshold is the critical bound;
 * - `metric`      a model metric (e.g. accuracy) is below, or above, its bounds;
 * - `batchMissing` no batch has arrived for longer than the bound (ms).
 */
import { z } from 'zod';

export const BANDS = ['ok', 'warning', 'critical'] as const;
export type Band = (typeof BANDS)[number];

const id = z.string().min(1).max(128);
const share = z.number().min(0).max(1);

/** `ownIncident`: this rule's findings go to an incident of its own, not the monitor's shared one. */
const ownIncident = z.boolean().optional();

export const alertRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('driftShare'), id, ownIncident, warning: share.optional(), critical: share }),
  z.object({ kind: z.literal('columnDrift'), id, ownIncident, column: z.string().min(1).max(300), warning: z.number().optional(), critical: z.number().optional() }),
  z.object({
    kind: z.literal('metric'), id, ownIncident, metric: z.string().min(1).max(200), direction: z.enum(['below', 'above']),
    warning: z.number().optional(), critical: z.number(),
  }),
  z.object({ kind: z.literal('batchMissing'), id, ownIncident, warningAfterMs: z.number().int().positive().optional(), criticalAfterMs: z.number().int().positive() }),
]);
export type AlertRule = z.infer<typeof alertRuleSchema>;

/** What a batch's drift comparison says, as the rules need it. */
export interface BatchDrift {
  /** Columns tested (both sides, compatible types). */
  testedColumns: number;
  driftedColumns: number;
  columns: readonly { name: string; kind: 'p_value' | 'distance'; score: number; threshold: number; drifted: boolean }[];
}

/** How one rule judged one observation. */
export interface RuleOutcome {
  ruleId: string;
  band: Band;
  /** One line for a person: what was seen against which bound. */
  summary: string;
  /** The number judged (share, score, metric value, or ms since the last batch). */
  value: number;
}

/** Judges a batch's drift against the drift rules (other kinds are skipped). */
export function evaluateBatch(rules: readonly AlertRule[], drift: BatchDrift): RuleOutcome[] {
  const out: RuleOutcome[] = [];
  for (const rule of rules) {
    if (rule.kind === 'driftShare') {
      const value = drift.testedColumns === 0 ? 0 : drift.driftedColumns / drift.testedColumns;
      const band = bandAbove(value, rule.warning, rule.critical);
      out.push({ ruleId: rule.id, band, value, summary: `${drift.driftedColumns} of ${drift.testedColumns} columns drifted (share ${round(value)}, ${boundText(band, rule.warning, rule.critical, '≥')})` });
    } else if (rule.kind === 'columnDrift') {
      const column = drift.columns.find((c) => c.name === rule.column);
      if (!column) continue;
      const critical = rule.critical ?? column.threshold;
      const band = column.kind === 'p_value' ? bandBelow(column.score, rule.warning, critical) : bandAbove(column.score, rule.warning, critical);
      const what = column.kind === 'p_value' ? 'p-value' : 'drift score';
      out.push({ ruleId: rule.id, band, value: column.score, summary: `${rule.column}: ${what} ${round(column.score)} (${boundText(band, rule.warning, critical, column.kind === 'p_value' ? '<' : '≥')})` });
    }
  }
  return out;
}

/** Judges one metric value against the metric rules for that metric. */
export function evaluateMetric(rules: readonly AlertRule[], metric: { name: string; value: number }): RuleOutcome[] {
  return rules.flatMap((rule): RuleOutcome[] => {
    if (rule.kind !== 'metric' || rule.metric !== metric.name) return [];
    const band = rule.direction === 'below' ? bandBelow(metric.value, rule.warning, rule.critical) : bandAbove(metric.value, rule.warning, rule.critical, false);
    return [{ ruleId: rule.id, band, value: metric.value, summary: `${metric.name} = ${round(metric.value)} (${boundText(band, rule.warning, rule.critical, rule.direction === 'below' ? '<' : '>')})` }];
  });
}

/** Judges the time since the last batch (or since the monitor was created, if none came). */
export function evaluateMissing(rules: readonly AlertRule[], lastBatchAt: number, now: number): RuleOutcome[] {
  const since = Math.max(0, now - lastBatchAt);
  return rules.flatMap((rule): RuleOutcome[] => {
    if (rule.kind !== 'batchMissing') return [];
    const band = bandAbove(since, rule.warningAfterMs, rule.criticalAfterMs, false);
    return [{ ruleId: rule.id, band, value: since, summary: `no batch for ${duration(since)} (${boundText(band, rule.warningAfterMs, rule.criticalAfterMs, '>', duration)})` }];
  });
}

/** Larger is worse. `inclusive`: reaching the bound counts (shares and distances do, as in Evidently). */
function bandAbove(value: number, warning: number | undefined, critical: number, inclusive = true): Band {
  const past = (bound: number) => (inclusive ? value >= bound : value > bound);
  return past(critical) ? 'critical' : warning !== undefined && past(warning) ? 'warning' : 'ok';
}

/** Smaller is worse (p-values, accuracy). */
function bandBelow(value: number, warning: number | undefined, critical: number): Band {
  return value < critical ? 'critical' : warning !== undefined && value < warning ? 'warning' : 'ok';
}

function boundText(band: Band, warning: number | undefined, critical: number, op: string, fmt: (n: number) => string = round): string {
  if (band === 'critical') return `critical ${op} ${fmt(critical)}`;
  if (band === 'warning') return `warning ${op} ${fmt(warning!)}`;
  return warning === undefined ? `critical at ${op} ${fmt(critical)}` : `warning at ${op} ${fmt(warning)}`;
}

function round(n: number): string {
  return String(Number(n.toPrecision(3)));
}

function duration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}
