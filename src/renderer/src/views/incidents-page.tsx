import { OpeningWorkspace } from '../components/opening-workspace';
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import type * as Y from 'yjs';
import {
  CommandError,
  INCIDENT_STATUSES,
  type IncidentFilter,
  type IncidentRecord,
  type IncidentStatus,
  SEVERITIES,
  countCommentsByIncident,
  createIncident,
  filterFromQuery,
  filterToQuery,
  isFiltering,
  listMembers,
  matchesFilter,
  updateIncident,
} from '../../../core/workspace';
import { listMonitors } from '../../../core/monitor';
import { SeverityBadge, StatusBadge, TimeAgo } from '../components/badges';
import { useIncrementalRows } from '../components/use-incremental-rows';
import { navigate, setHashQuery, useDocValue, useHashQuery } from '../session/hooks';
import { incidentsOf } from '../session/incidents-model';
import type { WorkspaceSession } from '../session/workspace-session';
import { IncidentFilters } from './incident-filters';
import { IncidentsBoard } from './incidents-board';
import './incidents.css';

const readIncidents = (doc: Y.Doc) => ({
  incidents: incidentsOf(doc),
  comments: countCommentsByIncident(doc),
  members: listMembers(doc),
  monitors: listMonitors(doc),
});

// The command palette's "New incident" may ask before this page is mounted (it navigates here
// first), so the request waits in a flag as well as going out as an event.
let newIncidentAsked = false;
const NEW_INCIDENT_EVENT = 'driftdesk:new-incident';

/** Opens the new-incident form on the incidents page: at once if it is showing, else when it mounts. */
export function requestNewIncident(): void {
  newIncidentAsked = true;
  window.dispatchEvent(new Event(NEW_INCIDENT_EVENT));
}

/**
 * The incidents section: a filterable list or a board by status. Which one, and the filter,
 * are the URL's query (`#/w/<ws>/incidents?view=board&severity=critical`), so Back, a reload
 * and a copied link bring the same view back.
 */
