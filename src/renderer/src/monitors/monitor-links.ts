/** Where a drift report's column links to: its history on the monitor's page (`?column=<name>`). */
export const columnHistoryHref = (workspaceId: string, monitorId: string) => (column: string) =>
  `#/w/${workspaceId}/monitors/${encodeURIComponent(monitorId)}?${new URLSearchParams([['column', column]]).toString()}`;
