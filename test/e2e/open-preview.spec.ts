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
  test.skip(appKind === 'electron', 'the desktop app talks to its host over IPC; boot.js opens no socket there');
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
  // One socket, opened by boot.js with the workspace; the app took it over and its answers.
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
