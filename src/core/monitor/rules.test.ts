import { describe, expect, it } from 'vitest';
import { type AlertRule, alertRuleSchema, evaluateBatch, evaluateMetric, evaluateMissing, evaluateMultivariate } from './rules.ts';

const rules: AlertRule[] = [
  { kind: 'driftShare', id: 'share', warning: 0.3, critical: 0.5 },
  { kind: 'columnDrift', id: 'temp', column: 'temp_max' },
  { kind: 'columnDrift', id: 'wind', column: 'wind', warning: 0.08, critical: 0.2 },
  { kind: 'metric', id: 'acc', metric: 'accuracy', direction: 'below', warning: 0.9, critical: 0.85 },
  { kind: 'metric', id: 'lat', metric: 'latency_ms', direction: 'above', critical: 250 },
  { kind: 'batchMissing', id: 'late', warningAfterMs: 3_600_000, criticalAfterMs: 86_400_000 },
];

const drift = (drifted: number, tested: number, extra: { tempP?: number; wind?: number } = {}) => ({
  testedColumns: tested,
  driftedColumns: drifted,
  columns: [
    { name: 'temp_max', kind: 'p_value' as const, score: extra.tempP ?? 0.5, threshold: 0.05, drifted: (extra.tempP ?? 0.5) < 0.05 },
    { name: 'wind', kind: 'distance' as const, score: extra.wind ?? 0.01, threshold: 0.1, drifted: (extra.wind ?? 0.01) >= 0.1 },
  ],
});

