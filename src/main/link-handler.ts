/**
 * Carries out a driftdesk:// link (routed by deep-link-route.ts): a page of a workspace opens in
 * the right window; an invite asks before joining, then opens the workspace.
 */
import { BrowserWindow, dialog } from 'electron';
import { type HostHandlers, type WorkspaceConnection, dispatchHostCall } from '../shared/host-contract.ts';
import { routeDeepLink } from './deep-link-route.ts';
import type { DesktopWindows } from './desktop-windows.ts';

export function createLinkHandler({ windows, handlers }: { windows: DesktopWindows; handlers: HostHandlers }): (link: string) => void {
  const show = (hash: string) => {
    const route = routeDeepLink(`driftdesk://workspace/${hash.replace(/^#\/w\//, '')}`, windows.describe());
    if (route.kind === 'navigate') {
      const win = windows.byId(route.windowId);
      if (win) return windows.command(win, { kind: 'navigate', hash: route.hash });
    }
    void windows.open(hash);
  };

  const join = async (serverUrl: string, token: string) => {
    const parent = BrowserWindow.getFocusedWindow() ?? windows.current();
    const options = {
      type: 'question' as const,
      buttons: ['Join', 'Cancel'],
      defaultId: 0,
      cancelId: 1,
      message: `Join a workspace on ${serverUrl}?`,
      detail: 'This invite link carries a member token for that server. Join only if you expected an invite from this team.',
    };
    const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
    if (response !== 0) return;
    // Through the contract's validation, like a call from a window.
    const reply = await dispatchHostCall(handlers, 'workspaces.join', { serverUrl, token }, { id: 'main' });
    if (reply.kind === 'error') return dialog.showErrorBox('Could not join the workspace', reply.message);
    show(`#/w/${encodeURIComponent((reply.value as WorkspaceConnection).workspaceId)}/incidents`);
  };

  return (link) => {
    const route = routeDeepLink(link, windows.describe());
    switch (route.kind) {
      case 'navigate': {
        const win = windows.byId(route.windowId);
        if (win) windows.command(win, { kind: 'navigate', hash: route.hash });
        else void windows.open(route.hash);
        return;
      }
      case 'open-window':
        void windows.open(route.hash);
        return;
      case 'join':
        void join(route.serverUrl, route.token);
        return;
      case 'ignore':
        console.warn(`driftdesk: ${route.reason}`);
    }
  };
}
