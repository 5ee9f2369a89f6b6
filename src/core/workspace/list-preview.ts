/**
 * A list preview: the first rows of a list as the app last drew them from the doc, kept by the
 * host (LocalCache.savePreview) with the doc's version, so the next open can draw the list at
 * once and apply the doc after. Applying a large workspace's cached state takes about a second
 * (a 15 MB doc, bench:open) and blocks the page meanwhile; drawing its first rows from a preview takes
 * milliseconds. A preview is served only while the doc is at the version it was made from, so
 * what it shows is exactly what the doc would show; anything else falls back to the doc.
 *
 * Only the incidents list (the page a workspace opens on) has one.
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { countCommentsByIncident, listIncidents } from './queries.ts';
import { type IncidentRecord, incidentSchema } from './schema.ts';

/** Rows a preview holds: as many as the live list renders at first (use-incremental-rows.ts): a screenful and more. */
export const PREVIEW_ROWS = 50;

export const incidentsPreviewSchema = z.object({
  kind: z.literal('incidents'),
  /** How many incidents the doc has in all (the list says "showing 100 of N"). */
  total: z.number().int().nonnegative(),
  rows: z.array(z.object({ incident: incidentSchema, comments: z.number().int().nonnegative() })).max(PREVIEW_ROWS),
});
export type IncidentsPreview = z.infer<typeof incidentsPreviewSchema>;

/** The incidents list's first rows in its default order (listIncidents), with comment counts. */
export function incidentsPreview(doc: Y.Doc, limit = PREVIEW_ROWS): IncidentsPreview {
  const incidents = listIncidents(doc);
  const counts = countCommentsByIncident(doc);
  return {
    kind: 'incidents',
    total: incidents.length,
    rows: incidents.slice(0, limit).map((incident: IncidentRecord) => ({ incident, comments: counts.get(incident.id) ?? 0 })),
  };
}

/** Reads a stored preview; null for anything that does not parse (it is then simply not used). */
export function parseIncidentsPreview(json: string | null): IncidentsPreview | null {
  if (json === null) return null;
  try {
    const parsed = incidentsPreviewSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
