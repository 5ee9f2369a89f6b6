/**
 * The incidents board: one column per status, a card per incident with its severity, assignee
 * and age. A card moves with its next-step button or its "Move" menu (so a keyboard can do
 * everything), or by dragging it to another column; after a move, focus follows the card.
 */
import { useEffect, useRef, useState } from 'react';
import { INCIDENT_STATUSES, type IncidentRecord, type IncidentStatus, WORKFLOW_STEPS } from '../../../core/workspace';
import { SeverityBadge, TimeAgo } from '../components/badges';
import { MenuButton } from '../components/menu-button';

/** Cards a column shows; the rest are a link away in the list (a board of thousands helps no one). */
const CARDS_PER_COLUMN = 50;
const DRAG_TYPE = 'application/x-driftdesk-incident';

const EMPTY: Record<IncidentStatus, string> = {
  open: 'Nothing new. Monitors open incidents here when a rule fires, and so does “New incident”.',
  acknowledged: 'Acknowledge a new incident to tell the team someone has it.',
  investigating: 'Start investigating when someone digs into the cause.',
  mitigated: 'Mark an incident mitigated when the impact is contained (say, rolled back) but the cause is not fixed yet.',
  resolved: 'Resolved incidents land here. Reopen one if the drift comes back.',
};

export function IncidentsBoard({ workspaceId, incidents, comments, canMove, onMove }: {
  workspaceId: string;
  incidents: IncidentRecord[];
  /** Comments per incident id (countCommentsByIncident). */
  comments: Pick<ReadonlyMap<string, number>, 'get'>;
  canMove: boolean;
  onMove: (incident: IncidentRecord, to: IncidentStatus) => void;
}) {
  const [follow, setFollow] = useState<string | null>(null);
  const [dropTarget, setDropTarget] = useState<IncidentStatus | null>(null);
  const move = (incident: IncidentRecord, to: IncidentStatus) => {
    setFollow(incident.id);
    onMove(incident, to);
  };
  const byId = new Map(incidents.map((i) => [i.id, i]));

  return (
    <div className="board" aria-label="Incidents by status" role="region">
      {INCIDENT_STATUSES.map((status) => {
        const cards = incidents.filter((i) => i.status === status);
        return (
          <section
            key={status}
            className={dropTarget === status ? 'board-column drop-target' : 'board-column'}
            aria-labelledby={`column-${status}`}
            onDragOver={(e) => {
              if (!canMove || !e.dataTransfer.types.includes(DRAG_TYPE)) return;
              e.preventDefault();
              setDropTarget(status);
            }}
            onDragLeave={() => setDropTarget((s) => (s === status ? null : s))}
            onDrop={(e) => {
              setDropTarget(null);
              const incident = byId.get(e.dataTransfer.getData(DRAG_TYPE));
              if (incident && incident.status !== status) move(incident, status);
            }}
          >
            <h3 id={`column-${status}`}>
              <span>{status}</span> <span className="muted">{cards.length}<span className="sr-only"> {cards.length === 1 ? 'incident' : 'incidents'}</span></span>
            </h3>
            {cards.length === 0 ? (
              <p className="board-empty">{EMPTY[status]}</p>
            ) : (
              <ol>
                {cards.slice(0, CARDS_PER_COLUMN).map((i) => (
                  <BoardCard key={i.id} workspaceId={workspaceId} incident={i} comments={comments.get(i.id) ?? 0} canMove={canMove} focus={follow === i.id} onFocused={() => setFollow(null)} onMove={move} />
                ))}
              </ol>
            )}
            {cards.length > CARDS_PER_COLUMN && (
              <p className="board-empty">
                {cards.length - CARDS_PER_COLUMN} more · <a href={`#/w/${workspaceId}/incidents?status=${status}`}>see them all in the list</a>
              </p>
            )}
          </section>
        );
      })}
    </div>
  );
}

function BoardCard({ workspaceId, incident: i, comments, canMove, focus, onFocused, onMove }: {
  workspaceId: string;
  incident: IncidentRecord;
  comments: number;
  canMove: boolean;
  focus: boolean;
  onFocused: () => void;
  onMove: (incident: IncidentRecord, to: IncidentStatus) => void;
}) {
  const link = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    if (!focus) return;
    link.current?.focus();
    onFocused();
  }, [focus, onFocused]);
  const [next] = WORKFLOW_STEPS[i.status];
  return (
    <li
      className="board-card"
      aria-labelledby={`card-${i.id}`}
      draggable={canMove}
      onDragStart={(e) => {
        e.dataTransfer.setData(DRAG_TYPE, i.id);
        e.dataTransfer.effectAllowed = 'move';
      }}
    >
      <a id={`card-${i.id}`} ref={link} className="card-title" href={`#/w/${workspaceId}/incidents/${encodeURIComponent(i.id)}`}>{i.title}</a>
      <div className="card-meta">
        <SeverityBadge severity={i.severity} />
        {i.assigneeName
          ? <span className="assignee"><span className="initial" aria-hidden="true">{i.assigneeName.slice(0, 1).toUpperCase()}</span><span className="sr-only">assigned to </span>{i.assigneeName}</span>
          : <span>Unassigned</span>}
        <span>opened <TimeAgo at={i.createdAt} /></span>
        {comments > 0 && <span>{comments} {comments === 1 ? 'comment' : 'comments'}</span>}
      </div>
      {canMove && (
        <div className="card-actions">
          {next && <button type="button" aria-label={`${next.label}: ${i.title}`} onClick={() => onMove(i, next.to)}>{next.label}</button>}
          <MenuButton
            name={`Move ${i.title}`}
            label="Move…"
            className="secondary"
            items={INCIDENT_STATUSES.filter((s) => s !== i.status).map((s) => ({ id: s, label: `To ${s}`, onSelect: () => onMove(i, s) }))}
          />
        </div>
      )}
    </li>
  );
}
