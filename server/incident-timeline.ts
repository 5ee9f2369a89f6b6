/**
 * The server's own writes to incident timelines (monitor findings, retrain outcomes), wherever
 * the timeline lives: in the incident's conversation doc once the workspace's timelines are split
 * (`meta.timelines`, server/split-conversations.ts), else in the incident in the workspace doc.
 *
 * These are server writes: no write policy applies (the server is the trusted writer, and a
 * finding is written in the name of the member whose token sent the batch, or of "Driftdesk
 * monitor"). After each write into a conversation doc the workspace doc's summary of it — with
 * the timeline digest lists and pages read (src/core/workspace/incident-digest.ts) — is brought
 * up to date through the same per-workspace queue as after a client's change.
 */
import {
  type CommandContext,
  type IncidentEvent,
  type NewEvent,
  THREAD_EVENTS_KEY,
  appendIncidentEvent,
  newIncidentEvent,
  threadDocName,
  timelinesSplit,
} from '../src/core/workspace/index.ts';
import type { Room, WithRoom } from './room.ts';

export interface TimelineWriter {
  /**
   * Appends events the caller built (recordFindings' `timeline`) to their incidents'
   * conversation docs; resolves once they and the summaries are stored.
   */
  append(workspaceId: string, events: readonly { incidentId: string; event: IncidentEvent }[]): Promise<void>;
  /** Appends one event to an incident's timeline where it lives; resolves with the record once stored. */
  event(workspaceId: string, incidentId: string, event: NewEvent, ctx: CommandContext): Promise<IncidentEvent>;
}

export function timelineWriter(withRoom: WithRoom, summarize: (room: Room) => Promise<void>): TimelineWriter {
  const append: TimelineWriter['append'] = async (workspaceId, events) => {
    const byIncident = new Map<string, IncidentEvent[]>();
    for (const { incidentId, event } of events) byIncident.set(incidentId, [...(byIncident.get(incidentId) ?? []), event]);
    for (const [incidentId, list] of byIncident) {
      await withRoom(threadDocName(workspaceId, { kind: 'incident', id: incidentId }), async (room) => {
        await room.writeAsServer((doc) => doc.getArray<IncidentEvent>(THREAD_EVENTS_KEY).push(list));
        await summarize(room);
      });
    }
  };
  return {
    append,
    async event(workspaceId, incidentId, event, ctx) {
      const inline = await withRoom(workspaceId, async (room) => {
        if (timelinesSplit(room.doc)) return null;
        const record = appendIncidentEvent(room.doc, incidentId, event, ctx);
        await room.flushed();
        return record;
      });
      if (inline) return inline;
      const record = newIncidentEvent('appendIncidentEvent', event, ctx);
      await append(workspaceId, [{ incidentId, event: record }]);
      return record;
    },
  };
}
