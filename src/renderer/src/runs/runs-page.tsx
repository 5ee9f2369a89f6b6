/**
 * The runs section: every run in the workspace in one windowed table (thousands of rows, a few
 * dozen in the DOM), sortable by any column, filtered by a typed query (run-filter.ts), grouped
 * by experiment on request, with the param and metric columns each person picks. The filter,
 * sort, experiment and grouping are the URL's query, so a copied link shows the same runs.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { RunSummaryRecord } from '../../../core/workspace';
import { formatNumber } from '../components/charts';
import { parseHashQuery } from '../session/hash-route';
import { setHashQuery, useDocValue, useHashQuery } from '../session/hooks';
import type { WorkspaceSession } from '../session/workspace-session';
import { ColumnChooser, clearColumns, loadColumns, saveColumns } from './column-chooser';
import { RunsEmpty } from './runs-empty';
import { rememberRunsQuery } from './runs-link';
import { isNumber, matchesRunFilter, parseRunFilter } from './run-filter';
import { type ColumnId, type SortSpec, cellValue, columnLabel, defaultDir, formatDuration, parseSort, sortRuns, tableRows } from './run-table';
import { runsModel } from './runs-model';
import { useWindowedRows } from './use-windowed-rows';
import './runs.css';

const ROW_HEIGHT = 34;
export const MAX_COMPARE = 10;

export function RunsPage({ session }: { session: WorkspaceSession }) {
  const ws = session.connection.workspaceId;
  const { runs, vocab, defaults, label, sorted } = useDocValue(session.doc, runsModel);
  const query = useHashQuery();
  const filterText = query.get('q') ?? '';
  const experiment = query.get('exp') ?? '';
  const grouped = query.get('group') === 'experiment';
  const sort = parseSort(query.get('sort'), query.get('dir'));
  const filter = useMemo(
    () => parseRunFilter(filterText, { params: new Set(vocab.params), metrics: new Set(vocab.metrics), tags: new Set(vocab.tags) }),
    [filterText, vocab],
  );
  const [storedColumns, setStoredColumns] = useState(() => loadColumns(ws));
  const columns = storedColumns ?? defaults;
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const shown = useMemo(() => {
    if (experiment === '' && filter.clauses.length === 0) return sorted(sort);
    return sortRuns(runs.filter((r) => (experiment === '' || r.experiment === experiment) && matchesRunFilter(r, filter.clauses)), sort);
  }, [runs, sorted, experiment, filter, sort]);
  const rows = useMemo(() => tableRows(shown, grouped, collapsed), [shown, grouped, collapsed]);
  const win = useWindowedRows(rows.length, ROW_HEIGHT);
  const queryText = query.toString();
  useEffect(() => rememberRunsQuery(ws, queryText), [ws, queryText]);

  // From the URL as it is when called, not as of the last render: two changes in quick
  // succession (clearing the filter, then ticking "Group by experiment") must both land.
  const setQuery = useCallback((over: Record<string, string>, replace = false) => {
    const now = Object.fromEntries(parseHashQuery(location.hash));
    setHashQuery(Object.entries({ ...now, ...over }), { replace });
  }, []);
  const chooseColumns = (next: ColumnId[] | null) => {
    setStoredColumns(next);
    if (next) saveColumns(ws, next);
    else clearColumns(ws);
  };
  const sortBy = (column: ColumnId) => {
    const dir = sort.column === column ? (sort.dir === 'asc' ? 'desc' : 'asc') : defaultDir(column);
    setQuery({ sort: column, dir });
  };
  const toggleRun = (id: string, on: boolean) =>
    setSelected((before) => {
      const next = new Set(before);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const selectedRuns = runs.filter((r) => selected.has(r.id));
  const canCompare = selectedRuns.length >= 2 && selectedRuns.length <= MAX_COMPARE;

  if (runs.length === 0) return <RunsEmpty session={session} />;
  const allColumns: ColumnId[] = ['name', 'status', 'experiment', 'started', 'duration', ...columns];
  return (
    <section aria-labelledby="runs-title" className="runs-page">
      <div className="page-header">
        <h2 id="runs-title">Runs</h2>
        <p className="muted" role="status" data-testid="runs-count">
          {shown.length === runs.length ? `${runs.length.toLocaleString()} runs` : `${shown.length.toLocaleString()} of ${runs.length.toLocaleString()} runs`}
        </p>
      </div>
      <div className="runs-toolbar" role="search" aria-label="Filter runs">
        <label className="runs-filter">
          Filter
          <input
            type="search"
            value={filterText}
            maxLength={2000}
            onChange={(e) => setQuery({ q: e.target.value }, true)}
            placeholder="lr > 0.01  status = failed  tags.team = vision  resnet"
            aria-invalid={filter.problems.length > 0}
            aria-describedby="runs-filter-help"
            spellCheck={false}
          />
        </label>
        <label>
          Experiment
          <select value={experiment} onChange={(e) => setQuery({ exp: e.target.value })}>
            <option value="">All experiments</option>
            {experiment !== '' && !vocab.experiments.includes(experiment) && <option value={experiment}>{experiment} (no runs)</option>}
            {vocab.experiments.map((x) => <option key={x} value={x}>{x || '(no experiment)'}</option>)}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={grouped} onChange={(e) => setQuery({ group: e.target.checked ? 'experiment' : '' })} />
          Group by experiment
        </label>
        <ColumnChooser metrics={vocab.metrics} params={vocab.params} chosen={columns} onChange={chooseColumns} onReset={() => chooseColumns(null)} />
      </div>
      <div id="runs-filter-help" className="small">
        {filter.problems.length > 0 ? (
          <ul className="filter-problems" role="alert">
            {filter.problems.map((p) => <li key={`${p.at}:${p.message}`}>At character {p.at + 1}: {p.message}. This part is ignored.</li>)}
          </ul>
        ) : (
          <span className="muted">Conditions like <code>lr &gt; 0.01</code>, <code>status = failed</code>, <code>metrics.`val loss` &lt; 0.5</code>, <code>name ~ owl</code>; other words search names. All must hold.</span>
        )}
      </div>
      <div className="compare-bar">
        {/* Oldest first: compare reads left to right as the runs happened. */}
        <button type="button" disabled={!canCompare} aria-describedby="compare-hint" onClick={() => (location.hash = `#/w/${ws}/compare?${new URLSearchParams({ runs: [...selectedRuns].sort((a, b) => a.startedAt - b.startedAt).map((r) => r.id).join(',') }).toString()}`)}>
          Compare ({selectedRuns.length})
        </button>
        <span id="compare-hint" className="muted small">
          {selectedRuns.length > MAX_COMPARE ? `Compare takes at most ${MAX_COMPARE} runs; ${selectedRuns.length} are selected.` : canCompare ? '' : 'Tick 2 to 10 runs to compare them.'}
        </span>
        {selected.size > 0 && <button type="button" className="link" onClick={() => setSelected(new Set())}>Clear selection</button>}
      </div>
      {shown.length === 0 ? (
        <p className="empty">No run matches. {filterText || experiment ? <button type="button" className="link" onClick={() => setQuery({ q: '', exp: '' })}>Clear the filter</button> : null}</p>
      ) : (
        <div className="runs-scroll" ref={win.containerRef} tabIndex={-1} data-testid="runs-scroll">
          <table className="runs-table" aria-label="Runs" aria-rowcount={rows.length + 1}>
            <thead>
              <tr aria-rowindex={1}>
                <th scope="col" className="select-col"><span className="sr-only">Select</span></th>
                {allColumns.map((c) => <SortHeader key={c} column={c} sort={sort} onSort={sortBy} />)}
              </tr>
            </thead>
            <tbody>
              {win.padTop > 0 && <tr aria-hidden="true" style={{ height: win.padTop }} />}
              {rows.slice(win.first, win.last).map((row, i) => {
                const index = win.first + i;
                if (row.kind === 'group') {
                  return (
                    <tr key={`group:${row.experiment}`} className="group-row" aria-rowindex={index + 2}>
                      <th scope="rowgroup" colSpan={allColumns.length + 1}>
                        <button
                          type="button"
                          className="link"
                          aria-expanded={!row.collapsed}
                          onClick={() => setCollapsed((before) => toggleIn(before, row.experiment))}
                        >
                          {row.collapsed ? '▸' : '▾'} {row.experiment || '(no experiment)'} <span className="muted">· {row.count} runs</span>
                        </button>
                      </th>
                    </tr>
                  );
                }
                return <RunRow key={row.run.id} run={row.run} label={label(row.run)} columns={allColumns} ws={ws} index={index} selected={selected.has(row.run.id)} onSelect={toggleRun} />;
              })}
              {win.padBottom > 0 && <tr aria-hidden="true" style={{ height: win.padBottom }} />}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function toggleIn(set: ReadonlySet<string>, value: string): Set<string> {
  const next = new Set(set);
  if (next.has(value)) next.delete(value);
  else next.add(value);
  return next;
}

function SortHeader({ column, sort, onSort }: { column: ColumnId; sort: SortSpec; onSort: (c: ColumnId) => void }) {
  const active = sort.column === column;
  const kind = column.startsWith('metric:') ? 'metric' : column.startsWith('param:') ? 'param' : undefined;
  return (
    <th scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'} className={kind ? `col-${kind}` : column === 'name' ? 'name-col' : undefined}>
      <button type="button" className="sort-button" onClick={() => onSort(column)} title={kind ? `${kind} ${columnLabel(column)}` : undefined}>
        {kind && <span className="col-kind" aria-hidden="true">{kind === 'metric' ? 'M' : 'P'}</span>}
        {columnLabel(column)}
        {kind && <span className="sr-only"> ({kind})</span>}
        <span aria-hidden="true" className="sort-arrow">{active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}</span>
      </button>
    </th>
  );
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function RunRow({ run, label, columns, ws, index, selected, onSelect }: {
  /** The name shown: with a short run id when another run has the same name (runLabels). */
  label: string;
  run: RunSummaryRecord;
  columns: ColumnId[];
  ws: string;
  index: number;
  selected: boolean;
  onSelect: (id: string, on: boolean) => void;
}) {
  return (
    <tr className={selected ? 'run-row selected' : 'run-row'} aria-rowindex={index + 2} aria-selected={selected}>
      <td className="select-col">
        <input type="checkbox" checked={selected} onChange={(e) => onSelect(run.id, e.target.checked)} aria-label={`Select ${label}`} />
      </td>
      {columns.map((c) => {
        if (c === 'name') return <td key={c} className="name-col"><a href={`#/w/${ws}/runs/${encodeURIComponent(run.id)}`} title={label}>{label}</a></td>;
        if (c === 'status') return <td key={c}><RunStatusBadge status={run.status} /></td>;
        if (c === 'started') return <td key={c} className="num"><time dateTime={new Date(run.startedAt).toISOString()}>{dateTime.format(run.startedAt)}</time></td>;
        if (c === 'duration') return <td key={c} className="num">{run.status === 'running' && run.endedAt === undefined ? 'running' : formatDuration(cellValue(run, c) as number | undefined)}</td>;
        const value = cellValue(run, c);
        if (typeof value === 'number') return <td key={c} className="num" title={String(value)}>{formatNumber(value)}</td>;
        return <td key={c} title={value} className={value !== undefined && isNumber(value) ? 'num' : undefined}>{value ?? <span className="muted" aria-label="none">—</span>}</td>;
      })}
    </tr>
  );
}

export function RunStatusBadge({ status }: { status: RunSummaryRecord['status'] }) {
  return <span className={`badge run-status run-${status}`}>{status}</span>;
}
