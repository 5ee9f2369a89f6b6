/**
 * Where a `driftdesk://` link goes when the OS hands it to the app (second-instance argv on
 * Windows/Linux, open-url on macOS). Pure: index.ts carries out the route.
 *
 * - `driftdesk://workspace/<id>/<section>/<item>`: the window already showing that workspace
 *   (the one focused most recently, if several), else a window on the workspace list, else a
 *   new window — navigated to the page (src/shared/deep-link.ts maps link to route).
 * - `driftdesk://join?server=…&token=…`: an invite; main asks before joining.
 */
import { hashFromDeepLink, parseDeepLink } from '../shared/deep-link.ts';
import { parseInviteLink } from '../shared/host-contract.ts';

export interface OpenWindow {
  id: number;
  /** The page's URL, its hash is the route (`#/w/<id>/…` or `#/`). */
  url: string;
  /** When it last had focus (ms), for picking among several. */
  focusedAt: number;
}

export type LinkRoute =
  | { kind: 'navigate'; windowId: number; hash: string }
  | { kind: 'open-window'; hash: string }
  | { kind: 'join'; serverUrl: string; token: string }
  | { kind: 'ignore'; reason: string };

/** The link among command-line arguments (the OS appends it when it starts or re-launches the app). */
export function linkFromArgv(argv: readonly string[]): string | null {
  for (let i = argv.length - 1; i >= 0; i--) if (/^driftdesk:\/\//i.test(argv[i]!)) return argv[i]!;
  return null;
}

/** The workspace a window shows, from its URL's hash route; null on the workspace list. */
export function workspaceOfUrl(url: string): string | null {
  const hash = url.includes('#') ? url.slice(url.indexOf('#')) : '';
  const match = /^#\/w\/([^/?#]+)/.exec(hash);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

export function routeDeepLink(link: string, windows: readonly OpenWindow[]): LinkRoute {
  const invite = parseInviteLink(link);
  if (invite) return { kind: 'join', ...invite };
  const location = parseDeepLink(link);
  const hash = hashFromDeepLink(link);
  if (!location || !hash) return { kind: 'ignore', reason: `not a Driftdesk link: ${link.slice(0, 200)}` };
  const newest = (ws: readonly OpenWindow[]) => [...ws].sort((a, b) => b.focusedAt - a.focusedAt)[0];
  const target = newest(windows.filter((w) => workspaceOfUrl(w.url) === location.workspaceId)) ?? newest(windows.filter((w) => workspaceOfUrl(w.url) === null));
  return target ? { kind: 'navigate', windowId: target.id, hash } : { kind: 'open-window', hash };
}
