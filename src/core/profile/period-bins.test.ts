import { describe, expect, it } from 'vitest';
import { choosePeriod, periodIndex, periodLabel, periodStart, periodStarts } from './period-bins.ts';

const t = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe('period bins', () => {
  it('starts weeks on Monday, quarters on Jan/Apr/Jul/Oct, in UTC', () => {
    // 2012-01-01 was a Sunday: its week (pandas W-SUN) is 2011-12-26/2012-01-01.
    expect(periodStart(t('2012-01-01') + 23 * 3_600_000, 'week')).toBe(t('2011-12-26'));
    expect(periodStart(t('2012-01-02'), 'week')).toBe(t('2012-01-02'));
    expect(periodStart(t('2015-08-31'), 'quarter')).toBe(t('2015-07-01'));
    expect(periodStart(t('2015-08-31'), 'year')).toBe(t('2015-01-01'));
  });

  it('picks the finest period with at most 40 bins', () => {
    expect(choosePeriod(t('2024-01-01'), t('2024-02-09'))).toEqual({ period: 'day', step: 1 }); // 40 days
    expect(choosePeriod(t('2024-01-01'), t('2024-02-10'))).toEqual({ period: 'week', step: 1 });
    expect(choosePeriod(t('2012-01-01'), t('2015-12-31'))).toEqual({ period: 'quarter', step: 1 }); // 48 months, 16 quarters
    expect(choosePeriod(t('2000-01-01'), t('2012-12-31'))).toEqual({ period: 'year', step: 1 });
    expect(choosePeriod(t('1900-01-01'), t('2025-06-01'))).toEqual({ period: 'year', step: 4 }); // 126 years
    expect(choosePeriod(t('2024-05-05'), t('2024-05-05'))).toEqual({ period: 'day', step: 1 });
  });

  it('lists every bin between the two ends, labelled as pandas prints periods', () => {
    const q = choosePeriod(t('2012-01-01'), t('2015-12-31'));
    const starts = periodStarts(t('2012-01-01'), t('2015-12-31'), q);
    expect(starts).toHaveLength(16);
    expect(starts.slice(0, 3).map((s) => periodLabel(s, q))).toEqual(['2012Q1', '2012Q2', '2012Q3']);
    expect(periodIndex(t('2015-12-31'), t('2012-01-01'), q)).toBe(15);
    const years = { period: 'year' as const, step: 4 };
    const decades = periodStarts(t('1900-03-01'), t('2025-06-01'), years);
    expect(decades).toHaveLength(32);
    expect(periodLabel(decades[1]!, years)).toBe('1904–1907');
    expect(periodIndex(t('1907-12-31'), t('1900-03-01'), years)).toBe(1);
    expect(periodLabel(t('2024-03-04'), { period: 'month', step: 1 })).toBe('2024-03');
    expect(periodLabel(t('2024-03-04'), { period: 'week', step: 1 })).toBe('2024-03-04');
  });
});
