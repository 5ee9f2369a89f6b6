/**
 * Chunks: how a reference or analysis data set is cut into consecutive pieces before a metric
 * is computed per piece. Informed by NannyML's `nannyml/chunk.py` (`SizeBasedChunker._split`,
 * `CountBasedChunker._split`, `PeriodBasedChunker._split`, `DefaultChunker._split`,
 * `ChunkerFactory.get_chunker`, `Chunker.split`):
 * - rows are first ordered by the timestamp column when there is one (a stable sort here, so
 *   rows with equal timestamps keep their file order; pandas' default sort is not stable);
 * - size N: chunks of N consecutive rows, keyed `[first:last]`; the leftover rows form a last,
 *   smaller chunk ('keep', NannyML's default);
 * - number K: size ⌊n / K⌋, then as size (so K + 1 chunks when K does not divide n);
 * - period: one chunk per calendar day, week (Monday–Sunday, pandas' `W`) or month that holds
 *   rows, in time order, keyed as pandas prints a Period (`2024-01-05`, `2024-01-01/2024-01-07`,
 *   `2024-01`), spanning the whole period;
 * - default: number 10.
 * Timestamps are epoch milliseconds read as UTC (naive times are taken as UTC).
 */

export type ChunkSpec =
  | { readonly kind: 'size'; readonly size: number }
  | { readonly kind: 'number'; readonly count: number }
  | { readonly kind: 'period'; readonly period: 'day' | 'week' | 'month' }
  | { readonly kind: 'default' };

export interface Chunk {
  readonly key: string;
  /** Positions (0-based, after ordering by timestamp) of the first and last row. */
  readonly startIndex: number;
  readonly endIndex: number;
  /** ISO-8601 UTC: the period's bounds, or the chunk's earliest and latest timestamp; null without timestamps. */
  readonly start: string | null;
  readonly end: string | null;
  /** Row numbers in the input (0-based, file order) that fall in this chunk, in chunk order. */
  readonly rows: readonly number[];
}

/** NannyML's DefaultChunker.DEFAULT_CHUNK_COUNT. */
export const DEFAULT_CHUNK_COUNT = 10;

/** Thrown for a chunk spec that cannot cut the data (e.g. a period without timestamps). */
export class ChunkingError extends Error {
  override readonly name = 'ChunkingError';
}

/**
 * Cuts `rowCount` rows into chunks. `timestamps` (epoch ms per row, file order) orders the rows
 * and dates the chunks; it is required for period chunking. Every timestamp must be finite.
 */
export function splitIntoChunks(rowCount: number, spec: ChunkSpec, timestamps?: readonly number[]): Chunk[] {
  if (timestamps && timestamps.length !== rowCount) throw new ChunkingError(`${timestamps.length} timestamps for ${rowCount} rows`);
  if (rowCount === 0) return [];
  const order = Array.from({ length: rowCount }, (_, i) => i);
  if (timestamps) order.sort((a, b) => timestamps[a]! - timestamps[b]! || a - b);
  switch (spec.kind) {
    case 'size':
      return bySize(order, spec.size, timestamps);
    case 'number':
      return bySize(order, sizeFor(rowCount, spec.count, 'chunk number'), timestamps);
    case 'default':
      return bySize(order, sizeFor(rowCount, DEFAULT_CHUNK_COUNT, 'default chunker'), timestamps);
    case 'period':
      if (!timestamps) throw new ChunkingError('period chunking needs a timestamp column');
      return byPeriod(order, spec.period, timestamps);
  }
}

function sizeFor(rowCount: number, count: number, what: string): number {
  if (!Number.isInteger(count) || count <= 0) throw new ChunkingError(`${what} must be a positive integer, got ${count}`);
  const size = Math.floor(rowCount / count);
  if (size === 0) throw new ChunkingError(`${rowCount} rows cannot make ${count} chunks (the ${what} needs at least ${count} rows)`);
  return size;
}

function bySize(order: number[], size: number, timestamps?: readonly number[]): Chunk[] {
  if (!Number.isInteger(size) || size <= 0) throw new ChunkingError(`chunk size must be a positive integer, got ${size}`);
  const chunks: Chunk[] = [];
  for (let first = 0; first < order.length; first += size) {
    const last = Math.min(first + size, order.length) - 1;
    const rows = order.slice(first, last + 1);
    let start: string | null = null;
    let end: string | null = null;
    if (timestamps) {
      // Rows are ordered by time, so the first and last rows hold the bounds.
      start = iso(timestamps[rows[0]!]!);
      end = iso(timestamps[rows[rows.length - 1]!]!);
    }
    chunks.push({ key: `[${first}:${last}]`, startIndex: first, endIndex: last, start, end, rows });
  }
  return chunks;
}

const DAY_MS = 86_400_000;

function byPeriod(order: number[], period: 'day' | 'week' | 'month', timestamps: readonly number[]): Chunk[] {
  const chunks: Chunk[] = [];
  let current: { key: string; start: number; end: number; rows: number[]; first: number } | null = null;
  for (let position = 0; position < order.length; position++) {
    const row = order[position]!;
    const t = timestamps[row]!;
    if (current && t < current.end) {
      current.rows.push(row);
      continue;
    }
    if (current) chunks.push(finish(current, position - 1));
    current = { ...periodOf(t, period), rows: [row], first: position };
  }
  if (current) chunks.push(finish(current, order.length - 1));
  return chunks;
}

function finish(c: { key: string; start: number; end: number; rows: number[]; first: number }, last: number): Chunk {
  // pandas' Period.end_time is the last nanosecond of the period; milliseconds are what ISO and Date carry.
  return { key: c.key, startIndex: c.first, endIndex: last, start: iso(c.start), end: iso(c.end - 1), rows: c.rows };
}

/** The period holding `t`: its pandas key, its start and the start of the next period (ms). */
function periodOf(t: number, period: 'day' | 'week' | 'month'): { key: string; start: number; end: number } {
  const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
  if (period === 'day') return { key: ymd(dayStart), start: dayStart, end: dayStart + DAY_MS };
  if (period === 'week') {
    const weekday = (new Date(dayStart).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
    const start = dayStart - weekday * DAY_MS;
    return { key: `${ymd(start)}/${ymd(start + 6 * DAY_MS)}`, start, end: start + 7 * DAY_MS };
  }
  const d = new Date(dayStart);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { key: ymd(start).slice(0, 7), start, end };
}

const ymd = (ms: number) => iso(ms).slice(0, 10);
const iso = (ms: number) => new Date(ms).toISOString();