describe('monitor rules', () => {
  it('bands the drift share at its bounds, reaching a bound counts', () => {
    const bands = (d: number) => evaluateBatch(rules, drift(d, 10)).find((o) => o.ruleId === 'share')!.band;
    expect([bands(0), bands(2), bands(3), bands(4), bands(5), bands(10)]).toEqual(['ok', 'ok', 'warning', 'warning', 'critical', 'critical']);
    expect(evaluateBatch(rules, drift(5, 10)).find((o) => o.ruleId === 'share')!.summary).toBe('5 of 10 columns drifted (share 0.5, critical ≥ 0.5)');
  });

  it('reads a p-value rule downwards and a distance rule upwards; the test threshold is the default bound', () => {
    const outcome = (e: { tempP?: number; wind?: number }, rule: string) => evaluateBatch(rules, drift(0, 2, e)).find((o) => o.ruleId === rule)!;
    expect(outcome({ tempP: 0.049 }, 'temp').band).toBe('critical');
    expect(outcome({ tempP: 0.05 }, 'temp').band).toBe('ok');
    expect(outcome({ wind: 0.079 }, 'wind').band).toBe('ok');
    expect(outcome({ wind: 0.08 }, 'wind').band).toBe('warning');
    expect(outcome({ wind: 0.2 }, 'wind').band).toBe('critical');
    expect(outcome({ tempP: 0.001 }, 'temp').summary).toBe('temp_max: p-value 0.001 (critical < 0.05)');
  });

  it('skips a column rule whose column the batch does not have', () => {
    const none = evaluateBatch([{ kind: 'columnDrift', id: 'x', column: 'nope' }], drift(0, 2));
    expect(none).toEqual([]);
  });

  it('bands metrics by direction and ignores other metrics', () => {
    const band = (name: string, value: number) => evaluateMetric(rules, { name, value }).map((o) => o.band);
    expect([band('accuracy', 0.95), band('accuracy', 0.89), band('accuracy', 0.84)]).toEqual([['ok'], ['warning'], ['critical']]);
    expect([band('latency_ms', 250), band('latency_ms', 251)]).toEqual([['ok'], ['critical']]);
    expect(band('f1', 0)).toEqual([]);
  });

  it("fires a reference-bounds rule outside the reference's thresholds, on the sides its direction names", () => {
    const both: AlertRule = { kind: 'metric', id: 'auc', metric: 'estimated_roc_auc', bounds: 'reference' };
    const low: AlertRule = { kind: 'metric', id: 'low', metric: 'estimated_roc_auc', bounds: 'reference', direction: 'below' };
    const thresholds = { lower: 0.8, upper: 0.95 };
    const band = (rule: AlertRule, value: number, t: { lower: number | null; upper: number | null } | null = thresholds) =>
      evaluateMetric([rule], { name: 'estimated_roc_auc', value, thresholds: t }).map((o) => o.band);
    // Strictly outside, as NannyML's alert: the bound itself is inside.
    expect([band(both, 0.79), band(both, 0.8), band(both, 0.9), band(both, 0.95), band(both, 0.96)]).toEqual([['critical'], ['ok'], ['ok'], ['ok'], ['critical']]);
    expect([band(low, 0.79), band(low, 0.99)]).toEqual([['critical'], ['ok']]);
    // A side without a bound (NannyML's None) never fires; no thresholds at all: the rule is not judged.
    expect(band(both, 0.1, { lower: null, upper: 0.95 })).toEqual(['ok']);
    expect(band(both, 0.1, null)).toEqual([]);
    expect(band(low, 0.99, { lower: null, upper: 0.95 })).toEqual([]);
    expect(evaluateMetric([both], { name: 'estimated_roc_auc', value: 0.7, thresholds })[0]!.summary).toBe("estimated_roc_auc = 0.7 (critical < 0.8, the reference's mean ± 3σ)");
  });

  it('takes constant bounds or bounds from the reference, never both', () => {
    expect(alertRuleSchema.safeParse({ kind: 'metric', id: 'a', metric: 'f1', bounds: 'reference' }).success).toBe(true);
    expect(alertRuleSchema.safeParse({ kind: 'metric', id: 'a', metric: 'f1', direction: 'below', critical: 0.8 }).success).toBe(true);
    const mixed = alertRuleSchema.safeParse({ kind: 'metric', id: 'a', metric: 'f1', bounds: 'reference', critical: 0.8 });
    expect(mixed.error?.issues.map((i) => i.path)).toEqual([['critical']]);
    expect(alertRuleSchema.safeParse({ kind: 'metric', id: 'a', metric: 'f1', direction: 'below' }).error?.issues.map((i) => i.path)).toEqual([['critical']]);
    expect(alertRuleSchema.safeParse({ kind: 'metric', id: 'a', metric: 'f1', critical: 0.8 }).error?.issues.map((i) => i.path)).toEqual([['direction']]);
    expect(alertRuleSchema.safeParse({ kind: 'metric', id: 'a', metric: 'f1', bounds: 'mean' }).success).toBe(false);
  });

  it('bands a missing batch by the time since the last one', () => {
    const at = (ms: number) => evaluateMissing(rules, 1000, 1000 + ms)[0]!;
    expect(at(3_600_000).band).toBe('ok');
    expect(at(3_600_001).band).toBe('warning');
    expect(at(2 * 86_400_000).band).toBe('critical');
    expect(at(2 * 86_400_000).summary).toBe('no batch for 2 d (critical > 24 h)');
  });

  it('refuses malformed rules with the field named', () => {
    const parsed = alertRuleSchema.safeParse({ kind: 'driftShare', id: 's', critical: 1.5 });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(['critical']);
    expect(alertRuleSchema.safeParse({ kind: 'bogus', id: 's' }).success).toBe(false);
  });

  it("judges a drift share against the reference chunks' upper bound only, and skips it without one", () => {
    const rule: AlertRule[] = [{ kind: 'driftShare', id: 'ref', bounds: 'reference' }];
    const judged = (drifted: number, upper: number | null) => evaluateBatch(rule, { ...drift(drifted, 6), shareThresholds: { lower: 0, upper } });
    expect(judged(1, 0.2)[0]).toEqual({ ruleId: 'ref', band: 'ok', value: 1 / 6, summary: "1 of 6 columns drifted (share 0.167, inside ≤ 0.2, the reference chunks' mean + 3σ)" });
    expect(judged(2, 0.2)[0]!.band).toBe('critical');
    expect(judged(2, 0.2)[0]!.summary).toBe("2 of 6 columns drifted (share 0.333, critical > 0.2, the reference chunks' mean + 3σ)");
    // At the bound is not past it (NannyML alerts strictly outside).
    expect(judged(3, 0.5)[0]!.band).toBe('ok');
    expect(judged(6, null)).toEqual([]);
    expect(evaluateBatch(rule, drift(6, 6))).toEqual([]);
  });

  it('judges multivariate drift critical unless lower < error < upper, a missing bound never firing', () => {
    const rule: AlertRule[] = [{ kind: 'multivariate', id: 'mv' }, { kind: 'driftShare', id: 'share', critical: 0.5 }];
    const band = (value: number, lower: number | null, upper: number | null) => evaluateMultivariate(rule, { value, thresholds: { lower, upper } }).map((o) => o.band);
    expect(band(1, 0.5, 1.5)).toEqual(['ok']);
    expect(band(1.5, 0.5, 1.5)).toEqual(['critical']);
    expect(band(0.5, 0.5, 1.5)).toEqual(['critical']);
    expect(band(0.1, null, 1.5)).toEqual(['ok']);
    expect(evaluateMultivariate(rule, { value: 2.881, thresholds: { lower: null, upper: 1.8675 } })[0]!.summary)
      .toBe("multivariate reconstruction error = 2.88 (critical ≥ 1.87, the reference's mean ± 3σ)");
  });

  it('holds reference bounds to take no constants, and constant drift-share rules to a critical bound', () => {
    expect(alertRuleSchema.safeParse({ kind: 'driftShare', id: 'a', bounds: 'reference', critical: 0.5 }).error?.issues[0]).toMatchObject({ path: ['critical'], message: 'bounds from the reference take no critical bound of their own' });
    expect(alertRuleSchema.safeParse({ kind: 'driftShare', id: 'a' }).error?.issues[0]).toMatchObject({ path: ['critical'] });
    expect(alertRuleSchema.safeParse({ kind: 'multivariate', id: 'mv' }).success).toBe(true);
  });
});
