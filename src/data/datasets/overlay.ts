/**
 * Reference-vs-current histograms on shared bins, for drawing one over the other: numerical
 * columns on equal-width bins spanning both sides; categorical columns as counts of the most
 * frequent categories of either side; columns of dates (every value on both sides reads as a
 * date, as CSV dates do though pandas types them object) on calendar periods spanning both
 * sides (core/profile/period-bins.ts). As categories, dates of two different years share no
 * value, so the first 20 by value were all the reference's and the current side drew nothing.
 * Computed in DuckDB.
 */
import { choosePeriod, periodIndex, periodLabel, periodStarts, type Overlay } from '../../core/profile/index.ts';
import { type DatasetReader, type LoadedTable, quoteIdent } from './dataset-reader.ts';


const MAX_BINS = 40;
const MAX_CATEGORIES = 20;

export async function overlayHistogram(
  reader: DatasetReader,
  ref: LoadedTable,
  cur: LoadedTable,
  name: string,
  kind: 'numerical' | 'categorical',
): Promise<Overlay> {
  const c = quoteIdent(name);
  const both = `(SELECT ${c} AS v, 'r' AS side FROM ${ref.table} UNION ALL SELECT ${c} AS v, 'c' AS side FROM ${cur.table})`;
  if (kind === 'categorical' && mayHoldDates(ref, name) && mayHoldDates(cur, name)) {
    const dates = await dateOverlay(reader, both, name);
    if (dates) return dates;
  }
  if (kind === 'categorical') {
    const rows = (await reader.db.runAndReadAll(
      `SELECT CAST(v AS VARCHAR) AS value, count(*) FILTER (WHERE side = 'r') AS r, count(*) FILTER (WHERE side = 'c') AS c
       FROM ${both} WHERE v IS NOT NULL GROUP BY 1 ORDER BY greatest(r, c) DESC, value LIMIT ${MAX_CATEGORIES}`,
    )).getRowObjectsJS() as { value: string; r: bigint; c: bigint }[];
    return { kind, name, categories: rows.map((r) => r.value), reference: rows.map((r) => Number(r.r)), current: rows.map((r) => Number(r.c)) };
  }
  const finite = `v IS NOT NULL AND isfinite(v)`;
  const range = (await reader.db.runAndReadAll(`SELECT min(v) AS lo, max(v) AS hi, count(*) AS n FROM ${both} WHERE ${finite}`)).getRowObjectsJS()[0] as {
    lo: number | null; hi: number | null; n: bigint;
  };
  if (range.lo === null || range.hi === null) return { kind, name, edges: [], reference: [], current: [] };
  const lo = Number(range.lo);
  const hi = Number(range.hi);
  const bins = lo === hi ? 1 : Math.min(MAX_BINS, Math.ceil(Math.log2(Number(range.n))) + 1);
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const reference = new Array<number>(bins).fill(0);
  const current = new Array<number>(bins).fill(0);
  const bucket = bins === 1 ? '0' : `least(CAST(floor((v - ${lo}) / ${width}) AS BIGINT), ${bins - 1})`;
  const rows = (await reader.db.runAndReadAll(`SELECT ${bucket} AS b, side, count(*) AS n FROM ${both} WHERE ${finite} GROUP BY 1, 2`)).getRowObjectsJS() as {
    b: bigint | number; side: string; n: bigint;
  }[];
  for (const r of rows) (r.side === 'r' ? reference : current)[Number(r.b)] = Number(r.n);
  return { kind, name, edges, reference, current };
}

/** Text or date/time typed on this side: the only columns whose values may all be dates. */
function mayHoldDates(t: LoadedTable, name: string): boolean {
  const type = t.columns.find((c) => c.name === name)?.sqlType ?? '';
  return type === 'VARCHAR' || /^(DATE|TIMESTAMP)/.test(type);
}

/** Counts per calendar period when every non-missing value of both sides is a date or time stamp, else null. */
async function dateOverlay(reader: DatasetReader, both: string, name: string): Promise<Overlay | null> {
  const ts = 'TRY_CAST(v AS TIMESTAMP)';
  // One value that is not a date settles it: a text column stops at its first row here instead
  // of parsing every value of both sides as a time stamp.
  const notDate = await reader.db.runAndReadAll(`SELECT 1 FROM ${both} WHERE v IS NOT NULL AND ${ts} IS NULL LIMIT 1`);
  if (notDate.getRows().length > 0) return null;
  const span = (await reader.db.runAndReadAll(
    `SELECT count(v) AS n, count(${ts}) AS t, epoch_ms(min(${ts})) AS lo, epoch_ms(max(${ts})) AS hi FROM ${both}`,
  )).getRowObjectsJS()[0] as { n: bigint; t: bigint; lo: bigint | number | null; hi: bigint | number | null };
  if (Number(span.n) === 0 || span.n !== span.t || span.lo === null || span.hi === null) return null;
  const [lo, hi] = [Number(span.lo), Number(span.hi)];
  const choice = choosePeriod(lo, hi);
  const starts = periodStarts(lo, hi, choice);
  const reference = new Array<number>(starts.length).fill(0);
  const current = new Array<number>(starts.length).fill(0);
  const rows = (await reader.db.runAndReadAll(
    `SELECT epoch_ms(date_trunc('${choice.period}', ${ts})) AS p, side, count(*) AS n FROM ${both} WHERE v IS NOT NULL GROUP BY 1, 2`,
  )).getRowObjectsJS() as { p: bigint | number; side: string; n: bigint }[];
  for (const r of rows) (r.side === 'r' ? reference : current)[periodIndex(Number(r.p), lo, choice)]! += Number(r.n);
  return { kind: 'datetime', name, period: choice.period, step: choice.step, periods: starts.map((s) => periodLabel(s, choice)), reference, current };
}
