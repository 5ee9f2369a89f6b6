import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, expect, repoRoot, test } from './fixtures';
import { StartScreen } from './pages';

/** Seattle weather 2012 and 2015 (vega-datasets): a real pair that drifts. */
function seattleYear(dir: string, year: string): string {
  const lines = readFileSync(join(repoRoot, 'node_modules/vega-datasets/data/seattle-weather.csv'), 'utf8').trim().split('\n');
  const path = join(dir, `seattle-${year}.csv`);
  writeFileSync(path, [lines[0], ...lines.slice(1).filter((l) => l.startsWith(year))].join('\n') + '\n');
  return path;
}

test('versions added by file picker and by dropping files; a teammate without the files runs the exact comparison', async ({ launchApp }) => {
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-e2e-share-'));
  try {
    const [y2012, y2015] = [seattleYear(dir, '2012'), seattleYear(dir, '2015')];
    const ada = await launchApp('Ada');
    const start = new StartScreen(ada.page);
    const serverUrl = await start.localServerUrl();
    const workspaceId = await start.createWorkspace('Weather model', 'Ada');
    const page = ada.page;
    await page.getByRole('link', { name: 'Datasets' }).click();
    const add = page.getByRole('form', { name: 'Add a dataset version' });

    // The file picker: the page hands the bytes to its host, which profiles and shares them.
    await add.getByLabel('Choose data files').setInputFiles(y2012);
    await expect(add.getByRole('status').filter({ hasText: 'Added' })).toContainText(
      'Added seattle-2012.csv: 366 rows, 6 columns. The file is shared with the team', { timeout: 30_000 });

    // Dropped anywhere on the page, as a browser hands over a file from the desktop.
    const text = readFileSync(y2015, 'utf8');
    await page.evaluate(([name, body]) => {
      const data = new DataTransfer();
      data.items.add(new File([body!], name!, { type: 'text/csv' }));
      const target = document.querySelector('h2') ?? document.body;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, ['seattle-2015.csv', text]);
    await expect(add.getByRole('status').filter({ hasText: 'Added' })).toContainText('Added seattle-2015.csv: 365 rows, 6 columns', { timeout: 30_000 });
    await expect(page.getByRole('table', { name: 'Dataset versions' }).getByRole('row')).toHaveCount(3);

    // Bob, an editor on another machine: neither file is there; both come from the blob store.
    const token = cli('token', 'create', '--data', join(ada.dataDir, 'server'), '--workspace', workspaceId, '--role', 'editor', '--name', 'Bob').token!;
    const bob = await launchApp('Bob');
    await new StartScreen(bob.page).join(serverUrl, token);
    await bob.page.getByRole('link', { name: 'Datasets' }).click();
    const compare = bob.page.getByRole('form', { name: 'Compare two versions' });
    for (const [field, file] of [['Reference', 'seattle-2012'], ['Current', 'seattle-2015']] as const) {
      const select = compare.getByLabel(field);
      const option = select.locator('option', { hasText: file });
      await expect(option).toContainText('file downloads from the team');
      await select.selectOption((await option.getAttribute('value'))!);
    }
    await compare.getByRole('button', { name: 'Compare' }).click();
    // The proposed column mapping leaves the date (the timestamp) out, as monitors do.
    await expect(bob.page.getByTestId('drift-verdict')).toContainText('Dataset drift: 3 of 5 columns drifted', { timeout: 30_000 });
    await expect(bob.page.getByText('Not tested: date (the timestamp column (column mapping): not tested for drift)')).toBeVisible();
    // The exact comparison, not the profiles': KS on temp_max, and no "compared on profiles" note.
    await expect(bob.page.getByRole('table', { name: 'Drift by column' }).getByRole('row', { name: /temp_max numerical ks/ })).toContainText('drift');
    await expect(bob.page.getByTestId('drift-basis')).toHaveCount(0);
    await bob.page.screenshot({ path: join(repoRoot, 'test-results', 'screens', 'teammate-comparison.png'), fullPage: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
