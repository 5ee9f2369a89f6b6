/**
 * Browser mode only (the `electron` project leaves `*.web.spec.ts` out, see playwright.config.ts):
 * the page's boot socket, answered unasked by the web host, and the splash boot.ts draws from it
 * (src/renderer/src/boot.ts). The desktop app talks to its host over IPC and has neither.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { IncidentsScreen } from './incident-pages';
import { WorkspaceScreen, workspaceIdFrom } from './pages';

/** Ada opens the demo workspace; its incidents list, drawn by the app, is on screen. */
async function openDemo(launchApp: (name: string) => Promise<{ page: Page }>): Promise<{ page: Page; workspaceId: string }> {
  const { page } = await launchApp('Ada');
  await page.getByRole('button', { name: /Demo · churn-model/ }).click();
  await expect(page.locator('#root table.incidents tbody tr').first()).toBeVisible();
  return { page, workspaceId: workspaceIdFrom(page) };
}

test('a page opened on a workspace takes its first answers from the boot socket and asks for nothing twice', async ({ launchApp }) => {
  const { page } = await launchApp('Ada');
  await page.addInitScript(() => {
    const w = window as unknown as { __hostSockets: string[]; __hostSent: string[] };
    w.__hostSockets = [];
    w.__hostSent = [];
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        if (new URL(String(url)).pathname === '/host') w.__hostSockets.push(String(url));
      }
      override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
        if (typeof data === 'string') w.__hostSent.push(/"channel":"([^"]+)"/.exec(data)?.[1] ?? '?');
        super.send(data);
      }
    };
  });
  await page.getByRole('button', { name: /Demo · churn-model/ }).click();
  await expect(page.locator('table.incidents tbody tr').first()).toBeVisible();
  const workspaceId = workspaceIdFrom(page);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Drift incidents' })).toBeVisible();
  await expect(page.locator('table.incidents tbody tr').first()).toBeVisible();
  const { sockets, sent } = await page.evaluate(() => {
    const w = window as unknown as { __hostSockets: string[]; __hostSent: string[] };
    return { sockets: w.__hostSockets, sent: w.__hostSent };
  });
  // One socket, opened by boot.ts with the workspace; the app took it over and its answers.
  expect(sockets).toEqual([expect.stringMatching(new RegExp(`/host\\?boot=${workspaceId}$`))]);
  expect(sent).toContain('cache.load');
  expect(sent).not.toContain('workspaces.open');
  expect(sent).not.toContain('cache.preview');

  // Opening another workspace from the same page asks the usual way; a workspace this machine
  // does not have gets the host's reason, from the boot answer as from a call.
  await page.goto(page.url().replace(/#\/w\/.*$/, '#/w/not-on-this-machine/incidents'));
  await expect(page.getByRole('alert')).toContainText('workspace not-on-this-machine is not on this machine');
  await page.getByRole('button', { name: 'Back to workspaces' }).click();
  await page.getByRole('button', { name: /Demo · churn-model/ }).click();
  await expect(page.locator('table.incidents tbody tr').first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __hostSent: string[] }).__hostSent)).toContain('workspaces.open');
});

/** Calls the page's host over a socket of its own (the page's origin), as the app would. */
function hostCall(page: Page, channel: string, req: unknown): Promise<{ kind: string; value?: unknown; message?: string }> {
  return page.evaluate(
    ({ channel, req }) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://${location.host}/host`);
        ws.binaryType = 'arraybuffer';
        ws.onerror = () => reject(new Error('no host socket'));
        ws.onopen = () => ws.send(JSON.stringify({ id: 1, channel, req }));
        ws.onmessage = (e) => {
          // A reply with bytes is a binary frame (wire-json.ts): u32 length, then its JSON; the bytes are not needed here.
          const text = typeof e.data === 'string' ? e.data : new TextDecoder().decode(new Uint8Array(e.data as ArrayBuffer, 4, new DataView(e.data as ArrayBuffer).getUint32(0, true)));
          const msg = JSON.parse(text) as { id?: number; reply?: unknown };
          if (msg.id !== 1) return;
          ws.close();
          resolve(msg.reply as never);
        };
      }),
    { channel, req },
  );
}

