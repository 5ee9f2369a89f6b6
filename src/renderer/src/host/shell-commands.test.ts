import { expect, it } from 'vitest';
import { runShellCommand } from './shell-commands';

it("moves to the app's own routes only", () => {
  const target = { location: { hash: '#/' }, navigator: { platform: 'Linux' }, dispatchEvent: () => true } as unknown as Window;
  expect(runShellCommand({ kind: 'navigate', hash: '#/w/ws_a/incidents/inc%201?view=board' }, target)).toBe(true);
  expect(target.location.hash).toBe('#/w/ws_a/incidents/inc%201?view=board');
  for (const hash of ['javascript:alert(1)', 'https://evil.example/#/w/x', '#/w/a b', '#/w/a\nb', '#/settings']) {
    expect(runShellCommand({ kind: 'navigate', hash }, target), hash).toBe(false);
  }
  expect(target.location.hash).toBe('#/w/ws_a/incidents/inc%201?view=board');
});
