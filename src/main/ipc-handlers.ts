/**
 * The IPC surface of the main process: the shared host handlers (src/node/host-handlers.ts)
 * with the desktop-only ones put over them, and the one IPC entry point. Every call is checked
 * twice before a handler runs: the sender must be the top frame of our own page
 * (isTrustedSender), and the arguments must parse against the contract's zod schema for the
 * channel (dispatchHostCall). No Electron import: index.ts hands in what it needs.
 */
import { type HostHandlers, type HostReply, dispatchHostCall } from '../shared/host-contract.ts';
import { isTrustedSender } from './window-policy.ts';

/** What the desktop shell does for the handlers it overrides. */
export interface DesktopShell {
  /** Records one window's unread mentions; answers whether the OS shows a badge for them. */
  setUnreadMentions(windowId: string, workspaceId: string | null, count: number): boolean;
}

/**
 * The main process's handler table: every contract channel, the desktop shell's where it has
 * one. Typed as HostHandlers, so a channel added to the contract without a handler does not
 * compile (and ipc-handlers.test.ts checks the keys at run time too).
 */
export function desktopHandlers(base: HostHandlers, shell: DesktopShell): HostHandlers {
  return {
    ...base,
    'app.unreadMentions': async ({ workspaceId, count }, caller) => ({ badge: shell.setUnreadMentions(caller.id, workspaceId, count) }),
  };
}

/** Who sent an IPC message, as Electron's IpcMainInvokeEvent describes it. */
export interface IpcSender {
  /** webContents id of the window. */
  windowId: number;
  frame: { url: string; isMainFrame: boolean } | null | undefined;
}

/**
 * Answers one `driftdesk:host` invoke. Never throws: a bad sender or bad arguments come back as
 * an error reply naming the problem, and nothing runs.
 */
export async function handleHostInvoke(handlers: HostHandlers, sender: IpcSender, channel: unknown, req: unknown): Promise<HostReply> {
  if (!isTrustedSender(sender.frame)) {
    return { kind: 'error', message: `host calls come from the app's own page only (not ${sender.frame?.url ?? 'an unknown frame'})` };
  }
  return dispatchHostCall(handlers, channel, req, { id: windowCallerId(sender.windowId) });
}

/** The caller id of a window's host calls; host events for the window are attached under it. */
export function windowCallerId(webContentsId: number): string {
  return `window-${webContentsId}`;
}
