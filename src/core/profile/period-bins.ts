/**
 * Calendar bins for a date column drawn reference against current: both sides are counted on
 * the same periods (day, week, month, quarter or year), as pandas' `dt.to_period(freq)` and
 * `resample` group them, so two samples from different years still sit on one axis.
 *
 * The period is the finest whose bin count over the combined span is at most MAX_PERIOD_BINS:
 * a span of a few weeks gets days, a year gets weeks, four years get quarters. Past 40 years,
 * years are grouped `step` at a time. All arithmetic is in UTC; weeks start on Monday, as
 * pandas' "W" (W-SUN, weeks ending Sunday) and DuckDB's date_trunc('week') do.
 */

export type Period = 'day' | 'week' | 'month' | 'quarter' | 'year';

export interface PeriodChoice {
  period: Period;
  /** Periods per bin: 1, except for years over spans longer than MAX_PERIOD_BINS years. */
  step: number;
}

export const MAX_PERIOD_BINS = 40;
const DAY_MS = 86_400_000;
const PERIODS: readonly Period[] = ['day', 'week', 'month', 'quarter', 'year'];
const MONTHS: Record<'month' | 'quarter' | 'year', number> = { month: 1, quarter: 3, year: 12 };

/** The start (UTC ms) of the period holding `ms`. */
export function periodStart(ms: number, period: Period): number {
  const d = new Date(ms);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  switch (period) {
    case 'day':
      return day;
    case 'week':
      // getUTCDay: Sunday 0 … Saturday 6; Monday starts the week.
      return day - ((d.getUTCDay() + 6) % 7) * DAY_MS;
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'quarter':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (d.getUTCMonth() % 3), 1);
    case 'year':
      return Date.UTC(d.getUTCFullYear(), 0, 1);
  }
}

/** Whole periods from the one holding `lo` to the one holding `hi` (0 when hi is in lo's period). */
function periodsBetween(lo: number, hi: number, period: Period): number {
  const [a, b] = [periodStart(lo, period), periodStart(hi, period)];
  if (period === 'day') return Math.round((b - a) / DAY_MS);
  if (period === 'week') return Math.round((b - a) / (7 * DAY_MS));
  const [da, db] = [new Date(a), new Date(b)];
  const months = (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth();
  return Math.round(months / MONTHS[period]);
}

/**
 * The period for dates from `lo` to `hi` (UTC ms, lo ≤ hi): the finest giving at most
 * MAX_PERIOD_BINS bins, so a chart has roughly 10–40 bars whatever the span.
 */
export function choosePeriod(lo: number, hi: number): PeriodChoice {
  for (const period of PERIODS) {
    if (periodsBetween(lo, hi, period) + 1 <= MAX_PERIOD_BINS) return { period, step: 1 };
  }
  return { period: 'year', step: Math.ceil((periodsBetween(lo, hi, 'year') + 1) / MAX_PERIOD_BINS) };
}

/** The index of `ms`'s bin when bins start at the period holding `lo`. */
export function periodIndex(ms: number, lo: number, choice: PeriodChoice): number {
  return Math.floor(periodsBetween(lo, ms, choice.period) / choice.step);
}

/** The start (UTC ms) of each bin from the one holding `lo` to the one holding `hi`. */
export function periodStarts(lo: number, hi: number, choice: PeriodChoice): number[] {
  const count = periodIndex(hi, lo, choice) + 1;
  const first = periodStart(lo, choice.period);
  return Array.from({ length: count }, (_, i) => {
    const n = i * choice.step;
    if (choice.period === 'day') return first + n * DAY_MS;
    if (choice.period === 'week') return first + n * 7 * DAY_MS;
    const d = new Date(first);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n * MONTHS[choice.period], 1);
  });
}

/**
 * A bin's label, as pandas prints the period: "2012-01-05" (day, and the Monday a week starts),
 * "2012-01" (month), "2012Q1" (quarter), "2012" (year), "1900–1909" (years grouped by step).
 */
export function periodLabel(start: number, choice: PeriodChoice): string {
  const iso = new Date(start).toISOString();
  const year = iso.startsWith('-') || iso.startsWith('+') ? iso.slice(0, 7) : iso.slice(0, 4);
  const yearNumber = new Date(start).getUTCFullYear();
  switch (choice.period) {
    case 'day':
    case 'week':
      return iso.slice(0, iso.indexOf('T'));
    case 'month':
      return iso.slice(0, iso.indexOf('T') - 3);
    case 'quarter':
      return `${year}Q${Math.floor(new Date(start).getUTCMonth() / 3) + 1}`;
    case 'year':
      return choice.step === 1 ? year : `${yearNumber}–${yearNumber + choice.step - 1}`;
  }
}
