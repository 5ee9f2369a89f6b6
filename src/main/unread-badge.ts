/**
 * The dock/taskbar badge: unread mentions summed over the open windows. Each window reports its
 * workspace's count (the renderer's inbox, through `app.unreadMentions`); two windows on one
 * workspace count it once. Pure: index.ts applies the plan with app.setBadgeCount or an overlay icon.
 */

export type BadgePlan =
  /** macOS dock, Linux launchers that support it (Unity): a number. 0 clears it. */
  | { kind: 'count'; count: number }
  /** Windows taskbar: an overlay icon with a description for screen readers; null clears it. */
  | { kind: 'overlay'; description: string | null };

export class UnreadMentions {
  private readonly byWindow = new Map<string, { workspaceId: string; count: number }>();

  /**
   * Records a window's count (`workspaceId` null: the window shows no workspace now, and no
   * longer counts); answers whether the total changed.
   */
  set(windowId: string, workspaceId: string | null, count: number): boolean {
    if (workspaceId === null) return this.remove(windowId);
    const before = this.total();
    this.byWindow.set(windowId, { workspaceId, count });
    // Windows on one workspace show one inbox: the newest report is the count for all of them.
    for (const entry of this.byWindow.values()) if (entry.workspaceId === workspaceId) entry.count = count;
    return this.total() !== before;
  }

  /** A closed window no longer counts; answers whether the total changed. */
  remove(windowId: string): boolean {
    const before = this.total();
    this.byWindow.delete(windowId);
    return this.total() !== before;
  }

  /** Unread mentions over all workspaces open in some window, each workspace once. */
  total(): number {
    const perWorkspace = new Map<string, number>();
    for (const { workspaceId, count } of this.byWindow.values()) perWorkspace.set(workspaceId, count);
    let sum = 0;
    for (const n of perWorkspace.values()) sum += n;
    return sum;
  }
}

/** How to show `total` on `platform` (process.platform). */
export function badgePlan(platform: string, total: number): BadgePlan {
  if (platform === 'win32') {
    return { kind: 'overlay', description: total > 0 ? `${total} unread mention${total === 1 ? '' : 's'}` : null };
  }
  return { kind: 'count', count: total };
}
