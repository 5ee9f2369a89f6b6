import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { IncidentsScreen } from './incident-pages';
import { NotesScreen, WorkspaceScreen } from './pages';

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
const titlesNow = (page: Page) => new IncidentsScreen(page).listedTitles();

test('the incidents list is drawn from the kept preview before the doc is applied, and never from a stale one', async ({ launchApp }) => {
  const { page } = await launchApp('Ada');
  await recordFirstRows(page);
  // The workspaces page again, with the recorder in it (no workspace is open: nothing is kept).
  await page.reload();
  await page.getByRole('button', { name: /Demo · churn-model/ }).click();
  await expect(page.locator('table.incidents tbody tr').first()).toBeVisible();
  // The first open has no preview yet: its rows come from the applied doc.
  await expect.poll(async () => (await firstPaint(page))?.appliedBefore).toBe(true);
  const title = page.getByRole('heading', { name: 'Drift incidents' });

  // Once the app has kept one (shortly after opening, or as the page goes), a reopen draws it first.
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

  // A change elsewhere (a new note) moves the doc's version on: the same rows are kept again
  // under the new version (the keeper does not re-read the incidents for it) and drawn first.
  await new NotesScreen(page).create('Not about incidents');
  await page.getByRole('link', { name: 'Incidents', exact: true }).click();
  await expect(page.getByRole('link', { name: 'Fresh incident after the preview' })).toBeVisible();
  await expect.poll(async () => {
    await page.reload();
    await expect(title).toBeVisible();
    await expect(page.locator('table.incidents tbody tr').first()).toBeVisible();
    const paint = await firstPaint(page);
    return paint?.appliedBefore === false && paint.titles.includes('Fresh incident after the preview');
  }, { timeout: 20_000, intervals: [2500] }).toBe(true);
});
