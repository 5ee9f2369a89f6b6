/**
 * The desktop shell's requests to this window (see ShellCommand): a deep link or a recent
 * workspace picked from the menu moves the route; View › Command Palette opens the palette the
 * way Ctrl/Cmd+K does, so there is one way in (command-palette.tsx listens for the key).
 */
import type { HostApi, ShellCommand } from '../../../shared/host-contract';

/** Only the app's own routes: `#/` or `#/w/…`, no spaces or control characters. */
// eslint-disable-next-line no-control-regex
const ROUTE = /^#\/(w\/[^\s\u0000-\u001f]*)?$/;

export function runShellCommand(command: ShellCommand, target: Pick<Window, 'location' | 'navigator' | 'dispatchEvent'> = window): boolean {
  if (command.kind === 'navigate') {
    if (!ROUTE.test(command.hash)) return false;
    target.location.hash = command.hash;
    return true;
  }
  const mac = /Mac/.test(target.navigator.platform);
  target.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: !mac, metaKey: mac, bubbles: true, cancelable: true }));
  return true;
}

/** Runs the shell's commands as they come; returns the unsubscribe. */
export function listenShellCommands(host: HostApi): () => void {
  return host.on('shell.command', (command) => void runShellCommand(command));
}
