import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { WorkspaceScreen } from './pages';

/**
 * Opening a workspace draws the incidents list from the preview the host kept (list-preview.ts)
 * before the doc's cached state is applied — and only when that preview is of the doc as it is.
 */
interface FirstPaint {
  /** Whether the doc's cached state was applied when the first row reached the DOM. */
  appliedBefore: boolean;
  titles: string[];
}

async function recordFirstRows(page: Page): Promise<void> {
  await page.addInitScript(() => {
    new MutationObserver((_m, observer) => {
      const rows = [...document.querySelectorAll('table.incidents tbody tr:not(.more-rows)')];
      if (rows.length === 0) return;
      observer.disconnect();
      (window as { __firstPaint?: FirstPaint }).__firstPaint = {
        appliedBefore: performance.getEntriesByName('driftdesk:cache-applied').length > 0,
        titles: rows.map((r) => r.querySelector('td:nth-child(2)')?.textContent ?? ''),
      };
    }).observe(document, { childList: true, subtree: true });
  });
}

const firstPaint = (page: Page) => page.evaluate(() => (window as { __firstPaint?: FirstPaint }).__firstPaint);
const titlesNow = (page: Page) => page.locator('table.incidents tbody tr:not(.more-rows) td:nth-child(2)').allTextContents();

test('the incidents list is drawn from the kept preview before the doc is applied, and never from a stale one', async ({ launchApp }) => {
  const { page } = await launchApp('Ada');
  await recordFirstRows(page);
  await page.getByRole('button', { name: /Demo · churn-model/ }).click();
  await expect(page.locator('table.incidents tbody tr').first()).toBeVisible();
  // The first open has no preview yet: its rows come from the applied doc.
  await page.reload();
  await expect.poll(async () => (await firstPaint(page))?.appliedBefore).toBe(true);
  const title = page.getByRole('heading', { name: 'Drift incidents' });

  // Once the app has kept one (a couple of seconds after opening), a reopen draws it first.
  await expect.poll(async () => {
    await page.reload();
    await expect(title).toBeVisible();
    await expect(page.locator('table.incidents tbody tr').first()).toBeVisible();
    return (await firstPaint(page))?.appliedBefore;
  }, { timeout: 20_000, intervals: [2500] }).toBe(false);
  const drawn = (await firstPaint(page))!.titles;
  await expect.poll(() => titlesNow(page)).toEqual(drawn);
  expect(drawn.length).toBeGreaterThan(0);

  // An edit makes the kept preview stale: the next open does not use it, and shows the edit.
  await new WorkspaceScreen(page).createIncident({ title: 'Fresh incident after the preview', severity: 'critical' });
  await expect(page.getByRole('heading', { name: 'Fresh incident after the preview' })).toBeVisible();
  await page.goBack();
  await page.reload();
  await expect(page.getByRole('link', { name: 'Fresh incident after the preview' })).toBeVisible();
  const afterEdit = await firstPaint(page);
  expect(afterEdit?.titles.includes('Fresh incident after the preview') || afterEdit?.appliedBefore).toBe(true);
});

test('a page opened on a workspace takes its first answers from the boot socket and asks for nothing twice', async ({ launchApp, appKind }) => {
  test.skip(appKind === 'electron', 'the desktop app talks to its host over IPC; boot.ts opens no socket there');
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
  const workspaceId = /#\/w\/([^/]+)/.exec(page.url())![1]!;
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

test('a reopen paints the last screen before the app has loaded (the splash), and the app takes it over', async ({ launchApp, appKind }) => {
  test.skip(appKind === 'electron', 'the splash is drawn from the boot socket of browser mode');
  const { page } = await launchApp('Ada');
  await page.getByRole('button', { name: /Demo · churn-model/ }).click();
  await expect(page.locator('#root table.incidents tbody tr').first()).toBeVisible();
  const workspaceId = /#\/w\/([^/]+)/.exec(page.url())![1]!;
  // The app keeps the screen shortly after it shows the list drawn from the doc.
  await expect.poll(async () => ((await hostCall(page, 'cache.preview', { docId: workspaceId, list: 'splash' })).value as { json: string | null }).json, { timeout: 10_000 }).not.toBeNull();
  const liveTitles = await titlesNow(page);

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
  await expect.poll(() => titlesNow(page)).toEqual(liveTitles);
  // The app's own screen is there and works.
  await page.getByRole('link', { name: liveTitles[0]! }).click();
  await expect(page.getByRole('heading', { name: liveTitles[0]! })).toBeVisible();
});

test('a kept screen is drawn as structure and text only: no script, handler, foreign link or unknown element survives', async ({ launchApp, appKind }) => {
  test.skip(appKind === 'electron', 'the splash is drawn from the boot socket of browser mode');
  const { page } = await launchApp('Ada');
  await page.getByRole('button', { name: /Demo · churn-model/ }).click();
  await expect(page.locator('#root table.incidents tbody tr').first()).toBeVisible();
  const workspaceId = /#\/w\/([^/]+)/.exec(page.url())![1]!;
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