export function IncidentsPage({ session }: { session: WorkspaceSession }) {
  const { incidents: everyIncident, comments, members, monitors } = useDocValue(session.doc, readIncidents);
  const query = useHashQuery();
  const view = query.get('view') === 'board' ? 'board' : 'list';
  const filter = useMemo(() => filterFromQuery((name) => query.get(name)), [query]);
  const me = session.connection.memberId;
  const incidents = useMemo(() => {
    const monitorName = new Map(monitors.map((m) => [m.id, m.name]));
    // The board sorts by status itself, so a status filter (from the list) does not apply there.
    const applied: IncidentFilter = view === 'board' ? { ...filter, status: 'all' } : filter;
    return everyIncident.filter((i) => matchesFilter(i, applied, me, (id) => monitorName.get(id)));
  }, [everyIncident, monitors, filter, view, me]);
  const [moveError, setMoveError] = useState<string | null>(null);
  const rows = useIncrementalRows(incidents.length);
  const [creating, setCreating] = useState(false);
  const canCreate = session.connection.role === 'owner' || session.connection.role === 'editor';
  const ws = session.connection.workspaceId;

  useEffect(() => {
    const take = () => {
      if (newIncidentAsked && canCreate) setCreating(true);
      newIncidentAsked = false;
    };
    take();
    window.addEventListener(NEW_INCIDENT_EVENT, take);
    return () => window.removeEventListener(NEW_INCIDENT_EVENT, take);
  }, [canCreate]);

  useEffect(() => {
    if (!canCreate) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === 'n' && !e.ctrlKey && !e.metaKey && !e.altKey && !/INPUT|TEXTAREA|SELECT/.test(target.tagName)) {
        e.preventDefault();
        setCreating(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [canCreate]);

  return (
    <section aria-labelledby="incidents-title">
      <div className="page-header">
        <h2 id="incidents-title">Drift incidents</h2>
        {/* In the header, not above the table: the list stays where it is when the doc comes in. */}
        {!session.loaded && session.incidentsPreview !== null && session.incidentsPreview.total > 0 && view === 'list' && !isFiltering(filter) && (
          <span className="muted small" role="status">Showing the list as you last saw it while the workspace opens…</span>
        )}
        {canCreate && !creating && (
          <button type="button" onClick={() => setCreating(true)} aria-keyshortcuts="n">New incident <kbd>N</kbd></button>
        )}
      </div>
      {!canCreate && <p className="muted">As a {session.connection.role} you can read incidents{session.connection.role === 'commenter' ? ' and comment on them' : ''}.</p>}
      {/* Also over the kept preview, so the list does not move when the doc is in. */}
      {(everyIncident.length > 0 || (!session.loaded && session.incidentsPreview !== null)) && (
        <div className="incidents-toolbar">
          <div className="view-switch" role="group" aria-label="View">
            {(['list', 'board'] as const).map((v) => (
              <button key={v} type="button" aria-pressed={view === v} onClick={() => setHashQuery([['view', v === 'board' ? 'board' : ''], ...filterToQuery(filter)])}>
                {v === 'list' ? 'List' : 'Board'}
              </button>
            ))}
          </div>
          <IncidentFilters
            filter={filter}
            members={members}
            monitors={monitors}
            showStatus={view === 'list'}
            onChange={(next) => setHashQuery([['view', view === 'board' ? 'board' : ''], ...filterToQuery(next)], { replace: true })}
          />
        </div>
      )}
      {moveError && <p role="alert" className="error">{moveError}</p>}
      {creating && (
        <NewIncidentForm
          session={session}
          onDone={(id) => {
            setCreating(false);
            if (id) navigate('w', ws, 'incidents', id);
          }}
        />
      )}
      {!session.loaded ? (
        <IncidentsPreviewTable session={session} plain={view === 'list' && !isFiltering(filter)} />
      ) : everyIncident.length === 0 ? (
        <p className="empty">
          No incidents yet. When a monitor or a teammate spots drift, open one here{canCreate ? ' with "New incident"' : ''} so the team can triage it together.
        </p>
      ) : incidents.length === 0 && (view === 'list' || isFiltering(filter)) ? (
        <p className="empty">
          No incidents match these filters ({everyIncident.length} in all).{' '}
          <button type="button" className="link" onClick={() => setHashQuery(view === 'board' ? [['view', 'board']] : [], { replace: true })}>Clear filters</button>
        </p>
      ) : view === 'board' ? (
        <IncidentsBoard
          workspaceId={ws}
          incidents={incidents}
          comments={comments}
          canMove={canCreate}
          onMove={(incident: IncidentRecord, status: IncidentStatus) => {
            try {
              updateIncident(session.doc, { incidentId: incident.id, status }, session.commandContext());
              setMoveError(null);
            } catch (err) {
              setMoveError(err instanceof CommandError ? err.issues.map((i) => i.message).join('; ') : String(err));
            }
          }}
        />
      ) : (
        <table className="incidents" data-live="">
          <thead>
            <IncidentHeaderRow />
          </thead>
          <tbody>
            {incidents.slice(0, rows.shown).map((i) => <IncidentRow key={i.id} ws={ws} incident={i} comments={comments.get(i.id) ?? 0} />)}
            {rows.shown < incidents.length && (
              <tr ref={rows.sentinelRef} className="more-rows">
                <td colSpan={6} className="muted">
                  Showing {rows.shown} of {incidents.length} incidents; more appear as you scroll.{' '}
                  <button type="button" className="link" onClick={rows.showAll}>Show all</button>
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}

function IncidentHeaderRow() {
  return <tr><th scope="col">Severity</th><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Assignee</th><th scope="col">Comments</th><th scope="col">Opened</th></tr>;
}

/**
 * Element Timing (`elementtiming`): the browser reports when each title was first presented on
 * screen — how bench:open and boot.ts (the splash) know the list is really painted. (On the
 * cell: Chromium reports text for the block that lays it out, not for an inline link.)
 */
const TITLE_TIMING = { elementtiming: 'incident-title' } as Record<string, string>;

function IncidentRow({ ws, incident: i, comments }: { ws: string; incident: IncidentRecord; comments: number }) {
  return (
    <tr>
      <td><SeverityBadge severity={i.severity} /></td>
      <td {...TITLE_TIMING}><a href={`#/w/${ws}/incidents/${i.id}`}>{i.title}</a></td>
      <td><StatusBadge status={i.status} /></td>
      <td>{i.assigneeName ?? <span className="muted">Unassigned</span>}</td>
      <td>{comments}</td>
      <td className="muted"><TimeAgo at={i.createdAt} /> by {i.createdByName}</td>
    </tr>
  );
}

/**
 * Before the doc is applied: the list as it was last drawn (list-preview.ts), when the view is
 * the plain list the preview is of; else a loading line (never the "no incidents" empty state,
 * which an unloaded doc would wrongly show).
 */
function IncidentsPreviewTable({ session, plain }: { session: WorkspaceSession; plain: boolean }) {
  const preview = session.incidentsPreview;
  if (!preview || !plain || preview.total === 0) return <OpeningWorkspace session={session} />;
  const ws = session.connection.workspaceId;
  return (
    <>
      <table className="incidents" aria-busy="true">
        <thead>
          <IncidentHeaderRow />
        </thead>
        <tbody>
          {preview.rows.map(({ incident, comments }) => <IncidentRow key={incident.id} ws={ws} incident={incident} comments={comments} />)}
          {preview.rows.length < preview.total && (
            <tr className="more-rows"><td colSpan={6} className="muted">Showing {preview.rows.length} of {preview.total} incidents.</td></tr>
          )}
        </tbody>
      </table>
    </>
  );
}

function NewIncidentForm({ session, onDone }: { session: WorkspaceSession; onDone: (id?: string) => void }) {
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState('high');
  const [status, setStatus] = useState('open');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = useCallback(
    (e: FormEvent) => {
      e.preventDefault();
      try {
        const incident = createIncident(session.doc, { title, severity: severity as never, status: status as never, description }, session.commandContext());
        onDone(incident.id);
      } catch (err) {
        setError(err instanceof CommandError ? err.issues.map((i) => `${i.path || 'input'}: ${i.message}`).join('; ') : String(err));
      }
    },
    [session, title, severity, status, description, onDone],
  );

  return (
    <form className="card new-incident" onSubmit={submit} aria-label="New incident" onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      <label>
        Title
        <input autoFocus value={title} onChange={(e) => setTitle(e.target.value)} maxLength={300} placeholder="PSI on income above 0.2 since Monday" />
      </label>
      <div className="row">
        <label>
          Severity
          <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
            {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {INCIDENT_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      </div>
      <label>
        Description
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={4} placeholder="What drifted, since when, which model is affected" />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="row">
        <button type="submit">Create incident</button>
        <button type="button" className="secondary" onClick={() => onDone()}>Cancel</button>
      </div>
    </form>
  );
}
