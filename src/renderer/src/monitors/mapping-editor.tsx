/**
 * The column mapping as a person confirms it: which column is the timestamp, the id, the target,
 * the prediction and the predicted probability (one column, or one per class), and which are
 * ignored. Starts from proposeMapping's guess; every role may be cleared.
 */
import type { ColumnMappingInput } from '../../../core/drift';

const ROLES = [
  { role: 'timestamp', label: 'Timestamp', hint: 'dates each batch; never tested for drift' },
  { role: 'id', label: 'Row id', hint: 'joins labels that come later; never tested' },
  { role: 'target', label: 'Target (label)', hint: 'may be missing from batches' },
  { role: 'prediction', label: 'Prediction', hint: '' },
] as const;

export function MappingEditor({ columns, value, onChange, disabled, idPrefix = 'mapping' }: {
  columns: readonly string[];
  value: ColumnMappingInput;
  onChange: (next: ColumnMappingInput) => void;
  disabled?: boolean;
  idPrefix?: string;
}) {
  const set = (role: keyof ColumnMappingInput, column: string) => {
    const next: ColumnMappingInput = { ...value };
    if (column === '') delete next[role];
    else (next as Record<string, unknown>)[role] = column;
    onChange(next);
  };
  const proba = value.predictionProba;
  const ignored = new Set(value.ignored ?? []);
  return (
    <fieldset className="mapping" aria-label="Column mapping" disabled={disabled}>
      <legend>Column mapping</legend>
      <div className="row">
        {ROLES.map(({ role, label, hint }) => (
          <div className="field" key={role}>
            <label htmlFor={`${idPrefix}-${role}`}>{label}</label>
            <select id={`${idPrefix}-${role}`} value={value[role] ?? ''} onChange={(e) => set(role, e.target.value)}>
              <option value="">(none)</option>
              {columns.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
            {hint && <span className="muted small">{hint}</span>}
          </div>
        ))}
        <div className="field">
          <label htmlFor={`${idPrefix}-proba`}>Predicted probability</label>
          {proba !== undefined && typeof proba !== 'string' ? (
            <p className="small" id={`${idPrefix}-proba`}>
              one per class: {Object.entries(proba).map(([cls, col]) => `${cls} → ${col}`).join(', ')}{' '}
              <button type="button" className="link" onClick={() => set('predictionProba', '')}>clear</button>
            </p>
          ) : (
            <select id={`${idPrefix}-proba`} value={proba ?? ''} onChange={(e) => set('predictionProba', e.target.value)}>
              <option value="">(none)</option>
              {columns.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          )}
        </div>
      </div>
      <div className="field">
        <span className="label">Ignored columns (never tested)</span>
        <div className="ignored-columns">
          {columns.map((c) => (
            <label key={c} className="small">
              <input type="checkbox" checked={ignored.has(c)} onChange={(e) => {
                const next = new Set(ignored);
                if (e.target.checked) next.add(c);
                else next.delete(c);
                onChange({ ...value, ignored: columns.filter((n) => next.has(n)) });
              }} /> {c}
            </label>
          ))}
        </div>
      </div>
    </fieldset>
  );
}
