/**
 * The app's routes live in the URL's hash: `#/w/<workspaceId>/<section>/<item>?<query>`. Plain
 * functions (no React), so boot.ts can read a route with the same rules as the app before the
 * app has loaded; hooks.ts wraps them for components.
 */

/** `#/w/<id>/incidents?view=board` → ['w', '<id>', 'incidents']. */
export function parseHashRoute(hash: string): string[] {
  return hash.replace(/^#\/?/, '').replace(/\?.*$/, '').split('/').filter(Boolean).map(safeDecode);
}

/** The query of a hash route (`#/w/<id>/incidents?view=board` → view=board). */
export function parseHashQuery(hash: string): URLSearchParams {
  return new URLSearchParams(/\?(.*)$/.exec(hash)?.[1] ?? '');
}

/** Whether a hash is a workspace's plain incidents list (no item, no query): the screen it opens on. */
export function isPlainIncidentsList(hash: string): boolean {
  const route = parseHashRoute(hash);
  return !hash.includes('?') && route[0] === 'w' && route.length >= 2 && route.length <= 3 && (route[2] ?? 'incidents') === 'incidents';
}

/** A typed or pasted hash with a broken escape (`%E0`) is taken as written rather than thrown on. */
function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
