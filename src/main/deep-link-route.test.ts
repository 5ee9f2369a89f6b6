import { describe, expect, it } from 'vitest';
import { linkFromArgv, routeDeepLink, workspaceOfUrl } from './deep-link-route.ts';

const win = (id: number, hash: string, focusedAt: number) => ({ id, url: `app://driftdesk/index.html${hash}`, focusedAt });

describe('deep link routing', () => {
  it('finds the link among the arguments a second instance was started with', () => {
    expect(linkFromArgv(['/usr/bin/driftdesk', '--no-sandbox', 'driftdesk://workspace/ws_a/incidents/inc_1'])).toBe('driftdesk://workspace/ws_a/incidents/inc_1');
    expect(linkFromArgv(['/Applications/Driftdesk.app', '.'])).toBeNull();
  });

  it('reads the workspace a window shows from its route', () => {
    expect(workspaceOfUrl('app://driftdesk/index.html#/w/ws%5Fa/runs')).toBe('ws_a');
    expect(workspaceOfUrl('app://driftdesk/index.html#/')).toBeNull();
    expect(workspaceOfUrl('app://driftdesk/index.html')).toBeNull();
  });

  it('navigates the window already on that workspace, the most recently focused one', () => {
    const windows = [win(1, '#/w/ws_a/incidents', 10), win(2, '#/w/ws_b/runs', 30), win(3, '#/w/ws_a/runs', 20)];
    expect(routeDeepLink('driftdesk://workspace/ws_a/incidents/inc%201?view=board', windows)).toEqual({ kind: 'navigate', windowId: 3, hash: '#/w/ws_a/incidents/inc%201?view=board' });
  });

  it('else a window on the workspace list, else a new window', () => {
    expect(routeDeepLink('driftdesk://workspace/ws_c', [win(1, '#/w/ws_a', 10), win(2, '#/', 5)])).toEqual({ kind: 'navigate', windowId: 2, hash: '#/w/ws_c' });
    expect(routeDeepLink('driftdesk://workspace/ws_c/runs/r1', [win(1, '#/w/ws_a', 10)])).toEqual({ kind: 'open-window', hash: '#/w/ws_c/runs/r1' });
    expect(routeDeepLink('driftdesk://workspace/ws_c', [])).toEqual({ kind: 'open-window', hash: '#/w/ws_c' });
  });

  it('hands invites to the join flow and ignores anything else', () => {
    expect(routeDeepLink('driftdesk://join?server=http%3A%2F%2F10.0.0.2%3A4455&token=ddt_abc', [])).toEqual({ kind: 'join', serverUrl: 'http://10.0.0.2:4455', token: 'ddt_abc' });
    for (const bad of ['driftdesk://workspace/../etc', 'driftdesk://workspace/ws_a/settings', 'driftdesk://evil', 'https://example.com', 'driftdesk://workspace/ws_a?x=<script>']) {
      expect(routeDeepLink(bad, [win(1, '#/', 1)]).kind, bad).toBe('ignore');
    }
  });
});
