import { describe, expect, it } from 'vitest';
import { type RuleDraft, newDraft, ruleFromDraft, ruleIds } from './rule-drafts';
import { describeRule, formatDuration } from './rule-text';

const draft = (fields: Partial<RuleDraft>): RuleDraft => ({ ...newDraft(fields.kind ?? 'driftShare', 'k'), ...fields });

describe('ruleFromDraft', () => {
  it('turns typed text into the core rule; hours become milliseconds; empty bounds are left out', () => {
    expect(ruleFromDraft(draft({ kind: 'driftShare', warning: '0.3', critical: '0.5' }), 'a')).toEqual({ rule: { kind: 'driftShare', id: 'a', warning: 0.3, critical: 0.5 } });
    expect(ruleFromDraft(draft({ kind: 'columnDrift', column: ' temp_max ', critical: '' }), 'b', ['date', 'temp_max'])).toEqual({ rule: { kind: 'columnDrift', id: 'b', column: 'temp_max' } });
    expect(ruleFromDraft(draft({ kind: 'batchMissing', warning: '1.5', critical: '24' }), 'c')).toEqual({ rule: { kind: 'batchMissing', id: 'c', warningAfterMs: 5_400_000, criticalAfterMs: 86_400_000 } });
    expect(ruleFromDraft(draft({ kind: 'metric', metric: 'accuracy', direction: 'below', warning: '0.9', critical: '0.8' }), 'd')).toMatchObject({ rule: { warning: 0.9, critical: 0.8 } });
    // Bounds from the reference: no typed bounds (what is left in the fields is not judged); 'both' sides is NannyML's.
    expect(ruleFromDraft(draft({ kind: 'metric', metric: 'estimated_f1', bounds: 'reference', direction: 'both', critical: 'x' }), 'e')).toEqual({ rule: { kind: 'metric', id: 'e', metric: 'estimated_f1', bounds: 'reference' } });
    expect(ruleFromDraft(draft({ kind: 'metric', metric: 'f1', bounds: 'reference', direction: 'below' }), 'f')).toEqual({ rule: { kind: 'metric', id: 'f', metric: 'f1', bounds: 'reference', direction: 'below' } });
    expect(ruleFromDraft(draft({ kind: 'metric', metric: 'f1', direction: 'both', critical: '0.8' }), 'g')).toEqual({ errors: { critical: 'constant bounds fire on one side: choose below or above' } });
    // A drift share from the reference and a multivariate rule take no typed bound.
    expect(ruleFromDraft(draft({ kind: 'driftShare', bounds: 'reference', critical: '2' }), 'h')).toEqual({ rule: { kind: 'driftShare', id: 'h', bounds: 'reference' } });
    expect(ruleFromDraft(draft({ kind: 'multivariate', critical: 'x' }), 'i')).toEqual({ rule: { kind: 'multivariate', id: 'i' } });
    expect(ruleIds([draft({ kind: 'multivariate' }), draft({ kind: 'multivariate' })])).toEqual(['multivariate', 'multivariate-2']);
  });

  it('names what is wrong, field by field', () => {
    const errors = (d: Partial<RuleDraft>, columns?: string[]) => (ruleFromDraft(draft(d), 'x', columns) as { errors: object }).errors;
    expect(errors({ kind: 'driftShare', critical: '1.5', warning: 'lots' })).toEqual({ critical: 'a share between 0 and 1', warning: 'enter a number, or leave it empty' });
    expect(errors({ kind: 'driftShare', warning: '0.6', critical: '0.5' })).toEqual({ warning: 'the warning share must be below the critical one' });
    expect(errors({ kind: 'columnDrift', column: 'tmax' }, ['temp_max'])).toEqual({ column: 'the reference has no column "tmax"' });
    expect(errors({ kind: 'columnDrift', column: '  ' })).toEqual({ column: 'name the column' });
    expect(errors({ kind: 'metric', metric: '', critical: '' })).toEqual({ metric: 'name the metric, as your pipeline sends it', critical: 'a critical bound is required' });
    expect(errors({ kind: 'metric', metric: 'latency_ms', direction: 'above', warning: '300', critical: '250' })).toEqual({ warning: 'the warning bound must be below the critical one' });
    expect(errors({ kind: 'batchMissing', critical: '0' })).toEqual({ critical: 'more than 0 hours' });
  });
});

describe('ruleIds', () => {
  it('are readable and unique', () => {
    expect(ruleIds([draft({ kind: 'columnDrift', column: 'temp max' }), draft({ kind: 'driftShare' }), draft({ kind: 'driftShare' })])).toEqual(['temp_max-drift', 'drift-share', 'drift-share-2']);
  });
});

describe('describeRule', () => {
  it('says what the rule watches and its bounds', () => {
    expect(describeRule({ kind: 'driftShare', id: 'a', warning: 0.3, critical: 0.5 })).toEqual({ title: 'Dataset drift share', bounds: 'warning ≥ 0.3 · critical ≥ 0.5' });
    expect(describeRule({ kind: 'columnDrift', id: 'b', column: 'temp_max' }).bounds).toBe("critical past the column test's own threshold");
    expect(describeRule({ kind: 'metric', id: 'c', metric: 'accuracy', direction: 'below', critical: 0.8 })).toEqual({ title: 'accuracy too low', bounds: 'critical < 0.8' });
    expect(describeRule({ kind: 'metric', id: 'c', metric: 'estimated_f1', bounds: 'reference' })).toEqual({ title: 'estimated_f1 out of its usual range', bounds: "critical outside the reference's mean ± 3σ" });
    expect(describeRule({ kind: 'batchMissing', id: 'd', warningAfterMs: 3_600_000, criticalAfterMs: 172_800_000 }).bounds).toBe('warning after 1 h · critical after 2 d');
    expect(formatDuration(90 * 60_000)).toBe('1.5 h');
  });
});

describe('editing existing rules', () => {
  it('turns a rule back into a draft and keeps its id', async () => {
    const { draftFromRule } = await import('./rule-drafts');
    const rules = [
      { kind: 'metric', id: 'acc', metric: 'accuracy', direction: 'above', warning: 0.2, critical: 0.3 },
      { kind: 'batchMissing', id: 'late', warningAfterMs: 3_600_000, criticalAfterMs: 7_200_000 },
    ] as const;
    const drafts = [...rules.map((r, i) => draftFromRule(r, `k${i}`)), draft({ kind: 'metric', metric: 'acc', direction: 'below' })];
    const ids = ruleIds(drafts);
    expect(ids).toEqual(['acc', 'late', 'acc-below']);
    expect(drafts.slice(0, 2).map((d, i) => ruleFromDraft(d, ids[i]!))).toEqual(rules.map((rule) => ({ rule })));
  });
});
