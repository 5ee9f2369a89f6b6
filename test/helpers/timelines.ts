/**
 * An incident's timeline as the app reads it: from the workspace doc and from the incident's
 * conversation doc (where the server writes events once a workspace's timelines are split, which
 * a server does on first load by default). The conversation doc is a live client of its room.
 */
import * as Y from 'yjs';
import {
  type IncidentEvent,
  THREAD_EVENTS_KEY,
  foldActionOutcomes,
  incidentEventSchema,
  listRawIncidentEvents,
  threadDocName,
} from '../../src/core/workspace/index.ts';
import { connectClient } from './sync-clients.ts';

export interface LiveTimeline {
  conversation: Y.Doc;
  /** Every event as written, follow-ups included, oldest first (listRawIncidentEvents over both docs). */
  raw(): IncidentEvent[];
  /** As the timeline shows them: actions folded with their outcomes (listIncidentEvents over both docs). */
  events(): IncidentEvent[];
  dispose(): void;
}

export function liveTimeline(serverUrl: string, workspaceId: string, token: string, workspace: Y.Doc, incidentId: string): LiveTimeline {
  const client = connectClient(serverUrl, threadDocName(workspaceId, { kind: 'incident', id: incidentId }), token);
  const raw = () => {
    const byId = new Map<string, IncidentEvent>();
    for (const e of listRawIncidentEvents(workspace, incidentId)) byId.set(e.id, e);
    for (const value of client.doc.getArray(THREAD_EVENTS_KEY).toArray()) {
      const parsed = incidentEventSchema.safeParse(value);
      if (parsed.success) byId.set(parsed.data.id, parsed.data);
    }
    return [...byId.values()].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  };
  return { conversation: client.doc, raw, events: () => foldActionOutcomes(raw()), dispose: client.dispose };
}

/** An incident's events as the store holds them, from both docs (listIncidentEvents order, actions folded). */
export async function storedTimeline(store: { loadDoc(name: string): Uint8Array | Promise<Uint8Array> }, workspaceId: string, incidentId: string): Promise<IncidentEvent[]> {
  const load = async (name: string) => {
    const doc = new Y.Doc();
    const bytes = await store.loadDoc(name);
    if (bytes.byteLength > 0) Y.applyUpdate(doc, bytes);
    return doc;
  };
  const workspace = await load(workspaceId);
  const conversation = await load(threadDocName(workspaceId, { kind: 'incident', id: incidentId }));
  const byId = new Map<string, IncidentEvent>();
  for (const e of listRawIncidentEvents(workspace, incidentId)) byId.set(e.id, e);
  for (const value of conversation.getArray(THREAD_EVENTS_KEY).toArray()) {
    const parsed = incidentEventSchema.safeParse(value);
    if (parsed.success) byId.set(parsed.data.id, parsed.data);
  }
  return foldActionOutcomes([...byId.values()].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id)));
}
