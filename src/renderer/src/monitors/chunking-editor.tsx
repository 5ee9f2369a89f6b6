/**
 * A monitor's reference chunking as a person sets it: NannyML's default chunker, rows per chunk,
 * a number of chunks, or one chunk per day, week or month of the mapping's timestamp. Every
 * threshold derived from the reference (metric rules, CBPE, multivariate, drift share) comes from
 * these chunks. Typed numbers stay text until the form is submitted.
 */
import type { Chunking } from '../../../core/workspace';

export interface ChunkingDraft {
  kind: Chunking['kind'];
  /** Rows per chunk (size) or number of chunks (number), as typed. */
  amount: string;
  period: 'day' | 'week' | 'month';
}

export function chunkingDraft(chunking: Chunking | undefined): ChunkingDraft {
  if (!chunking) return { kind: 'default', amount: '', period: 'week' };
  if (chunking.kind === 'size') return { kind: 'size', amount: String(chunking.size), period: 'week' };
  if (chunking.kind === 'number') return { kind: 'number', amount: String(chunking.count), period: 'week' };
  if (chunking.kind === 'period') return { kind: 'period', amount: '', period: chunking.period };
  return { kind: 'default', amount: '', period: 'week' };
}

/** The chunking a draft describes, or what is wrong with it (`hasTimestamp`: the mapping names one). */
export function chunkingFromDraft(draft: ChunkingDraft, hasTimestamp: boolean): { chunking: Chunking | undefined } | { error: string } {
  if (draft.kind === 'default') return { chunking: undefined };
  if (draft.kind === 'period') return hasTimestamp ? { chunking: { kind: 'period', period: draft.period } } : { error: 'chunks by period need a timestamp column in the mapping' };
  const n = Number(draft.amount.trim());
  if (draft.amount.trim() === '' || !Number.isInteger(n) || n <= 0) return { error: draft.kind === 'size' ? 'rows per chunk: a whole number above 0' : 'number of chunks: a whole number above 0' };
  return { chunking: draft.kind === 'size' ? { kind: 'size', size: n } : { kind: 'number', count: n } };
}

export function ChunkingEditor({ value, onChange, error, disabled, idPrefix = 'chunking' }: {
  value: ChunkingDraft;
  onChange: (next: ChunkingDraft) => void;
  /** Shown once the person has tried to submit. */
  error?: string;
  disabled?: boolean;
  idPrefix?: string;
}) {
  const errorId = `${idPrefix}-error`;
  const invalid = { 'aria-invalid': Boolean(error), 'aria-describedby': error ? errorId : undefined };
  return (
    <fieldset className="mapping" aria-label="Reference chunking" disabled={disabled}>
      <legend>Reference chunks</legend>
      <div className="row">
        <div className="field">
          <label htmlFor={`${idPrefix}-kind`}>Cut the reference into</label>
          <select id={`${idPrefix}-kind`} value={value.kind} {...(value.kind === 'period' ? invalid : {})} onChange={(e) => onChange({ ...value, kind: e.target.value as ChunkingDraft['kind'] })}>
            <option value="default">10 chunks (NannyML’s default)</option>
            <option value="size">chunks of N rows</option>
            <option value="number">N chunks</option>
            <option value="period">one chunk per period</option>
          </select>
        </div>
        {(value.kind === 'size' || value.kind === 'number') && (
          <div className="field">
            <label htmlFor={`${idPrefix}-amount`}>{value.kind === 'size' ? 'Rows per chunk' : 'Number of chunks'}</label>
            <input id={`${idPrefix}-amount`} inputMode="numeric" value={value.amount} {...invalid} onChange={(e) => onChange({ ...value, amount: e.target.value })} />
          </div>
        )}
        {value.kind === 'period' && (
          <div className="field">
            <label htmlFor={`${idPrefix}-period`}>Period (of the timestamp)</label>
            <select id={`${idPrefix}-period`} value={value.period} onChange={(e) => onChange({ ...value, period: e.target.value as ChunkingDraft['period'] })}>
              <option value="day">day</option>
              <option value="week">week (Monday–Sunday)</option>
              <option value="month">month</option>
            </select>
          </div>
        )}
      </div>
      {error && <p id={errorId} className="field-error">{error}</p>}
      <p className="muted small">Rules with bounds from the reference (model metrics, drift share, multivariate drift) take the mean ± 3σ of these chunks.</p>
    </fieldset>
  );
}
