/**
 * "← Runs" from a run or a comparison goes back to the table as it was left (filter, sort,
 * grouping), not to a bare table: the runs page remembers its query for this tab.
 */
const key = (workspaceId: string) => `driftdesk.runs.query.${workspaceId}`;

export function rememberRunsQuery(workspaceId: string, query: string): void {
  try {
    sessionStorage.setItem(key(workspaceId), query);
  } catch {
    // Storage disabled: the link goes to the plain table.
  }
}

export function runsHref(workspaceId: string): string {
  let query = '';
  try {
    query = sessionStorage.getItem(key(workspaceId)) ?? '';
  } catch {
    query = '';
  }
  return `#/w/${workspaceId}/runs${query ? `?${query}` : ''}`;
}
