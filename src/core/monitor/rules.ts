/**
 * Alert rules of a monitor and how a batch, a metric or the clock is judged against them.
 *
 * Every rule sorts what it sees into severity bands — ok, warning, critical — the way whylogs'
 * constraints and NannyML's thresholds do: a warning bound that says "look soon" and a critical
 * bound that says "act now". A rule with only a critical bound never warns.
 *
 * Kinds:
 * - `driftShare`  the share of tested columns that drifted is ≥ the bound (Evidently's dataset
 *                 drift uses 0.5), or, with `bounds: 'reference'`, above the mean + 3 std of the
 *                 drift share of each reference chunk against the whole reference (as NannyML
 *                 derives univariate drift thresholds from the reference's chunks), clipped to
 *                 [0, 1]; only the upper side fires, as less drift than the reference's own
 *                 chunks show is no problem;
 * - `multivariate` the batch's PCA reconstruction error (reconstruction.ts) is outside the
 *                 thresholds from the reference's chunks (NannyML's `alert`: not lower < e < upper);
 * - `columnDrift` one column's drift score is past a bound — below it for p-value tests, at or
 *                 above it for distance tests (Evidently's convention); without bounds, the
 *                 column's own test threshold is the critical bound;
 * - `metric`      a model metric (e.g. accuracy) is below, or above, its bounds — constant, or
 *                 derived from the reference's chunks as NannyML does (`bounds: 'reference'`);
 * - `batchMissing` no batch has arrived for longer than the bound (ms).
 */
import type { AlertRule } from '../workspace/schema.ts';
import type { Thresholds } from './thresholds.ts';

// The rule grammar is part of the workspace schema (a monitor record holds its rules).
export { type AlertRule, alertRuleSchema } from '../workspace/schema.ts';

export const BANDS = ['ok', 'warning', 'critical'] as const;
export type Band = (typeof BANDS)[number];

/** What a batch's drift comparison says, as the rules need it. */
export interface BatchDrift {
  /** Columns tested (both sides, compatible types). */
  testedColumns: number;
  driftedColumns: number;
  columns: readonly { name: string; kind: 'p_value' | 'distance'; score: number; threshold: number; drifted: boolean }[];
  /** Thresholds of the drift share from the reference's chunks, when the monitor computed them. */
  shareThresholds?: Thresholds | null;
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
      if (rule.bounds === 'reference') {
        const upper = drift.shareThresholds?.upper;
        // Without thresholds (a reference too small to chunk) the rule is not judged, as a metric rule's is not.
        if (upper === null || upper === undefined || !Number.isFinite(upper)) continue;
        const band: Band = value > upper ? 'critical' : 'ok';
        out.push({ ruleId: rule.id, band, value, summary: `${drift.driftedColumns} of ${drift.testedColumns} columns drifted (share ${round(value)}, ${band === 'critical' ? `critical > ${round(upper)}` : `inside ≤ ${round(upper)}`}, the reference chunks' mean + 3σ)` });
        continue;
      }
      const band = bandAbove(value, rule.warning, rule.critical!);
      out.push({ ruleId: rule.id, band, value, summary: `${drift.driftedColumns} of ${drift.testedColumns} columns drifted (share ${round(value)}, ${boundText(band, rule.warning, rule.critical!, '≥')})` });
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

/** A batch's multivariate drift as the rules judge it (reconstruction.ts, the batch as one chunk). */
export interface MultivariateValue {
  /** Mean reconstruction error of the batch's rows. */
  value: number;
  /** Thresholds from the reference's chunks; a null side has no bound. */
  thresholds: Thresholds;
}

/**
 * Judges a batch's reconstruction error against the `multivariate` rules: critical unless
 * lower < error < upper (NannyML's `_populate_thresholds`: a missing bound never fires).
 */
export function evaluateMultivariate(rules: readonly AlertRule[], mv: MultivariateValue): RuleOutcome[] {
  const lower = mv.thresholds.lower ?? -Infinity;
  const upper = mv.thresholds.upper ?? Infinity;
  return rules.flatMap((rule): RuleOutcome[] => {
    if (rule.kind !== 'multivariate') return [];
    const below = !(lower < mv.value);
    const above = !(mv.value < upper);
    const band: Band = below || above ? 'critical' : 'ok';
    const range = `${Number.isFinite(lower) ? round(lower) : '−∞'} – ${Number.isFinite(upper) ? round(upper) : '∞'}`;
    const where = above ? `critical ≥ ${round(upper)}` : below ? `critical ≤ ${round(lower)}` : `inside ${range}`;
    return [{ ruleId: rule.id, band, value: mv.value, summary: `multivariate reconstruction error = ${round(mv.value)} (${where}, the reference's mean ± 3σ)` }];
  });
}

/** A metric value as the rules judge it. */
export interface MetricValue {
  name: string;
  value: number;
  /**
   * The reference-derived thresholds for this metric (thresholds.ts: NannyML's mean ± 3 std over
   * the reference's chunks), when the monitor can compute them; a null side has no bound.
   */
  thresholds?: Thresholds | null;
}

/**
 * Judges one metric value against the metric rules for that metric. A rule with constant bounds
 * bands the value by its direction; a rule with `bounds: 'reference'` is critical when the value
 * is outside the reference-derived thresholds (strictly, as NannyML's `alert`), on the side its
 * direction names or both — and is skipped when the metric has no thresholds (a metric the
 * pipeline sent itself, or a reference too small to chunk), as a metric that is not there is.
 */
export function evaluateMetric(rules: readonly AlertRule[], metric: MetricValue): RuleOutcome[] {
  return rules.flatMap((rule): RuleOutcome[] => {
    if (rule.kind !== 'metric' || rule.metric !== metric.name) return [];
    if (rule.bounds === 'reference') return judgeAgainstReference(rule.id, rule.direction, metric);
    // The schema holds a constant rule to a direction and a critical bound.
    const critical = rule.critical!;
    const band = rule.direction === 'below' ? bandBelow(metric.value, rule.warning, critical) : bandAbove(metric.value, rule.warning, critical, false);
    return [{ ruleId: rule.id, band, value: metric.value, summary: `${metric.name} = ${round(metric.value)} (${boundText(band, rule.warning, critical, rule.direction === 'below' ? '<' : '>')})` }];
  });
}

function judgeAgainstReference(ruleId: string, direction: 'below' | 'above' | undefined, metric: MetricValue): RuleOutcome[] {
  const lower = direction === 'above' ? null : metric.thresholds?.lower ?? null;
  const upper = direction === 'below' ? null : metric.thresholds?.upper ?? null;
  const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);
  if (!finite(lower) && !finite(upper)) return [];
  const below = finite(lower) && metric.value < lower;
  const above = finite(upper) && metric.value > upper;
  const band: Band = below || above ? 'critical' : 'ok';
  const range = `${finite(lower) ? round(lower) : '−∞'} – ${finite(upper) ? round(upper) : '∞'}`;
  const where = below ? `critical < ${round(lower!)}` : above ? `critical > ${round(upper!)}` : `inside ${range}`;
  return [{ ruleId, band, value: metric.value, summary: `${metric.name} = ${round(metric.value)} (${where}, the reference's mean ± 3σ)` }];
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
