/**
 * The difference between two dataset versions: schema changes, row-count change and, per
 * column present in both, the change of its headline statistics. Drift comes from the drift
 * engine and is attached by the caller (it needs the values, not only the profiles).
 */
import type { ColumnProfile, DatasetProfile } from './types.ts';

export type SchemaChange =
  | { kind: 'added'; column: string; type: string }
  | { kind: 'removed'; column: string; type: string }
  | { kind: 'type_changed'; column: string; from: string; to: string };

export interface StatDelta {
  stat: 'missingShare' | 'distinct' | 'mean' | 'std' | 'min' | 'max' | 'p50';
  before: number | null;
  after: number | null;
  /** after − before, or null when either is missing. */
  change: number | null;
}

export interface ColumnDiff {
  name: string;
  kind: ColumnProfile['kind'];
  deltas: StatDelta[];
}

export interface ProfileDiff {
  rows: { before: number; after: number; change: number };
  sameContent: boolean;
  schema: SchemaChange[];
  columns: ColumnDiff[];
}

const typeOf = (c: ColumnProfile) => (c.kind === 'datetime' || c.kind === 'other' ? c.type : c.kind);

/** Compares profile `a` (before) with `b` (after). Column order follows `a`, then new columns of `b`. */
export function diffProfiles(a: DatasetProfile, b: DatasetProfile): ProfileDiff {
  const before = new Map(a.columns.map((c) => [c.name, c]));
  const after = new Map(b.columns.map((c) => [c.name, c]));
  const schema: SchemaChange[] = [];
  const columns: ColumnDiff[] = [];
  for (const col of a.columns) {
    const other = after.get(col.name);
    if (!other) schema.push({ kind: 'removed', column: col.name, type: typeOf(col) });
    else if (typeOf(other) !== typeOf(col)) schema.push({ kind: 'type_changed', column: col.name, from: typeOf(col), to: typeOf(other) });
    else columns.push({ name: col.name, kind: col.kind, deltas: deltas(col, other) });
  }
  for (const col of b.columns) if (!before.has(col.name)) schema.push({ kind: 'added', column: col.name, type: typeOf(col) });
  return { rows: { before: a.rows, after: b.rows, change: b.rows - a.rows }, sameContent: a.md5 === b.md5, schema, columns };
}

function deltas(x: ColumnProfile, y: ColumnProfile): StatDelta[] {
  const out: StatDelta[] = [delta('missingShare', x.missingShare, y.missingShare), delta('distinct', x.distinct, y.distinct)];
  if (x.kind === 'numerical' && y.kind === 'numerical') {
    out.push(
      delta('mean', x.mean, y.mean),
      delta('std', x.std, y.std),
      delta('min', x.min, y.min),
      delta('max', x.max, y.max),
      delta('p50', x.quantiles?.p50 ?? null, y.quantiles?.p50 ?? null),
    );
  }
  return out;
}

function delta(stat: StatDelta['stat'], before: number | null, after: number | null): StatDelta {
  return { stat, before, after, change: before === null || after === null ? null : after - before };
}
