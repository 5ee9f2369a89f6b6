/**
 * Picks the param and metric columns of the runs table. The choice is per workspace and per
 * machine (localStorage): it is how this person reads the table, not something to sync.
 */
import { useId, useState } from 'react';
import { type ColumnId, insertColumn } from './run-table';

const storageKey = (workspaceId: string) => `driftdesk.runs.columns.${workspaceId}`;

/** The stored choice, or null when this person has not chosen (or storage holds junk). */
export function loadColumns(workspaceId: string): ColumnId[] | null {
  try {
    const raw = localStorage.getItem(storageKey(workspaceId));
    const value: unknown = raw === null ? null : JSON.parse(raw);
    if (!Array.isArray(value)) return null;
    return value.filter((c): c is ColumnId => typeof c === 'string' && /^(param|metric):.+/s.test(c)).slice(0, 200);
  } catch {
    return null;
  }
}

export function saveColumns(workspaceId: string, columns: ColumnId[]): void {
  try {
    localStorage.setItem(storageKey(workspaceId), JSON.stringify(columns));
  } catch {
    // Storage full or disabled: the choice lasts for this session only.
  }
}

/** Forgets the choice: the table shows the default columns again. */
export function clearColumns(workspaceId: string): void {
  try {
    localStorage.removeItem(storageKey(workspaceId));
  } catch {
    // Storage disabled: nothing was stored.
  }
}

export function ColumnChooser({ metrics, params, chosen, onChange, onReset }: {
  metrics: string[];
  params: string[];
  chosen: ColumnId[];
  onChange: (next: ColumnId[]) => void;
  onReset: () => void;
}) {
  const [search, setSearch] = useState('');
  const searchId = useId();
  const needle = search.trim().toLowerCase();
  const toggle = (column: ColumnId, on: boolean) => onChange(on ? insertColumn(chosen, column) : chosen.filter((c) => c !== column));
  const group = (title: string, prefix: 'metric' | 'param', names: string[]) => {
    const shown = names.filter((n) => n.toLowerCase().includes(needle));
    return (
      <fieldset>
        <legend>{title} ({names.length})</legend>
        {shown.length === 0 && <p className="muted small">{names.length === 0 ? `No run has ${title.toLowerCase()}.` : 'None match.'}</p>}
        {shown.slice(0, 300).map((name) => {
          const column = `${prefix}:${name}` as ColumnId;
          return (
            <label key={name} className="check">
              <input type="checkbox" checked={chosen.includes(column)} onChange={(e) => toggle(column, e.target.checked)} />
              {name}
            </label>
          );
        })}
        {shown.length > 300 && <p className="muted small">{shown.length - 300} more: type to narrow the list.</p>}
      </fieldset>
    );
  };
  return (
    <details className="column-chooser">
      <summary>Columns ({chosen.length})</summary>
      <div className="column-chooser-panel">
        <label htmlFor={searchId}>Find a column</label>
        <input id={searchId} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="loss, lr, …" />
        {group('Metrics', 'metric', metrics)}
        {group('Params', 'param', params)}
        <button type="button" className="link" onClick={onReset}>Back to the default columns</button>
      </div>
    </details>
  );
}
