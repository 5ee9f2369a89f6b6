import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, expect, repoRoot, test } from './fixtures';
import { StartScreen } from './pages';

/** Seattle weather 2012 vs 2015 (vega-datasets): a real pair that drifts. */
function seattleSplits(dir: string): Record<'y2012' | 'y2015', string> {
  const lines = readFileSync(join(repoRoot, 'node_modules/vega-datasets/data/seattle-weather.csv'), 'utf8').trim().split('\n');
  const out = {} as Record<'y2012' | 'y2015', string>;
  for (const year of ['2012', '2015'] as const) {
    const path = join(dir, `seattle-${year}.csv`);
    writeFileSync(path, [lines[0], ...lines.slice(1).filter((l) => l.startsWith(year))].join('\n') + '\n');
    out[`y${year}`] = path;
  }
  return out;
}

test('add dataset versions, compare them, and a teammate sees profile and drift', async ({ launchApp }) => {
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-e2e-data-'));
  try {
    const files = seattleSplits(dir);
    const ada = await launchApp('Ada');
    const start = new StartScreen(ada.page);
    const serverUrl = await start.localServerUrl();
    const workspaceId = await start.createWorkspace('Weather model', 'Ada');
    const page = ada.page;
    await page.getByRole('link', { name: 'Datasets' }).click();
    await expect(page.getByText('No dataset versions yet')).toBeVisible();

    const add = page.getByRole('form', { name: 'Add a dataset version' });
    await add.getByLabel('File on this machine').fill(join(dir, 'missing.csv'));
    await add.getByRole('button', { name: 'Profile and add' }).click();
    await expect(add.getByRole('alert')).toContainText('missing.csv: no such file');

    for (const path of [files.y2012, files.y2015]) {
      await add.getByLabel('File on this machine').fill(path);
      await add.getByLabel('Dataset').fill('seattle-weather');
      await add.getByRole('button', { name: 'Profile and add' }).click();
      await expect(add.getByRole('status').filter({ hasText: 'Added' })).toContainText(/rows, 6 columns/, { timeout: 30_000 });
    }
    const versions = page.getByRole('table', { name: 'Dataset versions' });
    await expect(versions.getByRole('row')).toHaveCount(3);
    await expect(versions).toContainText('366');
    await expect(versions).toContainText('by Ada');

    const compare = page.getByRole('form', { name: 'Compare two versions' });
    for (const [field, file] of [['Reference', 'seattle-2012'], ['Current', 'seattle-2015']] as const) {
      const select = compare.getByLabel(field);
      await select.selectOption((await select.locator('option', { hasText: file }).getAttribute('value'))!);
    }
    // The column mapping monitors take is proposed from the reference's columns: the date is a
    // timestamp, never tested. Cleared here, to see the date column tested and binned by period.
    const mapping = compare.locator('details.compare-mapping');
    await expect(mapping.locator('summary')).toContainText('Column mapping: timestamp date (not tested)');
    await mapping.locator('summary').click();
    await mapping.getByLabel('Timestamp').selectOption('');
    await expect(mapping.locator('summary')).toContainText('every column is tested');
    await compare.getByRole('button', { name: 'Compare' }).click();
    await expect(page.getByTestId('drift-verdict')).toContainText('Dataset drift: 4 of 6 columns drifted', { timeout: 30_000 });
    await expect(page.getByRole('region', { name: 'What changed' })).toContainText('Rows: 366 → 365 (-1)');
    await expect(page.getByRole('table', { name: 'Statistics that changed' })).toContainText('temp_max');
    const table = page.getByRole('table', { name: 'Drift by column' });
    await expect(table.getByRole('row', { name: /weather categorical chisquare/ })).toContainText('drift');
    await expect(page.getByRole('figure', { name: 'Reference and current distribution of temp_max' })).toBeVisible();
    // Every category of a categorical column is labelled (it was 3 labels for 5 bars).
    const weather = page.getByRole('figure', { name: 'Reference and current distribution of weather' });
    await weather.scrollIntoViewIfNeeded();
    // Each tick's text holds a <title> with the full name and the (possibly cut) label.
    await expect.poll(async () => (await weather.locator('svg text > title').allTextContents()).sort())
      .toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun']);
    // A date column is binned by calendar period (quarters over 2012–2015) and both sides are
    // drawn: as categories, the two years shared no value and only the reference had bars.
    const dates = page.getByRole('figure', { name: 'Reference and current distribution of date' });
    await dates.scrollIntoViewIfNeeded();
    await expect(dates).toContainText('2012Q1');
    for (const side of [0, 1]) {
      await expect.poll(() => dates.locator('.recharts-bar').nth(side).locator('path.recharts-rectangle').count()).toBeGreaterThanOrEqual(4);
    }
    await expect(dates.locator('.recharts-legend-wrapper')).toContainText('current');
    await page.screenshot({ path: join(repoRoot, 'test-results', 'screens', 'drift-report.png'), fullPage: true });

    // With the proposed mapping, the date is left out and said so; the other columns score as before.
    await page.getByRole('link', { name: 'Datasets', exact: true }).click();
    for (const [field, file] of [['Reference', 'seattle-2012'], ['Current', 'seattle-2015']] as const) {
      const select = compare.getByLabel(field);
      await select.selectOption((await select.locator('option', { hasText: file }).getAttribute('value'))!);
    }
    await expect(mapping.locator('summary')).toContainText('timestamp date (not tested)');
    await compare.getByRole('button', { name: 'Compare' }).click();
    await expect(page.getByTestId('drift-verdict')).toContainText('of 5 columns drifted', { timeout: 30_000 });
    await expect(page.getByText('Not tested: date (the timestamp column (column mapping): not tested for drift)')).toBeVisible();
    await expect(page.getByRole('table', { name: 'Drift by column' }).getByRole('row', { name: /weather categorical chisquare/ })).toContainText('drift');

    // A teammate on another machine: the profile and report come from the server's blob store.
    const token = cli('token', 'create', '--data', join(ada.dataDir, 'server'), '--workspace', workspaceId, '--role', 'viewer', '--name', 'Bob').token!;
    const bob = await launchApp('Bob');
    await new StartScreen(bob.page).join(serverUrl, token);
    await bob.page.getByRole('link', { name: 'Datasets' }).click();
    await bob.page.getByRole('link', { name: 'seattle-2012.csv', exact: true }).click();
    await expect(bob.page.getByRole('region', { name: 'Column temp_max' })).toContainText('mean');
    await expect(bob.page.getByRole('figure', { name: 'Histogram of temp_max' })).toBeVisible();
    await expect(bob.page.getByRole('figure', { name: 'Most frequent values of weather' })).toBeVisible();
    await bob.page.getByRole('link', { name: '← Datasets' }).click();
    await bob.page.getByRole('row').filter({ hasText: '4 of 6' }).getByRole('link', { name: /seattle-2012.csv → seattle-2015.csv/ }).click();
    await expect(bob.page.getByTestId('drift-verdict')).toContainText('4 of 6 columns drifted');
    await expect(bob.page.getByRole('form', { name: 'Add a dataset version' })).toHaveCount(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
