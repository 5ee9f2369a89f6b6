/**
 * An incident's timeline: its events (status changes with who and when, assignments, monitor
 * findings, actions such as a retrain request) and people's comments, in time order. Events sit
 * in a Y.Array inside the incident's Y.Map, so concurrent appends from two people (or the server
 * and a person) both land.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { type CommandContext, CommandError, parseInput } from './command-context.ts';
import { getIncident, listComments, timelinesSplit } from './queries.ts';
import { type CommentRecord, DOC_KEYS, INCIDENT_EVENTS_KEY, type IncidentEvent, type IncidentRecord, THREAD_EVENTS_KEY, incidentEventSchema } from './schema.ts';

/** An event as a writer gives it (the id, time and author come from the command context). */
export type NewEvent = IncidentEvent extends infer E ? (E extends IncidentEvent ? Omit<E, 'id' | 'at' | 'byId' | 'byName'> : never) : never;

/** An event record as a writer makes it: a new id, the time and the actor from `ctx`. */
export function newIncidentEvent(command: string, event: NewEvent, ctx: CommandContext): IncidentEvent {
  return parseInput(command, incidentEventSchema, { ...event, id: ctx.newId(), at: ctx.now(), byId: ctx.actor.id, byName: ctx.actor.name });
}

/**
 * Appends an event to an incident's timeline where it lives: the incident's conversation doc
 * (its top-level `events`) once the workspace's timelines are split and that doc is given, else
 * the incident in the workspace doc (an older app does the same; the server moves it).
 */
export function appendTimelineEvent(doc: Y.Doc, incidentId: string, event: NewEvent, ctx: CommandContext, conversation?: Y.Doc | null): IncidentEvent {
  if (!conversation || conversation === doc || !timelinesSplit(doc)) return appendIncidentEvent(doc, incidentId, event, ctx);
  incidentMap(doc, incidentId, 'appendIncidentEvent');
  const record = newIncidentEvent('appendIncidentEvent', event, ctx);
  conversation.getArray<IncidentEvent>(THREAD_EVENTS_KEY).push([record]);
  return record;
}

/** Appends an event to an incident in the workspace doc, inside the caller's transaction if there is one. */
export function appendIncidentEvent(doc: Y.Doc, incidentId: string, event: NewEvent, ctx: CommandContext): IncidentEvent {
  const entry = incidentMap(doc, incidentId, 'appendIncidentEvent');
  const record = newIncidentEvent('appendIncidentEvent', event, ctx);
  doc.transact(() => {
    let events = entry.get(INCIDENT_EVENTS_KEY);
    if (!(events instanceof Y.Array)) {
      events = new Y.Array<IncidentEvent>();
      entry.set(INCIDENT_EVENTS_KEY, events);
    }
    (events as Y.Array<IncidentEvent>).push([record]);
  });
  return record;
}

const assignInput = z.object({
  incidentId: z.string().min(1),
  assignee: z.object({ id: z.string().min(1).max(128), name: z.string().min(1).max(200) }).nullable(),
});

/**
 * Assigns an incident to a member (null: unassigns), recorded on the timeline (in `conversation`,
 * the incident's conversation doc, once timelines are split: appendTimelineEvent).
 */
export function assignIncident(doc: Y.Doc, input: z.input<typeof assignInput>, ctx: CommandContext, conversation?: Y.Doc | null): IncidentRecord {
  const { incidentId, assignee } = parseInput('assignIncident', assignInput, input);
  const entry = incidentMap(doc, incidentId, 'assignIncident');
  doc.transact(() => {
    if (assignee) {
      entry.set('assigneeId', assignee.id);
      entry.set('assigneeName', assignee.name);
    } else {
      entry.delete('assigneeId');
      entry.delete('assigneeName');
    }
    entry.set('updatedAt', ctx.now());
    appendTimelineEvent(doc, incidentId, { kind: 'assigned', assigneeId: assignee?.id ?? null, assigneeName: assignee?.name ?? '' }, ctx, conversation);
  });
  return getIncident(doc, incidentId)!;
}

/**
 * The incident's events, oldest first; events that do not parse are left out. An action shows
 * its final outcome: later outcomes of it (action events that `follows` it) are folded into it
 * rather than listed, the latest one winning (foldActionOutcomes).
 */
export function listIncidentEvents(doc: Y.Doc, incidentId: string): IncidentEvent[] {
  return foldActionOutcomes(listRawIncidentEvents(doc, incidentId));
}

/** Every event as written, follow-ups included, oldest first: the audit trail. */
export function listRawIncidentEvents(doc: Y.Doc, incidentId: string): IncidentEvent[] {
  const events = doc.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incidentId)?.get(INCIDENT_EVENTS_KEY);
  if (!(events instanceof Y.Array)) return [];
  const out: IncidentEvent[] = [];
  for (const value of events.toArray()) {
    const parsed = incidentEventSchema.safeParse(value);
    if (parsed.success) out.push(parsed.data);
  }
  return out.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
}

/**
 * Folds each action's later outcomes into it: the action keeps its place (when it was asked
 * for) and who asked, and takes the outcome and detail of its latest follow-up by the same
 * person (the server writes follow-ups for the requester; one by anyone else is ignored). A
 * follow-up whose action is not there is dropped. `events` must be oldest first.
 */
export function foldActionOutcomes(events: IncidentEvent[]): IncidentEvent[] {
  const actions = new Map<string, IncidentEvent & { kind: 'action' }>();
  for (const e of events) if (e.kind === 'action' && e.follows === undefined) actions.set(e.id, { ...e });
  const out: IncidentEvent[] = [];
  for (const e of events) {
    if (e.kind !== 'action') out.push(e);
    else if (e.follows === undefined) out.push(actions.get(e.id)!);
    else {
      const action = actions.get(e.follows);
      if (action && action.byId === e.byId) Object.assign(action, { outcome: e.outcome, detail: e.detail });
    }
  }
  return out;
}

export type TimelineEntry = { kind: 'event'; at: number; event: IncidentEvent } | { kind: 'comment'; at: number; comment: CommentRecord };

/** Events and comments of an incident in one list, oldest first. */
export function incidentTimeline(doc: Y.Doc, incidentId: string): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...listIncidentEvents(doc, incidentId).map((event): TimelineEntry => ({ kind: 'event', at: event.at, event })),
    ...listComments(doc, incidentId).map((comment): TimelineEntry => ({ kind: 'comment', at: comment.createdAt, comment })),
  ];
  return entries.sort((a, b) => a.at - b.at);
}

function incidentMap(doc: Y.Doc, incidentId: string, command: string): Y.Map<unknown> {
  const entry = doc.getMap<Y.Map<unknown>>(DOC_KEYS.incidents).get(incidentId);
  if (!(entry instanceof Y.Map) || !getIncident(doc, incidentId)) {
    throw new CommandError(command, [{ path: 'incidentId', message: `no incident ${incidentId}` }]);
  }
  return entry;
}
