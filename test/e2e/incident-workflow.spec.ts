import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, repoRoot, test } from './fixtures';
import { IncidentScreen, IncidentsScreen } from './incident-pages';
import { StartScreen, WorkspaceScreen } from './pages';

const SCREENS = join(repoRoot, 'test-results', 'screens');

async function invite(page: Page, name: string, role: string): Promise<string> {
  await page.getByRole('link', { name: 'Members' }).click();
  const form = page.getByRole('form', { name: 'Invite someone' });
  await form.getByLabel('Their name').fill(name);
  await form.getByLabel('Role').selectOption(role);
  await form.getByRole('button', { name: 'Create invite' }).click();
  return form.getByLabel(/Invite link/).inputValue();
}

test('two members work an incident: assign, acknowledge from the board, threads, reactions, the workflow, filters', async ({ launchApp }) => {
  test.setTimeout(120_000); // two apps, and the machine is shared
  mkdirSync(SCREENS, { recursive: true });
  const ada = await launchApp('Ada');
  await new StartScreen(ada.page).createWorkspace('Churn model', 'Ada');
  const link = await invite(ada.page, 'Bob', 'editor');
  const bob = await launchApp('Bob');
  await new StartScreen(bob.page).join(link, '');
  await expect(bob.page.getByRole('heading', { name: 'Churn model' })).toBeVisible();

  // Ada opens an incident and hands it to Bob.
  const title = 'Null share of tenure_months doubled';
  const adaWs = new WorkspaceScreen(ada.page);
  await adaWs.createIncident({ title, severity: 'high', description: 'Since the vendor switch on Monday.' });
  const adaIncident = new IncidentScreen(ada.page);
  await expect(ada.page.getByRole('heading', { name: title })).toBeVisible();
  await adaIncident.assign('Bob (editor)');
  await expect(adaIncident.timeline()).toContainText('Ada assigned it to Bob');
  await adaWs.comment('Is it the new vendor feed? Their nulls look different.');

  // Bob acknowledges from the board, then moves it on with the keyboard alone.
  const bobBoard = new IncidentsScreen(bob.page);
  await bobBoard.open('Board');
  expect(bob.page.url()).toMatch(/\/incidents\?view=board$/);
  const card = bobBoard.card(title);
  await expect(bobBoard.column('open')).toContainText(title);
  await expect(card).toContainText('Bob');
  await expect(card).toContainText('high');
  await expect(card).toContainText('1 comment');
  await card.getByRole('button', { name: `Acknowledge: ${title}` }).click();
  await expect(bobBoard.column('acknowledged')).toContainText(title);
  await expect(bobBoard.column('open')).toContainText('Nothing new');
  // Focus follows the card to its new column, so the next key press acts on it.
  await expect(card.getByRole('link', { name: title })).toBeFocused();
  await bob.page.keyboard.press('Tab');
  await bob.page.keyboard.press('Tab');
  await expect(card.getByRole('button', { name: `Move ${title}` })).toBeFocused();
  await bob.page.keyboard.press('Enter');
  const moveMenu = bob.page.getByRole('menu', { name: `Move ${title}` });
  await expect(moveMenu.getByRole('menuitem', { name: 'To open' })).toBeFocused();
  await bob.page.screenshot({ path: join(SCREENS, 'incident-board-menu.png') });
  await bob.page.keyboard.press('ArrowDown'); // To investigating (acknowledged is left out)
  await expect(moveMenu.getByRole('menuitem', { name: 'To investigating' })).toBeFocused();
  await bob.page.keyboard.press('Enter');
  await expect(bobBoard.column('investigating')).toContainText(title);
  await expect(card.getByRole('link', { name: title })).toBeFocused();
  await bob.page.screenshot({ path: join(SCREENS, 'incident-board.png'), fullPage: true });

  // Ada sees who did what, live.
  await expect(adaIncident.timeline()).toContainText('Bob acknowledged');
  await expect(adaIncident.timeline()).toContainText('Bob started investigating');
  await expect(adaIncident.status()).toContainText('investigating');

  // Bob replies in Ada's thread with an @mention and reacts to her comment.
  await card.getByRole('link', { name: title }).click();
  const bobIncident = new IncidentScreen(bob.page);
  await bobIncident.reply('Is it the new vendor feed?', 'Yes: they send empty strings, not NULL. @Ada can you check the parser?');
  await bobIncident.react('Is it the new vendor feed?', 'eyes');
  const adaThread = adaIncident.thread('Is it the new vendor feed?');
  await expect(adaThread.getByRole('list', { name: 'Replies to Ada' })).toContainText('they send empty strings, not NULL');
  await expect(adaThread.locator('.mention')).toHaveText('@Ada');
  await expect(adaThread.getByRole('button', { name: 'eyes 1: Bob' })).toHaveAttribute('aria-pressed', 'false');
  await adaThread.getByRole('button', { name: 'eyes 1: Bob' }).click();
  await expect(adaThread.getByRole('button', { name: 'eyes 2: Bob, you' })).toHaveAttribute('aria-pressed', 'true');
  await expect(bobIncident.thread('Is it the new vendor feed?').getByRole('button', { name: 'eyes 2: you, Ada' })).toBeVisible();
  // The mention reaches Ada's inbox.
  await expect(ada.page.getByTestId('inbox-unread')).toHaveText('1');
  await ada.page.screenshot({ path: join(SCREENS, 'incident-detail-thread.png'), fullPage: true });

  // Ada resolves the thread; it folds for both of them.
  await adaThread.getByRole('button', { name: 'Resolve thread' }).click();
  await expect(adaThread).toContainText('Resolved by Ada');
  await expect(adaThread.getByText('they send empty strings')).toHaveCount(0);
  await expect(bobIncident.thread('Resolved by Ada')).toBeVisible();
  await ada.page.screenshot({ path: join(SCREENS, 'incident-detail-resolved.png'), fullPage: true });
  await adaThread.getByRole('button', { name: /Show thread \(2 comments\)/ }).click();
  await expect(adaThread).toContainText('they send empty strings');

  // The workflow: mitigated, resolved, reopened — each on the timeline with who did it.
  await adaIncident.step('Mark mitigated');
  await expect(adaIncident.status()).toContainText('mitigated');
  await adaIncident.step('Resolve');
  await expect(adaIncident.status()).toContainText('resolved');
  await expect(adaIncident.details().getByRole('group', { name: 'Next steps' }).getByRole('button')).toHaveText(['Reopen']);
  await adaIncident.step('Reopen');
  for (const line of ['Ada marked it mitigated', 'Ada resolved it', 'Ada reopened it']) await expect(bobIncident.timeline()).toContainText(line);
  await expect(bobIncident.status()).toContainText('open');

  // Filters in the list, kept in the URL.
  await adaWs.createIncident({ title: 'Label delay on the fraud feed', severity: 'low' });
  await expect(ada.page.getByRole('heading', { name: 'Label delay on the fraud feed' })).toBeVisible();
  const bobList = new IncidentsScreen(bob.page);
  await bobList.open('List');
  await expect.poll(() => bobList.listedTitles()).toEqual(['Label delay on the fraud feed', title]);
  await bobList.filters().getByLabel('Assignee').selectOption({ label: 'Assigned to me' });
  await expect.poll(() => bobList.listedTitles()).toEqual([title]);
  await bobList.filters().getByLabel('Assignee').selectOption({ label: 'Anyone' });
  await bobList.filters().getByLabel('Search').pressSequentially('fraud', { delay: 20 });
  await expect.poll(() => bobList.listedTitles()).toEqual(['Label delay on the fraud feed']);
  await expect(bobList.filters().getByLabel('Search')).toHaveValue('fraud');
  expect(bob.page.url()).toContain('q=fraud');
  await bobList.filters().getByLabel('Severity').selectOption('high');
  await expect(bob.page.getByText('No incidents match these filters (2 in all)')).toBeVisible();
  await bob.page.getByRole('button', { name: 'Clear filters' }).first().click();
  await bobList.filters().getByLabel('Status').selectOption({ label: 'open' });
  await bobList.filters().getByLabel('Severity').selectOption('high');
  await expect.poll(() => bobList.listedTitles()).toEqual([title]);
  await bob.page.screenshot({ path: join(SCREENS, 'incident-list.png') });
  // A reload (or a copied link) brings the same filtered view back.
  await bob.page.reload();
  await expect(bobList.filters().getByLabel('Severity')).toHaveValue('high');
  await expect.poll(() => bobList.listedTitles()).toEqual([title]);
});