test('a reopen paints the last screen before the app has loaded (the splash), and the app takes it over', async ({ launchApp }) => {
  const { page, workspaceId } = await openDemo(launchApp);
  // The app keeps the screen shortly after it shows the list drawn from the doc.
  await expect.poll(async () => ((await hostCall(page, 'cache.preview', { docId: workspaceId, list: 'splash' })).value as { json: string | null }).json, { timeout: 10_000 }).not.toBeNull();
  const liveTitles = await new IncidentsScreen(page).listedTitles();

  await page.addInitScript(() => {
    new MutationObserver((_m, observer) => {
      const row = document.querySelector('table.incidents tbody tr');
      if (!row) return;
      observer.disconnect();
      const splash = document.getElementById('splash');
      (window as { __firstRows?: unknown }).__firstRows = {
        inSplash: splash?.contains(row) ?? false,
        inert: splash?.inert ?? false,
        hidden: splash?.getAttribute('aria-hidden'),
        appStarted: document.querySelector('#root .shell') !== null,
        // What is only true now (presence, sync state) is never part of a kept screen.
        liveParts: splash?.querySelectorAll('.presence, .sync').length ?? -1,
        sidebar: splash?.querySelector('.sidebar h1')?.textContent ?? null,
        titles: [...(splash ?? document).querySelectorAll('table.incidents tbody tr:not(.more-rows) td:nth-child(2)')].map((td) => td.textContent),
      };
    }).observe(document, { childList: true, subtree: true });
  });
  type FirstRows = { inSplash: boolean; inert: boolean; hidden: string | null; appStarted: boolean; liveParts: number; sidebar: string | null; titles: string[] };
  // boot.ts waits 250 ms at most for the host: on a busy machine a reload may open without the
  // splash (the app draws the kept rows instead), so reload until one opens with it.
  let first: FirstRows | undefined;
  await expect(async () => {
    await page.reload();
    await expect(page.locator('#root table.incidents tbody tr').first()).toBeVisible();
    await expect(page.locator('#splash')).toHaveCount(0);
    first = await page.evaluate(() => (window as { __firstRows?: FirstRows }).__firstRows);
    expect(first?.inSplash).toBe(true);
  }).toPass({ timeout: 40_000 });
  expect(first).toMatchObject({ inSplash: true, inert: true, hidden: 'true', appStarted: false, liveParts: 0, sidebar: 'Demo · churn-model' });
  expect(first!.titles).toEqual(liveTitles);
  await expect.poll(() => new IncidentsScreen(page).listedTitles()).toEqual(liveTitles);
  // The app's own screen is there and works.
  await page.getByRole('link', { name: liveTitles[0]! }).click();
  await expect(page.getByRole('heading', { name: liveTitles[0]! })).toBeVisible();
});

