/**
 * Tokens travel only in the subprotocol (issue 18): no URL the page requests or opens carries a
 * member's token, and the sync server's handshake answer does not echo it back.
 */
import { cli, expect, test } from './fixtures';
import { StartScreen, WorkspaceScreen } from './pages';

test('no member token in any URL the page requests, nor in the sync server\'s handshake answer', async ({ launchApp }) => {
  test.setTimeout(120_000);
  const ada = await launchApp('Ada');
  const start = new StartScreen(ada.page);
  const serverUrl = await start.localServerUrl();
  const workspaceId = await start.createWorkspace('Tokens', 'Ada');
  const { token } = cli('token', 'create', '--data', `${ada.dataDir}/server`, '--workspace', workspaceId, '--role', 'editor', '--name', 'Bob');

  const bob = await launchApp('Bob');
  const urls: string[] = [];
  const handshakes: { url: string; protocol: string | undefined; headers: string }[] = [];
  bob.page.on('request', (req) => urls.push(req.url()));
  bob.page.on('websocket', (ws) => urls.push(ws.url()));
  // Chromium's own record of each websocket handshake: what the server answered.
  const cdp = await bob.page.context().newCDPSession(bob.page);
  await cdp.send('Network.enable');
  const created = new Map<string, string>();
  cdp.on('Network.webSocketCreated', (e) => created.set(e.requestId, e.url));
  cdp.on('Network.webSocketHandshakeResponseReceived', (e) => {
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    handshakes.push({ url: created.get(e.requestId) ?? '', protocol: headers['sec-websocket-protocol'], headers: JSON.stringify(headers) });
  });

  await new StartScreen(bob.page).join(serverUrl, token!);
  const bobWs = new WorkspaceScreen(bob.page);
  await expect(bob.page.getByRole('heading', { name: 'Tokens' })).toBeVisible();
  await expect(bobWs.syncStatus()).toHaveAttribute('data-state', 'synced');
  await bobWs.createIncident({ title: 'Token check', severity: 'low' });
  await expect(new WorkspaceScreen(ada.page).incidentRow('Token check')).toBeVisible();

  const sync = handshakes.filter((h) => h.url.includes('/sync/'));
  expect(sync.length).toBeGreaterThan(0);
  for (const h of sync) {
    expect(h.protocol).toBe('driftdesk.v1');
    expect(h.headers).not.toContain(token!);
  }
  expect(urls.some((u) => u.includes('/sync/'))).toBe(true);
  expect(urls.filter((u) => u.includes(token!) || /[?&]token=/.test(u))).toEqual([]);
});