test('an incident opened from a drift comparison links its data and shows its drift report', async ({ launchApp }) => {
  mkdirSync(SCREENS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-e2e-incident-data-'));
  try {
    const lines = readFileSync(join(repoRoot, 'node_modules/vega-datasets/data/seattle-weather.csv'), 'utf8').trim().split('\n');
    const files = ['2012', '2015'].map((year) => {
      const path = join(dir, `seattle-${year}.csv`);
      writeFileSync(path, [lines[0], ...lines.slice(1).filter((l) => l.startsWith(year))].join('\n') + '\n');
      return path;
    });
    const app = await launchApp('Ada');
    await new StartScreen(app.page).createWorkspace('Weather model', 'Ada');
    const page = app.page;
    await page.getByRole('link', { name: 'Datasets' }).click();
    const add = page.getByRole('form', { name: 'Add a dataset version' });
    for (const path of files) {
      await add.getByLabel('File on this machine').fill(path);
      await add.getByLabel('Dataset').fill('seattle-weather');
      await add.getByRole('button', { name: 'Profile and add' }).click();
      await expect(add.getByRole('status').filter({ hasText: 'Added' })).toContainText(/rows, 6 columns/, { timeout: 30_000 });
    }
    const compare = page.getByRole('form', { name: 'Compare two versions' });
    for (const [field, file] of [['Reference', 'seattle-2012'], ['Current', 'seattle-2015']] as const) {
      const select = compare.getByLabel(field);
      await select.selectOption((await select.locator('option', { hasText: file }).getAttribute('value'))!);
    }
    await compare.getByRole('button', { name: 'Compare' }).click();
    // The proposed column mapping leaves the date (the timestamp) out.
    await expect(page.getByTestId('drift-verdict')).toContainText('3 of 5 columns drifted', { timeout: 30_000 });

    await page.getByRole('button', { name: 'Open an incident for this drift' }).click();
    await expect(page.getByRole('heading', { name: 'seattle-weather: drift from seattle-2012.csv to seattle-2015.csv' })).toBeVisible();
    const incident = new IncidentScreen(page);
    const links = incident.details().getByRole('region', { name: 'Links' });
    await expect(links.getByRole('link', { name: 'seattle-2012.csv' })).toBeVisible();
    await expect(links.getByRole('link', { name: 'seattle-2015.csv' })).toBeVisible();
    const report = page.getByRole('region', { name: 'Drift report' });
    await expect(report.getByTestId('drift-verdict')).toContainText('Dataset drift: 3 of 5 columns drifted');
    await expect(report.getByRole('table', { name: 'Drift by column' }).getByRole('row', { name: /weather categorical chisquare/ })).toContainText('drift');
    await expect(report.getByRole('figure', { name: 'Reference and current distribution of temp_max' })).toBeVisible();
    await page.screenshot({ path: join(SCREENS, 'incident-detail-report.png'), fullPage: true });

    // The comparison now points at its incident instead of offering another one.
    await links.getByRole('link', { name: 'as a comparison' }).click();
    await expect(page.getByRole('link', { name: 'seattle-weather: drift from seattle-2012.csv to seattle-2015.csv' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Open an incident for this drift' })).toHaveCount(0);
    await page.getByRole('link', { name: 'seattle-weather: drift from seattle-2012.csv to seattle-2015.csv' }).click();
    await links.getByRole('link', { name: 'seattle-2015.csv' }).click();
    await expect(page.getByRole('heading', { name: /seattle-2015.csv/ })).toBeVisible();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
