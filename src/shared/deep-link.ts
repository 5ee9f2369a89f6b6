/**
 * Deep links: `driftdesk://workspace/<workspaceId>/<section>/<itemId>?<query>` names a page of a
 * workspace outside the app (a chat message, a ticket), and maps one to one onto the
 * renderer's hash route `#/w/<workspaceId>/<section>/<itemId>?<query>`. Section, item and query
 * are optional; the query is how a page is shown (`view=board&severity=critical`).
 *
 * Both directions are pure and total: text that is not a well-formed link or route gives null,
 * never an exception, because it comes from a paste. Path segments are percent-encoded the way
 * `navigate()` encodes them, so an item id with any character survives the round trip.
 */

/** The pages of a workspace a link may name. A new page adds its section here. */
export const LINK_SECTIONS = ['incidents', 'datasets', 'comparisons', 'runs', 'compare', 'models', 'model-versions', 'handoffs', 'notes', 'notebooks', 'members', 'history', 'inbox'] as const;
export type LinkSection = (typeof LINK_SECTIONS)[number];

export interface WorkspaceLocation {
  workspaceId: string;
  section?: LinkSection;
  itemId?: string;
  /** URL-encoded `name=value&…`, without the `?`. */
  query?: string;
}

const WORKSPACE_ID = /^[A-Za-z0-9_-]{1,128}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** What URLSearchParams writes: nothing that could end the query or break out of a URL. */
const QUERY = /^[A-Za-z0-9_.~%=&+*-]{1,500}$/;

/** The deep link of a hash route (`#/w/…`), or null when the route is not a workspace page. */
export function deepLinkFromHash(hash: string): string | null {
  const match = /^#?\/?w\/(.*)$/.exec(hash.trim());
  const location = match ? parsePath(match[1]!) : null;
  return location ? `driftdesk://workspace/${pathOf(location)}` : null;
}

/** The hash route of a deep link, or null when the text is not one. */
export function hashFromDeepLink(text: string): string | null {
  const location = parseDeepLink(text);
  return location ? `#/w/${pathOf(location)}` : null;
}

/** Reads a deep link; null when the text is not one (wrong scheme, unknown section, bad id, junk). */
export function parseDeepLink(text: string): WorkspaceLocation | null {
  const match = /^driftdesk:\/\/workspace\/(.*)$/i.exec(text.trim());
  return match ? parsePath(match[1]!) : null;
}

/** The route of the page that shows one searchable entity (a comment shows on its target's page). */
export function entityLocation(
  workspaceId: string,
  kind: 'incident' | 'run' | 'datasetVersion' | 'note' | 'model' | 'modelVersion' | 'handoff' | 'notebook',
  id: string,
): WorkspaceLocation {
  const section = ({ incident: 'incidents', run: 'runs', datasetVersion: 'datasets', note: 'notes', model: 'models', modelVersion: 'model-versions', handoff: 'handoffs', notebook: 'notebooks' } as const)[kind];
  return { workspaceId, section, itemId: id };
}

/** `#/w/<id>/<section>/<item>` for a location. */
export function hashOf(location: WorkspaceLocation): string {
  return `#/w/${pathOf(location)}`;
}

function pathOf({ workspaceId, section, itemId, query }: WorkspaceLocation): string {
  const path = [workspaceId, ...(section ? [section] : []), ...(section && itemId ? [itemId] : [])].map(encodeURIComponent).join('/');
  return query ? `${path}?${query}` : path;
}

function parsePath(pathAndQuery: string): WorkspaceLocation | null {
  const [path = '', query = '', ...more] = pathAndQuery.split('?');
  if (more.length > 0 || (query !== '' && (!QUERY.test(query) || safeDecode(query) === null))) return null;
  const parts = path.replace(/\/$/, '').split('/');
  if (parts.length < 1 || parts.length > 3) return null;
  const decoded = parts.map(safeDecode);
  if (decoded.some((p) => p === null || p === '' || p.length > 200 || CONTROL.test(p))) return null;
  const [workspaceId, section, itemId] = decoded as string[];
  if (!WORKSPACE_ID.test(workspaceId!)) return null;
  if (section !== undefined && !(LINK_SECTIONS as readonly string[]).includes(section)) return null;
  return { workspaceId: workspaceId!, ...(section ? { section: section as LinkSection } : {}), ...(itemId ? { itemId } : {}), ...(query ? { query } : {}) };
}

function safeDecode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}