test('a kept screen is drawn as structure and text only: no script, handler, foreign link or unknown element survives', async ({ launchApp }) => {
  const { page, workspaceId } = await openDemo(launchApp);
  const hostile = [
    'div', { class: 'shell', onclick: 'window.__pwned = 1', style: 'background: red' },
    ['script', 0, 'window.__pwned = 2'],
    ['img', { src: 'x', onerror: 'window.__pwned = 3' }],
    ['a', { href: 'javascript:window.__pwned = 4' }, 'bad link'],
    ['a', { href: '#/w/x/incidents' }, 'good link'],
    ['p', 0, '<img src=x onerror="window.__pwned = 5">'],
    ['svg', 0, ['script', 0, 'window.__pwned = 6']],
    ['iframe', { srcdoc: '<script>parent.__pwned = 7</script>' }],
    ['table', { class: 'incidents' }, ['tbody', 0, ['tr', 0, ['td', { colspan: '2', onmouseover: 'x' }, 'row']]]],
  ];
  // Keep it at the doc's current version (else the host would not serve it), and keep the app
  // from starting on the reload, so it cannot replace it with its own. The app that was open may
  // still save (the doc moves on and the planted screen is stale), and a busy machine may answer
  // after boot.ts stopped waiting: both mean no splash, so plant and reload until it is drawn.
  await page.route('**/assets/start-app-*.js', (route) => route.abort());
  const splash = page.locator('#splash');
  await expect(async () => {
    const { value } = await hostCall(page, 'cache.load', { docId: workspaceId });
    const saved = await hostCall(page, 'cache.savePreview', { docId: workspaceId, list: 'splash', version: (value as { version: number }).version, json: JSON.stringify(hostile) });
    expect(saved).toEqual({ kind: 'ok', value: { saved: true } });
    await page.reload();
    await expect(splash).toHaveCount(1, { timeout: 2000 });
  }).toPass({ timeout: 40_000 });
  expect(await splash.evaluate((el) => el.innerHTML)).toBe(
    '<div class="shell"><a>bad link</a><a href="#/w/x/incidents">good link</a><p>&lt;img src=x onerror="window.__pwned = 5"&gt;</p>' +
      '<table class="incidents"><tbody><tr><td colspan="2">row</td></tr></tbody></table></div>',
  );
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
  // The next route is another screen: the splash goes with the hash change.
  await page.evaluate(() => (location.hash = '#/'));
  await expect(splash).toHaveCount(0);
});

test('a page closed right after an edit leaves that screen kept for the next start', async ({ launchApp }) => {
  const { page, workspaceId } = await openDemo(launchApp);
  const kept = async (probe: Page, list: 'incidents' | 'splash') => ((await hostCall(probe, 'cache.preview', { docId: workspaceId, list })).value as { json: string | null }).json;
  await expect.poll(() => kept(page, 'splash'), { timeout: 10_000 }).not.toBeNull();
  const context = page.context();
  const url = page.url();
  // A page of the same origin that cannot start the app: it only asks the host what is kept.
  const probe = async () => {
    const p = await context.newPage();
    await p.route('**/assets/start-app-*.js', (route) => route.abort());
    await p.goto(url);
    return p;
  };

  // 1. An incident made, its save in, and the page closed as soon as the list is back on screen:
  //    the keeper rewrites the preview 2 s after a save or 300 ms after the list comes back, so
  //    only the close can have kept this screen.
  await new WorkspaceScreen(page).createIncident({ title: 'Closed right after', severity: 'low' });
  await expect(page.getByRole('heading', { name: 'Closed right after' })).toBeVisible();
  await page.waitForTimeout(300);
  await page.getByRole('link', { name: 'Incidents', exact: true }).click();
  await expect(page.locator('#root table.incidents tbody tr').filter({ hasText: 'Closed right after' })).toBeVisible();
  await page.close({ runBeforeUnload: true });
  let p = await probe();
  await expect.poll(() => kept(p, 'incidents')).toContain('Closed right after');
  expect(await kept(p, 'splash')).toContain('Closed right after');

  // 2. An edit the page has not saved yet (closed at once): the edit and the list drawn with it go
  //    in one message; the screen, a change behind what React may have drawn, is not kept.
  await p.close();
  const second = await context.newPage();
  await second.goto(url);
  await expect(second.locator('#root table.incidents tbody tr').first()).toBeVisible();
  await new WorkspaceScreen(second).createIncident({ title: 'Closed at once', severity: 'high' });
  await second.close({ runBeforeUnload: true });
  p = await probe();
  await expect.poll(() => kept(p, 'incidents')).toContain('Closed at once');
  expect(await kept(p, 'splash')).toBeNull();
  // And the edit itself is on this device: the app, started again, lists it.
  await p.close();
  const third = await context.newPage();
  await third.goto(url);
  await expect(third.locator('#root table.incidents tbody tr').filter({ hasText: 'Closed at once' })).toBeVisible();
});
