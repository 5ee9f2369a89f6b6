/**
 * The workspace's incidents as `listIncidents` gives them, kept until an incident changes. The
 * incidents page and the incident notifier (always mounted) each listed every incident at every
 * change anywhere in the workspace doc: through the parse cache, still a check of each incident's
 * fields, ~15–35 ms for bench:open's 10,000 — at every comment, run or monitor change.
 */
import type * as Y from 'yjs';
import { listIncidents } from '../../../core/workspace/queries';
import type { IncidentRecord } from '../../../core/workspace/schema';
import { DOC_KEYS } from '../../../core/workspace/schema';
import { changesTo } from './map-changes';

const kept = new WeakMap<Y.Doc, { version: number; incidents: IncidentRecord[] }>();

/** `doc`'s incidents, newest first: the same array until an incident changes (deep: each is a Y.Map). */
export function incidentsOf(doc: Y.Doc): IncidentRecord[] {
  const version = changesTo(doc, [DOC_KEYS.incidents]);
  const hit = kept.get(doc);
  if (hit && hit.version === version) return hit.incidents;
  const incidents = listIncidents(doc);
  kept.set(doc, { version, incidents });
  return incidents;
}
